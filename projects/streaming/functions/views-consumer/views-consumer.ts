/**
 * Views consumer (Kinesis event source mapping, `ReportBatchItemFailures`, bisect on error):
 * counts views (`start` events) and completions (`complete` events) per video.
 *
 * ## Exactly once per event, under any parallelization factor
 * With `parallelizationFactor` above 1, Lambda runs several batches of one shard at once, ordered
 * per partition key (the playback session) only; a re-delivery after a failure repeats records;
 * a player that retries a request puts the same event twice. A per-shard checkpoint on the video
 * cannot tell those apart from new records (it skips a concurrent batch's older sequence numbers),
 * so counting is idempotent per event instead: each counted event leaves a marker item (its
 * `eventId`, expiring after the stream's retention and then some) written in the SAME DynamoDB
 * transaction as the counter `ADD`, on the condition that the marker does not exist yet. Two
 * batches that race on one video serialize in DynamoDB; an event already counted cancels the
 * transaction with a condition failure on its marker, and the rest are retried without it.
 *
 * One transaction per video per batch (up to 99 events each: the video's update is the 100th
 * item). A failure that is not a condition (throttling, a conflict that kept losing) reports the
 * video's earliest record of the batch, so Lambda re-delivers from there and the markers make the
 * repeat exact. Events for unknown videos and malformed records are skipped (logged): they would
 * fail forever.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import type { Log } from "../shared/tables";
import { type StreamedViewEvent, viewEventProblems } from "../shared/view-events";

export interface ViewsConsumerDeps {
  documents: DynamoDBDocumentClient;
  videosTable: string;
  /** Markers of counted events: partition key `eventId`, TTL attribute `expiresAt`. */
  countedTable: string;
  /** How long a marker lives, in seconds: longer than the stream's retention plus retries. Default: 8 days. */
  markerTtlSeconds?: number;
  logger: Log;
  now?: () => Date;
}

/** The markers table's key and TTL attribute (the infrastructure and the handler share them). */
export const COUNTED_EVENTS_TABLE = { partitionKey: "eventId", ttlAttribute: "expiresAt" } as const;

interface Counted {
  sequenceNumber: string;
  event: StreamedViewEvent;
}

const seqLess = (a: string, b: string) => BigInt(a) < BigInt(b);
/** Items per transaction (DynamoDB's limit), one of them the video's update. */
const MaxEventsPerTransaction = 99;
/** Attempts of one transaction while events drop out as already counted, or conflicts repeat. */
const MaxAttempts = 6;

export function createViewsConsumer(deps: ViewsConsumerDeps) {
  const ttl = deps.markerTtlSeconds ?? 8 * 24 * 3600;
  const now = deps.now ?? (() => new Date());

  /** Count these events of one video; returns "done", "unknown-video" or "failed". */
  async function countVideo(videoId: string, events: Counted[]): Promise<"done" | "unknown-video" | "failed"> {
    let pending = events;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MaxAttempts) return "failed";
      const views = pending.filter((c) => c.event.type === "start").length;
      const completions = pending.filter((c) => c.event.type === "complete").length;
      const expiresAt = Math.floor(now().getTime() / 1000) + ttl;
      try {
        await deps.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              ...pending.map((c) => ({
                Put: {
                  TableName: deps.countedTable,
                  Item: { eventId: c.event.eventId, videoId, type: c.event.type, sequenceNumber: c.sequenceNumber, expiresAt },
                  ConditionExpression: "attribute_not_exists(eventId)",
                },
              })),
              {
                Update: {
                  TableName: deps.videosTable,
                  Key: { videoId },
                  UpdateExpression: "ADD viewCount :views, completionCount :completions",
                  ConditionExpression: "attribute_exists(videoId)",
                  ExpressionAttributeValues: { ":views": views, ":completions": completions },
                },
              },
            ],
          }),
        );
        return "done";
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) {
          deps.logger.error("counters not updated", { videoId, error: String(error) });
          return "failed";
        }
        const reasons = error.CancellationReasons ?? [];
        if (reasons[pending.length]?.Code === "ConditionalCheckFailed") {
          deps.logger.warn("views for an unknown video: skipped", { videoId, events: pending.length });
          return "unknown-video";
        }
        const counted = new Set(reasons.flatMap((r, i) => (i < pending.length && r.Code === "ConditionalCheckFailed" ? [i] : [])));
        if (counted.size > 0) {
          pending = pending.filter((_, i) => !counted.has(i));
          continue;
        }
        // TransactionConflict (a racing batch on the same video), throttling: try again shortly.
        if (reasons.some((r) => r.Code && !["None", "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"].includes(r.Code))) {
          deps.logger.error("counters not updated", { videoId, reasons: reasons.map((r) => r.Code) });
          return "failed";
        }
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 30));
      }
    }
    return "done";
  }

  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const byVideo = new Map<string, Counted[]>();
    const seen = new Set<string>();
    for (const r of event.Records) {
      let e: StreamedViewEvent;
      try {
        e = JSON.parse(Buffer.from(r.kinesis.data, "base64").toString("utf8"));
        const { receivedAt, ...viewEvent } = e;
        const problems = viewEventProblems(viewEvent);
        if (problems.length > 0 || typeof receivedAt !== "string") throw new Error(problems.join("; ") || "receivedAt missing");
      } catch (error) {
        deps.logger.warn("malformed view event: skipped", { sequenceNumber: r.kinesis.sequenceNumber, error: String(error) });
        continue;
      }
      if (e.type !== "start" && e.type !== "complete") continue;
      if (seen.has(e.eventId)) continue; // the same event twice in one batch (a producer retry)
      seen.add(e.eventId);
      const list = byVideo.get(e.videoId) ?? [];
      list.push({ sequenceNumber: r.kinesis.sequenceNumber, event: e });
      byVideo.set(e.videoId, list);
    }

    let earliestFailure: string | undefined;
    for (const [videoId, events] of byVideo) {
      for (let i = 0; i < events.length; i += MaxEventsPerTransaction) {
        const chunk = events.slice(i, i + MaxEventsPerTransaction);
        const outcome = await countVideo(videoId, chunk);
        if (outcome === "failed") {
          const first = chunk.reduce((min, c) => (seqLess(c.sequenceNumber, min) ? c.sequenceNumber : min), chunk[0]!.sequenceNumber);
          if (earliestFailure === undefined || seqLess(first, earliestFailure)) earliestFailure = first;
        }
        if (outcome === "unknown-video") break;
      }
    }
    // Lambda re-delivers from the lowest reported sequence number: report that one.
    return { batchItemFailures: earliestFailure !== undefined ? [{ itemIdentifier: earliestFailure }] : [] };
  };
}
