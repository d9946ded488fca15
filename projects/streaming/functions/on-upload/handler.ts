/** Lambda entry: S3 ObjectCreated on the uploads bucket (VIDEOS_TABLE_NAME, JOB_QUEUE_URL). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { requireEnv } from "../shared/tables";
import { createOnUploadHandler } from "./on-upload";

const env = requireEnv("on-upload", process.env, ["VIDEOS_TABLE_NAME", "JOB_QUEUE_URL"]);

export const handler = createOnUploadHandler({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  sqs: new SQSClient({}),
  videosTable: env.VIDEOS_TABLE_NAME,
  jobQueueUrl: env.JOB_QUEUE_URL,
  logger: new Logger({ serviceName: "streaming-on-upload" }),
});
