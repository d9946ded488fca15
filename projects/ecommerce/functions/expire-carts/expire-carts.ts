/**
 * Scheduled job (EventBridge schedule): deletes carts untouched for longer than CART_MAX_AGE_DAYS
 * (default 7) and returns `{ scanned, expired }`.
 *
 * Why a paginated Scan with a filter, and not a Query on a GSI keyed by status/updatedAt:
 *  - carts are write-heavy (every add/remove rewrites `updatedAt`). A GSI on it would copy every one of
 *    those writes (doubling the table's write cost), and a status partition key has one hot value
 *    ("ACTIVE") that every cart write lands on, throttling the index and, through it, the table;
 *  - the job runs rarely (daily) and the table stays small because this job (and the TTL backstop)
 *    removes abandoned carts, so one Scan a day costs little read capacity and needs no extra index.
 *  Reconsider if the table grows to tens of GB: then a sparse, write-sharded index pays for itself.
 *
 * BatchWriteItem cannot carry a condition, so a cart touched between its page being scanned and the
 * delete (milliseconds, for a cart idle for days) would still be deleted; checkout reads carts with a
 * consistent read and fails cleanly with 404 if that happens.
 *
 * The `sessions` table needs no such job: it uses DynamoDB TTL (each session carries its expiry in the
 * TTL attribute), and DynamoDB deletes expired sessions itself at no cost in write capacity.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, ScheduledEvent } from "aws-lambda";
import { CARTS_TABLE } from "../carts-table";
import { EnvReader, type Env } from "../env";
import { UnprocessedItemsError, batchDelete, type BatchDeleteOptions } from "./batch-delete";

const DAY_MS = 24 * 3600 * 1000;

export interface ExpireCartsConfig {
  cartsTable: string;
  /** Carts whose `updatedAt` is older than this are deleted. @default 7 */
  maxAgeDays: number;
  /** Items per Scan page (`Limit`); unset, DynamoDB returns up to 1 MB a page. */
  pageSize?: number;
}

export const EXPIRE_CARTS_ENV = {
  cartsTable: "CARTS_TABLE_NAME",
  maxAgeDays: "CART_MAX_AGE_DAYS",
  pageSize: "SCAN_PAGE_SIZE",
} as const;

export function loadExpireCartsConfig(env: Env): ExpireCartsConfig {
  const e = new EnvReader(env);
  const config: ExpireCartsConfig = {
    cartsTable: e.required(EXPIRE_CARTS_ENV.cartsTable),
    maxAgeDays: e.positiveNumber(EXPIRE_CARTS_ENV.maxAgeDays, 7),
  };
  if (e.optional(EXPIRE_CARTS_ENV.pageSize) !== undefined) config.pageSize = e.integer(EXPIRE_CARTS_ENV.pageSize, 0, 1, 10_000);
  e.done("expire-carts");
  return config;
}

export interface ExpireCartsDependencies {
  dynamodb: DynamoDBClient;
  config: ExpireCartsConfig;
  /** @default a Powertools logger for service `ecommerce-expire-carts` */
  logger?: Logger;
  /** Retry tuning for BatchWriteItem's UnprocessedItems. */
  batch?: BatchDeleteOptions;
  /** Stop starting new pages when less than this is left before the Lambda timeout. @default 20000 */
  reserveMs?: number;
}

export interface ExpireCartsResult {
  /** Carts read by the Scan (DynamoDB's ScannedCount). */
  scanned: number;
  /** Carts deleted. */
  expired: number;
}

export type ExpireCartsHandler = (event: ScheduledEvent, context: Context) => Promise<ExpireCartsResult>;

export function createExpireCartsHandler(deps: ExpireCartsDependencies): ExpireCartsHandler {
  const logger = deps.logger ?? new Logger({ serviceName: "ecommerce-expire-carts" });
  const documents = DynamoDBDocumentClient.from(deps.dynamodb);
  const { cartsTable, maxAgeDays, pageSize } = deps.config;
  const reserveMs = deps.reserveMs ?? 20_000;

  return async (event, context) => {
    logger.addContext(context);
    // The schedule's own time, not the clock: a late or replayed invocation expires the same carts.
    const scheduledAt = Date.parse(event.time);
    const cutoff = (Number.isFinite(scheduledAt) ? scheduledAt : Date.now()) - maxAgeDays * DAY_MS;
    const result: ExpireCartsResult = { scanned: 0, expired: 0 };
    let pages = 0;
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await documents.send(
          new ScanCommand({
            TableName: cartsTable,
            ...(pageSize ? { Limit: pageSize } : {}),
            ExclusiveStartKey: startKey,
            FilterExpression: "#updatedAt < :cutoff",
            ProjectionExpression: "#key",
            ExpressionAttributeNames: { "#updatedAt": CARTS_TABLE.updatedAtAttribute, "#key": CARTS_TABLE.partitionKey },
            ExpressionAttributeValues: { ":cutoff": cutoff },
          }),
        );
        pages++;
        result.scanned += page.ScannedCount ?? 0;
        const stale = page.Items ?? [];
        if (stale.length > 0) result.expired += await batchDelete(documents, cartsTable, stale, deps.batch);
        startKey = page.LastEvaluatedKey;
        logger.debug("page done", { page: pages, scanned: page.ScannedCount, stale: stale.length });
      } while (startKey && context.getRemainingTimeInMillis() > reserveMs);
    } catch (error) {
      if (error instanceof UnprocessedItemsError) result.expired += error.deleted;
      logger.error("expiring carts failed", { ...result, pages, error: (error as Error).message });
      throw error;
    }
    const complete = startKey === undefined;
    // A partial run is safe: the next run scans from the start and finds the carts this one left.
    logger[complete ? "info" : "warn"](complete ? "carts expired" : "stopped early, close to the timeout", { ...result, pages, cutoff: new Date(cutoff).toISOString(), maxAgeDays });
    return result;
  };
}
