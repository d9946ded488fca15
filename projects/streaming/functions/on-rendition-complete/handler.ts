/** Lambda entry: renditions bucket manifests (S3) or worker messages (SQS) (VIDEOS_TABLE_NAME, NEW_CONTENT_TOPIC_ARN). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { requireEnv } from "../shared/tables";
import { createRenditionCompleteHandler } from "./on-rendition-complete";

const env = requireEnv("on-rendition-complete", process.env, ["VIDEOS_TABLE_NAME", "NEW_CONTENT_TOPIC_ARN"]);

export const handler = createRenditionCompleteHandler({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  sns: new SNSClient({}),
  videosTable: env.VIDEOS_TABLE_NAME,
  topicArn: env.NEW_CONTENT_TOPIC_ARN,
  logger: new Logger({ serviceName: "streaming-on-rendition-complete" }),
});
