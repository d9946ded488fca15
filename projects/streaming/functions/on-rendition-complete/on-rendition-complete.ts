/**
 * On rendition complete: mark the video PUBLISHED and tell subscribers (SNS, KMS-encrypted topic).
 *
 * Two sources, one logic:
 * - an S3 ObjectCreated event on the renditions bucket for `<videoId>/<manifest>.m3u8|.mpd` (the
 *   bucket notification filters the master manifest), thrown on failure so Lambda retries;
 * - an SQS message from a worker (`RenditionComplete` body), with partial batch failures.
 *
 * Exactly one "published" state change (a conditional update), at least one notification: the
 * notification is recorded (`notifiedAt`) after SNS accepts it, so a retry after a failed publish
 * publishes again, and a duplicate event after a successful one does not.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Event, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { decodeS3Key } from "../on-upload/on-upload";
import { type Log, type RenditionComplete, type Video } from "../shared/tables";

export interface OnRenditionDeps {
  documents: DynamoDBDocumentClient;
  sns: SNSClient;
  videosTable: string;
  topicArn: string;
  logger: Log;
  now?: () => Date;
}

export type Outcome = "published" | "already-notified" | "unknown-video";

/** `<videoId>/...` in the renditions bucket → the video id. */
export function videoIdFromRenditionKey(key: string): string | undefined {
  const m = /^([0-9a-f]{32})\/.+\.(m3u8|mpd)$/.exec(key);
  return m?.[1];
}

export function createRenditionCompleteHandler(deps: OnRenditionDeps) {
  const now = deps.now ?? (() => new Date());

  async function complete(done: RenditionComplete): Promise<Outcome> {
    const at = now().toISOString();
    let video: Video | undefined;
    try {
      video = (
        await deps.documents.send(
          new UpdateCommand({
            TableName: deps.videosTable,
            Key: { videoId: done.videoId },
            UpdateExpression: "SET #status = :published, updatedAt = :at, publishedAt = :at, manifestKey = :manifest",
            ConditionExpression: "attribute_exists(videoId) AND #status <> :published",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":published": "PUBLISHED", ":at": at, ":manifest": done.manifestKey },
            ReturnValues: "ALL_NEW",
          }),
        )
      ).Attributes as Video;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      video = (await deps.documents.send(new GetCommand({ TableName: deps.videosTable, Key: { videoId: done.videoId }, ConsistentRead: true }))).Item as Video | undefined;
      if (!video) {
        deps.logger.warn("renditions for an unknown video: ignored", { ...done });
        return "unknown-video";
      }
      if (video.notifiedAt) return "already-notified";
    }

    await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Subject: "New content",
        Message: JSON.stringify({ type: "video.published", videoId: video.videoId, title: video.title, manifestKey: video.manifestKey, publishedAt: video.publishedAt }),
        MessageAttributes: { eventType: { DataType: "String", StringValue: "video.published" } },
      }),
    );
    try {
      await deps.documents.send(
        new UpdateCommand({
          TableName: deps.videosTable,
          Key: { videoId: video.videoId },
          UpdateExpression: "SET notifiedAt = :at",
          ConditionExpression: "attribute_not_exists(notifiedAt)",
          ExpressionAttributeValues: { ":at": at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    deps.logger.info("video published", { videoId: video.videoId });
    return "published";
  }

  /** S3 event: throw if any record failed (Lambda retries the event; completed ones are no-ops). */
  async function fromS3(event: S3Event): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const errors: unknown[] = [];
    for (const r of event.Records) {
      const key = decodeS3Key(r.s3.object.key);
      const videoId = videoIdFromRenditionKey(key);
      if (!videoId) {
        deps.logger.warn("not a manifest under <videoId>/: ignored", { key });
        continue;
      }
      try {
        outcomes.push(await complete({ videoId, manifestKey: key }));
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} renditions not published`);
    return outcomes;
  }

  /** SQS batch from the workers: failures reported per message. */
  async function fromSqs(event: SQSEvent): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const m of event.Records) {
      let body: RenditionComplete;
      try {
        body = JSON.parse(m.body);
        if (typeof body.videoId !== "string" || typeof body.manifestKey !== "string") throw new Error("videoId and manifestKey must be strings");
      } catch (error) {
        // A malformed message never gets better: log and drop it rather than loop on it.
        deps.logger.error("malformed rendition message: dropped", { messageId: m.messageId, error });
        continue;
      }
      try {
        await complete(body);
      } catch (error) {
        deps.logger.error("rendition not published", { messageId: m.messageId, error });
        batchItemFailures.push({ itemIdentifier: m.messageId });
      }
    }
    return { batchItemFailures };
  }

  return async (event: S3Event | SQSEvent): Promise<Outcome[] | SQSBatchResponse> => {
    const first = event.Records?.[0] as { eventSource?: string } | undefined;
    return first?.eventSource === "aws:sqs" ? fromSqs(event as SQSEvent) : fromS3(event as S3Event);
  };
}
