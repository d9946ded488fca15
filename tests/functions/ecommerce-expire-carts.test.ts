/**
 * The scheduled cart expiry: against dynalite for the Scan, its pagination and the deletes; with
 * aws-sdk-client-mock for what dynalite never does (hand back UnprocessedItems).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { ScheduledEvent } from "aws-lambda";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as path from "node:path";
import type { Cart } from "../../projects/ecommerce/functions/carts-table";
import { UnprocessedItemsError, backoffDelay, batchDelete } from "../../projects/ecommerce/functions/expire-carts/batch-delete";
import { createExpireCartsHandler, loadExpireCartsConfig } from "../../projects/ecommerce/functions/expire-carts/expire-carts";
import { createCartsTable, lambdaContext, putCarts, silentLogger, startDynalite, type Dynalite } from "./ecommerce-fixtures";

const DAY = 24 * 3600 * 1000;
const scheduledAt = Date.parse("2025-06-01T03:00:00Z");

function scheduleEvent(time = new Date(scheduledAt).toISOString()): ScheduledEvent {
  return { version: "0", id: "e-1", "detail-type": "Scheduled Event", source: "aws.events", account: "123456789012", time, region: "eu-west-1", resources: [], detail: {} };
}

describe("e-commerce expire-carts (scheduled)", function () {
  this.timeout(30_000);

  describe("over dynalite", () => {
    let dynamo: Dynalite;
    let documents: DynamoDBDocumentClient;
    let table = "";
    let scans = 0;
    let batchWrites = 0;
    let n = 0;

    before(async () => {
      dynamo = await startDynalite();
      documents = DynamoDBDocumentClient.from(dynamo.client);
      // Count the calls the handler makes (its DocumentClient sends through this client).
      dynamo.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "ScanCommand") scans++;
          if (context.commandName === "BatchWriteItemCommand") batchWrites++;
          return next(args);
        },
        { step: "initialize", name: "countCalls" },
      );
    });
    after(() => dynamo?.stop());

    beforeEach(async () => {
      table = `carts-${++n}`;
      await createCartsTable(dynamo.client, table);
      scans = batchWrites = 0;
    });

    const cart = (id: string, ageMs: number | undefined): Partial<Cart> => ({
      cartId: id,
      customerId: `customer-${id}`,
      items: [{ productId: "p", sku: "s", quantity: 1, unitPrice: 100 }],
      updatedAt: ageMs === undefined ? undefined : scheduledAt - ageMs,
    });

    async function remaining(): Promise<string[]> {
      const ids: string[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
        ids.push(...(page.Items ?? []).map((i) => i.cartId as string));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return ids.sort();
    }

    it("deletes only the carts older than the maximum age, across many Scan pages", async () => {
      const stale = Array.from({ length: 120 }, (_, i) => cart(`stale-${String(i).padStart(3, "0")}`, 8 * DAY + i * 60_000));
      const fresh = Array.from({ length: 180 }, (_, i) => cart(`fresh-${String(i).padStart(3, "0")}`, 6 * DAY - i * 60_000));
      const undated = cart("undated", undefined); // no updatedAt: not this job's to judge
      await putCarts(dynamo.client, table, [...stale, ...fresh, undated]);
      scans = batchWrites = 0;

      const handler = createExpireCartsHandler({ dynamodb: dynamo.client, config: { cartsTable: table, maxAgeDays: 7, pageSize: 50 }, logger: silentLogger() });
      const result = await handler(scheduleEvent(), lambdaContext(60_000));

      expect(result).to.deep.equal({ scanned: 301, expired: 120 });
      expect(scans).to.be.at.least(7); // 301 items, 50 a page
      expect(batchWrites).to.be.at.least(120 / 25);
      expect(await remaining()).to.deep.equal([...fresh.map((c) => c.cartId!), "undated"].sort());
    });

    it("reads the age from CART_MAX_AGE_DAYS and measures it from the schedule's time, not the clock", async () => {
      await putCarts(dynamo.client, table, [cart("two-days", 2 * DAY), cart("half-day", DAY / 2)]);
      const config = loadExpireCartsConfig({ CARTS_TABLE_NAME: table, CART_MAX_AGE_DAYS: "1" });
      const handler = createExpireCartsHandler({ dynamodb: dynamo.client, config, logger: silentLogger() });
      // By today's clock both carts are years old; by the event's time only one is.
      expect(await handler(scheduleEvent(), lambdaContext(60_000))).to.deep.equal({ scanned: 2, expired: 1 });
      expect(await remaining()).to.deep.equal(["half-day"]);
      expect(await handler(scheduleEvent(), lambdaContext(60_000))).to.deep.equal({ scanned: 1, expired: 0 });
      expect(await handler(scheduleEvent(new Date(scheduledAt + DAY).toISOString()), lambdaContext(60_000))).to.deep.equal({ scanned: 1, expired: 1 });
    });

    it("stops starting pages when the invocation is close to its timeout (the next run finishes)", async () => {
      await putCarts(dynamo.client, table, Array.from({ length: 30 }, (_, i) => cart(`stale-${i}`, 10 * DAY)));
      const handler = createExpireCartsHandler({ dynamodb: dynamo.client, config: { cartsTable: table, maxAgeDays: 7, pageSize: 10 }, logger: silentLogger(), reserveMs: 20_000 });
      expect(await handler(scheduleEvent(), lambdaContext(5_000))).to.deep.equal({ scanned: 10, expired: 10 });
      expect(scans).to.equal(1);
      expect(await handler(scheduleEvent(), lambdaContext(60_000))).to.deep.equal({ scanned: 20, expired: 20 });
      expect(await remaining()).to.deep.equal([]);
    });
  });

  describe("BatchWriteItem's UnprocessedItems (aws-sdk-client-mock)", () => {
    // Mocks every DynamoDBDocumentClient while active: created here, restored after this block only.
    let documentsMock: AwsClientStub<DynamoDBDocumentClient>;
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } }));
    const keys = (count: number) => Array.from({ length: count }, (_, i) => ({ cartId: `c-${i}` }));
    const deletes = (ks: Record<string, unknown>[]) => ks.map((Key) => ({ DeleteRequest: { Key } }));

    before(() => (documentsMock = mockClient(DynamoDBDocumentClient)));
    beforeEach(() => documentsMock.reset());
    after(() => documentsMock.restore());

    it("retries exactly the unprocessed deletes, after a backoff, until none are left", async () => {
      const all = keys(30);
      documentsMock
        .on(BatchWriteCommand)
        .resolvesOnce({ UnprocessedItems: { carts: deletes(all.slice(20, 25)) } })
        .resolvesOnce({ UnprocessedItems: { carts: deletes(all.slice(23, 25)) } })
        .resolves({ UnprocessedItems: {} });
      const sleeps: number[] = [];
      const deleted = await batchDelete(client, "carts", all, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.999, baseDelayMs: 100 });

      expect(deleted).to.equal(30);
      const sent = documentsMock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems!.carts!.map((r) => r.DeleteRequest!.Key!.cartId));
      expect(sent).to.deep.equal([
        all.slice(0, 25).map((k) => k.cartId), // the first 25
        ["c-20", "c-21", "c-22", "c-23", "c-24"], // what came back unprocessed
        ["c-23", "c-24"], // and what came back again
        all.slice(25).map((k) => k.cartId), // then the last 5
      ]);
      expect(sleeps).to.deep.equal([99, 199]); // full jitter under 100, then 200 ms
    });

    it("gives up after the configured attempts with a clear error, having waited longer each time", async () => {
      documentsMock.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
      const sleeps: number[] = [];
      const error = await batchDelete(client, "carts", keys(3), { maxAttempts: 4, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, baseDelayMs: 100 }).catch((e) => e);
      expect(error).to.be.instanceOf(UnprocessedItemsError);
      expect(error).to.include({ deleted: 0, remaining: 3 });
      expect(error.message).to.match(/3 deletes left .* after 4 attempts/);
      expect(documentsMock.commandCalls(BatchWriteCommand)).to.have.length(4);
      expect(sleeps).to.deep.equal([50, 100, 200]);
    });

    it("caps the backoff", () => {
      expect(backoffDelay(20, 50, 5000, () => 0.999)).to.equal(4995);
    });

    it("fails the scheduled run (so it alarms and retries) and counts what it did delete", async () => {
      documentsMock.on(ScanCommand).resolves({ Items: keys(26), ScannedCount: 40 });
      documentsMock.on(BatchWriteCommand).resolvesOnce({}).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
      const logged: unknown[] = [];
      const logger = silentLogger();
      logger.error = (...args: unknown[]) => void logged.push(args);
      const handler = createExpireCartsHandler({ dynamodb: new DynamoDBClient({ region: "eu-west-1" }), config: { cartsTable: "carts", maxAgeDays: 7 }, logger, batch: { maxAttempts: 2, sleep: async () => undefined } });
      const error = await handler(scheduleEvent(), lambdaContext()).catch((e) => e);
      expect(error).to.be.instanceOf(UnprocessedItemsError);
      expect(logged).to.deep.equal([["expiring carts failed", { scanned: 40, expired: 25, pages: 1, error: error.message }]]);
    });
  });

  describe("configuration", () => {
    it("defaults to 7 days and DynamoDB's own page size", () => {
      expect(loadExpireCartsConfig({ CARTS_TABLE_NAME: "carts" })).to.deep.equal({ cartsTable: "carts", maxAgeDays: 7 });
      expect(loadExpireCartsConfig({ CARTS_TABLE_NAME: "carts", CART_MAX_AGE_DAYS: "0.5", SCAN_PAGE_SIZE: "100" })).to.deep.equal({ cartsTable: "carts", maxAgeDays: 0.5, pageSize: 100 });
    });

    it("lists every problem, and the deployed handler module fails its cold start with them", () => {
      expect(() => loadExpireCartsConfig({ CART_MAX_AGE_DAYS: "-1", SCAN_PAGE_SIZE: "0" })).to.throw(
        'expire-carts: invalid configuration: CARTS_TABLE_NAME is required; CART_MAX_AGE_DAYS must be a number greater than 0, got "-1"; SCAN_PAGE_SIZE must be an integer from 1 to 10000, got "0"',
      );
      const modulePath = path.join(__dirname, "../../projects/ecommerce/functions/expire-carts/handler.ts");
      const saved = process.env.CARTS_TABLE_NAME;
      delete process.env.CARTS_TABLE_NAME;
      delete require.cache[require.resolve(modulePath)];
      try {
        expect(() => require(modulePath)).to.throw(/CARTS_TABLE_NAME is required/);
      } finally {
        if (saved !== undefined) process.env.CARTS_TABLE_NAME = saved;
      }
    });
  });
});
