/**
 * The checkout over real connections: the SQL against a throw-away PostgreSQL (tests/helpers/postgres),
 * the carts and idempotency tables against an in-process dynalite. The handler under test is the one
 * `handler.ts` deploys (`createCheckoutHandler`), given these connections instead of Aurora's.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Client, Pool, type PoolClient } from "pg";
import type { CartItem } from "../../projects/ecommerce/functions/carts-table";
import { createCheckoutHandler, type CheckoutHandler } from "../../projects/ecommerce/functions/checkout/checkout";
import { IdempotencyKeyReusedError, findOrderByIdempotencyKey, placeOrder, type NewOrder } from "../../projects/ecommerce/functions/checkout/orders-repository";
import { DefaultRoles, migrate } from "../../projects/ecommerce/functions/db-migrate/migrate";
import { SCHEMA_SQL } from "../../projects/ecommerce/functions/db-migrate/schema";
import { startPostgres, type Postgres } from "../helpers/postgres";
import { createCartsTable, createIdempotencyTable, lambdaContext, partnerClaims, postOrders, silentLogger, startDynalite, type Dynalite } from "./ecommerce-fixtures";


describe("e-commerce checkout over real PostgreSQL and dynalite", function () {
  this.timeout(60_000);
  let pg: Postgres | undefined;
  let admin: Client | undefined;
  /** The superuser: test bookkeeping only (truncate, counts, locks, test-only constraints). */
  let adminPool: Pool;
  /** What the code under test uses: the `checkout` role with exactly the grants the migration gives it, so a missing grant fails. */
  let pool: Pool;
  const dbName = `ecommerce_checkout_${process.pid}_${Date.now()}`;

  before(async () => {
    pg = await startPostgres();
    admin = new Client({ connectionString: pg.url });
    await admin.connect();
    // A database of our own, so the tests also run against a shared server (BLUEPRINTS_PG_URL).
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(pg.url);
    url.pathname = `/${dbName}`;
    adminPool = new Pool({ connectionString: url.toString(), max: 4 });
    // The deploy-time migration (schema, roles, grants), as the program runs it.
    const migrator = await adminPool.connect();
    await migrate(migrator).finally(() => migrator.release());
    url.username = DefaultRoles.checkout;
    pool = new Pool({ connectionString: url.toString(), max: 8 });
    expect((await pool.query("SELECT current_user AS u")).rows[0].u).to.equal("checkout");
  });

  after(async () => {
    await pool?.end();
    await adminPool?.end();
    if (admin) {
      // pool.end() resolves before the server has seen every connection close; forcing the drop
      // while they close would fail them with an uncaught error. Wait for them to go first.
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [dbName]);
        if (rows[0].n === 0) break;
      }
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
    pg?.stop();
  });

  beforeEach(() => adminPool.query("TRUNCATE orders CASCADE"));

  async function counts(): Promise<{ orders: number; lines: number }> {
    const { rows } = await adminPool.query("SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines");
    return rows[0];
  }

  /** `n` connections as the checkout role; with `blocker`, a superuser one first (LOCK TABLE needs more than checkout has). */
  async function withClients<T>(n: number, work: (...clients: PoolClient[]) => Promise<T>, blocker = false): Promise<T> {
    const clients = await Promise.all(Array.from({ length: n }, (_, i) => (blocker && i === 0 ? adminPool : pool).connect()));
    try {
      return await work(...clients);
    } finally {
      for (const c of clients) c.release();
    }
  }

  /** Waits until `n` backends of this database are blocked on a lock. */
  async function lockWaiters(n: number): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const { rows } = await adminPool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (rows[0].n >= n) return;
    }
    throw new Error(`fewer than ${n} sessions waiting on a lock after 10 s`);
  }

  describe("the schema and the orders repository", () => {
    const newOrder = (overrides: Partial<NewOrder> = {}): NewOrder => ({
      idempotencyKey: "key-1",
      requestFingerprint: "fingerprint-1",
      customerId: "customer-1",
      cartId: "cart-1",
      currency: "EUR",
      totalMinor: 2 * 1299 + 500,
      lines: [
        { productId: "p-1", sku: "SKU-1", quantity: 2, unitPriceMinor: 1299, lineTotalMinor: 2598 },
        { productId: "p-2", sku: "SKU-2", quantity: 1, unitPriceMinor: 500, lineTotalMinor: 500 },
      ],
      ...overrides,
    });

    it("applies again over itself (a migration can run it on every deploy)", async () => {
      await adminPool.query(SCHEMA_SQL);
      const { rows } = await adminPool.query("SELECT count(*)::int AS n FROM pg_trigger WHERE tgname IN ('orders_totals_match_lines', 'order_lines_totals_match_order')");
      expect(rows[0].n).to.equal(2);
    });

    it("writes the order and its numbered lines in one transaction", async () => {
      const { order, created } = await withClients(1, (c) => placeOrder(c, newOrder()));
      expect(created).to.equal(true);
      expect(order).to.include({ customerId: "customer-1", cartId: "cart-1", currency: "EUR", totalMinor: 3098, status: "PLACED" });
      expect(order.orderId).to.match(/^[0-9a-f-]{36}$/);
      expect(order.lines.map((l) => [l.lineNo, l.sku, l.quantity, l.unitPriceMinor, l.lineTotalMinor])).to.deep.equal([
        [1, "SKU-1", 2, 1299, 2598],
        [2, "SKU-2", 1, 500, 500],
      ]);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("returns the first order for a repeated idempotency key and writes nothing more", async () => {
      const first = await withClients(1, (c) => placeOrder(c, newOrder()));
      const again = await withClients(1, (c) => placeOrder(c, newOrder()));
      expect(again.created).to.equal(false);
      expect(again.order).to.deep.equal(first.order);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("refuses a repeated key that comes with a different request", async () => {
      await withClients(1, (c) => placeOrder(c, newOrder()));
      const error = await withClients(1, (c) => placeOrder(c, newOrder({ requestFingerprint: "fingerprint-2" }))).catch((e) => e);
      expect(error).to.be.instanceOf(IdempotencyKeyReusedError);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("makes a concurrent duplicate wait for the first transaction, then return its order", async () => {
      await withClients(3, async (blocker, a, b) => {
        // Hold the first transaction open between its order row and its lines.
        await blocker.query("BEGIN");
        await blocker.query("LOCK TABLE order_lines IN SHARE MODE");
        const first = placeOrder(a, newOrder());
        await lockWaiters(1);
        const second = placeOrder(b, newOrder()); // blocks on the first one's uncommitted key
        await lockWaiters(2);
        await blocker.query("COMMIT");
        const [r1, r2] = await Promise.all([first, second]);
        expect([r1.created, r2.created]).to.deep.equal([true, false]);
        expect(r2.order.orderId).to.equal(r1.order.orderId);
      }, true);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("lets the waiting duplicate place the order when the first transaction rolls back", async () => {
      await withClients(3, async (blocker, a, b) => {
        await blocker.query("BEGIN");
        await blocker.query("LOCK TABLE order_lines IN SHARE MODE");
        const failing = newOrder({ lines: [{ productId: "p-1", sku: "SKU-1", quantity: 0, unitPriceMinor: 100, lineTotalMinor: 0 }], totalMinor: 0 });
        const first = placeOrder(a, failing).then(
          () => undefined,
          (e: Error) => e,
        );
        await lockWaiters(1);
        const second = placeOrder(b, newOrder());
        await lockWaiters(2);
        await blocker.query("COMMIT");
        expect(await first).to.have.property("constraint", "order_lines_quantity_positive");
        expect((await second).created).to.equal(true);
      }, true);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("rolls the order back when a line violates a constraint, and leaves the connection usable", async () => {
      await withClients(1, async (c) => {
        const lines = [newOrder().lines[0]!, { productId: "p-2", sku: "SKU-2", quantity: -1, unitPriceMinor: 500, lineTotalMinor: -500 }];
        const error = await placeOrder(c, newOrder({ lines, totalMinor: 2098 })).catch((e) => e);
        expect(error).to.have.property("constraint", "order_lines_quantity_positive");
        expect((await c.query("SELECT 1 AS ok")).rows[0].ok).to.equal(1);
        expect(await findOrderByIdempotencyKey(c, "key-1")).to.equal(undefined);
      });
      expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
    });

    it("rejects, at COMMIT, an order whose total or line count disagrees with its lines", async () => {
      await withClients(1, async (c) => {
        await c.query("BEGIN");
        const { rows } = await c.query("INSERT INTO orders (idempotency_key, request_fingerprint, customer_id, cart_id, currency, total_minor, line_count) VALUES ('k', 'f', 'c', 'cart', 'EUR', 1000, 1) RETURNING order_id");
        await c.query("INSERT INTO order_lines (order_id, line_no, product_id, sku, quantity, unit_price_minor, line_total_minor) VALUES ($1, 1, 'p', 's', 1, 999, 999)", [rows[0].order_id]);
        const error = await c.query("COMMIT").catch((e) => e);
        expect(error).to.have.property("constraint", "orders_totals_match_lines");
      });
      expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
    });

    it("rejects a line whose total is not quantity x unit price, and a malformed currency", async () => {
      const bad = newOrder({ lines: [{ productId: "p", sku: "s", quantity: 2, unitPriceMinor: 100, lineTotalMinor: 100 }], totalMinor: 100 });
      expect(await withClients(1, (c) => placeOrder(c, bad)).catch((e) => e)).to.have.property("constraint", "order_lines_total_consistent");
      expect(await withClients(1, (c) => placeOrder(c, newOrder({ currency: "eur" }))).catch((e) => e)).to.have.property("constraint", "orders_currency_iso4217");
      expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
    });
  });

  describe("the checkout handler (POST /orders)", () => {
    const CARTS = "carts";
    const IDEMPOTENCY = "checkout-idempotency";
    let dynamo: Dynalite;
    let documents: DynamoDBDocumentClient;
    let handler: CheckoutHandler;
    const items: CartItem[] = [
      { productId: "p-1", sku: "SKU-1", quantity: 2, unitPrice: 1299 },
      { productId: "p-2", sku: "SKU-2", quantity: 1, unitPrice: 500 },
    ];

    before(async () => {
      dynamo = await startDynalite();
      await createCartsTable(dynamo.client, CARTS);
      await createIdempotencyTable(dynamo.client, IDEMPOTENCY);
      documents = DynamoDBDocumentClient.from(dynamo.client);
      handler = createCheckoutHandler({ pool, dynamodb: dynamo.client, cartsTable: CARTS, idempotencyTable: IDEMPOTENCY, logger: silentLogger() });
    });

    after(() => dynamo?.stop());

    async function putCart(cartItems: unknown[] = items, extra: Record<string, unknown> = {}): Promise<string> {
      const cartId = `cart-${randomUUID()}`;
      await documents.send(new PutCommand({ TableName: CARTS, Item: { cartId, customerId: "customer-1", currency: "EUR", items: cartItems, updatedAt: Date.now(), ...extra } }));
      return cartId;
    }

    const getCart = async (cartId: string) => (await documents.send(new GetCommand({ TableName: CARTS, Key: { cartId }, ConsistentRead: true }))).Item;

    async function post(body: unknown, key?: string, using: CheckoutHandler = handler, caller: string | Record<string, string> | null = "customer-1") {
      const response = await using(postOrders(body, key === undefined ? {} : { "Idempotency-Key": key }, caller), lambdaContext());
      return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) };
    }

    /** What a record expiry (TTL) or a lost record looks like: the database is all that is left. */
    async function forgetIdempotencyRecords(): Promise<void> {
      const { Items = [] } = await documents.send(new ScanCommand({ TableName: IDEMPOTENCY }));
      for (const item of Items) await documents.send(new DeleteCommand({ TableName: IDEMPOTENCY, Key: { id: item.id } }));
    }

    it("writes one order with its lines to PostgreSQL (201) and clears the cart", async () => {
      const cartId = await putCart();
      const res = await post({ cartId, currency: "EUR" }, randomUUID());
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ cartId, customerId: "customer-1", currency: "EUR", totalMinor: 3098, status: "PLACED" });
      expect(res.body.lines).to.have.length(2);
      expect(res.headers).to.include({ location: `/orders/${res.body.orderId}`, "idempotent-replayed": "false" });
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
      expect(await getCart(cartId)).to.equal(undefined);
    });

    it("answers a retry with the same Idempotency-Key with the first order (200) and creates no second one", async () => {
      const cartId = await putCart();
      const key = randomUUID();
      const body = { cartId, currency: "EUR" };
      const first = await post(body, key);
      const retry = await post(body, key);
      expect([first.status, retry.status]).to.deep.equal([201, 200]);
      expect(retry.body.orderId).to.equal(first.body.orderId);
      expect(retry.headers).to.include({ "idempotent-replayed": "true" });
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("answers the retry from the database once the Powertools record is gone (expired)", async () => {
      const cartId = await putCart();
      const key = randomUUID();
      const first = await post({ cartId, currency: "EUR" }, key);
      await forgetIdempotencyRecords();
      const retry = await post({ cartId, currency: "EUR" }, key);
      expect(retry.status, JSON.stringify(retry.body)).to.equal(200);
      expect(retry.body.orderId).to.equal(first.body.orderId);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("creates one order for two concurrent identical requests", async () => {
      const cartId = await putCart();
      const key = randomUUID();
      const body = { cartId, currency: "EUR" };
      const responses = await Promise.all([post(body, key), post(body, key)]);
      const created = responses.filter((r) => r.status === 201);
      expect(created, JSON.stringify(responses)).to.have.length(1);
      const other = responses.find((r) => r !== created[0])!;
      // The duplicate either saw the record in progress (409, retry later) or the completed order (200).
      if (other.status === 200) expect(other.body.orderId).to.equal(created[0]!.body.orderId);
      else expect(other).to.deep.include({ status: 409, body: { error: { code: "REQUEST_IN_PROGRESS", message: other.body.error.message } } });
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("creates one order when two containers race without a shared Powertools record (the database decides)", async () => {
      await createIdempotencyTable(dynamo.client, `${IDEMPOTENCY}-b`);
      const other = createCheckoutHandler({ pool, dynamodb: dynamo.client, cartsTable: CARTS, idempotencyTable: `${IDEMPOTENCY}-b`, logger: silentLogger() });
      const cartId = await putCart();
      const key = randomUUID();
      const body = { cartId, currency: "EUR" };
      const responses = await Promise.all([post(body, key), post(body, key, other)]);
      expect(responses.map((r) => r.status).sort(), JSON.stringify(responses)).to.deep.equal([200, 201]);
      expect(responses[0]!.body.orderId).to.equal(responses[1]!.body.orderId);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("refuses the same key with a different body (422) and writes nothing", async () => {
      const cartId = await putCart();
      const key = randomUUID();
      await post({ cartId, currency: "EUR" }, key);
      const res = await post({ cartId, currency: "USD" }, key);
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal("IDEMPOTENCY_KEY_REUSED");
      expect(res.body.error.message).to.match(/different request body/);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
    });

    it("refuses it from the database too once the Powertools record is gone", async () => {
      const cartId = await putCart();
      const key = randomUUID();
      await post({ cartId, currency: "EUR" }, key);
      await forgetIdempotencyRecords();
      const otherCart = await putCart();
      const res = await post({ cartId: otherCart, currency: "EUR" }, key);
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal("IDEMPOTENCY_KEY_REUSED");
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
      expect(await getCart(otherCart)).to.not.equal(undefined);
    });

    it("leaves no order and keeps the cart when a line fails mid-transaction, and frees the key for a retry", async () => {
      // A real constraint of the database refuses the second line, after the order row and first line.
      await adminPool.query("ALTER TABLE order_lines ADD CONSTRAINT test_no_poison CHECK (sku <> 'POISON')");
      const cartId = await putCart([items[0], { productId: "p-9", sku: "POISON", quantity: 1, unitPrice: 100 }]);
      const key = randomUUID();
      const body = { cartId, currency: "EUR" };
      try {
        const res = await post(body, key);
        expect(res.status).to.equal(500);
        expect(res.body.error.code).to.equal("INTERNAL_ERROR");
        expect(res.body.error.message).to.not.match(/POISON|constraint/); // no database detail leaks to the client
        expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
        expect((await getCart(cartId))?.items).to.have.length(2);
      } finally {
        await adminPool.query("ALTER TABLE order_lines DROP CONSTRAINT IF EXISTS test_no_poison");
      }
      const retry = await post(body, key);
      expect(retry.status, JSON.stringify(retry.body)).to.equal(201);
      expect(await counts()).to.deep.equal({ orders: 1, lines: 2 });
      expect(await getCart(cartId)).to.equal(undefined);
    });

    it("keeps a cart the customer changed while it was being checked out", async () => {
      const cartId = await putCart();
      // A client that, right after the checkout reads the cart, lets the customer add an item.
      const racing = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
      racing.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === "GetItemCommand" && (args.input as { TableName?: string }).TableName === CARTS) {
            await documents.send(
              new UpdateCommand({
                TableName: CARTS,
                Key: { cartId },
                UpdateExpression: "SET #items = list_append(#items, :more), updatedAt = :now",
                ExpressionAttributeNames: { "#items": "items" },
                ExpressionAttributeValues: { ":more": [{ productId: "p-3", sku: "SKU-3", quantity: 1, unitPrice: 700 }], ":now": Date.now() + 1 },
              }),
            );
          }
          return result;
        },
        { step: "initialize", name: "customerTouchesCart" },
      );
      try {
        const withRace = createCheckoutHandler({ pool, dynamodb: racing, cartsTable: CARTS, idempotencyTable: IDEMPOTENCY, logger: silentLogger() });
        const res = await post({ cartId, currency: "EUR" }, randomUUID(), withRace);
        expect(res.status).to.equal(201);
        expect(res.body.lines).to.have.length(2); // the order is the cart as it was read
        expect((await getCart(cartId))?.items).to.have.length(3); // the newer cart survives
      } finally {
        racing.destroy();
      }
    });

    it("a partner checks out its own carts with a client-credentials token, as partner:<client id>", async () => {
      const cartId = await putCart(items, { customerId: "partner:client-acme" });
      const own = await post({ cartId, currency: "EUR" }, randomUUID(), handler, partnerClaims("client-acme"));
      expect([own.status, own.body.customerId]).to.deep.equal([201, "partner:client-acme"]);
      const other = await putCart(items, { customerId: "partner:client-acme" });
      const foreign = await post({ cartId: other, currency: "EUR" }, randomUUID(), handler, partnerClaims("client-globex"));
      expect([foreign.status, foreign.body.error.code]).to.deep.equal([403, "CART_NOT_OWNED"]);
      const unscoped = await post({ cartId: other, currency: "EUR" }, randomUUID(), handler, partnerClaims("client-acme", "orders/read"));
      expect([unscoped.status, unscoped.body.error.code]).to.deep.equal([403, "SCOPE_REQUIRED"]);
    });

    describe("refuses requests it cannot serve, with a clear 4xx and no order", () => {
      afterEach(async () => expect(await counts()).to.deep.equal({ orders: 0, lines: 0 }));

      it("400 without an Idempotency-Key header", async () => {
        const res = await post({ cartId: await putCart(), currency: "EUR" });
        expect(res.status).to.equal(400);
        expect(res.body.error.code).to.equal("IDEMPOTENCY_KEY_REQUIRED");
        expect(res.body.error.message).to.contain("Idempotency-Key header is required");
      });

      it("400 for a currency that is not an ISO 4217 code, naming the field", async () => {
        for (const currency of ["eur", "EURO", "E1R", 978, undefined]) {
          const res = await post({ cartId: await putCart(), currency }, randomUUID());
          expect(res.status, String(currency)).to.equal(400);
          expect(res.body.error.code).to.equal("INVALID_REQUEST");
          expect(res.body.error.details).to.deep.equal([{ field: "currency", message: res.body.error.message }]);
          expect(res.body.error.message).to.contain("ISO 4217");
        }
      });

      it("400 for a body that is not JSON, or lacks its fields (all of them listed)", async () => {
        const notJson = await post("{cartId:", randomUUID());
        expect([notJson.status, notJson.body.error.code]).to.deep.equal([400, "INVALID_JSON"]);
        const empty = await post({}, randomUUID());
        expect(empty.status).to.equal(400);
        expect(empty.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(["cartId", "currency"]);
      });

      it("404 for a cart that does not exist", async () => {
        const res = await post({ cartId: "cart-missing", currency: "EUR" }, randomUUID());
        expect([res.status, res.body.error.code]).to.deep.equal([404, "CART_NOT_FOUND"]);
      });

      it("a signed-in customer cannot check out someone else's cart: 403, no order, the cart kept", async () => {
        const cartId = await putCart(); // customer-1's
        const before = await getCart(cartId);
        const res = await post({ cartId, currency: "EUR" }, randomUUID(), handler, "customer-2");
        expect([res.status, res.body.error.code]).to.deep.equal([403, "CART_NOT_OWNED"]);
        expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
        expect(await getCart(cartId)).to.deep.equal(before);
      });

      it("naming the owner in the body does not help: the customer comes only from authentication", async () => {
        const cartId = await putCart();
        const res = await post({ cartId, customerId: "customer-1", currency: "EUR" }, randomUUID(), handler, "customer-2");
        expect(res.status).to.equal(400);
        expect(res.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(["customerId"]);
        expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
      });

      it("401 without a verified identity, before touching the cart or the database", async () => {
        const res = await post({ cartId: await putCart(), currency: "EUR" }, randomUUID(), handler, null);
        expect([res.status, res.body.error.code]).to.deep.equal([401, "UNAUTHENTICATED"]);
        expect(await counts()).to.deep.equal({ orders: 0, lines: 0 });
      });


      it("422 for an empty cart", async () => {
        const res = await post({ cartId: await putCart([]), currency: "EUR" }, randomUUID());
        expect([res.status, res.body.error.code]).to.deep.equal([422, "CART_EMPTY"]);
        expect(res.body.error.message).to.match(/has no items/);
      });

      it("422 for a cart priced in another currency", async () => {
        const res = await post({ cartId: await putCart(), currency: "USD" }, randomUUID());
        expect([res.status, res.body.error.code]).to.deep.equal([422, "CURRENCY_MISMATCH"]);
      });

      it("422 for lines with a non-positive quantity or a bad price, each one named", async () => {
        const cartId = await putCart([
          { productId: "p-1", sku: "SKU-1", quantity: 0, unitPrice: 100 },
          { productId: "p-2", sku: "SKU-2", quantity: 1.5, unitPrice: -1 },
        ]);
        const res = await post({ cartId, currency: "EUR" }, randomUUID());
        expect([res.status, res.body.error.code]).to.deep.equal([422, "INVALID_CART"]);
        expect(res.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(["items[0].quantity", "items[1].quantity", "items[1].unitPrice"]);
        expect(await getCart(cartId)).to.not.equal(undefined);
      });

      it("does not burn the key: after fixing the cart, the same key places the order", async () => {
        const cartId = await putCart([]);
        const key = randomUUID();
        expect((await post({ cartId, currency: "EUR" }, key)).status).to.equal(422);
        await documents.send(new UpdateCommand({ TableName: CARTS, Key: { cartId }, UpdateExpression: "SET #items = :items", ExpressionAttributeNames: { "#items": "items" }, ExpressionAttributeValues: { ":items": items } }));
        expect((await post({ cartId, currency: "EUR" }, key)).status).to.equal(201);
        await adminPool.query("TRUNCATE orders CASCADE"); // for the afterEach count
      });
    });
  });
});
