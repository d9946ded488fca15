/**
 * Orders in Aurora PostgreSQL (schema: `schema.sql`). Takes a `pg` client, so the handler passes one
 * checked out of its IAM-authenticated pool and the tests pass one connected to a throw-away server.
 *
 * Idempotency is enforced here, independently of the Powertools record in DynamoDB: the orders table
 * has a UNIQUE idempotency key and the insert is `ON CONFLICT DO NOTHING`. A concurrent duplicate
 * blocks on the first transaction's uncommitted key, then inserts nothing and reads the winner's order.
 */
import type { ClientBase, QueryResultRow } from "pg";

/** What the repository needs from `pg`: `Client`, `PoolClient` and `Pool` all fit. */
export type Queryable = Pick<ClientBase, "query">;

export interface NewOrderLine {
  productId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

export interface NewOrder {
  idempotencyKey: string;
  requestFingerprint: string;
  customerId: string;
  cartId: string;
  currency: string;
  totalMinor: number;
  lines: NewOrderLine[];
}

export interface OrderLine extends NewOrderLine {
  lineNo: number;
}

export interface Order {
  orderId: string;
  customerId: string;
  cartId: string;
  currency: string;
  totalMinor: number;
  status: string;
  createdAt: string;
  lines: OrderLine[];
}

export interface StoredOrder {
  order: Order;
  requestFingerprint: string;
}

/** The idempotency key already names an order placed for a different request. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`idempotency key ${idempotencyKey} was already used for a different request`);
    this.name = "IdempotencyKeyReusedError";
  }
}

interface OrderRow extends QueryResultRow {
  order_id: string;
  request_fingerprint: string;
  customer_id: string;
  cart_id: string;
  currency: string;
  total_minor: string;
  status: string;
  created_at: Date;
  lines: { line_no: number; product_id: string; sku: string; quantity: number; unit_price_minor: number; line_total_minor: number }[];
}

// bigint columns come back from pg as strings; amounts are read as JSON numbers, so they are checked
// against Number.MAX_SAFE_INTEGER (the handler never writes larger ones).
const SELECT_ORDER = `
  SELECT o.order_id, o.request_fingerprint, o.customer_id, o.cart_id, o.currency, o.total_minor, o.status, o.created_at,
         COALESCE(json_agg(json_build_object(
           'line_no', l.line_no, 'product_id', l.product_id, 'sku', l.sku, 'quantity', l.quantity,
           'unit_price_minor', l.unit_price_minor, 'line_total_minor', l.line_total_minor) ORDER BY l.line_no)
           FILTER (WHERE l.order_id IS NOT NULL), '[]') AS lines
    FROM orders o LEFT JOIN order_lines l ON l.order_id = o.order_id
   WHERE o.idempotency_key = $1
   GROUP BY o.order_id`;

function safeInteger(value: string | number, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`${what} ${value} is not a safe integer`);
  return n;
}

function toStoredOrder(row: OrderRow): StoredOrder {
  return {
    requestFingerprint: row.request_fingerprint,
    order: {
      orderId: row.order_id,
      customerId: row.customer_id,
      cartId: row.cart_id,
      currency: row.currency,
      totalMinor: safeInteger(row.total_minor, "total_minor"),
      status: row.status,
      createdAt: row.created_at.toISOString(),
      lines: row.lines.map((l) => ({
        lineNo: l.line_no,
        productId: l.product_id,
        sku: l.sku,
        quantity: l.quantity,
        unitPriceMinor: safeInteger(l.unit_price_minor, "unit_price_minor"),
        lineTotalMinor: safeInteger(l.line_total_minor, "line_total_minor"),
      })),
    },
  };
}

export async function findOrderByIdempotencyKey(db: Queryable, idempotencyKey: string): Promise<StoredOrder | undefined> {
  const { rows } = await db.query<OrderRow>(SELECT_ORDER, [idempotencyKey]);
  return rows[0] ? toStoredOrder(rows[0]) : undefined;
}

/** Runs `work` in one transaction on `client`: COMMIT on success, ROLLBACK (and rethrow) on any error. */
export async function inTransaction<T>(client: Queryable, work: () => Promise<T>): Promise<T> {
  // READ COMMITTED (PostgreSQL's default, stated because `placeOrder` relies on it): after ON CONFLICT
  // waited for a concurrent duplicate to commit, the next statement's snapshot sees that order.
  await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      // The connection is unusable; the caller must discard it (pool `release(error)`).
      throw new AggregateError([error, rollbackError], "transaction failed and could not be rolled back", { cause: rollbackError });
    }
    throw error;
  }
}

/**
 * Writes the order and its lines in one transaction, once per idempotency key. Returns the order
 * and whether this call created it; throws `IdempotencyKeyReusedError` when the key already names an
 * order for a different request, and the database's error (after ROLLBACK) when a row is refused.
 */
export async function placeOrder(client: Queryable, order: NewOrder): Promise<{ order: Order; created: boolean }> {
  const outcome = await inTransaction(client, async () => {
    const inserted = await client.query<{ order_id: string }>(
      `INSERT INTO orders (idempotency_key, request_fingerprint, customer_id, cart_id, currency, total_minor, line_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING order_id`,
      [order.idempotencyKey, order.requestFingerprint, order.customerId, order.cartId, order.currency, order.totalMinor, order.lines.length],
    );
    const orderId = inserted.rows[0]?.order_id;
    if (orderId !== undefined) {
      await client.query(
        `INSERT INTO order_lines (order_id, line_no, product_id, sku, quantity, unit_price_minor, line_total_minor)
         SELECT $1, t.line_no, t.product_id, t.sku, t.quantity, t.unit_price_minor, t.line_total_minor
           FROM unnest($2::text[], $3::text[], $4::integer[], $5::bigint[], $6::bigint[])
                WITH ORDINALITY AS t(product_id, sku, quantity, unit_price_minor, line_total_minor, line_no)`,
        [
          orderId,
          order.lines.map((l) => l.productId),
          order.lines.map((l) => l.sku),
          order.lines.map((l) => l.quantity),
          order.lines.map((l) => l.unitPriceMinor),
          order.lines.map((l) => l.lineTotalMinor),
        ],
      );
    }
    const stored = await findOrderByIdempotencyKey(client, order.idempotencyKey);
    if (!stored) throw new Error(`order for idempotency key ${order.idempotencyKey} vanished inside its transaction`);
    return { stored, created: orderId !== undefined };
  });
  if (!outcome.created && outcome.stored.requestFingerprint !== order.requestFingerprint) throw new IdempotencyKeyReusedError(order.idempotencyKey);
  return { order: outcome.stored.order, created: outcome.created };
}
