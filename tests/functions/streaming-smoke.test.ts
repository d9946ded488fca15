/**
 * The streaming smoke checks against the local pipeline: DynamoDB Local (videos, counted events),
 * kinesalite, the real handlers (on-upload, on-rendition-complete, player-events, views-consumer)
 * and the real transcoder with ffmpeg; S3, SQS and SNS in memory (aws-sdk-client-mock). The AWS
 * CLI the checks call is answered by that pipeline, as the deployed stack's services would.
 */
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, KinesisStreamEvent, S3Event } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as fs from "node:fs";
import type { Readable } from "node:stream";
import { createOnUploadHandler } from "../../projects/streaming/functions/on-upload/on-upload";
import { createRenditionCompleteHandler } from "../../projects/streaming/functions/on-rendition-complete/on-rendition-complete";
import { createPlayerEventsHandler } from "../../projects/streaming/functions/player-events/player-events";
import { KinesisProducer } from "../../projects/streaming/functions/shared/kinesis-producer";
import { createViewsConsumer } from "../../projects/streaming/functions/views-consumer/views-consumer";
import { smoke, type StreamingSmokeContext } from "../../projects/streaming/smoke";
import { createTranscoder } from "../../projects/streaming/workers/transcoder/transcoder";
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
} from "./streaming-fixtures";

const UPLOADS = "streaming-dev-uploads-123456789012";
const RENDITIONS = "streaming-dev-renditions-123456789012";
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/transcoders-jobs";
const OUTPUTS = { region: "us-east-1", uploadsBucketName: UPLOADS, renditionsBucketName: RENDITIONS, videosTableName: "videos", playerEventsFunctionName: "streaming-dev-player-events" };

describe("streaming smoke checks (local pipeline)", function () {
  this.timeout(180_000);
  let dynamo: DynamoDbLocal;
  let kinesis: Kinesalite;
  let documents: DynamoDBDocumentClient;
  // Installed when this suite starts and removed when it ends, so other suites' clients stay real
  // (mocha loads every file, running each describe body, before any test).
  let s3 = mockClient(S3Client);
  let sqs = mockClient(SQSClient);
  let sns = mockClient(SNSClient);
  s3.restore();
  sqs.restore();
  sns.restore();
  /** Buckets: "bucket/key" -> bytes. */
  const objects = new Map<string, Buffer>();
  const cliCalls: string[][] = [];

  before(async () => {
    s3 = mockClient(S3Client);
    sqs = mockClient(SQSClient);
    sns = mockClient(SNSClient);
    [dynamo, kinesis] = await Promise.all([startDynamoDbLocal(), startKinesalite()]);
    documents = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    await Promise.all([createVideosTable(dynamo.client, "videos"), createCountedEventsTable(dynamo.client, "counted"), createStream(kinesis.client, "view-events", 2)]);
  });
  after(async () => {
    s3.restore();
    sqs.restore();
    sns.restore();
    await dynamo?.stop();
    await kinesis?.stop();
  });

  beforeEach(() => {
    s3.reset();
    sqs.reset();
    sns.reset();
    s3.on(GetObjectCommand).callsFake((input) => {
      const body = objects.get(`${input.Bucket}/${input.Key}`);
      if (!body) throw Object.assign(new Error("NoSuchKey"), { name: "NoSuchKey" });
      return { Body: require("node:stream").Readable.from([body]) };
    });
    s3.on(HeadObjectCommand).callsFake((input) => {
      if (!objects.has(`${input.Bucket}/${input.Key}`)) throw new NotFound({ message: "Not Found", $metadata: {} });
      return {};
    });
    s3.on(PutObjectCommand).callsFake(async (input) => {
      const chunks: Buffer[] = [];
      for await (const c of input.Body as Readable) chunks.push(Buffer.from(c));
      objects.set(`${input.Bucket}/${input.Key}`, Buffer.concat(chunks));
      // The renditions bucket's notification: master.m3u8 runs on-rendition-complete.
      if (input.Bucket === RENDITIONS && input.Key!.endsWith("master.m3u8")) await onRenditionComplete(s3Event(RENDITIONS, input.Key!));
      return {};
    });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: "n-1" });
    // on-upload's job goes to the fleet: one worker takes it.
    sqs.on(SendMessageCommand).callsFake(async (input) => {
      const transcoder = createTranscoder(
        { queueUrl: QUEUE_URL, renditionsBucket: RENDITIONS, ladder: [{ name: "360p", height: 360, videoKbps: 700, audioKbps: 96 }, { name: "240p", height: 240, videoKbps: 400, audioKbps: 64 }], segmentSeconds: 2, visibilityTimeoutSeconds: 600 },
        { sqs: new SQSClient({ region: "us-east-1" }), s3: new S3Client({ region: "us-east-1" }), logger: silentLog },
      );
      expect(await transcoder.processMessage({ MessageId: "job-1", ReceiptHandle: "rh-1", Body: input.MessageBody, Attributes: { ApproximateReceiveCount: "1" } })).to.equal("transcoded");
      return { MessageId: "job-1" };
    });
  });

  const s3Event = (bucket: string, key: string, versionId?: string): S3Event =>
    ({ Records: [{ eventName: "ObjectCreated:Put", eventSource: "aws:s3", s3: { bucket: { name: bucket }, object: { key, size: 1, versionId, sequencer: "0A" } } }] }) as unknown as S3Event;
  const onRenditionComplete = (event: S3Event) =>
    createRenditionCompleteHandler({ documents, sns: new SNSClient({ region: "us-east-1" }), videosTable: "videos", topicArn: "arn:aws:sns:us-east-1:123456789012:new-content", logger: silentLog })(event);

  /** The AWS CLI, answered by the local pipeline. */
  async function awsCli(args: string[]): Promise<string> {
    cliCalls.push(args);
    const [service, command] = args;
    if (service === "s3" && command === "cp" && args[3] === "-") {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(args[2]!)!;
      const body = objects.get(`${m[1]}/${m[2]}`);
      if (!body) throw new Error(`download failed: ${args[2]} does not exist`);
      return body.toString("utf8");
    }
    if (service === "s3" && command === "cp") {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(args[3]!)!;
      objects.set(`${m[1]}/${m[2]}`, fs.readFileSync(args[2]!));
      // The uploads bucket's notification runs on-upload, whose job the fleet transcodes.
      await createOnUploadHandler({ documents, sqs: new SQSClient({ region: "us-east-1" }), videosTable: "videos", jobQueueUrl: QUEUE_URL, logger: silentLog })(s3Event(m[1]!, m[2]!, "version-1"));
      return "";
    }
    if (service === "s3api" && command === "head-object") return JSON.stringify({ VersionId: "version-1", ETag: '"e"' });
    if (service === "lambda" && command === "invoke") {
      const payload = args[args.indexOf("--payload") + 1]!;
      const handler = createPlayerEventsHandler({ producer: new KinesisProducer({ client: kinesis.client, streamName: "view-events" }), logger: silentLog });
      fs.writeFileSync(args.at(-1)!, JSON.stringify(await handler(JSON.parse(payload) as APIGatewayProxyEventV2)));
      // The event source mapping delivers the stream to views-consumer.
      const records = (await readAllRecords(kinesis.client, "view-events")).map((r) => ({
        eventID: `${r.shardId}:${r.sequenceNumber}`,
        kinesis: { sequenceNumber: r.sequenceNumber, partitionKey: r.partitionKey, data: Buffer.from(r.data).toString("base64") },
      }));
      await createViewsConsumer({ documents, videosTable: "videos", countedTable: "counted", logger: silentLog })({ Records: records } as unknown as KinesisStreamEvent);
      return JSON.stringify({ StatusCode: 200 });
    }
    throw new Error(`unexpected aws ${args.join(" ")}`);
  }

  it("both checks pass when the pipeline works, in order, with the outputs they name", async () => {
    const logs: string[] = [];
    const ctx: StreamingSmokeContext = { outputs: OUTPUTS, env: { dynamodb: () => dynamo.client, awsCli, log: (m) => logs.push(m) }, runId: "smoke-1", timing: { renditionsSeconds: 5, countSeconds: 5, pollSeconds: 0.2 } };
    expect([...smoke.requiredOutputs].sort()).to.deep.equal(Object.keys(OUTPUTS).sort());
    const [upload, counted] = smoke.checks;
    const detail = await upload.run(ctx);
    expect(detail).to.match(/^video [0-9a-f]{32}: 360p\/playlist.m3u8 \(640x360\), 240p\/playlist.m3u8 \(426x240\)$/);
    expect(cliCalls.map((c) => c.slice(0, 2).join(" "))).to.deep.equal(["s3 cp", "s3api head-object", "s3 cp"]);
    expect(await counted.run(ctx)).to.equal("viewCount 0 -> 1");
  });

  it("the upload check fails, saying what it waited for, when the video is never published", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "lost" }); // no worker takes the job
    const ctx: StreamingSmokeContext = { outputs: OUTPUTS, env: { dynamodb: () => dynamo.client, awsCli, log: () => {} }, runId: "smoke-2", timing: { renditionsSeconds: 1, pollSeconds: 0.2 } };
    let error: Error | undefined;
    await smoke.checks[0].run(ctx).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/^video [0-9a-f]{32} PUBLISHED: not after 1 s$/);
    let second: Error | undefined;
    await smoke.checks[1].run(ctx).catch((e: Error) => (second = e));
    expect(second?.message).to.equal("no published smoke video (the upload check failed)");
  });
});
