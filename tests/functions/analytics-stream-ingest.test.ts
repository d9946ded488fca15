/**
 * The analytics stream-ingest handler over real protocol servers: records put on a kinesalite
 * stream and read back as Lambda would deliver them, the raw zone on s3rver, sessions and activity
 * on dynalite. Partitioning, malformed records, batch limits, retries without duplicates.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { expect } from "chai";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ACTIVITY_TABLE, SESSIONS_TABLE } from "../../projects/analytics/functions/shared/events";
import { createStreamIngest, type IngestCounts, type StreamIngestDeps } from "../../projects/analytics/functions/stream-ingest/ingest";
import { createStream, readAllRecords, startDynalite, startKinesalite, type Dynalite, type Kinesalite, type StoredRecord } from "./streaming-fixtures";

const S3rver = require("s3rver");

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** A Lambda Kinesis event from records as the stream stored them. */
function lambdaEvent(records: readonly StoredRecord[], arrival = Date.parse("2026-03-02T10:00:00Z") / 1000): KinesisStreamEvent {
  return {
    Records: records.map(
      (r): KinesisStreamRecord => ({
        eventID: `${r.shardId}:${r.sequenceNumber}`,
        eventName: "aws:kinesis:record",
        eventSource: "aws:kinesis",
        eventSourceARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/ingest",
        eventVersion: "1.0",
        awsRegion: "eu-west-1",
        invokeIdentityArn: "arn:aws:iam::123456789012:role/ingest",
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: r.partitionKey,
          sequenceNumber: r.sequenceNumber,
          data: Buffer.from(r.data, "utf8").toString("base64"),
          approximateArrivalTimestamp: arrival,
        },
      }),
    ),
  };
}

const event = (i: number, over: Record<string, unknown> = {}) => ({
  eventId: `e-${i}`,
  type: "page_view",
  occurredAt: "2026-03-01T12:00:00Z",
  source: "web",
  userId: `u-${i % 3}`,
  sessionId: `s-${i % 2}`,
  ...over,
});

describe("analytics stream-ingest over kinesalite, s3rver and dynalite", function () {
  this.timeout(60_000);
  let kinesis: Kinesalite;
  let dynamo: Dynalite;
  let s3server: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let s3: S3Client;
  let s3Endpoint: string;
  let documents: DynamoDBDocumentClient;
  let dir: string;
  let n = 0;
  let names: { bucket: string; sessions: string; activity: string; stream: string };

  before(async () => {
    kinesis = await startKinesalite();
    dynamo = await startDynalite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
    s3server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: Array.from({ length: 8 }, (_, i) => ({ name: `raw-zone-${i}` })) });
    const { port } = await s3server.run();
    s3Endpoint = `http://127.0.0.1:${port}`;
    s3 = new S3Client({ endpoint: s3Endpoint, region: "eu-west-1", credentials, forcePathStyle: true });
    documents = DynamoDBDocumentClient.from(dynamo.client);
  });
  after(async () => {
    s3.destroy();
    await s3server.close();
    await kinesis.stop();
    await dynamo.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    n++;
    names = { bucket: `raw-zone-${n}`, sessions: `sessions-${n}`, activity: `activity-${n}`, stream: `ingest-${n}` };
    await dynamo.client.send(
      new CreateTableCommand({ TableName: names.sessions, BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: SESSIONS_TABLE.partitionKey, KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: SESSIONS_TABLE.partitionKey, AttributeType: "S" }] }),
    );
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: names.activity,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: ACTIVITY_TABLE.partitionKey, KeyType: "HASH" },
          { AttributeName: ACTIVITY_TABLE.sortKey, KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: ACTIVITY_TABLE.partitionKey, AttributeType: "S" },
          { AttributeName: ACTIVITY_TABLE.sortKey, AttributeType: "S" },
        ],
      }),
    );
  });

  const deps = (over: Partial<StreamIngestDeps> = {}): StreamIngestDeps => ({
    s3,
    documents,
    rawBucket: names.bucket,
    sessionsTable: names.sessions,
    activityTable: names.activity,
    retentionDays: { sessions: 30, activity: 90 },
    logger: silent,
    ...over,
  });

  /** Put payloads on a fresh stream and read them back in shard order. */
  async function put(payloads: readonly string[], shards = 1, key = (i: number) => `k-${i}`): Promise<StoredRecord[]> {
    await createStream(kinesis.client, names.stream, shards);
    for (let i = 0; i < payloads.length; i += 500) {
      const out = await kinesis.client.send(
        new PutRecordsCommand({ StreamName: names.stream, Records: payloads.slice(i, i + 500).map((p, j) => ({ Data: Buffer.from(p), PartitionKey: key(i + j) })) }),
      );
      expect(out.FailedRecordCount ?? 0).to.equal(0);
    }
    return readAllRecords(kinesis.client, names.stream);
  }

  async function objects(prefix = ""): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    const list = await s3.send(new ListObjectsV2Command({ Bucket: names.bucket, Prefix: prefix }));
    for (const o of list.Contents ?? []) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: o.Key! }))).Body!.transformToString();
      expect(body.endsWith("\n"), `${o.Key} ends with a newline`).to.equal(true);
      out[o.Key!] = body.trimEnd().split("\n");
    }
    return out;
  }

  it("writes valid events to events/dt=<day they happened>/ as newline-delimited JSON, one object per day", async () => {
    const records = await put([
      JSON.stringify(event(1, { occurredAt: "2026-03-01T23:30:00Z" })),
      // 00:30 in UTC+02:00 is still the 28th of February in UTC: the partition is the UTC day.
      JSON.stringify(event(2, { occurredAt: "2026-03-01T00:30:00+02:00" })),
      JSON.stringify(event(3, { occurredAt: "2026-03-02T00:00:00Z" })),
    ]);
    const result = await createStreamIngest(deps())(lambdaEvent(records));
    expect(result.batchItemFailures).to.deep.equal([]);
    const written = await objects("events/");
    const first = records[0]!;
    const name = `${first.shardId}-${first.sequenceNumber}.ndjson`;
    expect(Object.keys(written).sort()).to.deep.equal([`events/dt=2026-02-28/${name}`, `events/dt=2026-03-01/${name}`, `events/dt=2026-03-02/${name}`]);
    expect(written[`events/dt=2026-03-01/${name}`]!.map((l) => JSON.parse(l).eventId)).to.deep.equal(["e-1"]);
    expect(JSON.parse(written[`events/dt=2026-02-28/${name}`]![0]!)).to.deep.equal(event(2, { occurredAt: "2026-03-01T00:30:00+02:00" }));
  });

  it("writes malformed records with their reason under dead-letter/ and counts them: none dropped, none in events/", async () => {
    const payloads = [
      JSON.stringify(event(1)),
      "{not json",
      JSON.stringify(event(2, { occurredAt: "yesterday" })),
      JSON.stringify({ ...event(3), eventId: undefined }),
      JSON.stringify(event(4, { unexpected: true })),
      JSON.stringify(event(5, { type: "Page View" })),
      JSON.stringify(event(6)),
    ];
    const records = await put(payloads);
    let counts: IngestCounts | undefined;
    const result = await createStreamIngest(deps({ onCounts: (c) => (counts = c) }))(lambdaEvent(records));
    expect(result.batchItemFailures).to.deep.equal([]);
    expect(counts).to.deep.equal({ valid: 2, malformed: 5, objects: 2, retried: 0 });

    const events = Object.values(await objects("events/")).flat().map((l) => JSON.parse(l).eventId);
    expect(events).to.deep.equal(["e-1", "e-6"]);
    const deadLetters = Object.entries(await objects("dead-letter/"));
    expect(deadLetters).to.have.length(1);
    expect(deadLetters[0]![0]).to.match(/^dead-letter\/dt=2026-03-02\/shardId-\d+-\d+\.ndjson$/);
    const dead = deadLetters[0]![1].map((l) => JSON.parse(l));
    expect(dead.map((d) => d.sequenceNumber)).to.deep.equal(records.slice(1, 6).map((r) => r.sequenceNumber));
    expect(dead.map((d) => Buffer.from(d.data, "base64").toString("utf8"))).to.deep.equal(payloads.slice(1, 6));
    expect(dead[0].reason).to.match(/^not JSON/);
    expect(dead[1].reason).to.match(/^occurredAt: /);
    expect(dead[2].reason).to.match(/^eventId: /);
    expect(dead[3].reason).to.match(/unexpected/);
    expect(dead[4].reason).to.match(/^type: must be snake_case/);
  });

  it("cuts a batch into objects of at most maxRecordsPerObject records and maxBytesPerObject bytes", async () => {
    const records = await put(Array.from({ length: 7 }, (_, i) => JSON.stringify(event(i))));
    await createStreamIngest(deps({ limits: { maxRecordsPerObject: 3 } }))(lambdaEvent(records));
    const written = await objects("events/");
    expect(Object.values(written).map((l) => l.length)).to.deep.equal([3, 3, 1]);
    expect(Object.keys(written).sort()).to.deep.equal([0, 3, 6].map((i) => `events/dt=2026-03-01/${records[i]!.shardId}-${records[i]!.sequenceNumber}.ndjson`).sort());

    n++;
    names = { ...names, bucket: `raw-zone-${n}` };
    const size = Buffer.byteLength(records[0]!.data);
    await createStreamIngest(deps({ limits: { maxBytesPerObject: size * 2 } }))(lambdaEvent(records));
    expect(Object.values(await objects("events/")).map((l) => l.length)).to.deep.equal([2, 2, 2, 1]);
  });

  it("keeps sessions (first and last seen, as min and max) and per-user activity with TTLs, unchanged by a replay", async () => {
    const records = await put([
      JSON.stringify(event(1, { sessionId: "s-a", userId: "u-1", type: "session_start", occurredAt: "2026-03-01T10:00:00Z" })),
      JSON.stringify(event(2, { sessionId: "s-a", userId: "u-1", occurredAt: "2026-03-01T10:05:00Z" })),
      JSON.stringify(event(3, { sessionId: "s-a", userId: "u-1", type: "session_end", occurredAt: "2026-03-01T10:09:00Z" })),
      JSON.stringify(event(4, { sessionId: "s-b", userId: undefined, occurredAt: "2026-03-01T11:00:00Z" })),
    ]);
    const ingest = createStreamIngest(deps());
    await ingest(lambdaEvent(records));
    await ingest(lambdaEvent(records.slice(1))); // a replay from the second record

    const a = (await documents.send(new GetCommand({ TableName: names.sessions, Key: { sessionId: "s-a" } }))).Item;
    expect(a).to.deep.include({ userId: "u-1", startedAt: "2026-03-01T10:00:00Z", lastSeenAt: "2026-03-01T10:09:00Z", endedAt: "2026-03-01T10:09:00Z" });
    expect(a!.expiresAt).to.equal(Date.parse("2026-03-01T10:09:00Z") / 1000 + 30 * 86_400);
    expect((await documents.send(new GetCommand({ TableName: names.sessions, Key: { sessionId: "s-b" } }))).Item).to.deep.include({ startedAt: "2026-03-01T11:00:00Z" });

    const activity = (await documents.send(new QueryCommand({ TableName: names.activity, KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": "u-1" } }))).Items!;
    expect(activity.map((i) => i.occurredAtEventId)).to.deep.equal(["2026-03-01T10:00:00Z#e-1", "2026-03-01T10:05:00Z#e-2", "2026-03-01T10:09:00Z#e-3"]);
    expect(activity[0]!.expiresAt).to.equal(Date.parse("2026-03-01T10:00:00Z") / 1000 + 90 * 86_400);
  });

  it("reports a failed chunk's first record and stops there; the re-delivery overwrites, so every event is stored exactly once", async () => {
    const records = await put(Array.from({ length: 9 }, (_, i) => JSON.stringify(event(i))));
    // The raw zone refuses the second chunk's object once (as a throttled or failed PutObject would).
    const failing = new S3Client({ endpoint: s3Endpoint, region: "eu-west-1", credentials, forcePathStyle: true });
    let failedOnce = false;
    failing.middlewareStack.add(
      (next) => async (args) => {
        const key = (args.input as { Key?: string }).Key ?? "";
        if (!failedOnce && key.endsWith(`-${records[3]!.sequenceNumber}.ndjson`)) {
          failedOnce = true;
          throw Object.assign(new Error("SlowDown"), { name: "SlowDown" });
        }
        return next(args);
      },
      { step: "initialize" },
    );
    let counts: IngestCounts | undefined;
    const ingest = createStreamIngest(deps({ s3: failing, limits: { maxRecordsPerObject: 3 }, onCounts: (c) => (counts = c) }));
    const first = await ingest(lambdaEvent(records));
    expect(first.batchItemFailures).to.deep.equal([{ itemIdentifier: records[3]!.sequenceNumber }]);
    expect(counts).to.deep.include({ valid: 3, retried: 6 });
    // The third chunk was not written: nothing after the failure is stored before the retry.
    expect(Object.keys(await objects("events/"))).to.have.length(1);

    // Lambda re-delivers from the reported record (with a larger batch this time).
    const again = await ingest(lambdaEvent(records.slice(3)));
    expect(again.batchItemFailures).to.deep.equal([]);
    const ids = Object.values(await objects("events/")).flat().map((l) => JSON.parse(l).eventId);
    expect(ids.sort()).to.deep.equal(records.map((_, i) => `e-${i}`).sort());
    failing.destroy();
  });

  it("ingests a multi-shard stream shard by shard: every event lands once, partitioned", async () => {
    const days = ["2026-02-27", "2026-02-28", "2026-03-01"];
    const payloads = Array.from({ length: 300 }, (_, i) => JSON.stringify(event(i, { occurredAt: `${days[i % 3]}T08:00:00Z` })));
    const records = await put(payloads, 4);
    const shards = [...new Set(records.map((r) => r.shardId))];
    expect(shards.length).to.be.greaterThan(1);
    const ingest = createStreamIngest(deps({ limits: { maxRecordsPerObject: 40 } }));
    await Promise.all(shards.map((s) => ingest(lambdaEvent(records.filter((r) => r.shardId === s)))));
    const written = await objects("events/");
    const ids = Object.values(written).flat().map((l) => JSON.parse(l).eventId);
    expect(ids).to.have.length(300);
    expect(new Set(ids).size).to.equal(300);
    for (const [key, lines] of Object.entries(written)) {
      const day = /dt=(\d{4}-\d{2}-\d{2})\//.exec(key)![1];
      for (const l of lines) expect(JSON.parse(l).occurredAt.slice(0, 10)).to.equal(day);
    }
  });
});
