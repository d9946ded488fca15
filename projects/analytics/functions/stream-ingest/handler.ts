/**
 * Lambda entry: Kinesis event source mapping on the ingest stream. Emits `ValidEvents`,
 * `MalformedRecords` and `RetriedRecords` as CloudWatch metrics (embedded metric format, namespace
 * `Analytics/Ingest`), which the project's alarms watch.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { KinesisStreamEvent } from "aws-lambda";
import { requireEnv } from "../shared/events";
import { createStreamIngest } from "./ingest";

const env = requireEnv("stream-ingest", process.env, ["RAW_BUCKET_NAME", "SESSIONS_TABLE_NAME", "ACTIVITY_TABLE_NAME", "SESSIONS_RETENTION_DAYS", "ACTIVITY_RETENTION_DAYS"]);
const metrics = new Metrics({ namespace: "Analytics/Ingest", serviceName: "stream-ingest" });

const ingest = createStreamIngest({
  s3: new S3Client({}),
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  rawBucket: env.RAW_BUCKET_NAME,
  sessionsTable: env.SESSIONS_TABLE_NAME,
  activityTable: env.ACTIVITY_TABLE_NAME,
  retentionDays: { sessions: Number(env.SESSIONS_RETENTION_DAYS), activity: Number(env.ACTIVITY_RETENTION_DAYS) },
  logger: new Logger({ serviceName: "analytics-stream-ingest" }),
  onCounts: (c) => {
    metrics.addMetric("ValidEvents", MetricUnit.Count, c.valid);
    metrics.addMetric("MalformedRecords", MetricUnit.Count, c.malformed);
    metrics.addMetric("RetriedRecords", MetricUnit.Count, c.retried);
  },
});

export const handler = async (event: KinesisStreamEvent) => {
  try {
    return await ingest(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
