/**
 * The contract between the e-commerce handlers and their DynamoDB tables: how the tables are keyed
 * and what a cart item holds. The project's tables must be keyed the same way; the handler tests
 * create their dynalite tables from these constants.
 *
 * `carts`: one item per cart, partition key `cartId` (S), no sort key.
 *   - `customerId` (S)      the owner; checkout refuses a cart of another customer.
 *   - `currency` (S, opt.)  ISO 4217 code the unit prices are in; checkout refuses a different one.
 *   - `items` (L of M)      `productId` (S), `sku` (S), `quantity` (N), `unitPrice` (N, minor units).
 *   - `updatedAt` (N)       epoch milliseconds of the last change. `expire-carts` expires on it, and
 *                           checkout deletes the cart only if it is unchanged since it was read.
 *   - `expiresAt` (N, opt.) the table's TTL attribute (epoch seconds), written by the cart service as a
 *                           backstop; TTL deletes lazily (typically within days), so the age rule that
 *                           matters is enforced by `expire-carts`.
 *
 * `checkout-idempotency`: Powertools idempotency records, partition key `id` (S), TTL on `expiration`.
 */
export const CARTS_TABLE = {
  partitionKey: "cartId",
  updatedAtAttribute: "updatedAt",
  ttlAttribute: "expiresAt",
} as const;

export const IDEMPOTENCY_TABLE = {
  partitionKey: "id",
  ttlAttribute: "expiration",
} as const;

export interface CartItem {
  productId: string;
  sku: string;
  quantity: number;
  /** Price of one unit in the currency's minor unit (cents for EUR, yen for JPY). */
  unitPrice: number;
}

export interface Cart {
  cartId: string;
  customerId: string;
  currency?: string;
  items: CartItem[];
  /** Epoch milliseconds. */
  updatedAt: number;
  /** Epoch seconds (TTL). */
  expiresAt?: number;
}
