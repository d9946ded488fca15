/**
 * Deletes items with BatchWriteItem, 25 keys a call, retrying the UnprocessedItems DynamoDB hands back
 * (throttling, partition limits) with exponential backoff and full jitter. The SDK retries failed calls
 * on its own; a call that succeeds with UnprocessedItems is ours to retry.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export const BATCH_WRITE_LIMIT = 25;

export interface BatchDeleteOptions {
  /** Calls per chunk, the first included. @default 8 */
  maxAttempts?: number;
  /** @default 50 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class UnprocessedItemsError extends Error {
  constructor(
    readonly table: string,
    /** Keys deleted before giving up. */
    readonly deleted: number,
    /** Keys left: the chunk's unprocessed ones and the chunks not sent. */
    readonly remaining: number,
    attempts: number,
  ) {
    super(`${table}: gave up with ${remaining} deletes left (${deleted} done): BatchWriteItem still returned UnprocessedItems after ${attempts} attempts`);
    this.name = "UnprocessedItemsError";
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter backoff: a random delay up to base * 2^retry, capped. */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry));
}

type Key = Record<string, unknown>;
type WriteRequest = { DeleteRequest?: { Key: Key | undefined } };

/** Returns the number of keys deleted; throws `UnprocessedItemsError` when retries run out. */
export async function batchDelete(client: DynamoDBDocumentClient, table: string, keys: Key[], options: BatchDeleteOptions = {}): Promise<number> {
  const { maxAttempts = 8, baseDelayMs = 50, maxDelayMs = 5000, sleep: wait = sleep, random = Math.random } = options;
  let deleted = 0;
  for (let start = 0; start < keys.length; start += BATCH_WRITE_LIMIT) {
    let pending: WriteRequest[] = keys.slice(start, start + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
    const chunkSize = pending.length;
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (UnprocessedItems?.[table] ?? []) as WriteRequest[];
      if (pending.length === 0) break;
      if (attempt >= maxAttempts) {
        const done = deleted + chunkSize - pending.length;
        throw new UnprocessedItemsError(table, done, keys.length - done, attempt);
      }
      await wait(backoffDelay(attempt - 1, baseDelayMs, maxDelayMs, random));
    }
    deleted += chunkSize;
  }
  return deleted;
}
