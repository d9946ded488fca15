/**
 * Fixtures for the banking workflow tests: a real PostgreSQL with the ledger schema, dynalite with
 * the history table, the real step handlers wired to them, and the transfer workflow executed by
 * aws-local-stepfunctions with each Task state running its real handler.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as path from "node:path";
import { Pool } from "pg";
import { startPostgres, type Postgres } from "../helpers/postgres";
import { startDynalite, type Dynalite } from "./streaming-fixtures";
import { createLedgerHandler } from "../../projects/banking/functions/transfer/ledger";
import { createFraudCheckHandler } from "../../projects/banking/functions/transfer/fraud-check";
import { createRecordHistoryHandler, HISTORY_TABLE } from "../../projects/banking/functions/transfer/history";
import { createNotifyHandler } from "../../projects/banking/functions/transfer/notify";
import { transferWorkflowDefinition, type TransferWorkflowFunctions } from "../../projects/banking/transfer-workflow";

import "../helpers/local-workflow"; // Promise.withResolvers on Node 20 (aws-local-stepfunctions 3)

export const FUNCTIONS: TransferWorkflowFunctions = {
  ledger: "arn:aws:lambda:us-east-1:123456789012:function:banking-dev-transfer-ledger",
  fraudCheck: "arn:aws:lambda:us-east-1:123456789012:function:banking-dev-fraud-check",
  recordHistory: "arn:aws:lambda:us-east-1:123456789012:function:banking-dev-record-history",
  notify: "arn:aws:lambda:us-east-1:123456789012:function:banking-dev-notify",
};
export const HISTORY_TABLE_NAME = "transaction-history";
export const LIMITS = { maxSingleCents: 1_000_000, maxDailyCents: 1_200_000 };

export interface BankWorld {
  pg: Postgres;
  pool: Pool;
  dynamo: Dynalite;
  sns: ReturnType<typeof mockClient>;
  /** Each Task state's real handler, as the deployed state machine would call its function. */
  handlersFor(definition: any): Record<string, (input: any) => Promise<any>>;
  stop(): Promise<void>;
}

export async function startBankWorld(): Promise<BankWorld> {
  const pg = await startPostgres();
  const pool = new Pool({ connectionString: pg.url, max: 4 });
  await pool.query(fs.readFileSync(path.join(__dirname, "../../projects/banking/functions/transfer/schema.sql"), "utf8"));
  const dynamo = await startDynalite();
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: HISTORY_TABLE_NAME,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: HISTORY_TABLE.partitionKey, AttributeType: "S" },
        { AttributeName: HISTORY_TABLE.sortKey, AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: HISTORY_TABLE.partitionKey, KeyType: "HASH" },
        { AttributeName: HISTORY_TABLE.sortKey, KeyType: "RANGE" },
      ],
    }),
  );
  const snsClient = new SNSClient({ region: "us-east-1" });
  const sns = mockClient(snsClient);
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  const byArn: Record<string, (input: any) => Promise<any>> = {
    [FUNCTIONS.ledger]: createLedgerHandler(pool) as any,
    [FUNCTIONS.fraudCheck]: createFraudCheckHandler(dynamo.client, HISTORY_TABLE_NAME, LIMITS) as any,
    [FUNCTIONS.recordHistory]: createRecordHistoryHandler(dynamo.client, HISTORY_TABLE_NAME) as any,
    [FUNCTIONS.notify]: createNotifyHandler(snsClient, "arn:aws:sns:us-east-1:123456789012:banking-dev-notifications") as any,
  };
  return {
    pg,
    pool,
    dynamo,
    sns,
    handlersFor(definition) {
      const out: Record<string, (input: any) => Promise<any>> = {};
      for (const [name, state] of Object.entries<any>(definition.States)) {
        if (state.Type !== "Task") continue;
        const handler = byArn[state.Resource];
        if (!handler) throw new Error(`Task ${name} calls ${state.Resource}, which is none of the workflow's functions`);
        out[name] = handler;
      }
      return out;
    },
    async stop() {
      sns.restore();
      await pool.end();
      await dynamo.stop();
      pg.stop();
    },
  };
}

export const definition = () => transferWorkflowDefinition(FUNCTIONS);
