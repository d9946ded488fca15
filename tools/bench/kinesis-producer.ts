/**
 * Kinesis producer throughput, batched vs naive, against kinesalite in this process (same run, same
 * server, separate streams of the same shard count, so the ratio is meaningful on a noisy machine).
 *
 * - batched: `KinesisProducer` from projects/streaming (PutRecords, 500 records / 5 MiB a request,
 *   one record per partition key per request, 4 requests in flight).
 * - naive: one `PutRecord` per event, awaited in turn (the obvious loop, which also keeps order).
 *
 * Both paths are warmed up on a throwaway stream first.
 *
 * kinesalite runs in this process by default; `--child-process` runs it in a child process. Both
 * numbers are bounded by the emulator: kinesalite spends ~0.1 ms per record inside PutRecords (a
 * 500-record request takes 50-70 ms here, one PutRecord ~1.6 ms), so the ratio's ceiling on a
 * 2-core machine is ~13-15x; against the real service, whose round trip is 10-30 ms, the naive
 * loop is far slower and the ratio far higher. Each measurement is repeated (`--runs`, default 3)
 * and the median ratio is reported.
 *
 * Usage: node --require esbuild-register tools/bench/kinesis-producer.ts [--events 5000] [--keys 1000] [--runs 3] [--child-process] [--json]
 * Exit code 1 if a record was lost or the ratio is below the goal (10x).
 */
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Server } from "node:http";
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { KinesisProducer, type ProducerRecord } from "../../projects/streaming/functions/shared/kinesis-producer";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface ProducerBenchResult {
  readonly events: number;
  readonly keys: number;
  readonly batched: { ms: number; recordsPerSecond: number; requests: number; failed: number };
  readonly naive: { ms: number; recordsPerSecond: number; requests: number; failed: number };
  readonly ratio: number;
}

export const GOAL_RATIO = 10;

/** kinesalite in this process (the default), or in a child process (like the real service, it then does not share the producer's event loop). */
async function startKinesalite(inProcess: boolean): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  if (inProcess) {
    const server: Server = require("kinesalite")({ createStreamMs: 0, shardLimit: 100 });
    await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
    return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
  const script = `const s = require("kinesalite")({ createStreamMs: 0, shardLimit: 100 }); s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ["-e", script], { cwd: path.resolve(__dirname, "..", ".."), stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once("exit", (code) => reject(new Error(`kinesalite exited ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill();
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

export async function benchKinesisProducer(events = 5000, keys = 1000, inProcess = false): Promise<ProducerBenchResult> {
  const { endpoint, stop } = await startKinesalite(inProcess);
  // kinesalite speaks HTTP/1.1 only (the SDK's Kinesis default is HTTP/2).
  const client = new KinesisClient({
    endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 16 } }),
  });
  try {
    for (const name of ["bench-batched", "bench-naive"]) {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 4 }));
      while ((await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription?.StreamStatus !== "ACTIVE") {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const records: ProducerRecord[] = Array.from({ length: events }, (_, i) => ({
      partitionKey: `session-${i % keys}`,
      data: JSON.stringify({ eventId: `e-${i}`, videoId: `video-${i % 97}`, sessionId: `session-${i % keys}`, type: "heartbeat", positionSec: i, at: Date.now() }),
    }));

    // Warm both paths (JIT, SDK client, sockets) on a throwaway stream before timing either.
    await client.send(new CreateStreamCommand({ StreamName: "bench-warmup", ShardCount: 1 }));
    while ((await client.send(new DescribeStreamCommand({ StreamName: "bench-warmup" }))).StreamDescription?.StreamStatus !== "ACTIVE") {
      await new Promise((r) => setTimeout(r, 10));
    }
    const warmup = records.slice(0, 200);
    await new KinesisProducer({ client, streamName: "bench-warmup" }).send(warmup);
    for (const r of warmup.slice(0, 50)) {
      await client.send(new PutRecordCommand({ StreamName: "bench-warmup", PartitionKey: r.partitionKey, Data: Buffer.from(r.data as string) }));
    }

    let t0 = process.hrtime.bigint();
    const result = await new KinesisProducer({ client, streamName: "bench-batched" }).send(records);
    const batchedMs = Number(process.hrtime.bigint() - t0) / 1e6;

    t0 = process.hrtime.bigint();
    let naiveFailed = 0;
    for (const r of records) {
      try {
        await client.send(new PutRecordCommand({ StreamName: "bench-naive", PartitionKey: r.partitionKey, Data: Buffer.from(r.data as string) }));
      } catch {
        naiveFailed++;
      }
    }
    const naiveMs = Number(process.hrtime.bigint() - t0) / 1e6;

    const batched = { ms: batchedMs, recordsPerSecond: (result.delivered.length / batchedMs) * 1000, requests: result.requests, failed: result.failed.length };
    const naive = { ms: naiveMs, recordsPerSecond: ((events - naiveFailed) / naiveMs) * 1000, requests: events, failed: naiveFailed };
    return { events, keys, batched, naive, ratio: batched.recordsPerSecond / naive.recordsPerSecond };
  } finally {
    client.destroy();
    await stop();
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Run the benchmark `runs` times; the run with the median ratio stands for all. */
export async function benchKinesisProducerMedian(runs: number, events: number, keys: number, inProcess: boolean): Promise<ProducerBenchResult & { ratios: number[] }> {
  const results: ProducerBenchResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await benchKinesisProducer(events, keys, inProcess));
  const sorted = [...results].sort((a, b) => a.ratio - b.ratio);
  return { ...sorted[Math.floor(sorted.length / 2)]!, ratios: results.map((r) => r.ratio) };
}

if (require.main === module) {
  const inProcess = !process.argv.includes("--child-process");
  benchKinesisProducerMedian(Math.max(1, arg("--runs", 3)), arg("--events", 5000), arg("--keys", 1000), inProcess)
    .then((r) => {
      if (process.argv.includes("--json")) console.log(JSON.stringify(r));
      else {
        const where = inProcess ? "in this process" : "in a child process";
        const line = (label: string, x: ProducerBenchResult["batched"]) =>
          `  ${label.padEnd(44)} ${Math.round(x.recordsPerSecond).toString().padStart(8)} records/s  (${(x.ms / 1000).toFixed(2)} s, ${x.requests} requests, ${x.failed} failed)`;
        console.log(`Kinesis producer against kinesalite (${where}; ${r.events} events, ${r.keys} partition keys, 4 shards)`);
        console.log(line("batched: PutRecords (KinesisProducer)", r.batched));
        console.log(line("naive: one PutRecord per event", r.naive));
        console.log(`  batched / naive = ${r.ratio.toFixed(1)}x, median of ${r.ratios.length} (${r.ratios.map((x) => x.toFixed(1)).join(", ")}) (goal >= ${GOAL_RATIO}x)`);
      }
      if (r.batched.failed > 0 || r.naive.failed > 0 || r.ratio < GOAL_RATIO) process.exitCode = 1;
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 2;
    });
}
