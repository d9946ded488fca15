/**
 * The entitlement function against dynalite (users and videos tables), with a key pair generated
 * here: the cookies it issues are verified with the public half, as CloudFront does.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { expect } from "chai";
import { generateKeyPairSync, verify } from "node:crypto";
import { createEntitlementHandler } from "../../projects/streaming/functions/entitlement/entitlement";
import { createVideosTable, silentLog, startDynalite, type Dynalite } from "./streaming-fixtures";

const NOW = new Date("2025-06-01T12:00:00Z");
const DELIVERY = "https://watch.example.com";
/** CloudFront's URL-safe base64 (+ -> -, = -> _, / -> ~) back to bytes. */
const cfDecode = (s: string) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");

describe("streaming entitlement (signed cookies)", function () {
  this.timeout(60_000);
  let dynamo: Dynalite;
  let documents: DynamoDBDocumentClient;
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

  before(async () => {
    dynamo = await startDynalite();
    documents = DynamoDBDocumentClient.from(dynamo.client);
    await createVideosTable(dynamo.client, "videos");
    await dynamo.client.send(new CreateTableCommand({ TableName: "users", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "userId", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "userId", AttributeType: "S" }] }));
    const video = (videoId: string, status: string) => ({ videoId, status, createdAt: "t", updatedAt: "t", title: videoId, uploadBucket: "u", uploadKey: "k", manifestKey: `${videoId}/master.m3u8` });
    for (const item of [video("v-live", "PUBLISHED"), video("v-new", "UPLOADED")]) await documents.send(new PutCommand({ TableName: "videos", Item: item }));
    await documents.send(new PutCommand({ TableName: "users", Item: { userId: "u-paid", subscriptionActiveUntil: "2025-06-01T14:00:00Z" } }));
    await documents.send(new PutCommand({ TableName: "users", Item: { userId: "u-lapsed", subscriptionActiveUntil: "2025-05-01T00:00:00Z" } }));
  });
  after(() => dynamo?.stop());

  const handler = (over: Record<string, unknown> = {}) =>
    createEntitlementHandler({ documents, usersTable: "users", videosTable: "videos", deliveryOrigin: DELIVERY, keyPairId: "K2JCJMDEHXQW5F", privateKey: async () => privateKey, cookieTtlSeconds: 4 * 3600, logger: silentLog, now: () => NOW, ...over });
  const call = (body: unknown, method = "POST") => handler()({ requestContext: { http: { method } }, body: JSON.stringify(body), isBase64Encoded: false } as unknown as APIGatewayProxyEventV2);

  it("issues CloudFront signed cookies for the video's path, signed by the stack's key, never beyond the paid period", async () => {
    const res = await call({ userId: "u-paid", videoId: "v-live" });
    expect(res.statusCode).to.equal(200);
    expect(JSON.parse(res.body!)).to.deep.equal({ videoId: "v-live", manifestUrl: `${DELIVERY}/v-live/master.m3u8`, expiresAt: "2025-06-01T14:00:00.000Z" });
    const cookies = Object.fromEntries(res.cookies!.map((c) => [c.split("=")[0], c.slice(c.indexOf("=") + 1).split(";")[0]]));
    expect(cookies["CloudFront-Key-Pair-Id"]).to.equal("K2JCJMDEHXQW5F");
    const policy = cfDecode(cookies["CloudFront-Policy"]!).toString("utf8");
    // The subscription ends at 14:00, before the 4-hour cookie lifetime would.
    expect(JSON.parse(policy)).to.deep.equal({ Statement: [{ Resource: `${DELIVERY}/v-live/*`, Condition: { DateLessThan: { "AWS:EpochTime": Date.parse("2025-06-01T14:00:00Z") / 1000 } } }] });
    expect(verify("RSA-SHA1", Buffer.from(policy), publicKey, cfDecode(cookies["CloudFront-Signature"]!)), "signature verifies with the public key").to.equal(true);
    for (const c of res.cookies!) expect(c).to.include("Domain=watch.example.com; Path=/v-live/;").and.to.include("Secure; HttpOnly; SameSite=None");
  });

  it("refuses a lapsed or unknown subscription (403), an unpublished or unknown video (404), and bad requests (400, 405)", async () => {
    expect((await call({ userId: "u-lapsed", videoId: "v-live" })).statusCode).to.equal(403);
    expect((await call({ userId: "u-nobody", videoId: "v-live" })).statusCode).to.equal(403);
    expect((await call({ userId: "u-paid", videoId: "v-new" })).statusCode).to.equal(404);
    expect((await call({ userId: "u-paid", videoId: "v-none" })).statusCode).to.equal(404);
    expect((await call({ userId: "u-paid" })).statusCode).to.equal(400);
    expect((await call({ userId: "u-paid", videoId: "../x" })).statusCode).to.equal(400);
    expect((await call({ userId: "u-paid", videoId: "v-live" }, "GET")).statusCode).to.equal(405);
    for (const res of [await call({ userId: "u-lapsed", videoId: "v-live" })]) expect(res.cookies).to.equal(undefined);
  });
});
