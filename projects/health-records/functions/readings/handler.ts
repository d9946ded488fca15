/**
 * Lambda entry: the IoT topic rule's Lambda action (one device message per invocation). Emits
 * `StoredReadings`, `DuplicateReadings` and `RejectedReadings` (embedded metric format, namespace
 * `HealthRecords/Readings`), which the project's alarms watch.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { requireEnv } from "../env";
import { createIngest } from "./ingest";

const env = requireEnv("ingest-reading", process.env, ["READINGS_TABLE_NAME", "STATE_MACHINE_ARN", "READINGS_RETENTION_DAYS"]);
const metrics = new Metrics({ namespace: "HealthRecords/Readings", serviceName: "ingest-reading" });
const METRIC = { stored: "StoredReadings", duplicate: "DuplicateReadings", rejected: "RejectedReadings" } as const;

const ingest = createIngest({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  sfn: new SFNClient({}),
  readingsTable: env.READINGS_TABLE_NAME,
  stateMachineArn: env.STATE_MACHINE_ARN,
  retentionDays: Number(env.READINGS_RETENTION_DAYS),
  logger: new Logger({ serviceName: "health-records-ingest-reading" }),
  onResult: (status) => metrics.addMetric(METRIC[status], MetricUnit.Count, 1),
});

export const handler = async (message: unknown) => {
  try {
    return await ingest(message);
  } finally {
    metrics.publishStoredMetrics();
  }
};
