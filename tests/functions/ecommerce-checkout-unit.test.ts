/**
 * The checkout's parts that need no database: configuration at cold start, request and cart
 * validation, and the connection factory (IAM token and TLS) with the signer mocked.
 */
import { expect } from "chai";
import * as net from "node:net";
import * as path from "node:path";
import { loadCheckoutConfig, type DbConfig } from "../../projects/ecommerce/functions/checkout/config";
import { createPool, rdsSigner, type SignerOptions } from "../../projects/ecommerce/functions/checkout/db";
import { HttpError } from "../../projects/ecommerce/functions/checkout/http";
import { authenticatedCustomer, parseCheckoutRequest, requestFingerprint, validateCart, type CheckoutRequest } from "../../projects/ecommerce/functions/checkout/validation";
import { ConfigError } from "../../projects/ecommerce/functions/env";
import { partnerClaims, postOrders, shopperClaims } from "./ecommerce-fixtures";

const fullEnv = {
  AWS_REGION: "eu-west-1",
  DB_HOST: "orders.cluster-abc.eu-west-1.rds.amazonaws.com",
  DB_USER: "checkout",
  DB_NAME: "orders",
  CARTS_TABLE_NAME: "carts-1234",
  IDEMPOTENCY_TABLE_NAME: "checkout-idempotency-1234",
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("e-commerce checkout: configuration, validation, connection factory", () => {
  describe("configuration (read once, at cold start)", () => {
    it("reads every setting, with the PostgreSQL port and a one-day idempotency window by default", () => {
      expect(loadCheckoutConfig(fullEnv)).to.deep.equal({
        region: "eu-west-1",
        db: { host: fullEnv.DB_HOST, port: 5432, user: "checkout", database: "orders", region: "eu-west-1" },
        cartsTable: "carts-1234",
        idempotencyTable: "checkout-idempotency-1234",
        idempotencyTtlSeconds: 86_400,
      });
    });

    it("lists every missing or malformed variable in one error", () => {
      const error = thrown(() => loadCheckoutConfig({ DB_PORT: "54x", IDEMPOTENCY_TTL_SECONDS: "5" }));
      expect(error).to.be.instanceOf(ConfigError);
      for (const expected of ["AWS_REGION is required", "DB_HOST is required", "DB_USER is required", "DB_NAME is required", "CARTS_TABLE_NAME is required", "IDEMPOTENCY_TABLE_NAME is required", 'DB_PORT must be an integer from 1 to 65535, got "54x"', "IDEMPOTENCY_TTL_SECONDS must be an integer from 60"]) {
        expect(error.message).to.contain(expected);
      }
      expect(error.message).to.match(/^checkout: invalid configuration: /);
    });

    it("loads the RDS CA bundle from DB_CA_FILE, and says so when it cannot", () => {
      const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
      const config = loadCheckoutConfig({ ...fullEnv, DB_CA_FILE: "/opt/rds-ca.pem" }, (file) => (file === "/opt/rds-ca.pem" ? pem : ""));
      expect(config.db.caBundle).to.equal(pem);
      const missing = thrown(() => loadCheckoutConfig({ ...fullEnv, DB_CA_FILE: "/nope.pem" }));
      expect(missing.message).to.contain("DB_CA_FILE (/nope.pem) cannot be read");
      expect(thrown(() => loadCheckoutConfig({ ...fullEnv, DB_CA_FILE: "/x" }, () => "hello")).message).to.contain("holds no PEM certificate");
    });

    it("makes the deployed handler module fail its cold start with that error, and load when configured", () => {
      const modulePath = path.join(__dirname, "../../projects/ecommerce/functions/checkout/handler.ts");
      const load = (env: Record<string, string>) => {
        const saved = { ...process.env };
        for (const name of [...Object.keys(fullEnv), "DB_PORT", "DB_CA_FILE"]) delete process.env[name];
        Object.assign(process.env, env);
        delete require.cache[require.resolve(modulePath)];
        try {
          return require(modulePath);
        } finally {
          process.env = saved;
        }
      };
      expect(thrown(() => load({})).message).to.match(/^checkout: invalid configuration: AWS_REGION is required; DB_HOST is required/);
      expect(load(fullEnv).handler).to.be.a("function");
    });
  });

  describe("who checks out (the Cognito authorizer's verified claims)", () => {
    const who = (claims: Record<string, string> | null) => authenticatedCustomer(postOrders({}, {}, claims));
    const code = (claims: Record<string, string> | null) => (thrown(() => who(claims)) as HttpError).code;

    it("a shopper's ID token: the user's sub", () => {
      expect(who(shopperClaims("3f1c9a7e-user"))).to.equal("3f1c9a7e-user");
    });

    it("a partner's client-credentials token with the checkout scope: partner:<client id>", () => {
      expect(who(partnerClaims("7abc", "orders/read orders/checkout"))).to.equal("partner:7abc");
    });

    it("refuses no claims (401), a partner token without the scope (403), a client token whose subject is not its client (401)", () => {
      expect(code(null)).to.equal("UNAUTHENTICATED");
      expect(code({ token_use: "id" })).to.equal("UNAUTHENTICATED");
      expect(code(partnerClaims("7abc", "orders/read"))).to.equal("SCOPE_REQUIRED");
      expect(code({ ...partnerClaims("7abc"), sub: "someone-else" })).to.equal("UNAUTHENTICATED");
      expect(code({ sub: "x", token_use: "refresh" })).to.equal("UNAUTHENTICATED");
    });
  });

  describe("request validation", () => {
    const body = { cartId: "cart-1", currency: "EUR" };

    it("finds the Idempotency-Key header whatever its case, and reads a base64 body", () => {
      const event = { ...postOrders(undefined, { "idempotency-key": " abc-123 " }), body: Buffer.from(JSON.stringify(body)).toString("base64"), isBase64Encoded: true };
      expect(parseCheckoutRequest(event)).to.deep.equal({ idempotencyKey: "abc-123", customerId: "customer-1", ...body });
    });

    it("refuses keys that are blank, too long or contain spaces", () => {
      for (const key of ["   ", "a b", "x".repeat(256)]) {
        const error = thrown(() => parseCheckoutRequest(postOrders(body, { "Idempotency-Key": key }))) as HttpError;
        expect(error.statusCode, key).to.equal(400);
        expect(error.code).to.be.oneOf(["IDEMPOTENCY_KEY_REQUIRED", "IDEMPOTENCY_KEY_INVALID"]);
      }
    });

    it("refuses a body that is not an object", () => {
      for (const raw of ["[]", "null", '"x"', ""]) {
        const error = thrown(() => parseCheckoutRequest(postOrders(raw, { "Idempotency-Key": "k" }))) as HttpError;
        expect(error.statusCode, raw).to.equal(400);
      }
    });

    it("fingerprints the request without its key: same body, same fingerprint", () => {
      const a: CheckoutRequest = { idempotencyKey: "k1", customerId: "customer-1", ...body };
      expect(requestFingerprint(a)).to.equal(requestFingerprint({ ...a, idempotencyKey: "k2" }));
      expect(requestFingerprint(a)).to.not.equal(requestFingerprint({ ...a, currency: "USD" }));
    });
  });

  describe("cart validation", () => {
    const request: CheckoutRequest = { idempotencyKey: "k", cartId: "cart-1", customerId: "customer-1", currency: "JPY" };
    const cart = (extra: Record<string, unknown> = {}) => ({ cartId: "cart-1", customerId: "customer-1", updatedAt: 1_700_000_000_000, items: [{ productId: "p", sku: "s", quantity: 3, unitPrice: 250 }], ...extra });

    it("turns the cart into order lines and a total in minor units", () => {
      expect(validateCart(cart(), request)).to.deep.equal({
        lines: [{ productId: "p", sku: "s", quantity: 3, unitPriceMinor: 250, lineTotalMinor: 750 }],
        totalMinor: 750,
        cartUpdatedAt: 1_700_000_000_000,
      });
    });

    it("refuses a cart without a list of items, or with malformed lines", () => {
      expect((thrown(() => validateCart(cart({ items: undefined }), request)) as HttpError).code).to.equal("CART_EMPTY");
      expect((thrown(() => validateCart(cart({ items: "p" }), request)) as HttpError).code).to.equal("INVALID_CART");
      const bad = thrown(() => validateCart(cart({ items: [null, { productId: "", sku: "s", quantity: 1, unitPrice: 1 }] }), request)) as HttpError;
      expect(bad.details!.map((d) => d.field)).to.deep.equal(["items[0].productId", "items[0].sku", "items[0].quantity", "items[0].unitPrice", "items[1].productId"]);
    });

    it("refuses a total beyond what a JSON number holds exactly", () => {
      const huge = cart({ items: [{ productId: "p", sku: "s", quantity: 10_000, unitPrice: Number.MAX_SAFE_INTEGER - 1 }] });
      expect((thrown(() => validateCart(huge, request)) as HttpError).message).to.match(/too large/);
    });
  });

  describe("connection factory (IAM auth token, TLS)", () => {
    const db: DbConfig = { host: "127.0.0.1", port: 6543, user: "checkout", database: "orders", region: "eu-west-1" };

    function fakeSigner() {
      const calls = { constructed: [] as SignerOptions[], tokens: 0 };
      const factory = (options: SignerOptions) => {
        calls.constructed.push(options);
        return { getAuthToken: async () => `token-${++calls.tokens}` };
      };
      return { calls, factory };
    }

    it("asks the signer for a token for the cluster's host, port, user and region, fresh per connection", async () => {
      const { calls, factory } = fakeSigner();
      const pool = createPool({ ...db, host: "orders.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432 }, { signerFactory: factory });
      try {
        expect(calls.constructed).to.deep.equal([{ hostname: "orders.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432, username: "checkout", region: "eu-west-1" }]);
        const password = pool.options.password as () => Promise<string>;
        expect(await password()).to.equal("token-1");
        expect(await password()).to.equal("token-2");
        expect(pool.options).to.include({ host: "orders.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432, user: "checkout", database: "orders", max: 1 });
      } finally {
        await pool.end();
      }
    });

    it("verifies the server certificate, against the RDS CA bundle when one is configured", async () => {
      const { factory } = fakeSigner();
      const plain = createPool(db, { signerFactory: factory });
      const withCa = createPool({ ...db, caBundle: "PEM" }, { signerFactory: factory });
      try {
        expect(plain.options.ssl).to.deep.equal({ rejectUnauthorized: true });
        expect(withCa.options.ssl).to.deep.equal({ rejectUnauthorized: true, ca: "PEM" });
      } finally {
        await Promise.all([plain.end(), withCa.end()]);
      }
    });

    it("opens with a TLS request and gives up, without sending the token, when the server has no TLS", async () => {
      const first: Buffer[] = [];
      const server = net.createServer((socket) => socket.once("data", (data) => (first.push(data), socket.end("N"))));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { calls, factory } = fakeSigner();
      const pool = createPool({ ...db, port: (server.address() as net.AddressInfo).port }, { signerFactory: factory });
      try {
        const error = await pool.connect().catch((e: Error) => e);
        expect((error as Error).message).to.match(/does not support SSL/);
        // PostgreSQL's SSLRequest: length 8, code 80877103, before any startup or password message.
        expect([first[0]!.readUInt32BE(0), first[0]!.readUInt32BE(4)]).to.deep.equal([8, 80877103]);
        expect(calls.tokens).to.equal(0);
      } finally {
        await pool.end();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it("uses the real @aws-sdk/rds-signer by default: a SigV4 rds-db:connect token for that endpoint", async () => {
      const saved = { ...process.env };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "session" });
      delete process.env.AWS_PROFILE;
      try {
        const token = await rdsSigner({ hostname: "orders.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432, username: "checkout", region: "eu-west-1" }).getAuthToken();
        const url = new URL(`https://${token}`);
        expect(url.host).to.equal("orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432");
        expect(url.searchParams.get("Action")).to.equal("connect");
        expect(url.searchParams.get("DBUser")).to.equal("checkout");
        expect(url.searchParams.get("X-Amz-Credential")).to.match(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
        expect(Number(url.searchParams.get("X-Amz-Expires"))).to.equal(900);
      } finally {
        process.env = saved;
      }
    });
  });
});
