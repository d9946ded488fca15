/**
 * The smoke-test command against local emulators: a local server plays CloudFront (the storefront
 * at /, S3 under /media/), Cognito's token endpoint and API Gateway with its Cognito authorizer and
 * API-key check in front of the real checkout handler, which writes to a real PostgreSQL (migrated
 * by db-migrate, connected as the checkout role) and reads carts from dynalite.
 */
import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "pg";
import { createCheckoutHandler } from "../../projects/ecommerce/functions/checkout/checkout";
import { DefaultRoles, migrate } from "../../projects/ecommerce/functions/db-migrate/migrate";
import { loadModule, parseStack, runSmoke, UsageError } from "../../tools/smoke/cli";
import type { SmokeContext, SmokeEnvironment } from "../../tools/smoke/types";
import { createCartsTable, createIdempotencyTable, lambdaContext, partnerClaims, silentLogger, startDynalite, type Dynalite } from "../functions/ecommerce-fixtures";
import { startPostgres, type Postgres } from "../helpers/postgres";

const CLIENT = "client-smoke";
const SECRET = "s3cret-of-the-smoke-partner";
const API_KEY = "api-key-value-smoke";

describe("npm run smoke (e-commerce checks against local emulators)", function () {
  this.timeout(60_000);
  let pg: Postgres | undefined;
  let admin: Pool;
  let pool: Pool;
  let dynamo: Dynalite;
  let server: http.Server;
  let base: string;
  let storefrontFromS3 = false;
  const dbName = `ecommerce_smoke_${process.pid}_${Date.now()}`;

  before(async () => {
    pg = await startPostgres();
    const setup = new Pool({ connectionString: pg.url, max: 1 });
    await setup.query(`CREATE DATABASE ${dbName}`);
    await setup.end();
    const url = new URL(pg.url);
    url.pathname = `/${dbName}`;
    admin = new Pool({ connectionString: url.toString(), max: 2 });
    const c = await admin.connect();
    await migrate(c).finally(() => c.release());
    url.username = DefaultRoles.checkout;
    pool = new Pool({ connectionString: url.toString(), max: 2 });
    dynamo = await startDynalite();
    await createCartsTable(dynamo.client, "smoke-carts");
    await createIdempotencyTable(dynamo.client, "smoke-idempotency");
    const handler = createCheckoutHandler({ pool, dynamodb: dynamo.client, cartsTable: "smoke-carts", idempotencyTable: "smoke-idempotency", logger: silentLogger() });

    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, payload: string, headers: Record<string, string> = {}) => res.writeHead(status, headers).end(payload);
      const path = (req.url ?? "/").split("?")[0]!;
      if (path.startsWith("/media/")) return send(403, "<Error><Code>AccessDenied</Code></Error>", { server: "AmazonS3" });
      if (path === "/" && req.method === "GET") return storefrontFromS3 ? send(200, "<ListBucketResult/>", { server: "AmazonS3" }) : send(200, "<html>shop</html>", { server: "storefront" });
      if (path === "/oauth2/token") {
        const ok = req.headers.authorization === `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString("base64")}` && new URLSearchParams(body).get("grant_type") === "client_credentials";
        return ok ? send(200, JSON.stringify({ access_token: `token-for-${CLIENT}`, token_type: "Bearer", expires_in: 3600 })) : send(400, '{"error":"invalid_client"}');
      }
      if (path === "/v1/partners/orders" && req.method === "POST") {
        // API Gateway: the API key (usage plan), then the Cognito authorizer, then the function.
        if (req.headers["x-api-key"] !== API_KEY) return send(403, '{"message":"Forbidden"}');
        if (req.headers.authorization !== `token-for-${CLIENT}`) return send(401, '{"message":"Unauthorized"}');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const event = { httpMethod: "POST", path, resource: "/partners/orders", headers, multiValueHeaders: {}, body, isBase64Encoded: false, pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null, stageVariables: null, requestContext: { authorizer: { claims: partnerClaims(CLIENT) } } };
        const result = await handler(event as never, lambdaContext());
        return send(result.statusCode, result.body, result.headers as Record<string, string>);
      }
      send(404, "not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.close();
    await dynamo?.stop();
    await pool?.end();
    await admin?.end();
    const cleanup = new Pool({ connectionString: pg!.url, max: 1 });
    await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await cleanup.end();
    pg?.stop();
  });

  const outputs = () => ({
    storefrontDomainName: "d111111abcdef8.cloudfront.net",
    siteDomainNames: [],
    partnerOrdersUrl: "https://abc123.execute-api.us-east-1.amazonaws.com/v1/partners/orders",
    tokenEndpoint: "https://ecommerce-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/token",
    customerUserPoolId: "us-east-1_Pool",
    partnerClientIds: { "sandbox-partner": CLIENT },
    partnerApiKeyIds: { "sandbox-partner": "key-id-1" },
    cartsTableName: "smoke-carts",
  });

  function context(out: Record<string, unknown> = outputs()): { ctx: SmokeContext; lines: string[]; cli: string[][] } {
    const lines: string[] = [];
    const cli: string[][] = [];
    const env: SmokeEnvironment = {
      // Every AWS endpoint is this local server: keep the path, swap the origin.
      fetch: (input, init) => fetch(`${base}${new URL(String(input)).pathname}`, init),
      dynamodb: () => dynamo.client,
      awsCli: async (args) => {
        cli.push(args);
        if (args[0] === "cognito-idp") return JSON.stringify({ UserPoolClient: { ClientId: CLIENT, ClientSecret: SECRET } });
        if (args[0] === "apigateway") return JSON.stringify({ id: "key-id-1", value: API_KEY });
        throw new Error(`unexpected aws ${args.join(" ")}`);
      },
      log: (m) => lines.push(m),
    };
    return { ctx: { stack: "acme/ecommerce/dev", project: "ecommerce", stackName: "dev", outputs: out, env, runId: `smoke-${Date.now()}` }, lines, cli };
  }

  it("passes every e-commerce check: storefront at /, media from S3, a checkout placed once and replayed", async () => {
    storefrontFromS3 = false;
    const { ctx, lines, cli } = context();
    const result = await runSmoke(loadModule("ecommerce"), ctx);
    expect(result.checks.map((c) => [c.passed, c.detail.split(" ")[0]])).to.deep.equal([
      [true, "HTTP"],
      [true, "HTTP"],
      [true, "order"],
    ]);
    expect(result.passed).to.equal(true);
    expect(lines.filter((l) => l.startsWith("PASS"))).to.have.length(3);
    expect(cli).to.deep.equal([
      ["cognito-idp", "describe-user-pool-client", "--user-pool-id", "us-east-1_Pool", "--client-id", CLIENT],
      ["apigateway", "get-api-key", "--api-key", "key-id-1", "--include-value"],
    ]);
    const { rows } = await admin.query("SELECT customer_id, total_minor::int AS total FROM orders");
    expect(rows).to.deep.equal([{ customer_id: `partner:${CLIENT}`, total: 100 }]);
  });

  it("fails the storefront check when / is answered by the bucket, and goes on with the others", async () => {
    storefrontFromS3 = true;
    const { ctx, lines } = context();
    const result = await runSmoke(loadModule("ecommerce"), ctx);
    storefrontFromS3 = false;
    expect(result.passed).to.equal(false);
    expect(result.checks.map((c) => c.passed)).to.deep.equal([false, true, true]);
    expect(lines[0]).to.match(/^FAIL .*answered by S3: the default behaviour does not reach the fleet/);
  });

  it("refuses a stack without the outputs the checks read, naming them; bad --stack and unknown projects are usage errors", async () => {
    const out: Record<string, unknown> = outputs();
    delete out.tokenEndpoint;
    delete out.cartsTableName;
    const error = await runSmoke(loadModule("ecommerce"), context(out).ctx).catch((e) => e);
    expect(error).to.be.instanceOf(UsageError);
    expect(error.message).to.equal("acme/ecommerce/dev lacks the outputs the ecommerce checks read: tokenEndpoint, cartsTableName");
    expect(() => parseStack("ecommerce/dev")).to.throw(/expected <org>\/<project>\/<stack>/);
    expect(parseStack("acme/ecommerce/dev")).to.deep.equal({ org: "acme", project: "ecommerce", stack: "dev" });
    expect(() => loadModule("banking")).to.throw(/no smoke module for project banking: add tools\/smoke\/banking.ts \(modules: .*ecommerce/);
  });
});
