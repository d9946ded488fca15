/**
 * Pure validation for the checkout: the HTTP request, then the cart it names. Each function
 * collects every problem it finds before throwing one `HttpError`, so a client fixes all at once.
 */
import { createHash } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { CartItem } from "../carts-table";
import { HttpError, header, type FieldProblem } from "./http";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

export interface CheckoutRequest {
  idempotencyKey: string;
  cartId: string;
  /** The authenticated caller (see `authenticatedCustomer`), never a value from the body. */
  customerId: string;
  currency: string;
}

/** The OAuth scope a partner's client-credentials token must carry (`<resource server>/<scope>`). */
export const PARTNER_CHECKOUT_SCOPE = "orders/checkout";

/**
 * Who is checking out, from the claims API Gateway's Cognito user pool authorizer verified
 * (`requestContext.authorizer.claims`): never from the request body.
 *
 * - A shopper (the mobile app) sends the ID token of their user pool sign-in: the customer is the
 *   user's `sub`, which never changes and is never reused.
 * - A partner sends an access token from the OAuth client-credentials grant (its own app client
 *   and secret): `sub` is the app client's id and there is no user; the customer is
 *   `partner:<client id>`, and the token must carry the `orders/checkout` scope (the authorizer
 *   checks it too).
 *
 * No claims (the route was deployed without the authorizer, or called directly) is 401, not a guess.
 */
export function authenticatedCustomer(event: Pick<APIGatewayProxyEvent, "requestContext">): string {
  const claims = (event.requestContext?.authorizer as { claims?: Record<string, unknown> } | null | undefined)?.claims;
  const sub = claims?.sub;
  if (typeof sub !== "string" || sub.trim() === "") throw new HttpError(401, "UNAUTHENTICATED", "the request carries no verified identity: sign in (mobile) or send a client-credentials access token (partners)");
  const tokenUse = claims!.token_use;
  if (tokenUse === "id") return sub;
  if (tokenUse === "access") {
    if (claims!.username !== undefined) return sub; // a user's access token
    if (claims!.client_id !== sub) throw new HttpError(401, "UNAUTHENTICATED", "a client-credentials token must name its app client as subject");
    const scopes = typeof claims!.scope === "string" ? claims!.scope.split(" ") : [];
    if (!scopes.includes(PARTNER_CHECKOUT_SCOPE)) throw new HttpError(403, "SCOPE_REQUIRED", `the partner token lacks the ${PARTNER_CHECKOUT_SCOPE} scope`);
    return `partner:${sub}`;
  }
  throw new HttpError(401, "UNAUTHENTICATED", `token_use ${JSON.stringify(tokenUse ?? null)} is neither an ID nor an access token`);
}

export interface OrderLineDraft {
  productId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

export interface OrderDraft {
  lines: OrderLineDraft[];
  totalMinor: number;
  /** The cart's `updatedAt` as read, for the conditional delete after commit. */
  cartUpdatedAt: number | undefined;
}

/** ISO 4217 alphabetic codes are three uppercase Latin letters. */
const CURRENCY = /^[A-Z]{3}$/;
/** Printable ASCII without spaces: UUIDs, ULIDs and the like. */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const MAX_ID_LENGTH = 128;
const MAX_LINES = 500;
const MAX_QUANTITY = 10_000;

export function parseCheckoutRequest(event: Pick<APIGatewayProxyEvent, "headers" | "body" | "isBase64Encoded" | "requestContext">): CheckoutRequest {
  const customerId = authenticatedCustomer(event);
  const key = header(event.headers, IDEMPOTENCY_HEADER)?.trim();
  if (!key) throw new HttpError(400, "IDEMPOTENCY_KEY_REQUIRED", `the ${IDEMPOTENCY_HEADER} header is required: send a unique value (e.g. a UUID) per order and reuse it when retrying`);
  if (!IDEMPOTENCY_KEY.test(key)) throw new HttpError(400, "IDEMPOTENCY_KEY_INVALID", `the ${IDEMPOTENCY_HEADER} header must be 1-255 printable ASCII characters without spaces`);

  if (event.body == null || event.body === "") throw new HttpError(400, "BODY_REQUIRED", "a JSON body { cartId, currency } is required");
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "INVALID_JSON", "the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "INVALID_BODY", "the request body must be a JSON object { cartId, currency }");
  const fields = body as Record<string, unknown>;

  const problems: FieldProblem[] = [];
  const cartId = fields.cartId;
  if (typeof cartId !== "string" || cartId.trim() === "") problems.push({ field: "cartId", message: "cartId is required and must be a non-empty string" });
  else if (cartId.length > MAX_ID_LENGTH) problems.push({ field: "cartId", message: `cartId must be at most ${MAX_ID_LENGTH} characters` });
  // The customer is whoever authenticated; a body that names one is a client bug or an attempt.
  if ("customerId" in fields) problems.push({ field: "customerId", message: "customerId is not accepted: the customer is the authenticated caller" });
  const currency = fields.currency;
  if (typeof currency !== "string" || !CURRENCY.test(currency)) {
    problems.push({ field: "currency", message: `currency must be an ISO 4217 code of 3 uppercase letters (e.g. EUR), got ${JSON.stringify(currency ?? null)}` });
  }
  if (problems.length > 0) throw new HttpError(400, "INVALID_REQUEST", problems.map((p) => p.message).join("; "), problems);

  return { idempotencyKey: key, cartId: cartId as string, customerId, currency: currency as string };
}

/**
 * What makes two requests "the same" for one idempotency key (the key itself excluded). Stored with
 * the order so the database, too, can refuse a key reused for a different request.
 */
export function requestFingerprint(request: CheckoutRequest): string {
  const canonical = JSON.stringify([request.cartId, request.customerId, request.currency]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** Validates the cart item read from DynamoDB against the request; returns the order to write. */
export function validateCart(cart: Record<string, unknown> | undefined, request: CheckoutRequest): OrderDraft {
  if (!cart) throw new HttpError(404, "CART_NOT_FOUND", `cart ${request.cartId} does not exist (it may have been checked out or expired)`);
  if (cart.customerId !== request.customerId) throw new HttpError(403, "CART_NOT_OWNED", `cart ${request.cartId} does not belong to the signed-in customer`);
  if (cart.currency !== undefined && cart.currency !== request.currency) {
    throw new HttpError(422, "CURRENCY_MISMATCH", `cart ${request.cartId} is priced in ${String(cart.currency)}, not ${request.currency}`);
  }
  const items = cart.items;
  if (items === undefined || (Array.isArray(items) && items.length === 0)) throw new HttpError(422, "CART_EMPTY", `cart ${request.cartId} has no items`);
  if (!Array.isArray(items)) throw new HttpError(422, "INVALID_CART", `cart ${request.cartId}: items must be a list`);
  if (items.length > MAX_LINES) throw new HttpError(422, "INVALID_CART", `cart ${request.cartId} has ${items.length} lines; at most ${MAX_LINES} are allowed`);

  const problems: FieldProblem[] = [];
  const lines: OrderLineDraft[] = [];
  let totalMinor = 0;
  items.forEach((raw: unknown, i) => {
    const at = `items[${i}]`;
    const item = (typeof raw === "object" && raw !== null ? raw : {}) as Partial<Record<keyof CartItem, unknown>>;
    const before = problems.length;
    for (const field of ["productId", "sku"] as const) {
      const value = item[field];
      if (typeof value !== "string" || value.trim() === "") problems.push({ field: `${at}.${field}`, message: `${at}.${field} must be a non-empty string` });
    }
    const { quantity, unitPrice } = item;
    if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity <= 0 || quantity > MAX_QUANTITY) {
      problems.push({ field: `${at}.quantity`, message: `${at}.quantity must be an integer from 1 to ${MAX_QUANTITY}, got ${JSON.stringify(quantity ?? null)}` });
    }
    if (typeof unitPrice !== "number" || !Number.isSafeInteger(unitPrice) || unitPrice < 0) {
      problems.push({ field: `${at}.unitPrice`, message: `${at}.unitPrice must be a non-negative integer in minor units, got ${JSON.stringify(unitPrice ?? null)}` });
    }
    if (problems.length > before) return;
    const lineTotalMinor = (quantity as number) * (unitPrice as number);
    totalMinor += lineTotalMinor;
    lines.push({ productId: item.productId as string, sku: item.sku as string, quantity: quantity as number, unitPriceMinor: unitPrice as number, lineTotalMinor });
  });
  if (problems.length > 0) throw new HttpError(422, "INVALID_CART", `cart ${request.cartId} cannot be checked out: ${problems.map((p) => p.message).join("; ")}`, problems);
  if (!Number.isSafeInteger(totalMinor)) throw new HttpError(422, "INVALID_CART", `cart ${request.cartId}: the order total is too large`);

  const updatedAt = cart.updatedAt;
  return { lines, totalMinor, cartUpdatedAt: typeof updatedAt === "number" ? updatedAt : undefined };
}
