/**
 * Stream ingestion (Kinesis event source mapping, `ReportBatchItemFailures`): validates each
 * record, writes valid events to the raw zone partitioned by the day they happened
 * (`events/dt=YYYY-MM-DD/`, newline-delimited JSON for Glue and Athena), writes malformed records
 * with their reason under `dead-letter/` (counted, never dropped silently), and keeps sessions and
 * per-user activity logs in DynamoDB.
 *
 * ## Retries without duplicates
 * The batch is cut, in shard order, into chunks of at most `maxRecordsPerObject` records and
 * `maxBytesPerObject` bytes. Each chunk's objects are keyed by its shard and its first sequence
 * number. Chunks are written in order; when one fails, the handler stops and reports the chunk's
 * first record, so Lambda re-delivers from exactly there: the re-delivered chunk starts at the same
 * record, gets the same keys and overwrites its earlier objects with a superset, never a second
 * copy. DynamoDB writes are idempotent too (activity items keyed by time and event id; session
 * start and last-seen kept as min and max with conditions).
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { BatchWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { ACTIVITY_TABLE, DEAD_LETTER_PREFIX, IngestEventSchema, RAW_EVENTS_PREFIX, SESSIONS_TABLE, type IngestEvent, type Log } from "../shared/events";

export interface IngestLimits {
  /** Records per S3 object (and per chunk). Default: 5,000. */
  maxRecordsPerObject: number;
  /** Bytes of record data per chunk. Default: 16 MiB. */
  maxBytesPerObject: number;
}

export interface StreamIngestDeps {
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  rawBucket: string;
  sessionsTable: string;
  activityTable: string;
  /** Days sessions and activity items live before DynamoDB's TTL removes them. */
  retentionDays: { sessions: number; activity: number };
  logger: Log;
  limits?: Partial<IngestLimits>;
  /** Called once per invocation with what it did (the handler emits them as metrics). */
  onCounts?: (counts: IngestCounts) => void;
}

export interface IngestCounts {
  /** Valid events written to the raw zone. */
  valid: number;
  /** Malformed records written to the dead-letter prefix. */
  malformed: number;
  /** S3 objects written. */
  objects: number;
  /** Records left for Lambda to re-deliver (from the first failed chunk on). */
  retried: number;
}

export const DefaultIngestLimits: IngestLimits = { maxRecordsPerObject: 5000, maxBytesPerObject: 16 * 1024 * 1024 };

interface Parsed {
  record: KinesisStreamRecord;
  bytes: number;
  event?: IngestEvent;
  reason?: string;
}

/** `shardId-000000000001:4954...` → `shardId-000000000001`. */
export const shardOf = (record: KinesisStreamRecord): string => record.eventID.split(":")[0]!;

/** The UTC day an instant falls on, `YYYY-MM-DD`. */
export const dayOf = (instant: string | number | Date): string => new Date(instant).toISOString().slice(0, 10);

/** Decode and validate one record: the event, or the reason it is malformed. */
export function parseRecord(record: KinesisStreamRecord): Parsed {
  const bytes = Buffer.byteLength(record.kinesis.data, "base64");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8"));
  } catch (error) {
    return { record, bytes, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = IngestEventSchema.safeParse(json);
  if (!result.success) {
    return { record, bytes, reason: result.error.issues.map((i) => `${i.path.join(".") || "(record)"}: ${i.message}`).join("; ") };
  }
  return { record, bytes, event: result.data };
}

/** Cut records (in shard order) into chunks within the limits. */
export function chunk(records: readonly Parsed[], limits: IngestLimits): Parsed[][] {
  const chunks: Parsed[][] = [];
  let current: Parsed[] = [];
  let size = 0;
  for (const p of records) {
    if (current.length > 0 && (current.length >= limits.maxRecordsPerObject || size + p.bytes > limits.maxBytesPerObject)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(p);
    size += p.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The S3 objects one chunk becomes: valid events per day, dead letters per arrival day. */
export function objectsOf(chunkRecords: readonly Parsed[]): { key: string; lines: string[] }[] {
  const first = chunkRecords[0]!.record;
  const name = `${shardOf(first)}-${first.kinesis.sequenceNumber}.ndjson`;
  const byKey = new Map<string, string[]>();
  const add = (key: string, line: string) => byKey.set(key, [...(byKey.get(key) ?? []), line]);
  for (const p of chunkRecords) {
    if (p.event) {
      add(`${RAW_EVENTS_PREFIX}dt=${dayOf(p.event.occurredAt)}/${name}`, JSON.stringify(p.event));
    } else {
      add(
        `${DEAD_LETTER_PREFIX}dt=${dayOf(p.record.kinesis.approximateArrivalTimestamp * 1000)}/${name}`,
        JSON.stringify({ sequenceNumber: p.record.kinesis.sequenceNumber, shardId: shardOf(p.record), partitionKey: p.record.kinesis.partitionKey, reason: p.reason, data: p.record.kinesis.data }),
      );
    }
  }
  return [...byKey.entries()].map(([key, lines]) => ({ key, lines }));
}

const epochSeconds = (iso: string, plusDays: number) => Math.floor(new Date(iso).getTime() / 1000) + plusDays * 86_400;

export function createStreamIngest(deps: StreamIngestDeps) {
  const limits: IngestLimits = { ...DefaultIngestLimits, ...deps.limits };
  if (limits.maxRecordsPerObject < 1 || limits.maxBytesPerObject < 1) throw new Error(`stream-ingest: limits must be >= 1 (got ${JSON.stringify(limits)})`);

  async function writeObjects(objects: { key: string; lines: string[] }[]): Promise<void> {
    await Promise.all(
      objects.map((o) =>
        deps.s3.send(new PutObjectCommand({ Bucket: deps.rawBucket, Key: o.key, Body: o.lines.join("\n") + "\n", ContentType: "application/x-ndjson" })),
      ),
    );
  }

  async function writeActivity(events: IngestEvent[]): Promise<void> {
    const items = new Map<string, Record<string, unknown>>();
    for (const e of events) {
      if (e.userId === undefined) continue;
      const sortKey = `${e.occurredAt}#${e.eventId}`;
      items.set(`${e.userId}|${sortKey}`, {
        [ACTIVITY_TABLE.partitionKey]: e.userId,
        [ACTIVITY_TABLE.sortKey]: sortKey,
        type: e.type,
        source: e.source,
        ...(e.sessionId !== undefined ? { sessionId: e.sessionId } : {}),
        [ACTIVITY_TABLE.ttlAttribute]: epochSeconds(e.occurredAt, deps.retentionDays.activity),
      });
    }
    const all = [...items.values()];
    for (let i = 0; i < all.length; i += 25) {
      let requests = all.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= 5) throw new Error(`activity table: ${requests.length} item(s) still unprocessed after ${attempt} attempts`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await deps.documents.send(new BatchWriteCommand({ RequestItems: { [deps.activityTable]: requests } }));
        requests = (out.UnprocessedItems?.[deps.activityTable] ?? []) as typeof requests;
      }
    }
  }

  /** Keep a session's first and last time as min and max: conditional writes, so replays change nothing. */
  async function writeSessions(events: IngestEvent[]): Promise<void> {
    const sessions = new Map<string, { userId?: string; first: string; last: string; ended?: string }>();
    for (const e of events) {
      if (e.sessionId === undefined) continue;
      const s = sessions.get(e.sessionId) ?? { first: e.occurredAt, last: e.occurredAt };
      if (Date.parse(e.occurredAt) < Date.parse(s.first)) s.first = e.occurredAt;
      if (Date.parse(e.occurredAt) > Date.parse(s.last)) s.last = e.occurredAt;
      if (e.userId !== undefined) s.userId = e.userId;
      if (e.type === "session_end") s.ended = e.occurredAt;
      sessions.set(e.sessionId, s);
    }
    const conditional = async (input: ConstructorParameters<typeof UpdateCommand>[0]) => {
      try {
        await deps.documents.send(new UpdateCommand(input));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) && (error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      }
    };
    await Promise.all(
      [...sessions.entries()].map(async ([sessionId, s]) => {
        const Key = { [SESSIONS_TABLE.partitionKey]: sessionId };
        await conditional({
          TableName: deps.sessionsTable,
          Key,
          UpdateExpression: `SET startedAt = :first${s.userId !== undefined ? ", userId = :user" : ""}`,
          ConditionExpression: "attribute_not_exists(startedAt) OR startedAt > :first",
          ExpressionAttributeValues: { ":first": s.first, ...(s.userId !== undefined ? { ":user": s.userId } : {}) },
        });
        await conditional({
          TableName: deps.sessionsTable,
          Key,
          UpdateExpression: `SET lastSeenAt = :last, #ttl = :ttl${s.ended !== undefined ? ", endedAt = :ended" : ""}`,
          ConditionExpression: "attribute_not_exists(lastSeenAt) OR lastSeenAt < :last",
          ExpressionAttributeNames: { "#ttl": SESSIONS_TABLE.ttlAttribute },
          ExpressionAttributeValues: { ":last": s.last, ":ttl": epochSeconds(s.last, deps.retentionDays.sessions), ...(s.ended !== undefined ? { ":ended": s.ended } : {}) },
        });
      }),
    );
  }

  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const counts: IngestCounts = { valid: 0, malformed: 0, objects: 0, retried: 0 };
    // Records of one shard arrive in sequence order; with several shards in one batch, keep each shard's order.
    const byShard = new Map<string, Parsed[]>();
    for (const r of event.Records) byShard.set(shardOf(r), [...(byShard.get(shardOf(r)) ?? []), parseRecord(r)]);

    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const [shardId, parsed] of byShard) {
      const chunks = chunk(parsed, limits);
      for (let i = 0; i < chunks.length; i++) {
        const c = chunks[i]!;
        const events = c.flatMap((p) => (p.event ? [p.event] : []));
        try {
          const objects = objectsOf(c);
          await writeObjects(objects);
          await writeActivity(events);
          await writeSessions(events);
          counts.objects += objects.length;
          counts.valid += events.length;
          counts.malformed += c.length - events.length;
          for (const p of c) if (p.reason) deps.logger.warn("malformed record: written to the dead-letter prefix", { shardId, sequenceNumber: p.record.kinesis.sequenceNumber, reason: p.reason });
        } catch (error) {
          // Stop this shard here: Lambda re-delivers from this chunk's first record (see the header).
          const from = c[0]!.record.kinesis.sequenceNumber;
          counts.retried += chunks.slice(i).reduce((n, x) => n + x.length, 0);
          deps.logger.error("chunk failed: Lambda will re-deliver the shard from its first record", { shardId, sequenceNumber: from, error: String(error) });
          batchItemFailures.push({ itemIdentifier: from });
          break;
        }
      }
    }
    deps.logger.info("batch ingested", { ...counts });
    deps.onCounts?.(counts);
    return { batchItemFailures };
  };
}
