/**
 * Smoke checks for a deployed e-commerce stack: the storefront is reachable through CloudFront,
 * media come from S3, and a checkout completes end to end for a test customer (a partner's
 * client-credentials token, its API key, a cart the check writes, the order API, the database),
 * idempotently. The test customer is the partner app client named by `SMOKE_PARTNER` (default: the
 * first of `partnerClientIds`), whose carts belong to `partner:<client id>`.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import { expectStatus, outputString, type SmokeCheck, type SmokeContext, type SmokeModule } from "./types";

const storefrontUrl = (ctx: SmokeContext, path: string) => {
  const names = ctx.outputs.siteDomainNames;
  const host = Array.isArray(names) && typeof names[0] === "string" ? names[0] : outputString(ctx, "storefrontDomainName");
  return `https://${host}${path}`;
};

/** The region of the order API (`https://<id>.execute-api.<region>.amazonaws.com/...`), or the override. */
function regionOf(ctx: SmokeContext): string {
  const url = new URL(outputString(ctx, "partnerOrdersUrl"));
  return /\.execute-api\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? process.env.AWS_REGION ?? "us-east-1";
}

function smokePartner(ctx: SmokeContext): { partner: string; clientId: string; apiKeyId: string } {
  const clients = (ctx.outputs.partnerClientIds ?? {}) as Record<string, string>;
  const keys = (ctx.outputs.partnerApiKeyIds ?? {}) as Record<string, string>;
  const partner = process.env.SMOKE_PARTNER ?? Object.keys(clients)[0];
  if (!partner || !clients[partner] || !keys[partner]) throw new Error(`no partner ${partner ?? "(none)"} in outputs partnerClientIds/partnerApiKeyIds (${Object.keys(clients).join(", ") || "empty"})`);
  return { partner, clientId: clients[partner]!, apiKeyId: keys[partner]! };
}

const storefront: SmokeCheck = {
  name: "the storefront answers at / through CloudFront (routed to the fleet, not the bucket)",
  async run(ctx) {
    const response = await ctx.env.fetch(storefrontUrl(ctx, "/"), { redirect: "manual" });
    const body = await response.text();
    expectStatus("GET /", response, [200]);
    if (/^AmazonS3$/i.test(response.headers.get("server") ?? "")) throw new Error("GET / was answered by S3: the default behaviour does not reach the fleet");
    return `HTTP ${response.status}, ${body.length} bytes`;
  },
};

const media: SmokeCheck = {
  name: "media paths are served by the S3 origin",
  async run(ctx) {
    const response = await ctx.env.fetch(storefrontUrl(ctx, `/media/smoke/${ctx.runId}.txt`), { redirect: "manual" });
    await response.text();
    // A missing object through OAC is 403 or 404 from S3 itself.
    expectStatus("GET /media/<missing>", response, [403, 404]);
    if (!/^AmazonS3$/i.test(response.headers.get("server") ?? "")) throw new Error(`GET /media/... came from ${response.headers.get("server") ?? "an unknown server"}, not S3`);
    return `HTTP ${response.status} from S3`;
  },
};

const checkout: SmokeCheck = {
  name: "a checkout completes for the test customer, once per Idempotency-Key",
  async run(ctx) {
    const { clientId, apiKeyId } = smokePartner(ctx);
    const poolId = outputString(ctx, "customerUserPoolId");
    const client = JSON.parse(await ctx.env.awsCli(["cognito-idp", "describe-user-pool-client", "--user-pool-id", poolId, "--client-id", clientId]));
    const secret: string = client.UserPoolClient?.ClientSecret;
    const apiKey: string = JSON.parse(await ctx.env.awsCli(["apigateway", "get-api-key", "--api-key", apiKeyId, "--include-value"])).value;
    if (!secret || !apiKey) throw new Error("could not read the test partner's client secret or API key");

    const tokenResponse = await ctx.env.fetch(outputString(ctx, "tokenEndpoint"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "orders/checkout" }).toString(),
    });
    const tokenBody = await tokenResponse.text();
    expectStatus("token endpoint", tokenResponse, [200], tokenBody);
    const token = JSON.parse(tokenBody).access_token as string;

    const cartId = `${ctx.runId}-cart`;
    await DynamoDBDocumentClient.from(ctx.env.dynamodb(regionOf(ctx))).send(
      new PutCommand({
        TableName: outputString(ctx, "cartsTableName"),
        Item: {
          cartId,
          customerId: `partner:${clientId}`,
          currency: "EUR",
          items: [{ productId: "smoke-product", sku: "SMOKE-1", quantity: 1, unitPrice: 100 }],
          updatedAt: Date.now(),
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const key = randomUUID();
    const post = () =>
      ctx.env.fetch(outputString(ctx, "partnerOrdersUrl"), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: token, "x-api-key": apiKey, "idempotency-key": key },
        body: JSON.stringify({ cartId, currency: "EUR" }),
      });
    const first = await post();
    const firstBody = await first.text();
    expectStatus("POST /partners/orders", first, [201], firstBody);
    const order = JSON.parse(firstBody);
    if (order.customerId !== `partner:${clientId}` || order.totalMinor !== 100) throw new Error(`unexpected order ${firstBody.slice(0, 300)}`);
    const again = await post();
    const againBody = await again.text();
    expectStatus("retry with the same Idempotency-Key", again, [200], againBody);
    if (JSON.parse(againBody).orderId !== order.orderId) throw new Error("the retry returned another order");
    return `order ${order.orderId} placed, retry replayed it`;
  },
};

export const smoke: SmokeModule = {
  project: "ecommerce",
  requiredOutputs: ["storefrontDomainName", "partnerOrdersUrl", "tokenEndpoint", "customerUserPoolId", "partnerClientIds", "partnerApiKeyIds", "cartsTableName"],
  checks: [storefront, media, checkout],
};
