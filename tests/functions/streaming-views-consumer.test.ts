/**
 * The views consumer against Amazon's DynamoDB Local (transactions) and kinesalite: events go in
 * through the real player-events handler (partition key = session), come out of a 4-shard stream,
 * and are delivered the way Lambda does with a parallelization factor (per shard, split by
 * partition key into concurrent ordered sub-streams, in batches), with re-deliveries and producer
 * duplicates. The counts must be exact.
 */
import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { createPlayerEventsHandler } from "../../projects/streaming/functions/player-events/player-events";
import { KinesisProducer } from "../../projects/streaming/functions/shared/kinesis-producer";
import type { Video } from "../../projects/streaming/functions/shared/tables";
import { createViewsConsumer } from "../../projects/streaming/functions/views-consumer/views-consumer";
import {
  createCountedEventsTable,
  createStream,
  createVideosTable,
  readAllRecords,
  silentLog,
  startDynamoDbLocal,
  startKinesalite,
  type DynamoDbLocal,
  type Kinesalite,
  type StoredRecord,
} from "./streaming-fixtures";

const NOW = new Date("2025-06-01T12:00:00Z");

/** A stored record as Lambda hands it to the function. */
function lambdaRecord(r: StoredRecord): KinesisStreamRecord {
  return {
    eventID: `${r.shardId}:${r.sequenceNumber}`,
    eventSource: "aws:kinesis",
    kinesis: { sequenceNumber: r.sequenceNumber, partitionKey: r.partitionKey, data: Buffer.from(r.data).toString("base64") },
  } as unknown as KinesisStreamRecord;
}

/**
 * Lambda's delivery with a parallelization factor: each shard's records split by partition key
 * into `factor` ordered sub-streams, each cut into batches of `batchSize`. Returns, per
 * sub-stream, its batches in order (sub-streams run concurrently; batches within one run in turn).
 */
function lambdaDelivery(records: StoredRecord[], factor: number, batchSize: number): KinesisStreamRecord[][][] {
  const lanes = new Map<string, StoredRecord[]>();
  for (const r of records) {
    const lane = `${r.shardId}/${createHash("md5").update(r.partitionKey).digest().readUInt32BE(0) % factor}`;
    lanes.set(lane, [...(lanes.get(lane) ?? []), r]);
  }
  return [...lanes.values()].map((lane) => {
    const batches: KinesisStreamRecord[][] = [];
    for (let i = 0; i < lane.length; i += batchSize) batches.push(lane.slice(i, i + batchSize).map(lambdaRecord));
    return batches;
  });
}

describe("views-consumer: exact counts under parallelization (DynamoDB Local + kinesalite)", function () {
  this.timeout(180_000);
  let dynamo: DynamoDbLocal;
  let kinesis: Kinesalite;
  let documents: DynamoDBDocumentClient;
  let n = 0;
  let videos = "";
  let counted = "";

  before(async () => {
    [dynamo, kinesis] = await Promise.all([startDynamoDbLocal(), startKinesalite()]);
    documents = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  });
  after(async () => {
    await dynamo?.stop();
    await kinesis?.stop();
  });
  beforeEach(async () => {
    n++;
    videos = `videos-${n}`;
    counted = `counted-${n}`;
    await Promise.all([createVideosTable(dynamo.client, videos), createCountedEventsTable(dynamo.client, counted)]);
  });

  const seedVideo = (videoId: string) => documents.send(new PutCommand({ TableName: videos, Item: { videoId, status: "PUBLISHED", createdAt: "t", updatedAt: "t", title: videoId, uploadBucket: "u", uploadKey: "k" } }));
  const getVideo = async (videoId: string) => (await documents.send(new GetCommand({ TableName: videos, Key: { videoId }, ConsistentRead: true }))).Item as Video | undefined;
  const consumer = (docs = documents) => createViewsConsumer({ documents: docs, videosTable: videos, countedTable: counted, logger: silentLog, now: () => NOW });
  const request = (body: unknown) => ({ requestContext: { http: { method: "POST" } }, body: JSON.stringify(body), isBase64Encoded: false }) as unknown as APIGatewayProxyEventV2;

  /** Put `sessions` sessions' events through the real player-events handler; returns the expected counts per video. */
  async function produce(stream: string, videoIds: string[], sessions: number) {
    const handler = createPlayerEventsHandler({ producer: new KinesisProducer({ client: kinesis.client, streamName: stream }), logger: silentLog, now: () => NOW });
    const expected = new Map(videoIds.map((v) => [v, { viewCount: 0, completionCount: 0 }]));
    const events: Record<string, unknown>[] = [];
    for (let s = 0; s < sessions; s++) {
      const videoId = videoIds[s % videoIds.length]!;
      const at = (type: string, i: number) => ({ eventId: `s${s}-e${i}`, videoId, sessionId: `session-${s}`, type, positionSec: i, occurredAt: NOW.toISOString() });
      events.push(at("start", 0), at("heartbeat", 1), at("pause", 2));
      expected.get(videoId)!.viewCount++;
      if (s % 3 === 0) {
        events.push(at("complete", 3));
        expected.get(videoId)!.completionCount++;
      }
    }
    for (let i = 0; i < events.length; i += 500) {
      const res = await handler(request({ events: events.slice(i, i + 500) }));
      expect([200, 207]).to.include(res.statusCode);
      expect(JSON.parse(res.body!).accepted).to.equal(Math.min(500, events.length - i));
    }
    // A player retried a request: the same events again, with new sequence numbers.
    await handler(request({ events: events.slice(0, 40) }));
    return expected;
  }

  for (const factor of [1, 2, 10]) {
    it(`parallelization factor ${factor}: 4 shards, concurrent batches, a full re-delivery and producer duplicates count every view once`, async () => {
      const stream = `views-${n}`;
      await createStream(kinesis.client, stream, 4);
      const videoIds = ["v-popular", "v-b", "v-c"];
      await Promise.all(videoIds.map(seedVideo));
      const expected = await produce(stream, [...videoIds, "v-popular", "v-popular"], 240);
      const records = await readAllRecords(kinesis.client, stream);
      expect(new Set(records.map((r) => r.shardId)).size, "records spread over the shards").to.be.greaterThan(1);

      const handle = consumer();
      const runLanes = (lanes: KinesisStreamRecord[][][]) =>
        Promise.all(
          lanes.map(async (batches) => {
            for (const batch of batches) expect((await handle({ Records: batch } as KinesisStreamEvent)).batchItemFailures).to.deep.equal([]);
          }),
        );
      // Every sub-stream of every shard at once; then Lambda re-delivers everything (e.g. after a
      // checkpoint was lost), with other batch boundaries, while a second delivery races it.
      await runLanes(lambdaDelivery(records, factor, 25));
      await Promise.all([runLanes(lambdaDelivery(records, factor, 60)), runLanes(lambdaDelivery(records, factor, 7))]);

      for (const videoId of videoIds) {
        const video = await getVideo(videoId);
        expect({ viewCount: video?.viewCount ?? 0, completionCount: video?.completionCount ?? 0 }, videoId).to.deep.equal(expected.get(videoId));
      }
    });
  }

  it("a failed transaction reports the video's earliest record; the re-delivery from there counts exactly", async () => {
    await Promise.all(["v-a", "v-b"].map(seedVideo));
    const stream = `fail-${n}`;
    await createStream(kinesis.client, stream, 1);
    await produce(stream, ["v-a", "v-b"], 20);
    const records = (await readAllRecords(kinesis.client, stream)).map(lambdaRecord);
    let failed = false;
    const flaky = DynamoDBDocumentClient.from(dynamo.newClient());
    flaky.middlewareStack.add(
      (next, ctx) => async (args) => {
        const items = (args.input as { TransactItems?: { Update?: { Key?: { videoId?: unknown } } }[] }).TransactItems ?? [];
        if (ctx.commandName === TransactWriteItemsCommand.name && !failed && JSON.stringify(items.at(-1)?.Update?.Key).includes("v-b")) {
          failed = true;
          throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
        }
        return next(args);
      },
      { step: "initialize", name: "failOnce" },
    );
    const first = await consumer(flaky)({ Records: records } as KinesisStreamEvent);
    const firstOfB = records.find((r) => Buffer.from(r.kinesis.data, "base64").toString().includes('"videoId":"v-b","sessionId"') && /"type":"(start|complete)"/.test(Buffer.from(r.kinesis.data, "base64").toString()))!;
    expect(first.batchItemFailures).to.deep.equal([{ itemIdentifier: firstOfB.kinesis.sequenceNumber }]);
    expect((await getVideo("v-a"))?.viewCount).to.equal(10);
    expect((await getVideo("v-b"))?.viewCount ?? 0).to.equal(0);
    const again = records.filter((r) => BigInt(r.kinesis.sequenceNumber) >= BigInt(firstOfB.kinesis.sequenceNumber));
    expect((await consumer(flaky)({ Records: again } as KinesisStreamEvent)).batchItemFailures).to.deep.equal([]);
    expect(await getVideo("v-a")).to.deep.include({ viewCount: 10, completionCount: 4 });
    expect(await getVideo("v-b")).to.deep.include({ viewCount: 10, completionCount: 3 });
  });

  it("skips malformed records and events of unknown videos (they would fail forever), and counts only start and complete", async () => {
    await seedVideo("v-a");
    const mk = (i: number, e: Record<string, unknown> | string): KinesisStreamRecord =>
      lambdaRecord({ shardId: "shardId-000000000000", sequenceNumber: String(49_000_000_000_000_000_000n + BigInt(i)), partitionKey: "s", data: typeof e === "string" ? e : JSON.stringify(e) });
    const ev = (i: number, videoId: string, type: string) => ({ eventId: `e${i}`, videoId, sessionId: "s", type, positionSec: 0, occurredAt: NOW.toISOString(), receivedAt: NOW.toISOString() });
    const res = await consumer()({ Records: [mk(1, ev(1, "v-a", "start")), mk(2, "not json"), mk(3, ev(3, "v-zzz", "start")), mk(4, ev(4, "v-a", "heartbeat")), mk(5, ev(5, "v-a", "complete")), mk(6, ev(1, "v-a", "start"))] } as KinesisStreamEvent);
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(await getVideo("v-a")).to.deep.include({ viewCount: 1, completionCount: 1 });
    expect(await getVideo("v-zzz")).to.equal(undefined);
    const marker = (await documents.send(new GetCommand({ TableName: counted, Key: { eventId: "e1" } }))).Item;
    expect(marker).to.deep.include({ videoId: "v-a", type: "start", expiresAt: Math.floor(NOW.getTime() / 1000) + 8 * 24 * 3600 });
  });
});
