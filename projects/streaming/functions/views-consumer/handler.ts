/** Lambda entry: Kinesis event source mapping on the view-events stream (VIDEOS_TABLE_NAME). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { requireEnv } from "../shared/tables";
import { createViewsConsumer } from "./views-consumer";

const env = requireEnv("views-consumer", process.env, ["VIDEOS_TABLE_NAME"]);

export const handler = createViewsConsumer({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  videosTable: env.VIDEOS_TABLE_NAME,
  logger: new Logger({ serviceName: "streaming-views-consumer" }),
});
