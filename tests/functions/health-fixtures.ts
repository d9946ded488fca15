/**
 * Fixtures for the health-records handler tests: dynalite with the readings and care-team tables,
 * s3rver with the readings lake bucket, and the integration workflow executed by
 * aws-local-stepfunctions with its Lambda steps running the real handlers and its service
 * integrations run against the same emulators (DynamoDB updateItem on dynalite, with its real
 * conditional semantics) or recorded (SNS, Glue, SQS).
 */
import { CreateTableCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startDynalite, type Dynalite } from "./streaming-fixtures";
import { CARE_TEAM_TABLE, READINGS_TABLE } from "../../projects/health-records/functions/readings/table";
import { createNormaliseStep, createStoreStep } from "../../projects/health-records/functions/integration/steps";
import { integrationWorkflowDefinition, type IntegrationWorkflowTargets } from "../../projects/health-records/integration-workflow";
import { executeLocally, type LocalExecution } from "../helpers/local-workflow";

const S3rver = require("s3rver");

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const READINGS_TABLE_NAME = "device-readings";
export const CARE_TEAM_TABLE_NAME = "care-team";
export const LAKE_BUCKET = "readings-lake";

export const TARGETS: IntegrationWorkflowTargets = {
  normalise: "arn:aws:lambda:us-east-1:123456789012:function:health-records-dev-fhir-normalise",
  store: "arn:aws:lambda:us-east-1:123456789012:function:health-records-dev-store-observations",
  alertTopicArn: "arn:aws:sns:us-east-1:123456789012:health-records-dev-vital-alerts",
  readingsTable: READINGS_TABLE_NAME,
  etlJobName: "health-records-dev-observations-to-curated",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/health-records-dev-readings-dead-letter",
};
export const definition = () => integrationWorkflowDefinition(TARGETS);


export interface Execution extends LocalExecution {
  name: string;
}

export interface HealthWorld {
  dynamo: Dynalite;
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  /** What the service integrations received. */
  alerts: any[];
  etlStarts: any[];
  deadLetters: any[];
  executions: Execution[];
  /** Replace a Lambda step's handler (e.g. to inject a failure). */
  overrides: Record<string, (input: any) => Promise<any>>;
  /** Glue answers ConcurrentRunsExceeded while true. */
  etlRunning: boolean;
  /** An SFN client that runs the workflow locally on StartExecution (named executions are unique, as in Step Functions). */
  sfn: { send(command: unknown): Promise<any> };
  run(input: unknown, name?: string): Promise<Execution>;
  stop(): Promise<void>;
}

export async function startHealthWorld(): Promise<HealthWorld> {
  const dynamo = await startDynalite();
  const documents = DynamoDBDocumentClient.from(dynamo.client);
  for (const t of [
    { name: READINGS_TABLE_NAME, pk: READINGS_TABLE.partitionKey, sk: READINGS_TABLE.sortKey },
    { name: CARE_TEAM_TABLE_NAME, pk: CARE_TEAM_TABLE.partitionKey, sk: CARE_TEAM_TABLE.sortKey },
  ]) {
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: t.name,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: t.pk, KeyType: "HASH" },
          { AttributeName: t.sk, KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: t.pk, AttributeType: "S" },
          { AttributeName: t.sk, AttributeType: "S" },
        ],
      }),
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-health-"));
  const s3server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: LAKE_BUCKET }] });
  const { port } = (await s3server.run()) as AddressInfo;
  const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials, forcePathStyle: true });

  const lambdas: Record<string, (input: any) => Promise<any>> = {
    [TARGETS.normalise]: createNormaliseStep(),
    [TARGETS.store]: createStoreStep({ s3, bucket: LAKE_BUCKET }),
  };
  const names = new Set<string>();
  const world: HealthWorld = {
    dynamo,
    documents,
    s3,
    alerts: [],
    etlStarts: [],
    deadLetters: [],
    executions: [],
    overrides: {},
    etlRunning: false,
    sfn: {
      async send(command: unknown) {
        if (!(command instanceof StartExecutionCommand)) throw new Error("the local SFN client only starts executions");
        const { name, input } = command.input;
        if (names.has(name!)) throw Object.assign(new Error(`Execution Already Exists: '${name}'`), { name: "ExecutionAlreadyExists" });
        names.add(name!);
        await world.run(JSON.parse(input!), name);
        return { executionArn: `arn:aws:states:us-east-1:123456789012:execution:health-records-dev-integration:${name}`, startDate: new Date() };
      },
    },
    async run(input, name = randomUUID()) {
      const def = definition() as { States: Record<string, any> };
      const handlers: Record<string, (input: any) => Promise<any>> = {};
      for (const [state, s] of Object.entries<any>(def.States)) {
        if (s.Type !== "Task") continue;
        handlers[state] = world.overrides[state] ?? lambdas[s.Resource] ?? service(s.Resource, name);
      }
      const result: Execution = { name, ...(await executeLocally(def, input, { handlers, context: { Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:health-records-dev-integration:${name}`, Name: name } } })) };
      world.executions.push(result);
      return result;
    },
    async stop() {
      s3.destroy();
      await s3server.close();
      await dynamo.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };

  /** The service integrations, as Step Functions calls them (errors named `<Service>.<Exception>`). */
  function service(resource: string, _execution: string): (input: any) => Promise<any> {
    switch (resource) {
      case "arn:aws:states:::sns:publish":
        return async (p) => {
          if (p.TopicArn !== TARGETS.alertTopicArn) throw new Error(`published to ${p.TopicArn}`);
          world.alerts.push({ ...p, message: JSON.parse(p.Message) });
          return { MessageId: randomUUID() };
        };
      case "arn:aws:states:::dynamodb:updateItem":
        return async (p) => {
          try {
            return await dynamo.client.send(new UpdateItemCommand(p));
          } catch (e: any) {
            throw Object.assign(new Error(e.message), { name: `DynamoDB.${e.name}` });
          }
        };
      case "arn:aws:states:::glue:startJobRun":
        return async (p) => {
          if (world.etlRunning) throw Object.assign(new Error("Concurrent runs exceeded"), { name: "Glue.ConcurrentRunsExceededException" });
          world.etlStarts.push(p);
          return { JobRunId: `jr_${randomUUID()}` };
        };
      case "arn:aws:states:::sqs:sendMessage":
        return async (p) => {
          world.deadLetters.push({ queueUrl: p.QueueUrl, body: typeof p.MessageBody === "string" ? JSON.parse(p.MessageBody) : p.MessageBody });
          return { MessageId: randomUUID() };
        };
      default:
        throw new Error(`Task resource ${resource} is none of the workflow's targets`);
    }
  }
  return world;
}

let seq = 0;
/** A well-formed topic-rule message: the device's reading plus what the rule adds. */
export function ruleMessage(over: Record<string, unknown> = {}, vitals: Record<string, unknown> = { heartRate: 72, spo2: 97, temperatureC: 36.8, respiratoryRate: 16, systolic: 120, diastolic: 80 }) {
  const receivedAt = Date.parse("2026-12-03T08:15:30Z") + seq++ * 1000;
  const device = (over.clientId as string | undefined) ?? "monitor-ward3-bed12";
  return { readingId: randomUUID(), patientId: "pat-000123", observedAt: new Date(receivedAt - 20_000).toISOString(), vitals, clientId: device, topic: `hospital/dev/devices/${device}/readings`, receivedAt, ...over };
}
