/** Lambda entry: Kinesis event source mapping on the view-events stream (VIDEOS_TABLE_NAME, COUNTED_EVENTS_TABLE_NAME, MARKER_TTL_SECONDS). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { requireEnv } from "../shared/tables";
import { createViewsConsumer } from "./views-consumer";

const env = requireEnv("views-consumer", process.env, ["VIDEOS_TABLE_NAME", "COUNTED_EVENTS_TABLE_NAME", "MARKER_TTL_SECONDS"]);

export const handler = createViewsConsumer({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  videosTable: env.VIDEOS_TABLE_NAME,
  countedTable: env.COUNTED_EVENTS_TABLE_NAME,
  markerTtlSeconds: Number(env.MARKER_TTL_SECONDS),
  logger: new Logger({ serviceName: "streaming-views-consumer" }),
});
