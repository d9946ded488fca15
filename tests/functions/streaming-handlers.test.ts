/**
 * The streaming handlers: DynamoDB through dynalite, SQS and SNS through aws-sdk-client-mock, and
 * player-events through the real producer against kinesalite.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, S3Event, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { createOnUploadHandler, videoIdFor } from "../../projects/streaming/functions/on-upload/on-upload";
import { createRenditionCompleteHandler } from "../../projects/streaming/functions/on-rendition-complete/on-rendition-complete";
import { createPlayerEventsHandler } from "../../projects/streaming/functions/player-events/player-events";
import { KinesisProducer } from "../../projects/streaming/functions/shared/kinesis-producer";
import { VIDEOS_TABLE, type Video } from "../../projects/streaming/functions/shared/tables";
import { createStream, createVideosTable, readAllRecords, silentLog, startDynalite, startKinesalite, type Dynalite, type Kinesalite } from "./streaming-fixtures";

const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/transcode-jobs";
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:new-content";
const NOW = new Date("2025-06-01T12:00:00Z");

function s3Event(bucket: string, key: string, versionId?: string, eventName = "ObjectCreated:Put"): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1", eventSource: "aws:s3", awsRegion: "eu-west-1", eventTime: NOW.toISOString(), eventName,
        userIdentity: { principalId: "p" }, requestParameters: { sourceIPAddress: "1.2.3.4" }, responseElements: { "x-amz-request-id": "r", "x-amz-id-2": "i" },
        s3: { s3SchemaVersion: "1.0", configurationId: "c", bucket: { name: bucket, ownerIdentity: { principalId: "p" }, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: 1234, eTag: "etag-1", versionId, sequencer: "0A" } },
      },
    ],
  } as S3Event;
}

describe("streaming handlers", function () {
  this.timeout(60_000);
  let dynamo: Dynalite;
  let documents: DynamoDBDocumentClient;
  let table = "";
  let n = 0;
  before(async () => {
    dynamo = await startDynalite();
    documents = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  });
  after(() => dynamo?.stop());
  beforeEach(async () => {
    table = `videos-${++n}`;
    await createVideosTable(dynamo.client, table);
  });
  const getVideo = async (videoId: string) => (await documents.send(new GetCommand({ TableName: table, Key: { videoId } }))).Item as Video | undefined;

  describe("on-upload", () => {
    const sqs = mockClient(SQSClient);
    beforeEach(() => sqs.reset());
    after(() => sqs.restore());
    const handler = () => createOnUploadHandler({ documents, sqs: new SQSClient({ region: "eu-west-1" }), videosTable: table, jobQueueUrl: QUEUE_URL, logger: silentLog, now: () => NOW });

    it("registers the video as UPLOADED (listed by the status GSI) and enqueues one transcoding job", async () => {
      sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
      const [result] = await handler()(s3Event("uploads", "studio-1/My+Trip.mp4", "v1"));
      const id = videoIdFor("uploads", "studio-1/My Trip.mp4", "v1");
      expect(result).to.deep.equal({ videoId: id, registered: true, enqueued: true });
      const video = await getVideo(id);
      expect(video).to.deep.include({ status: "UPLOADED", title: "My Trip", uploadKey: "studio-1/My Trip.mp4", uploadVersionId: "v1", jobEnqueuedAt: NOW.toISOString() });
      const calls = sqs.commandCalls(SendMessageCommand);
      expect(calls).to.have.length(1);
      expect(JSON.parse(calls[0]!.args[0].input.MessageBody!)).to.deep.equal({ videoId: id, source: { bucket: "uploads", key: "studio-1/My Trip.mp4", versionId: "v1" }, outputPrefix: `${id}/`, requestedAt: NOW.toISOString() });
      const listed = await documents.send(
        new QueryCommand({ TableName: table, IndexName: VIDEOS_TABLE.statusIndex.name, KeyConditionExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":s": "UPLOADED" } }),
      );
      expect(listed.Items!.map((i) => i.videoId)).to.deep.equal([id]);
    });

    it("is idempotent on the object version: a redelivered event neither re-registers nor re-enqueues", async () => {
      sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
      await handler()(s3Event("uploads", "a.mp4", "v1"));
      const [again] = await handler()(s3Event("uploads", "a.mp4", "v1"));
      expect(again).to.deep.include({ registered: false, enqueued: false });
      expect(sqs.commandCalls(SendMessageCommand)).to.have.length(1);
      // A new version of the same key is a new video.
      await handler()(s3Event("uploads", "a.mp4", "v2"));
      expect(sqs.commandCalls(SendMessageCommand)).to.have.length(2);
    });

    it("when SQS fails, throws for a retry, and the retry enqueues the job the first attempt could not", async () => {
      sqs.on(SendMessageCommand).rejectsOnce(Object.assign(new Error("throttled"), { name: "RequestThrottled" })).resolves({ MessageId: "m-2" });
      let thrown: unknown;
      await handler()(s3Event("uploads", "b.mp4", "v1")).catch((e) => (thrown = e));
      expect(thrown).to.be.instanceOf(AggregateError);
      const id = videoIdFor("uploads", "b.mp4", "v1");
      expect((await getVideo(id))?.jobEnqueuedAt).to.equal(undefined);
      const [retry] = await handler()(s3Event("uploads", "b.mp4", "v1"));
      expect(retry).to.deep.include({ registered: false, enqueued: true });
      expect((await getVideo(id))?.jobEnqueuedAt).to.equal(NOW.toISOString());
    });
  });

  describe("on-rendition-complete", () => {
    const sns = mockClient(SNSClient);
    beforeEach(() => sns.reset());
    after(() => sns.restore());
    const handler = () => createRenditionCompleteHandler({ documents, sns: new SNSClient({ region: "eu-west-1" }), videosTable: table, topicArn: TOPIC_ARN, logger: silentLog, now: () => NOW });
    const videoId = "0123456789abcdef0123456789abcdef";
    const seed = () => documents.send(new PutCommand({ TableName: table, Item: { videoId, status: "UPLOADED", createdAt: "t0", updatedAt: "t0", title: "Trip", uploadBucket: "u", uploadKey: "k" } }));

    it("from S3: marks the video PUBLISHED once and publishes one new-content message", async () => {
      await seed();
      sns.on(PublishCommand).resolves({ MessageId: "n-1" });
      expect(await handler()(s3Event("renditions", `${videoId}/master.m3u8`))).to.deep.equal(["published"]);
      expect(await handler()(s3Event("renditions", `${videoId}/master.m3u8`))).to.deep.equal(["already-notified"]);
      const video = await getVideo(videoId);
      expect(video).to.deep.include({ status: "PUBLISHED", manifestKey: `${videoId}/master.m3u8`, publishedAt: NOW.toISOString(), notifiedAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
      const calls = sns.commandCalls(PublishCommand);
      expect(calls).to.have.length(1);
      expect(calls[0]!.args[0].input.TopicArn).to.equal(TOPIC_ARN);
      expect(JSON.parse(calls[0]!.args[0].input.Message!)).to.deep.include({ type: "video.published", videoId, title: "Trip" });
    });

    it("from SQS: reports the message whose publish failed, and its retry notifies without a second state change", async () => {
      await seed();
      sns.on(PublishCommand).rejectsOnce(new Error("SNS down")).resolves({ MessageId: "n-2" });
      const sqsEvent = (id: string, body: unknown) => ({ Records: [{ messageId: id, eventSource: "aws:sqs", body: JSON.stringify(body) }] }) as unknown as SQSEvent;
      const first = await handler()(sqsEvent("m-1", { videoId, manifestKey: `${videoId}/master.m3u8` }));
      expect(first).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
      expect((await getVideo(videoId))?.status).to.equal("PUBLISHED");
      expect((await getVideo(videoId))?.notifiedAt).to.equal(undefined);
      const retry = await handler()(sqsEvent("m-1", { videoId, manifestKey: `${videoId}/master.m3u8` }));
      expect(retry).to.deep.equal({ batchItemFailures: [] });
      expect(sns.commandCalls(PublishCommand)).to.have.length(2);
      expect((await getVideo(videoId))?.notifiedAt).to.equal(NOW.toISOString());
      // Malformed and unknown-video messages are not retried forever.
      expect(await handler()(sqsEvent("m-2", { nope: true }))).to.deep.equal({ batchItemFailures: [] });
      expect(await handler()(sqsEvent("m-3", { videoId: "f".repeat(32), manifestKey: "x.m3u8" }))).to.deep.equal({ batchItemFailures: [] });
    });
  });

  describe("player-events (real producer, kinesalite)", () => {
    let kinesis: Kinesalite;
    before(async () => {
      kinesis = await startKinesalite();
      await createStream(kinesis.client, "view-events", 2);
    });
    after(() => kinesis?.stop());
    const request = (body: unknown, method = "POST") => ({ requestContext: { http: { method } }, body: JSON.stringify(body), isBase64Encoded: false }) as unknown as APIGatewayProxyEventV2;
    const event = (i: number, extra: Record<string, unknown> = {}) => ({ eventId: `e-${i}`, videoId: "v-1", sessionId: `s-${i % 3}`, type: "start", positionSec: 0, occurredAt: NOW.toISOString(), ...extra });

    it("stores valid events in the stream, keyed by session, and returns each invalid one with its reason", async () => {
      const handler = createPlayerEventsHandler({ producer: new KinesisProducer({ client: kinesis.client, streamName: "view-events" }), logger: silentLog, now: () => NOW });
      const res = await handler(request({ events: [event(0), event(1, { type: "dance" }), event(2), { eventId: "e-3" }, event(4)] }));
      expect(res.statusCode).to.equal(207);
      const body = JSON.parse(res.body!);
      expect(body.accepted).to.equal(3);
      expect(body.failed.map((f: any) => [f.index, f.eventId, f.retryable])).to.deep.equal([[1, "e-1", false], [3, "e-3", false]]);
      expect(body.failed[0].reason).to.match(/^invalid: type must be one of/);
      const stored = await readAllRecords(kinesis.client, "view-events");
      expect(stored.map((r) => JSON.parse(r.data).eventId).sort()).to.deep.equal(["e-0", "e-2", "e-4"]);
      expect(stored.find((r) => r.data.includes("e-2"))!.partitionKey).to.equal("s-2");
      expect(JSON.parse(stored[0]!.data).receivedAt).to.equal(NOW.toISOString());
    });

    it("ends every record with a newline, so Firehose's concatenated S3 objects are one event per line for the JSON SerDe", async () => {
      await createStream(kinesis.client, "view-events-lines", 1);
      const handler = createPlayerEventsHandler({ producer: new KinesisProducer({ client: kinesis.client, streamName: "view-events-lines" }), logger: silentLog, now: () => NOW });
      expect((await handler(request({ events: [event(10), event(11), event(12)] }))).statusCode).to.equal(200);
      const stored = await readAllRecords(kinesis.client, "view-events-lines");
      for (const r of stored) expect(r.data.endsWith("}\n"), r.data).to.equal(true);
      // What Firehose writes: the records' data back to back.
      const object = stored.map((r) => r.data).join("");
      const lines = object.split("\n").filter((l) => l.length > 0);
      expect(lines.map((l) => JSON.parse(l).eventId)).to.deep.equal(["e-10", "e-11", "e-12"]);
    });

    it("returns events the stream would not take, as retryable, with their error codes", async () => {
      const producer = { send: async (records: unknown[]) => ({ delivered: [], failed: records.map((record, index) => ({ index, record, errorCode: "ProvisionedThroughputExceededException", attempts: 4 })), requests: 4 }) };
      const handler = createPlayerEventsHandler({ producer: producer as never, logger: silentLog });
      const res = await handler(request({ events: [event(0)] }));
      expect(res.statusCode).to.equal(207);
      expect(JSON.parse(res.body!).failed).to.deep.equal([{ index: 0, eventId: "e-0", reason: "ProvisionedThroughputExceededException", retryable: true }]);
    });

    it("rejects non-POST, non-JSON and empty or oversized batches", async () => {
      const handler = createPlayerEventsHandler({ producer: new KinesisProducer({ client: kinesis.client, streamName: "view-events" }), logger: silentLog });
      expect((await handler(request({ events: [event(0)] }, "GET"))).statusCode).to.equal(405);
      expect((await handler({ ...request({}), body: "{nope" })).statusCode).to.equal(400);
      expect((await handler(request({ events: [] }))).statusCode).to.equal(400);
      expect((await handler(request({ events: Array.from({ length: 501 }, (_, i) => event(i)) }))).statusCode).to.equal(400);
    });
  });
});
