/**
 * Shared fixtures for the streaming handler tests: kinesalite and dynalite servers started in
 * process on free ports, clients wired to them (HTTP/1.1 for kinesalite), and read-back helpers.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
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

export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
