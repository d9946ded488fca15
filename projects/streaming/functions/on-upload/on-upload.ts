/**
 * On upload (S3 ObjectCreated on the uploads bucket): register the video (status UPLOADED) and
 * enqueue its transcoding job.
 *
 * Idempotent on the S3 object (bucket, key, version): the video id is derived from them, the
 * registration is a conditional put, and `jobEnqueuedAt` records that the job was handed to SQS.
 * A retried event (S3 delivers at least once; Lambda retries async failures) finds the video and
 * only enqueues if the earlier attempt died between the put and the send. The queue is standard
 * (at least once): workers treat a job for a video whose renditions exist as done.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Event, S3EventRecord } from "aws-lambda";
import { createHash } from "node:crypto";
import { type Log, type TranscodeJob, type Video, VIDEOS_TABLE } from "../shared/tables";

export interface OnUploadDeps {
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
  videosTable: string;
  jobQueueUrl: string;
  logger: Log;
  now?: () => Date;
}

/** The video id of an uploaded object version: stable across retries of the same event. */
export function videoIdFor(bucket: string, key: string, versionOrETag: string): string {
  return createHash("sha256").update(`${bucket}/${key}#${versionOrETag}`).digest("hex").slice(0, 32);
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

export type OnUploadResult = { videoId: string; registered: boolean; enqueued: boolean }[];

export function createOnUploadHandler(deps: OnUploadDeps): (event: S3Event) => Promise<OnUploadResult> {
  const now = deps.now ?? (() => new Date());

  async function handleRecord(record: S3EventRecord) {
    const bucket = record.s3.bucket.name;
    const key = decodeS3Key(record.s3.object.key);
    const versionId = record.s3.object.versionId;
    const videoId = videoIdFor(bucket, key, versionId ?? record.s3.object.eTag ?? record.s3.object.sequencer);
    const at = now().toISOString();
    const video: Video = {
      videoId,
      status: "UPLOADED",
      createdAt: at,
      updatedAt: at,
      title: key.split("/").pop()!.replace(/\.[^.]+$/, ""),
      uploadBucket: bucket,
      uploadKey: key,
      ...(versionId ? { uploadVersionId: versionId } : {}),
      sizeBytes: record.s3.object.size,
    };

    let registered = true;
    try {
      await deps.documents.send(new PutCommand({ TableName: deps.videosTable, Item: video, ConditionExpression: "attribute_not_exists(#id)", ExpressionAttributeNames: { "#id": VIDEOS_TABLE.partitionKey } }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      registered = false;
      const existing = (await deps.documents.send(new GetCommand({ TableName: deps.videosTable, Key: { videoId }, ConsistentRead: true }))).Item as Video | undefined;
      if (existing?.jobEnqueuedAt) {
        deps.logger.info("upload already registered and queued", { videoId, key });
        return { videoId, registered, enqueued: false };
      }
    }

    const job: TranscodeJob = { videoId, source: { bucket, key, ...(versionId ? { versionId } : {}) }, outputPrefix: `${videoId}/`, requestedAt: at };
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.jobQueueUrl,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { videoId: { DataType: "String", StringValue: videoId } },
      }),
    );
    try {
      await deps.documents.send(
        new UpdateCommand({
          TableName: deps.videosTable,
          Key: { videoId },
          UpdateExpression: "SET jobEnqueuedAt = :at",
          ConditionExpression: "attribute_exists(videoId) AND attribute_not_exists(jobEnqueuedAt)",
          ExpressionAttributeValues: { ":at": at },
        }),
      );
    } catch (error) {
      // A concurrent duplicate marked it first: its job and ours are the same job (workers are idempotent).
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    deps.logger.info("video registered and transcoding job queued", { videoId, key, registered });
    return { videoId, registered, enqueued: true };
  }

  return async (event) => {
    const results: OnUploadResult = [];
    const errors: unknown[] = [];
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith("ObjectCreated:")) continue;
      if (record.s3.object.key.endsWith("/")) continue; // a "folder" marker, not a video
      try {
        results.push(await handleRecord(record));
      } catch (error) {
        deps.logger.error("upload not processed", { key: record.s3.object.key, error });
        errors.push(error);
      }
    }
    // Every record was tried; throw so Lambda retries the event (the done ones are idempotent).
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${event.Records.length} uploads failed`);
    return results;
  };
}
