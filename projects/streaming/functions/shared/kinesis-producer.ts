/**
 * A Kinesis Data Streams producer on `PutRecords` that is correct first and fast second.
 *
 * What it guarantees, for one `send(records)` call:
 * - **Limits.** Each request carries at most 500 records and at most 5 MiB (data + partition keys);
 *   a record over 1 MiB (data + partition key, UTF-8), or with a partition key outside 1..256
 *   characters, is never sent: it comes back in `failed` with `RecordTooLarge` / `InvalidPartitionKey`.
 * - **Only failures are retried.** A response's `FailedRecordCount` and per-record `ErrorCode` say
 *   which records did not land; only those are sent again, with full-jitter exponential backoff
 *   (`random(0, min(maxDelayMs, baseDelayMs * 2^(attempt-1)))`), up to `maxAttempts` tries per
 *   record. A record the response says was written is never sent again by this library.
 * - **Nothing dropped silently.** Every input record ends either in `delivered` (with its shard and
 *   sequence number) or in `failed` (with its index, the last error code and the attempts made).
 * - **Order within a partition key.** A key never has more than one record in flight: each request
 *   carries at most one record per partition key (the oldest one not yet written), and the next
 *   record of that key is only sent once the previous one is written. A failed record is therefore
 *   retried *before* any later record of its key is sent. Why not several records of a key in one
 *   request: `PutRecords` is not atomic, so the first of two same-key records can be throttled while
 *   the second is written, and the retry would then land after it. When a record exhausts its
 *   attempts, the later records of its key are not sent either: they come back in `failed` with
 *   `PrecedingRecordFailed`, so the caller can resend the tail of that key in order.
 *   Throughput therefore scales with the number of distinct keys in a call (each round sends the
 *   head record of every key, split into requests of 500 / 5 MiB, sent `concurrency` at a time);
 *   choose a partition key with many values (the player session, not the video).
 *   Invalid records (too large, bad key) are rejected up front and do not hold back their key:
 *   they can never be written, so holding the key back would only lose more.
 *
 * Duplicates: the one case this library cannot rule out is a request whose response is lost (the
 * connection drops after Kinesis wrote the records); the call is then retried as a whole, as any
 * at-least-once producer must. Consumers de-duplicate on an id carried in the record (the player
 * events carry `eventId`).
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry, type PutRecordsResultEntry } from "@aws-sdk/client-kinesis";

/** Kinesis `PutRecords` limits (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html). */
export const KinesisLimits = Object.freeze({
  /** Records per `PutRecords` request. */
  maxRecordsPerRequest: 500,
  /** Bytes per request, data blobs and partition keys together (5 MiB). */
  maxBytesPerRequest: 5 * 1024 * 1024,
  /** Bytes per record, data blob and partition key together (1 MiB). */
  maxBytesPerRecord: 1024 * 1024,
  /** Partition key length in Unicode code points. */
  maxPartitionKeyLength: 256,
});

/** One record to put. `data` strings are sent as UTF-8. */
export interface ProducerRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array | string;
  /** Optional explicit hash key (decimal string) overriding the key's hash for shard choice. */
  readonly explicitHashKey?: string;
}

/** A record that was written. `index` is its position in the `send` input. */
export interface DeliveredRecord {
  readonly index: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly attempts: number;
}

/** A record that was not written, and why. `index` is its position in the `send` input. */
export interface FailedRecord {
  readonly index: number;
  readonly record: ProducerRecord;
  /** The per-record `ErrorCode`, a thrown error's name, or one of this library's codes. */
  readonly errorCode: string;
  readonly errorMessage?: string;
  /** How many times the record was sent (0 for records rejected before sending). */
  readonly attempts: number;
}

/** Codes this library itself puts in `FailedRecord.errorCode`. */
export const ProducerErrorCodes = Object.freeze({
  recordTooLarge: "RecordTooLarge",
  invalidPartitionKey: "InvalidPartitionKey",
  precedingRecordFailed: "PrecedingRecordFailed",
});

export interface SendResult {
  /** Written records, in input order. */
  readonly delivered: DeliveredRecord[];
  /** Records not written, in input order. `delivered.length + failed.length` = input length. */
  readonly failed: FailedRecord[];
  /** `PutRecords` requests made (including retries). */
  readonly requests: number;
}

/** Describes one request, for metrics and tests. */
export interface RequestInfo {
  readonly records: number;
  readonly bytes: number;
  readonly round: number;
}

export interface KinesisProducerOptions {
  readonly client: KinesisClient;
  /** The stream, by name or ARN (one of the two). */
  readonly streamName?: string;
  readonly streamArn?: string;
  /** Tries per record, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff base in ms (cap of the first retry's jitter). @default 100 */
  readonly baseDelayMs?: number;
  /** Backoff ceiling in ms. @default 5000 */
  readonly maxDelayMs?: number;
  /** Requests in flight at once within a round. @default 4 */
  readonly concurrency?: number;
  /** Lower the per-request limits (never above the API's), e.g. to keep requests small. */
  readonly maxRecordsPerRequest?: number;
  readonly maxBytesPerRequest?: number;
  /** Errors thrown by the call that are not worth retrying (the whole request fails at once). */
  readonly nonRetryableErrors?: readonly string[];
  /** Injected for tests: random in [0, 1) and sleep. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each request. */
  readonly onRequest?: (info: RequestInfo) => void;
}

const DEFAULT_NON_RETRYABLE = [
  "ResourceNotFoundException",
  "InvalidArgumentException",
  "ValidationException",
  "AccessDeniedException",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "KMSAccessDeniedException",
  "KMSOptInRequired",
];

/** Full-jitter exponential backoff: `random * min(max, base * 2^(attempt - 1))`, attempt >= 1. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/** Bytes a record counts against the limits: data plus the UTF-8 partition key. */
export function recordBytes(record: { data: Uint8Array | string; partitionKey: string }): number {
  const data = typeof record.data === "string" ? Buffer.byteLength(record.data, "utf8") : record.data.byteLength;
  return data + Buffer.byteLength(record.partitionKey, "utf8");
}

interface Pending {
  readonly index: number;
  readonly record: ProducerRecord;
  readonly entry: PutRecordsRequestEntry;
  readonly bytes: number;
  attempts: number;
  lastError?: { code: string; message?: string };
  written?: { shardId: string; sequenceNumber: string };
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KinesisProducer {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly concurrency: number;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private readonly nonRetryable: ReadonlySet<string>;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: KinesisProducerOptions) {
    if (!options.streamName === !options.streamArn) throw new Error("KinesisProducer: give exactly one of streamName or streamArn");
    this.maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error("KinesisProducer: maxAttempts must be an integer >= 1");
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxRecords = Math.min(KinesisLimits.maxRecordsPerRequest, options.maxRecordsPerRequest ?? KinesisLimits.maxRecordsPerRequest);
    this.maxBytes = Math.min(KinesisLimits.maxBytesPerRequest, options.maxBytesPerRequest ?? KinesisLimits.maxBytesPerRequest);
    if (this.maxRecords < 1 || this.maxBytes < KinesisLimits.maxBytesPerRecord) {
      throw new Error("KinesisProducer: maxRecordsPerRequest must be >= 1 and maxBytesPerRequest >= 1 MiB (a record's limit)");
    }
    this.nonRetryable = new Set(options.nonRetryableErrors ?? DEFAULT_NON_RETRYABLE);
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleepMs;
  }

  /** Put the records; resolves when each is written or given up on (never rejects for record failures). */
  async send(records: readonly ProducerRecord[]): Promise<SendResult> {
    const delivered: DeliveredRecord[] = [];
    const failed: FailedRecord[] = [];
    let requests = 0;

    // One FIFO queue per partition key, in input order; keys in order of their first record.
    const queues = new Map<string, Pending[]>();
    records.forEach((record, index) => {
      const problem = validate(record);
      if (problem) {
        failed.push({ index, record, errorCode: problem.code, errorMessage: problem.message, attempts: 0 });
        return;
      }
      const data = typeof record.data === "string" ? Buffer.from(record.data, "utf8") : record.data;
      const entry: PutRecordsRequestEntry = { Data: data, PartitionKey: record.partitionKey, ExplicitHashKey: record.explicitHashKey };
      const queue = queues.get(record.partitionKey) ?? [];
      queue.push({ index, record, entry, bytes: recordBytes(record), attempts: 0 });
      queues.set(record.partitionKey, queue);
    });

    let round = 0;
    while (queues.size > 0) {
      round++;
      // The head of every key: at most one record per key in flight.
      const heads = [...queues.values()].map((q) => q[0]!);
      const retryAttempt = Math.max(...heads.map((h) => (h.lastError ? h.attempts : 0)));
      if (retryAttempt > 0) await this.sleep(backoffDelay(retryAttempt, this.baseDelayMs, this.maxDelayMs, this.random));

      const batches = this.split(heads);
      requests += batches.length;
      await pool(batches, this.concurrency, (batch) => this.put(batch, round));

      for (const head of heads) {
        const key = head.record.partitionKey;
        const queue = queues.get(key)!;
        if (head.written) {
          delivered.push({ index: head.index, shardId: head.written.shardId, sequenceNumber: head.written.sequenceNumber, attempts: head.attempts });
          queue.shift();
        } else if (head.attempts >= this.maxAttempts || this.nonRetryable.has(head.lastError!.code)) {
          // Given up: this record and every later one of its key go back to the caller, in order.
          const error = head.lastError!;
          failed.push({ index: head.index, record: head.record, errorCode: error.code, errorMessage: error.message, attempts: head.attempts });
          for (const later of queue.slice(1)) {
            failed.push({
              index: later.index,
              record: later.record,
              errorCode: ProducerErrorCodes.precedingRecordFailed,
              errorMessage: `record ${head.index} of the same partition key failed (${error.code}); not sent, to keep the key's order`,
              attempts: later.attempts,
            });
          }
          queue.length = 0;
        } // else: retried next round, before any later record of its key.
        if (queue.length === 0) queues.delete(key);
      }
    }

    delivered.sort((a, b) => a.index - b.index);
    failed.sort((a, b) => a.index - b.index);
    return { delivered, failed, requests };
  }

  /** Split records into requests within the count and byte limits, keeping their order. */
  private split(items: Pending[]): Pending[][] {
    const batches: Pending[][] = [];
    let current: Pending[] = [];
    let bytes = 0;
    for (const item of items) {
      if (current.length > 0 && (current.length >= this.maxRecords || bytes + item.bytes > this.maxBytes)) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
      current.push(item);
      bytes += item.bytes;
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }

  private async put(batch: Pending[], round: number): Promise<void> {
    this.options.onRequest?.({ records: batch.length, bytes: batch.reduce((n, p) => n + p.bytes, 0), round });
    for (const item of batch) item.attempts++;
    let results: PutRecordsResultEntry[];
    try {
      const response = await this.options.client.send(
        new PutRecordsCommand({
          StreamName: this.options.streamName,
          StreamARN: this.options.streamArn,
          Records: batch.map((p) => p.entry),
        }),
      );
      results = response.Records ?? [];
      if (results.length !== batch.length) {
        throw Object.assign(new Error(`PutRecords returned ${results.length} results for ${batch.length} records`), { name: "MalformedResponse" });
      }
    } catch (error) {
      const e = error as { name?: string; message?: string };
      for (const item of batch) item.lastError = { code: e.name ?? "Error", message: e.message };
      return;
    }
    batch.forEach((item, i) => {
      const r = results[i]!;
      if (r.ErrorCode || !r.SequenceNumber) {
        item.lastError = { code: r.ErrorCode ?? "MissingSequenceNumber", message: r.ErrorMessage };
      } else {
        item.lastError = undefined;
        item.written = { shardId: r.ShardId ?? "", sequenceNumber: r.SequenceNumber };
      }
    });
  }
}

function validate(record: ProducerRecord): { code: string; message: string } | undefined {
  const keyLength = [...(record.partitionKey ?? "")].length;
  if (typeof record.partitionKey !== "string" || keyLength < 1 || keyLength > KinesisLimits.maxPartitionKeyLength) {
    return { code: ProducerErrorCodes.invalidPartitionKey, message: `partition key must be 1 to ${KinesisLimits.maxPartitionKeyLength} characters` };
  }
  const bytes = recordBytes(record);
  if (bytes > KinesisLimits.maxBytesPerRecord) {
    return { code: ProducerErrorCodes.recordTooLarge, message: `record is ${bytes} bytes (data + partition key); the limit is ${KinesisLimits.maxBytesPerRecord}` };
  }
  return undefined;
}

/** Run `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
