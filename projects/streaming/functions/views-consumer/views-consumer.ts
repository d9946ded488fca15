/**
 * Views consumer (Kinesis event source mapping, `ReportBatchItemFailures`, bisect on error):
 * counts views (`start` events) and completions (`complete` events) per video in the batch and
 * adds them to the video's counters with one `UpdateItem ADD` per video.
 *
 * ## No double counting on retries
 * When a video's update fails, the handler reports that video's first record; Lambda then
 * re-delivers the shard from the lowest reported sequence number, including records of videos
 * whose updates succeeded. `ADD` is not idempotent, so each video item keeps, per shard, the
 * sequence number of the last record it counted (`ckpt_<shardId>`): the handler reads those
 * checkpoints first (BatchGetItem), counts only newer records, and updates with a condition that
 * the checkpoint is still the one it read. Re-delivered records are thus counted once, whatever
 * the batch boundaries after a bisect. Events for unknown videos and malformed records are
 * skipped (logged): they would fail forever.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type { Log } from "../shared/tables";
import { type StreamedViewEvent, viewEventProblems } from "../shared/view-events";

export interface ViewsConsumerDeps {
  documents: DynamoDBDocumentClient;
  videosTable: string;
  logger: Log;
}

interface Tally {
  videoId: string;
  shardId: string;
  /** Records of this video in the batch, in order: sequence number and event. */
  records: { sequenceNumber: string; event: StreamedViewEvent }[];
}

const checkpointAttribute = (shardId: string) => `ckpt_${shardId.replace(/[^A-Za-z0-9_]/g, "_")}`;
const seqGreater = (a: string, b: string) => BigInt(a) > BigInt(b);

/** `shardId-000000000001:4954...` → `shardId-000000000001`. */
function shardOf(record: KinesisStreamRecord): string {
  return record.eventID.split(":")[0]!;
}

export function createViewsConsumer(deps: ViewsConsumerDeps) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const tallies = new Map<string, Tally>();
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
      const shardId = shardOf(r);
      const k = `${shardId}|${e.videoId}`;
      const t = tallies.get(k) ?? { videoId: e.videoId, shardId, records: [] };
      t.records.push({ sequenceNumber: r.kinesis.sequenceNumber, event: e });
      tallies.set(k, t);
    }
    if (tallies.size === 0) return { batchItemFailures: [] };

    const failures: string[] = [];
    const list = [...tallies.values()];
    // Read the checkpoints (100 keys per BatchGetItem; unprocessed keys count as failures of their videos).
    const items = new Map<string, Record<string, unknown>>();
    const unread = new Set<string>();
    const videoIds = [...new Set(list.map((t) => t.videoId))];
    for (let i = 0; i < videoIds.length; i += 100) {
      const chunk = videoIds.slice(i, i + 100);
      try {
        const out = await deps.documents.send(new BatchGetCommand({ RequestItems: { [deps.videosTable]: { Keys: chunk.map((videoId) => ({ videoId })), ConsistentRead: true } } }));
        for (const item of out.Responses?.[deps.videosTable] ?? []) items.set(item.videoId as string, item);
        for (const key of out.UnprocessedKeys?.[deps.videosTable]?.Keys ?? []) unread.add(key.videoId as string);
      } catch (error) {
        deps.logger.error("checkpoints not read", { error: String(error) });
        chunk.forEach((id) => unread.add(id));
      }
    }

    for (const t of list) {
      const first = t.records[0]!.sequenceNumber;
      if (unread.has(t.videoId)) {
        failures.push(first);
        continue;
      }
      const item = items.get(t.videoId);
      if (!item) {
        deps.logger.warn("views for an unknown video: skipped", { videoId: t.videoId, records: t.records.length });
        continue;
      }
      const attr = checkpointAttribute(t.shardId);
      const checkpoint = item[attr] as string | undefined;
      const fresh = checkpoint ? t.records.filter((r) => seqGreater(r.sequenceNumber, checkpoint)) : t.records;
      if (fresh.length === 0) continue; // all counted before (a re-delivery)
      const views = fresh.filter((r) => r.event.type === "start").length;
      const completions = fresh.filter((r) => r.event.type === "complete").length;
      try {
        await deps.documents.send(
          new UpdateCommand({
            TableName: deps.videosTable,
            Key: { videoId: t.videoId },
            UpdateExpression: "ADD viewCount :views, completionCount :completions SET #ckpt = :last",
            ConditionExpression: checkpoint ? "#ckpt = :expected" : "attribute_exists(videoId) AND attribute_not_exists(#ckpt)",
            ExpressionAttributeNames: { "#ckpt": attr },
            ExpressionAttributeValues: { ":views": views, ":completions": completions, ":last": fresh[fresh.length - 1]!.sequenceNumber, ...(checkpoint ? { ":expected": checkpoint } : {}) },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) deps.logger.error("counters not updated", { videoId: t.videoId, error: String(error) });
        // Either way, retry from this video's first new record: the checkpoint makes the retry exact.
        failures.push(fresh[0]!.sequenceNumber);
      }
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
