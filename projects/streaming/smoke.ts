/**
 * Smoke checks for a deployed streaming stack: a test clip uploaded to the uploads bucket becomes
 * playable HLS renditions (the whole path: on-upload, the transcoding fleet from zero, ffmpeg,
 * on-rendition-complete), and a player event for it is counted by the views consumer.
 *
 * Shaped as the smoke runner's module (`npm run smoke -- --stack <org>/streaming/<stack>`:
 * `{ project, requiredOutputs, checks }`); the checks reach AWS only through the context's
 * environment (the AWS CLI, a DynamoDB client, a log), so the tests run them against emulators.
 * The first check needs `ffmpeg` on the runner (it makes the clip).
 */
import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { videoIdFor } from "./functions/on-upload/on-upload";

export interface StreamingSmokeEnvironment {
  dynamodb(region: string): DynamoDBClient;
  awsCli(args: string[]): Promise<string>;
  log(message: string): void;
}

export interface StreamingSmokeContext {
  outputs: Record<string, unknown>;
  env: StreamingSmokeEnvironment;
  runId: string;
  /** Waiting limits (tests shorten them). Default: 20 minutes for renditions (a worker starts from zero), 5 for the count; poll every 10 s. */
  timing?: { renditionsSeconds?: number; countSeconds?: number; pollSeconds?: number };
}

export interface StreamingSmokeCheck {
  name: string;
  run(ctx: StreamingSmokeContext): Promise<string>;
}

const out = (ctx: StreamingSmokeContext, key: string): string => {
  const v = ctx.outputs[key];
  if (typeof v !== "string" || v === "") throw new Error(`output ${key} is ${JSON.stringify(v)}, not a non-empty string`);
  return v;
};

/** Per context: the video the first check published, for the second. */
const published = new WeakMap<StreamingSmokeContext, string>();

async function waitFor<T>(what: string, seconds: number, pollSeconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not after ${seconds} s`);
    await new Promise((r) => setTimeout(r, pollSeconds * 1000));
  }
}

async function videoItem(ctx: StreamingSmokeContext, videoId: string) {
  const table = out(ctx, "videosTableName");
  const item = (await ctx.env.dynamodb(out(ctx, "region")).send(new GetItemCommand({ TableName: table, Key: { videoId: { S: videoId } }, ConsistentRead: true }))).Item;
  return item;
}

export const uploadBecomesPlayable: StreamingSmokeCheck = {
  name: "an uploaded test clip becomes playable HLS renditions",
  async run(ctx) {
    const t = { renditionsSeconds: 1200, pollSeconds: 10, ...ctx.timing };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
    try {
      const clip = path.join(dir, `${ctx.runId}.mp4`);
      execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=4", "-f", "lavfi", "-i", "sine=duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", clip]);
      const bucket = out(ctx, "uploadsBucketName");
      const key = `smoke/${ctx.runId}.mp4`;
      await ctx.env.awsCli(["s3", "cp", clip, `s3://${bucket}/${key}`]);
      const head = JSON.parse(await ctx.env.awsCli(["s3api", "head-object", "--bucket", bucket, "--key", key])) as { VersionId?: string; ETag?: string };
      if (!head.VersionId) throw new Error(`s3://${bucket}/${key} has no version id: the uploads bucket must be versioned`);
      const videoId = videoIdFor(bucket, key, head.VersionId);
      ctx.env.log(`uploaded s3://${bucket}/${key} (video ${videoId}); waiting for PUBLISHED`);
      const item = await waitFor(`video ${videoId} PUBLISHED`, t.renditionsSeconds, t.pollSeconds, async () => {
        const v = await videoItem(ctx, videoId);
        return v?.status?.S === "PUBLISHED" ? v : undefined;
      });
      const manifestKey = item.manifestKey?.S ?? `${videoId}/master.m3u8`;
      const master = await ctx.env.awsCli(["s3", "cp", `s3://${out(ctx, "renditionsBucketName")}/${manifestKey}`, "-"]);
      const variants = [...master.matchAll(/#EXT-X-STREAM-INF:[^\n]*RESOLUTION=(\d+x\d+)[^\n]*\n([^\n]+)/g)].map((m) => `${m[2]} (${m[1]})`);
      if (variants.length === 0) throw new Error(`${manifestKey} lists no rendition: ${master.slice(0, 300)}`);
      published.set(ctx, videoId);
      return `video ${videoId}: ${variants.join(", ")}`;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const playerEventCounted: StreamingSmokeCheck = {
  name: "a player event for it is counted (player-events -> Kinesis -> views-consumer)",
  async run(ctx) {
    const t = { countSeconds: 300, pollSeconds: 10, ...ctx.timing };
    const videoId = published.get(ctx);
    if (!videoId) throw new Error("no published smoke video (the upload check failed)");
    const before = Number((await videoItem(ctx, videoId))?.viewCount?.N ?? 0);
    const event = { eventId: `${ctx.runId}-start`, videoId, sessionId: `${ctx.runId}-session`, type: "start", positionSec: 0, occurredAt: new Date().toISOString() };
    const request = { version: "2.0", requestContext: { http: { method: "POST" } }, isBase64Encoded: false, body: JSON.stringify({ events: [event] }) };
    // The function as its URL would call it (the CLI signs; no browser credentials needed).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
    let response: { statusCode?: number; body?: string };
    try {
      const file = path.join(dir, "response.json");
      await ctx.env.awsCli(["lambda", "invoke", "--function-name", out(ctx, "playerEventsFunctionName"), "--cli-binary-format", "raw-in-base64-out", "--payload", JSON.stringify(request), file]);
      response = JSON.parse(fs.readFileSync(file, "utf8"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (response.statusCode !== 200) throw new Error(`player-events answered ${response.statusCode}: ${response.body}`);
    const count = await waitFor(`viewCount of ${videoId} above ${before}`, t.countSeconds, t.pollSeconds, async () => {
      const n = Number((await videoItem(ctx, videoId))?.viewCount?.N ?? 0);
      return n > before ? n : undefined;
    });
    return `viewCount ${before} -> ${count}`;
  },
};

export const smoke = {
  project: "streaming",
  requiredOutputs: ["region", "uploadsBucketName", "renditionsBucketName", "videosTableName", "playerEventsFunctionName"],
  checks: [uploadBecomesPlayable, playerEventCounted],
} as const;
