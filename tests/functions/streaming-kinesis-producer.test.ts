/**
 * The Kinesis producer over a real connection to kinesalite (started here, on a free port), with
 * failures injected into real responses by a middleware on the client; plus unit tests of the retry
 * bookkeeping with aws-sdk-client-mock.
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput, type PutRecordsCommandOutput, type PutRecordsResultEntry } from "@aws-sdk/client-kinesis";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import {
  KinesisLimits,
  KinesisProducer,
  ProducerErrorCodes,
  backoffDelay,
  recordBytes,
  type ProducerRecord,
} from "../../projects/streaming/functions/shared/kinesis-producer";
import { compareSequence, createStream, readAllRecords, startKinesalite, type Kinesalite, type StoredRecord } from "./streaming-fixtures";

interface SentRequest {
  records: number;
  bytes: number;
  data: string[];
}

/**
 * Wraps a client: records every PutRecords request it makes (count, bytes, data) and fails the
 * records `fail(data, attempt)` chooses. Failed records are taken out of the real request (so they
 * are truly not written) and put back into the real response as per-record errors, as Kinesis does.
 */
function instrument(client: KinesisClient, fail: (data: string, attempt: number) => string | undefined = () => undefined) {
  const sent: SentRequest[] = [];
  const attempts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "PutRecordsCommand") return next(args);
      const input = args.input as PutRecordsCommandInput;
      const records = input.Records ?? [];
      const data = records.map((r) => Buffer.from(r.Data!).toString("utf8"));
      sent.push({ records: records.length, bytes: records.reduce((n, r) => n + recordBytes({ data: r.Data!, partitionKey: r.PartitionKey! }), 0), data });
      const verdicts = data.map((d) => {
        const attempt = (attempts.get(d) ?? 0) + 1;
        attempts.set(d, attempt);
        return fail(d, attempt);
      });
      const keep = records.filter((_, i) => verdicts[i] === undefined);
      const output: PutRecordsResultEntry[] = [];
      let failedCount = 0;
      let real: PutRecordsResultEntry[] = [];
      if (keep.length > 0) {
        const result = await next({ ...args, input: { ...input, Records: keep } });
        real = [...((result.output as PutRecordsCommandOutput).Records ?? [])];
        failedCount = (result.output as PutRecordsCommandOutput).FailedRecordCount ?? 0;
      }
      for (const verdict of verdicts) {
        if (verdict === undefined) output.push(real.shift()!);
        else {
          failedCount++;
          output.push({ ErrorCode: verdict, ErrorMessage: `injected ${verdict}` });
        }
      }
      return { output: { $metadata: {}, FailedRecordCount: failedCount, Records: output } as PutRecordsCommandOutput, response: {} };
    },
    { step: "initialize", name: "injectFailures" },
  );
  return { sent, attempts };
}

/** `keys` partition keys, `perKey` records each, interleaved; data `k<key>-<n>` (n counts up per key). */
function events(keys: number, perKey: number, pad = 0): ProducerRecord[] {
  const out: ProducerRecord[] = [];
  for (let n = 0; n < perKey; n++) for (let k = 0; k < keys; k++) out.push({ partitionKey: `session-${k}`, data: `k${k}-${n}${pad ? "-" + "x".repeat(pad) : ""}` });
  return out;
}

/** Asserts each given record is in the stream exactly once and each key's records are in input order. */
function expectExactlyOnceInOrder(stored: StoredRecord[], expected: ProducerRecord[]): void {
  const seen = new Map<string, number>();
  for (const r of stored) seen.set(r.data, (seen.get(r.data) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([d]) => d);
  expect(duplicates, "duplicated records").to.deep.equal([]);
  const want = expected.map((r) => String(r.data));
  expect(stored.map((r) => r.data).sort(), "records in the stream").to.deep.equal([...want].sort());

  const byKey = new Map<string, StoredRecord[]>();
  for (const r of stored) byKey.set(r.partitionKey, [...(byKey.get(r.partitionKey) ?? []), r]);
  for (const [key, list] of byKey) {
    expect(new Set(list.map((r) => r.shardId)).size, `one shard for ${key}`).to.equal(1);
    const inStreamOrder = [...list].sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber)).map((r) => r.data);
    const inInputOrder = want.filter((d) => list.some((r) => r.data === d));
    expect(inStreamOrder, `order of ${key}`).to.deep.equal(inInputOrder);
  }
}

const noSleep = async () => {};

describe("streaming Kinesis producer", function () {
  this.timeout(60_000);

  describe("over kinesalite", () => {
    let kinesis: Kinesalite;
    let n = 0;
    let stream = "";

    before(async () => {
      kinesis = await startKinesalite();
    });
    after(() => kinesis?.stop());
    beforeEach(async () => {
      stream = `views-${++n}`;
      await createStream(kinesis.client, stream, 4);
    });

    it("delivers every record exactly once, in order per key, at most 500 records a request", async () => {
      const client = kinesis.newClient();
      const { sent } = instrument(client);
      const records = events(700, 3);
      const result = await new KinesisProducer({ client, streamName: stream, sleep: noSleep }).send(records);

      expect(result.failed).to.deep.equal([]);
      expect(result.delivered.map((d) => d.index)).to.deep.equal(records.map((_, i) => i));
      expect(Math.max(...sent.map((s) => s.records))).to.equal(KinesisLimits.maxRecordsPerRequest);
      // 3 rounds of 700 key heads, each split 500 + 200.
      expect(sent.map((s) => s.records)).to.deep.equal([500, 200, 500, 200, 500, 200]);
      expect(result.requests).to.equal(6);
      expectExactlyOnceInOrder(await readAllRecords(kinesis.client, stream), records);
    });

    it("keeps each request within 5 MiB, counting data and partition keys", async () => {
      const client = kinesis.newClient();
      const { sent } = instrument(client);
      const records = events(12, 1, 900 * 1024); // 12 records of ~900 KiB: at most 5 a request
      const result = await new KinesisProducer({ client, streamName: stream, sleep: noSleep }).send(records);

      expect(result.failed).to.deep.equal([]);
      expect(sent.map((s) => s.records)).to.deep.equal([5, 5, 2]);
      for (const s of sent) expect(s.bytes).to.be.at.most(KinesisLimits.maxBytesPerRequest);
      expectExactlyOnceInOrder(await readAllRecords(kinesis.client, stream), records);
    });

    it("returns a record over 1 MiB (data + partition key) as RecordTooLarge and never sends it", async () => {
      const client = kinesis.newClient();
      const { sent } = instrument(client);
      const key = "session-big";
      const atLimit = { partitionKey: key, data: "a".repeat(KinesisLimits.maxBytesPerRecord - Buffer.byteLength(key)) };
      const overByOne = { partitionKey: key, data: "b".repeat(KinesisLimits.maxBytesPerRecord - Buffer.byteLength(key) + 1) };
      const small = { partitionKey: key, data: "after" };
      const result = await new KinesisProducer({ client, streamName: stream, sleep: noSleep }).send([atLimit, overByOne, small]);

      expect(result.failed.map((f) => [f.index, f.errorCode, f.attempts])).to.deep.equal([[1, ProducerErrorCodes.recordTooLarge, 0]]);
      expect(result.delivered.map((d) => d.index)).to.deep.equal([0, 2]);
      expect(sent.flatMap((s) => s.data).some((d) => d.startsWith("b"))).to.equal(false);
      const stored = await readAllRecords(kinesis.client, stream);
      expect(stored.map((r) => r.data.slice(0, 5))).to.deep.equal(["aaaaa", "after"]);
    });

    it("retries only the records that failed, until all land: nothing lost, nothing duplicated, order kept", async () => {
      const client = kinesis.newClient();
      // Deterministic "random" throttling: a third of the records fail on their first two tries.
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const unlucky = new Set<string>();
      const { sent } = instrument(client, (data, attempt) => {
        if (attempt === 1 && random() < 0.33) unlucky.add(data);
        if (unlucky.has(data) && attempt <= 2) return attempt === 1 ? "ProvisionedThroughputExceededException" : "InternalFailure";
        return undefined;
      });
      const records = events(200, 10);
      const delays: number[] = [];
      const result = await new KinesisProducer({
        client,
        streamName: stream,
        maxAttempts: 3,
        baseDelayMs: 50,
        maxDelayMs: 1000,
        sleep: async (ms) => void delays.push(ms),
      }).send(records);

      expect(unlucky.size).to.be.greaterThan(100);
      expect(result.failed).to.deep.equal([]);
      expect(result.delivered).to.have.length(records.length);
      // Each record was sent once, plus once per injected failure: only failed records went again.
      const sends = sent.flatMap((s) => s.data);
      expect(sends).to.have.length(records.length + 2 * unlucky.size);
      for (const d of records.map((r) => String(r.data))) expect(sends.filter((s) => s === d)).to.have.length(unlucky.has(d) ? 3 : 1);
      // Backoff happened before retry rounds, within the jitter caps.
      expect(delays.length).to.be.greaterThan(0);
      for (const ms of delays) expect(ms).to.be.within(0, 200);
      expectExactlyOnceInOrder(await readAllRecords(kinesis.client, stream), records);
    });

    it("never sends a later record of a key while an earlier one is unresolved", async () => {
      const client = kinesis.newClient();
      const { sent } = instrument(client, (data, attempt) => (data === "k1-0" && attempt <= 2 ? "ProvisionedThroughputExceededException" : undefined));
      const records = events(3, 3);
      const result = await new KinesisProducer({ client, streamName: stream, sleep: noSleep }).send(records);

      expect(result.failed).to.deep.equal([]);
      // k1-1 is only ever sent in a request after the one where k1-0 finally landed.
      const requestOf = (d: string) => sent.findIndex((s) => s.data.includes(d));
      const lastK10 = sent.map((s, i) => (s.data.includes("k1-0") ? i : -1)).filter((i) => i >= 0).pop()!;
      expect(requestOf("k1-1")).to.be.greaterThan(lastK10);
      for (const s of sent) {
        const keys = s.data.map((d) => d.split("-")[0]);
        expect(new Set(keys).size, "one record per key per request").to.equal(keys.length);
      }
      expectExactlyOnceInOrder(await readAllRecords(kinesis.client, stream), records);
    });

    it("returns what it cannot deliver with its error code, and holds back the rest of that key", async () => {
      const client = kinesis.newClient();
      const { sent } = instrument(client, (data) => (data === "k0-1" ? "ProvisionedThroughputExceededException" : undefined));
      const records = events(2, 4); // k0-0 k1-0 k0-1 k1-1 k0-2 k1-2 k0-3 k1-3
      const result = await new KinesisProducer({ client, streamName: stream, maxAttempts: 4, sleep: noSleep }).send(records);

      expect(result.failed.map((f) => [String(f.record.data), f.errorCode, f.attempts])).to.deep.equal([
        ["k0-1", "ProvisionedThroughputExceededException", 4],
        ["k0-2", ProducerErrorCodes.precedingRecordFailed, 0],
        ["k0-3", ProducerErrorCodes.precedingRecordFailed, 0],
      ]);
      expect(result.delivered.length + result.failed.length).to.equal(records.length);
      expect(sent.flatMap((s) => s.data).filter((d) => d === "k0-2" || d === "k0-3")).to.deep.equal([]);
      const stored = await readAllRecords(kinesis.client, stream);
      expectExactlyOnceInOrder(stored, records.filter((r) => !["k0-1", "k0-2", "k0-3"].includes(String(r.data))));
    });

    it("retries a request that threw as a whole, and fails at once on a non-retryable error", async () => {
      const client = kinesis.newClient();
      let calls = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "PutRecordsCommand" && ++calls === 1) throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
          return next(args);
        },
        { step: "initialize", name: "throwOnce" },
      );
      const records = events(5, 2);
      const result = await new KinesisProducer({ client, streamName: stream, sleep: noSleep }).send(records);
      expect(result.failed).to.deep.equal([]);
      expectExactlyOnceInOrder(await readAllRecords(kinesis.client, stream), records);

      const missing = await new KinesisProducer({ client: kinesis.client, streamName: "no-such-stream", sleep: noSleep }).send(events(2, 2));
      expect(missing.delivered).to.deep.equal([]);
      expect(missing.failed.map((f) => [f.errorCode, f.attempts])).to.deep.equal([
        ["ResourceNotFoundException", 1],
        ["ResourceNotFoundException", 1],
        [ProducerErrorCodes.precedingRecordFailed, 0],
        [ProducerErrorCodes.precedingRecordFailed, 0],
      ]);
    });
  });

  describe("unit (aws-sdk-client-mock)", () => {
    const ok = (i: number): PutRecordsResultEntry => ({ ShardId: "shardId-000000000000", SequenceNumber: String(1000 + i) });
    const throttled: PutRecordsResultEntry = { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "slow down" };

    it("sends again exactly the records a response marked failed", async () => {
      const client = new KinesisClient({ region: "eu-west-1" });
      const mock = mockClient(client);
      mock
        .on(PutRecordsCommand)
        .resolvesOnce({ FailedRecordCount: 2, Records: [ok(0), throttled, ok(2), throttled] })
        .resolvesOnce({ FailedRecordCount: 0, Records: [ok(4), ok(5)] });
      const records = ["a", "b", "c", "d"].map((k) => ({ partitionKey: k, data: `data-${k}` }));
      const result = await new KinesisProducer({ client, streamName: "s", sleep: noSleep }).send(records);

      const calls = mock.commandCalls(PutRecordsCommand);
      expect(calls).to.have.length(2);
      expect(calls[1]!.args[0].input.Records!.map((r) => r.PartitionKey)).to.deep.equal(["b", "d"]);
      expect(result.delivered.map((d) => [d.index, d.attempts])).to.deep.equal([[0, 1], [1, 2], [2, 1], [3, 2]]);
      expect(result.failed).to.deep.equal([]);
      mock.restore();
    });

    it("rejects a bad partition key up front, and validates its options", () => {
      const client = new KinesisClient({ region: "eu-west-1" });
      expect(() => new KinesisProducer({ client })).to.throw(/exactly one of streamName or streamArn/);
      expect(() => new KinesisProducer({ client, streamName: "s", maxAttempts: 0 })).to.throw(/maxAttempts/);
      return new KinesisProducer({ client, streamName: "s" }).send([{ partitionKey: "", data: "x" }, { partitionKey: "k".repeat(257), data: "x" }]).then((r) => {
        expect(r.failed.map((f) => f.errorCode)).to.deep.equal([ProducerErrorCodes.invalidPartitionKey, ProducerErrorCodes.invalidPartitionKey]);
        expect(r.requests).to.equal(0);
      });
    });

    it("backs off with full jitter, capped", () => {
      expect(backoffDelay(1, 100, 5000, () => 0.999)).to.equal(99);
      expect(backoffDelay(3, 100, 5000, () => 0.5)).to.equal(200);
      expect(backoffDelay(20, 100, 5000, () => 0.999)).to.equal(4995);
      expect(backoffDelay(2, 100, 5000, () => 0)).to.equal(0);
    });
  });
});
