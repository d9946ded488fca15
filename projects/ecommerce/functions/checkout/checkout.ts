/**
 * POST /orders: check out a cart into an order in Aurora, once per Idempotency-Key, then clear the cart.
 *
 * Two layers keep a retried or duplicated request from creating a second order:
 *  1. Powertools idempotency (DynamoDB record per key, with the request body hashed for validation):
 *     a completed request is replayed from the record, an in-flight duplicate gets 409, and the same key
 *     with a different body gets 422, all without touching the database.
 *  2. The database: a UNIQUE idempotency key with INSERT ... ON CONFLICT DO NOTHING (orders-repository),
 *     which still holds when the record has expired, was never written, or two containers race.
 *
 * `createCheckoutHandler` takes its clients, so the deployed handler (`handler.ts`) and the tests run
 * this same code with different connections.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Pool } from "pg";
import { CARTS_TABLE, IDEMPOTENCY_TABLE } from "../carts-table";
import { HttpError, errorResponse, json } from "./http";
import { IdempotencyKeyReusedError, findOrderByIdempotencyKey, placeOrder, type Order, type StoredOrder } from "./orders-repository";
import { IDEMPOTENCY_HEADER, parseCheckoutRequest, requestFingerprint, validateCart, type CheckoutRequest } from "./validation";

export interface CheckoutDependencies {
  /** The orders database; one client is checked out per request. */
  pool: Pick<Pool, "connect">;
  /** DynamoDB, for the carts and the idempotency records. */
  dynamodb: DynamoDBClient;
  cartsTable: string;
  idempotencyTable: string;
  /** @default 86400 (one day) */
  idempotencyTtlSeconds?: number;
  /** @default a Powertools logger for service `ecommerce-checkout` */
  logger?: Logger;
}

export type CheckoutHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What the idempotent part returns, and what the Powertools record stores. */
interface PlacedOrder {
  order: Order;
  /** True when this response repeats an order placed by an earlier request with the same key. */
  replayed: boolean;
}

export function createCheckoutHandler(deps: CheckoutDependencies): CheckoutHandler {
  const logger = deps.logger ?? new Logger({ serviceName: "ecommerce-checkout" });
  const documents = DynamoDBDocumentClient.from(deps.dynamodb);

  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: "idempotencyKey",
    payloadValidationJmesPath: "[cartId, customerId, currency]",
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: deps.idempotencyTtlSeconds ?? 24 * 3600,
    // A replay from the record is, by definition, not the request that created the order.
    responseHook: (response) => (typeof response === "object" && response !== null && !Array.isArray(response) ? { ...response, replayed: true } : response),
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.idempotencyTable,
    keyAttr: IDEMPOTENCY_TABLE.partitionKey,
    expiryAttr: IDEMPOTENCY_TABLE.ttlAttribute,
    awsSdkV3Client: deps.dynamodb,
  });

  async function clearCart(request: CheckoutRequest, cartUpdatedAt: number | undefined, orderId: string): Promise<void> {
    // Only the cart as it was checked out: if the customer changed it since it was read, keep it.
    const unchanged = cartUpdatedAt === undefined ? "attribute_not_exists(#updatedAt)" : "#updatedAt = :updatedAt";
    try {
      await documents.send(
        new DeleteCommand({
          TableName: deps.cartsTable,
          Key: { [CARTS_TABLE.partitionKey]: request.cartId },
          ConditionExpression: `customerId = :customerId AND ${unchanged}`,
          ExpressionAttributeNames: { "#updatedAt": CARTS_TABLE.updatedAtAttribute },
          ExpressionAttributeValues: { ":customerId": request.customerId, ...(cartUpdatedAt === undefined ? {} : { ":updatedAt": cartUpdatedAt }) },
        }),
      );
    } catch (error) {
      // The order is committed, so the request has succeeded either way; a cart left behind is
      // expired by `expire-carts`. Failing here would only make the client retry into a replay.
      const changed = (error as Error).name === "ConditionalCheckFailedException";
      logger[changed ? "warn" : "error"](changed ? "cart changed after it was read; kept" : "cart could not be cleared after checkout", { orderId, error: (error as Error).message });
    }
  }

  async function checkout(request: CheckoutRequest): Promise<PlacedOrder> {
    const fingerprint = requestFingerprint(request);
    const client = await deps.pool.connect();
    let failure: unknown;
    try {
      // The database is the source of truth for "this key already has an order" (the Powertools
      // record may have expired, and the cart is gone after a successful checkout).
      const replay = (stored: StoredOrder): PlacedOrder => {
        if (stored.requestFingerprint !== fingerprint) throw new IdempotencyKeyReusedError(request.idempotencyKey);
        return { order: stored.order, replayed: true };
      };
      const existing = await findOrderByIdempotencyKey(client, request.idempotencyKey);
      if (existing) return replay(existing);

      const { Item: cart } = await documents.send(new GetCommand({ TableName: deps.cartsTable, Key: { [CARTS_TABLE.partitionKey]: request.cartId }, ConsistentRead: true }));
      if (!cart) {
        // A duplicate racing this one may have placed the order and cleared the cart in between.
        const placed = await findOrderByIdempotencyKey(client, request.idempotencyKey);
        if (placed) return replay(placed);
      }
      const draft = validateCart(cart, request);

      const { order, created } = await placeOrder(client, {
        idempotencyKey: request.idempotencyKey,
        requestFingerprint: fingerprint,
        customerId: request.customerId,
        cartId: request.cartId,
        currency: request.currency,
        totalMinor: draft.totalMinor,
        lines: draft.lines,
      });
      logger.info(created ? "order placed" : "order already placed under this key", { orderId: order.orderId, lines: order.lines.length, totalMinor: order.totalMinor });
      if (created) await clearCart(request, draft.cartUpdatedAt, order.orderId);
      return { order, replayed: !created };
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // Discard the connection after an unexpected error (it may be mid-transaction or broken).
      const expected = failure === undefined || failure instanceof HttpError || failure instanceof IdempotencyKeyReusedError;
      client.release(expected ? undefined : (failure as Error));
    }
  }

  const idempotentCheckout = makeIdempotent(checkout, { persistenceStore, config: idempotencyConfig, keyPrefix: "checkout" });

  return async (event, context) => {
    logger.addContext(context);
    idempotencyConfig.registerLambdaContext(context);
    try {
      const request = parseCheckoutRequest(event);
      logger.appendKeys({ cartId: request.cartId, idempotencyKey: request.idempotencyKey });
      const { order, replayed } = await idempotentCheckout(request);
      return json(replayed ? 200 : 201, order, { location: `/orders/${order.orderId}`, "idempotent-replayed": String(replayed) });
    } catch (error) {
      return errorResponse(toHttpError(error, logger));
    } finally {
      logger.resetKeys();
    }
  };
}

function toHttpError(error: unknown, logger: Logger): HttpError {
  if (error instanceof HttpError) return error;
  const name = (error as Error | undefined)?.name;
  if (name === "IdempotencyValidationError" || error instanceof IdempotencyKeyReusedError) {
    return new HttpError(422, "IDEMPOTENCY_KEY_REUSED", `this ${IDEMPOTENCY_HEADER} was already used with a different request body; use a new key for a new order`);
  }
  if (name === "IdempotencyAlreadyInProgressError") {
    return new HttpError(409, "REQUEST_IN_PROGRESS", `a request with this ${IDEMPOTENCY_HEADER} is still being processed; retry shortly`, undefined, { "retry-after": "1" });
  }
  logger.error("checkout failed", error as Error);
  return new HttpError(500, "INTERNAL_ERROR", "the order could not be placed; retry with the same Idempotency-Key");
}
