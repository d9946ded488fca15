/** Lambda entry point of POST /transfers (see start-transfer.ts). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { readEnv } from "../env";
import { documentClient } from "../transfer/history";
import { createStartTransferHandler } from "./start-transfer";

const env = readEnv("start-transfer", process.env, ["STATE_MACHINE_ARN", "ACTIVITY_TABLE_NAME", "ACTIVITY_RETENTION_DAYS"], { ACTIVITY_RETENTION_DAYS: { min: 1, max: 3650 } });

export const handler = createStartTransferHandler({
  sfn: new SFNClient({}),
  dynamodb: documentClient(new DynamoDBClient({})),
  stateMachineArn: env.STATE_MACHINE_ARN,
  activityTable: env.ACTIVITY_TABLE_NAME,
  activityRetentionDays: Number(env.ACTIVITY_RETENTION_DAYS),
});
