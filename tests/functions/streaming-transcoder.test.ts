/**
 * The transcoding worker with the real ffmpeg (Debian's package; `.ci/run` installs it) on a clip
 * the test generates (`testsrc` + a sine tone), S3/SQS/Auto Scaling through aws-sdk-client-mock
 * (S3 objects kept in memory, so the uploaded playlists and segments are read back and probed).
 */
import { SetInstanceProtectionCommand, AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleHandler } from "../../components/compute/bundle";
import { DefaultLadder, ladderProblems, selectRenditions, type Rendition } from "../../projects/streaming/workers/transcoder/ladder";
import { transcoderUserData } from "../../projects/streaming/workers/transcoder/boot";
import { parseWorkerSettings } from "../../projects/streaming/workers/transcoder/main";
import { createTranscoder, parseJob, type TranscoderConfig } from "../../projects/streaming/workers/transcoder/transcoder";
import { silentLog } from "./streaming-fixtures";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/transcode-jobs";
const UPLOADS = "streaming-dev-uploads-123456789012";
const RENDITIONS = "streaming-dev-renditions-123456789012";
const VIDEO_ID = "0123456789abcdef0123456789abcdef";
const LADDER: Rendition[] = [
  { name: "1080p", height: 1080, videoKbps: 5000, audioKbps: 128 },
  { name: "360p", height: 360, videoKbps: 700, audioKbps: 96 },
  { name: "240p", height: 240, videoKbps: 400, audioKbps: 64 },
];

/** Width, height and duration of a media file, by ffprobe. */
function probe(file: string): { width: number; height: number } {
  const out = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-print_format", "json", file], { encoding: "utf8" }));
  return { width: out.streams[0].width, height: out.streams[0].height };
}

/** `#EXTINF` durations of a media playlist. */
function extinf(playlist: string): number[] {
  return [...playlist.matchAll(/#EXTINF:([0-9.]+),/g)].map((m) => Number(m[1]));
}

describe("streaming transcoder (real ffmpeg)", function () {
  this.timeout(120_000);
  let scratch: string;
  let clip: string;
  let notVideo: string;
  // Installed when this suite starts and removed when it ends, so other suites' clients stay real
  // (mocha loads every file, running each describe body, before any test).
  let sqs = mockClient(SQSClient);
  let s3 = mockClient(S3Client);
  let autoscaling = mockClient(AutoScalingClient);
  sqs.restore();
  s3.restore();
  autoscaling.restore();
  /** The renditions bucket: key -> bytes, in upload order. */
  let uploaded: Map<string, Buffer>;
  /** The uploads bucket: key -> local file. */
  let originals: Map<string, string>;

  before(() => {
    sqs = mockClient(SQSClient);
    s3 = mockClient(S3Client);
    autoscaling = mockClient(AutoScalingClient);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "transcoder-test-"));
    clip = path.join(scratch, "clip.mp4");
    // 5 s, 640x360 at 25 fps, with a stereo tone: short to transcode, long enough for three 2-s segments.
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=5", "-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", clip]);
    notVideo = path.join(scratch, "notes.txt");
    fs.writeFileSync(notVideo, "these are not the frames you are looking for\n".repeat(100));
  });
  after(() => {
    sqs.restore();
    s3.restore();
    autoscaling.restore();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  beforeEach(() => {
    sqs.reset();
    s3.reset();
    autoscaling.reset();
    uploaded = new Map();
    originals = new Map([["studio/clip.mp4", clip], ["studio/notes.txt", notVideo]]);
    s3.on(GetObjectCommand).callsFake((input) => {
      const file = originals.get(input.Key);
      if (!file) throw Object.assign(new Error("NoSuchKey"), { name: "NoSuchKey" });
      return { Body: fs.createReadStream(file) };
    });
    s3.on(PutObjectCommand).callsFake(async (input) => {
      const chunks: Buffer[] = [];
      for await (const c of input.Body as Readable) chunks.push(Buffer.from(c));
      uploaded.set(input.Key, Buffer.concat(chunks));
      return {};
    });
    s3.on(HeadObjectCommand).callsFake((input) => {
      if (input.Bucket === RENDITIONS && uploaded.has(input.Key)) return {};
      throw new NotFound({ message: "Not Found", $metadata: {} });
    });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    autoscaling.on(SetInstanceProtectionCommand).resolves({});
  });

  const config = (overrides: Partial<TranscoderConfig> = {}): TranscoderConfig => ({
    queueUrl: QUEUE_URL,
    renditionsBucket: RENDITIONS,
    ladder: LADDER,
    segmentSeconds: 2,
    visibilityTimeoutSeconds: 600,
    instance: { instanceId: "i-0123456789abcdef0", autoScalingGroupName: "streaming-dev-transcoders" },
    ...overrides,
  });
  const transcoder = (overrides: Partial<TranscoderConfig> = {}, deps: Record<string, unknown> = {}) =>
    createTranscoder(config(overrides), { sqs: new SQSClient({ region: "us-east-1" }), s3: new S3Client({ region: "us-east-1" }), autoscaling: new AutoScalingClient({ region: "us-east-1" }), logger: silentLog, workDir: scratch, ...deps });
  const message = (body: unknown, receiveCount = 1): Message => ({
    MessageId: `m-${receiveCount}`,
    ReceiptHandle: `rh-${receiveCount}`,
    Body: typeof body === "string" ? body : JSON.stringify(body),
    Attributes: { ApproximateReceiveCount: String(receiveCount) },
  });
  const job = (key = "studio/clip.mp4") => ({ videoId: VIDEO_ID, source: { bucket: UPLOADS, key, versionId: "v1" }, outputPrefix: `${VIDEO_ID}/`, requestedAt: "2025-06-01T12:00:00Z" });
  const visibilities = () => sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout);
  const protections = () => autoscaling.commandCalls(SetInstanceProtectionCommand).map((c) => c.args[0].input.ProtectedFromScaleIn);

  it("transcodes a 640x360 clip to the 360p and 240p renditions (no upscaling to 1080p), master playlist last, then deletes the job", async () => {
    const outcome = await transcoder().processMessage(message(job()));
    expect(outcome).to.equal("transcoded");

    const keys = [...uploaded.keys()];
    expect(keys.at(-1), "master playlist is uploaded last: its S3 event completes the video").to.equal(`${VIDEO_ID}/master.m3u8`);
    expect(keys.filter((k) => k.includes("/1080p/"))).to.deep.equal([]);
    const master = uploaded.get(`${VIDEO_ID}/master.m3u8`)!.toString();
    expect(master).to.match(/^#EXTM3U/);
    const variants = [...master.matchAll(/#EXT-X-STREAM-INF:([^\n]+)\n([^\n]+)/g)].map((m) => ({ attrs: m[1]!, uri: m[2]! }));
    expect(variants.map((v) => v.uri)).to.deep.equal(["360p/playlist.m3u8", "240p/playlist.m3u8"]);
    expect(variants[0]!.attrs).to.include("RESOLUTION=640x360");
    expect(variants[1]!.attrs).to.include("RESOLUTION=426x240");
    for (const v of variants) expect(v.attrs).to.match(/BANDWIDTH=\d+/).and.to.match(/CODECS="avc1\.[0-9a-f]+,mp4a\.40\.2"/);

    for (const [name, size] of [["360p", { width: 640, height: 360 }], ["240p", { width: 426, height: 240 }]] as const) {
      const playlist = uploaded.get(`${VIDEO_ID}/${name}/playlist.m3u8`)!.toString();
      expect(playlist).to.include("#EXT-X-PLAYLIST-TYPE:VOD").and.to.include("#EXT-X-ENDLIST").and.to.include("#EXT-X-TARGETDURATION:2");
      const durations = extinf(playlist);
      expect(durations.slice(0, -1), `${name}: every segment but the last is exactly the segment length`).to.deep.equal([2, 2]);
      expect(durations.reduce((a, b) => a + b, 0)).to.be.closeTo(5, 0.1);
      const segments = [...playlist.matchAll(/^(segment_\d+\.ts)$/gm)].map((m) => m[1]!);
      expect(segments).to.have.length(3);
      for (const segment of segments) {
        const file = path.join(scratch, `${name}-${segment}`);
        fs.writeFileSync(file, uploaded.get(`${VIDEO_ID}/${name}/${segment}`)!);
        expect(probe(file), `${name}/${segment}`).to.deep.equal(size);
      }
    }

    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.every((p) => p.Bucket === RENDITIONS)).to.equal(true);
    expect(puts.find((p) => p.Key!.endsWith(".ts"))).to.deep.include({ ContentType: "video/mp2t", CacheControl: "public, max-age=31536000, immutable" });
    expect(puts.find((p) => p.Key!.endsWith("master.m3u8"))).to.deep.include({ ContentType: "application/vnd.apple.mpegurl" });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).to.deep.equal({ Bucket: UPLOADS, Key: "studio/clip.mp4", VersionId: "v1" });
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).to.deep.equal([{ QueueUrl: QUEUE_URL, ReceiptHandle: "rh-1" }]);
    expect(protections(), "protected from scale-in while transcoding, then released").to.deep.equal([true, false]);
    expect(fs.readdirSync(scratch).filter((f) => f.startsWith("transcode-")), "scratch files removed").to.deep.equal([]);
  });

  it("extends the message's visibility while ffmpeg works", async () => {
    const slowFfmpeg = path.join(scratch, "slow-ffmpeg");
    fs.writeFileSync(slowFfmpeg, '#!/bin/sh\nsleep 2.5\nexec ffmpeg "$@"\n', { mode: 0o755 });
    const outcome = await transcoder({ heartbeatSeconds: 1, ladder: [LADDER[2]!] }, { ffmpegPath: slowFfmpeg }).processMessage(message(job()));
    expect(outcome).to.equal("transcoded");
    const extended = visibilities();
    expect(extended.length, "at least two heartbeats in 2.5 s at 1 s").to.be.greaterThanOrEqual(2);
    expect(extended.every((v) => v === 600)).to.equal(true);
  });

  it("a duplicate job (master playlist exists) is deleted without downloading or protecting", async () => {
    uploaded.set(`${VIDEO_ID}/master.m3u8`, Buffer.from("#EXTM3U\n"));
    expect(await transcoder().processMessage(message(job()))).to.equal("duplicate");
    expect(s3.commandCalls(GetObjectCommand)).to.have.length(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).to.have.length(1);
    expect(protections()).to.deep.equal([]);
  });

  it("a malformed job is poison: released at once (visibility 0) for the dead-letter queue, never deleted", async () => {
    for (const body of ["not json", { videoId: "x", source: {}, outputPrefix: "y" }]) {
      sqs.resetHistory();
      expect(await transcoder().processMessage(message(body))).to.equal("poison");
      expect(visibilities()).to.deep.equal([0]);
      expect(sqs.commandCalls(DeleteMessageCommand)).to.have.length(0);
    }
    expect(() => parseJob(JSON.stringify({ videoId: VIDEO_ID, source: { bucket: "b", key: "k" }, outputPrefix: "elsewhere/" }))).to.throw(/outputPrefix must be `<videoId>\/`/);
  });

  it("an original that is not a video is poison: released at once, nothing uploaded, protection removed", async () => {
    expect(await transcoder().processMessage(message(job("studio/notes.txt")))).to.equal("poison");
    expect(visibilities()).to.deep.equal([0]);
    expect(sqs.commandCalls(DeleteMessageCommand)).to.have.length(0);
    expect(uploaded.size).to.equal(0);
    expect(protections()).to.deep.equal([true, false]);
  });

  it("a failed upload is retried after a backoff that grows with the receive count; the job is not deleted and no master is written", async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error("SlowDown"), { name: "SlowDown" }));
    expect(await transcoder({ ladder: [LADDER[2]!] }).processMessage(message(job(), 2))).to.equal("failed");
    expect(visibilities()).to.deep.equal([60]);
    expect(sqs.commandCalls(DeleteMessageCommand)).to.have.length(0);
    expect(uploaded.has(`${VIDEO_ID}/master.m3u8`)).to.equal(false);
    expect(protections()).to.deep.equal([true, false]);
    expect(fs.readdirSync(scratch).filter((f) => f.startsWith("transcode-"))).to.deep.equal([]);
  });

  it("a missing original fails (retried, then the dead-letter queue after maxReceiveCount)", async () => {
    expect(await transcoder().processMessage(message(job("studio/gone.mp4"), 1))).to.equal("failed");
    expect(visibilities()).to.deep.equal([30]);
    expect(sqs.commandCalls(DeleteMessageCommand)).to.have.length(0);
  });

  it("a Spot interruption notice stops ffmpeg and releases the job at once", async () => {
    const slowFfmpeg = path.join(scratch, "slower-ffmpeg");
    fs.writeFileSync(slowFfmpeg, '#!/bin/sh\nsleep 30\nexec ffmpeg "$@"\n', { mode: 0o755 });
    const started = Date.now();
    const outcome = await transcoder({ heartbeatSeconds: 1 }, { ffmpegPath: slowFfmpeg, interrupted: async () => true }).processMessage(message(job()));
    expect(outcome).to.equal("interrupted");
    expect(Date.now() - started, "ffmpeg was stopped, not waited for").to.be.lessThan(15_000);
    expect(visibilities().at(-1)).to.equal(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).to.have.length(0);
    expect(protections()).to.deep.equal([true, false]);
  });

  it("pollOnce long-polls one message with its receive count, and returns undefined on an empty queue", async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    expect(await transcoder().pollOnce(undefined, 0)).to.equal(undefined);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).to.deep.include({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount"] });
  });

  it("the ladder: 2160p only for 4K sources (landscape or portrait), no upscaling, one rendition for a tiny source", () => {
    const names = (width: number, height: number) => selectRenditions({ width, height }, DefaultLadder).map((r) => r.name);
    expect(names(3840, 2160)).to.deep.equal(["2160p", "1080p", "720p", "480p", "360p"]);
    expect(names(2160, 3840)).to.deep.equal(["2160p", "1080p", "720p", "480p", "360p"]);
    expect(names(2560, 1440)).to.deep.equal(["1080p", "720p", "480p", "360p"]);
    expect(names(1920, 1080)).to.deep.equal(["1080p", "720p", "480p", "360p"]);
    expect(names(320, 181)).to.deep.equal(["180p"]);
    expect(ladderProblems([{ name: "odd", height: 721, videoKbps: 50, audioKbps: 96 }, { name: "odd", height: 720, videoKbps: 2800, audioKbps: 96 }])).to.deep.equal([
      'rendition "odd": height = 721: an even number of pixels from 144 to 4320',
      'rendition "odd": videoKbps = 50: a whole number from 100 to 100000',
      'rendition "odd" appears twice',
    ]);
  });

  it("worker settings: every problem named at once", () => {
    expect(() => parseWorkerSettings(JSON.stringify({ queueUrl: "", renditionsBucket: "b", autoScalingGroupName: "g", visibilityTimeoutSeconds: 5, segmentSeconds: 6, ladder: [] }))).to.throw(
      /queueUrl must be a non-empty string; visibilityTimeoutSeconds must be a whole number >= 30; the ladder is empty/,
    );
  });

  it("bundles into one Node 20 file with its SDK clients", () => {
    const bundle = bundleHandler(path.join(__dirname, "../../projects/streaming/workers/transcoder/main.ts"), { target: "node20", runtime: "node" });
    expect(bundle.packages).to.include.keys("@aws-sdk/client-s3", "@aws-sdk/client-sqs", "@aws-sdk/client-auto-scaling", "@aws-sdk/client-ssm");
    expect(bundle.sizeBytes).to.be.lessThan(1_500_000);
  });
});

describe("streaming transcoder boot script (user data)", () => {
  const sha = "a".repeat(64);
  const script = transcoderUserData({ region: "eu-west-1", settingsParameter: "/streaming/dev/transcoder/settings", bundleSha256: sha });

  it("is valid bash that installs ffmpeg and Node.js over HTTPS, verifies the bundle and runs it as a service", () => {
    const file = path.join(os.tmpdir(), `boot-${process.pid}.sh`);
    fs.writeFileSync(file, script);
    try {
      execFileSync("bash", ["-n", file]);
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect(script.startsWith("#!/bin/bash\n")).to.equal(true);
    expect(script).to.include("set -euo pipefail");
    expect(script).to.include("apt-get install -y -q --no-install-recommends ffmpeg nodejs awscli");
    expect(script).to.include("https://s3.eu-west-1.amazonaws.com/amazon-ssm-eu-west-1/latest/debian_amd64/amazon-ssm-agent.deb");
    expect(script).to.include(`echo "${sha}  /opt/transcoder/worker.js" | sha256sum --check --quiet`);
    expect(script).to.include("Environment=TRANSCODER_CONFIG_PARAMETER=/streaming/dev/transcoder/settings");
    expect(script).to.include("User=transcoder");
    expect(Buffer.byteLength(script)).to.be.lessThan(16 * 1024);
  });

  it("reads the bundle's S3 URI from the settings JSON with node", () => {
    const extract = /bundle=\$\(printf '%s' "\$settings" \| node -e '([^']+)'\)/.exec(script)![1]!;
    const out = execFileSync(process.execPath, ["-e", extract], { input: JSON.stringify({ workerBundle: "s3://artifacts/transcoder/x.js", other: 1 }), encoding: "utf8" });
    expect(out).to.equal("s3://artifacts/transcoder/x.js");
  });

  it("with a baked image, installs nothing; refuses a bad region, parameter or checksum", () => {
    const baked = transcoderUserData({ region: "eu-west-1", settingsParameter: "/p", bundleSha256: sha, installPackages: false });
    expect(baked).to.not.include("apt-get");
    expect(() => transcoderUserData({ region: "Europe", settingsParameter: "/p", bundleSha256: sha })).to.throw(/region = "Europe"/);
    expect(() => transcoderUserData({ region: "eu-west-1", settingsParameter: "p", bundleSha256: sha })).to.throw(/settingsParameter = "p"/);
    expect(() => transcoderUserData({ region: "eu-west-1", settingsParameter: "/p", bundleSha256: "xyz" })).to.throw(/bundleSha256 = "xyz"/);
  });
});
