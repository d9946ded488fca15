/**
 * The transcoding worker: one SQS job at a time, from the original in the uploads bucket to an
 * HLS ladder in the renditions bucket.
 *
 *   receive job ──> renditions exist already? ──yes──> delete (a duplicate: SQS is at least once)
 *        │ no
 *        ├─ protect this instance from scale-in; extend the message's visibility every
 *        │  `heartbeatSeconds` while working
 *        ├─ download the original (its version), ffprobe it, pick the ladder (2160p for 4K only)
 *        ├─ ffmpeg: every rendition in one run (segments cut at forced keyframes)
 *        ├─ upload segments and rendition playlists, then `master.m3u8` LAST: its S3 event is the
 *        │  completion signal (on-rendition-complete marks the video PUBLISHED)
 *        └─ delete the message; unprotect the instance (always, also on failure)
 *
 * Failure: the message is not deleted. It becomes visible again after a backoff (30 s x receive
 * count), and after the queue's `maxReceiveCount` receives SQS moves it to the dead-letter queue.
 * A job that can never succeed (malformed body, no video stream) is released at once, so it
 * reaches the dead-letter queue without waiting for backoffs. A Spot interruption notice or
 * SIGTERM stops ffmpeg and releases the message at once for another worker.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { SetInstanceProtectionCommand, type AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import type { Log, TranscodeJob } from "../../functions/shared/tables";
import { ffmpegPlan, MasterPlaylistName, parseProbe, selectRenditions, type Rendition, type SourceInfo } from "./ladder";

export interface TranscoderConfig {
  queueUrl: string;
  renditionsBucket: string;
  ladder: readonly Rendition[];
  segmentSeconds: number;
  /** The queue's visibility timeout: each heartbeat sets the message's visibility to this again. */
  visibilityTimeoutSeconds: number;
  /** Seconds between heartbeats. Default: a third of the visibility timeout (at least 1 s). */
  heartbeatSeconds?: number;
  /** x264 preset. Default: veryfast. */
  preset?: string;
  /** This instance and its Auto Scaling group, for scale-in protection (absent: not in a group, nothing to protect). */
  instance?: { instanceId: string; autoScalingGroupName: string };
}

export interface TranscoderDeps {
  sqs: SQSClient;
  s3: S3Client;
  autoscaling?: AutoScalingClient;
  logger: Log;
  /** Scratch directory for a job's files. Default: the OS temporary directory. */
  workDir?: string;
  /** True when the instance is about to be interrupted (Spot notice): stop and release the job. */
  interrupted?: () => Promise<boolean>;
  /** ffmpeg and ffprobe executables. Default: from PATH. */
  ffmpegPath?: string;
  ffprobePath?: string;
}

export type JobOutcome = "transcoded" | "duplicate" | "failed" | "poison" | "interrupted";

/** A failure that no retry can fix: the job goes to the dead-letter queue without backoff. */
export class PoisonJobError extends Error {
  override name = "PoisonJobError";
}

class InterruptedError extends Error {
  override name = "InterruptedError";
}

const ContentTypes: Record<string, string> = { ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".m4s": "video/iso.segment", ".mp4": "video/mp4" };

/** Validate a job message body (what on-upload enqueues). */
export function parseJob(body: string | undefined): TranscodeJob {
  let job: Partial<TranscodeJob>;
  try {
    job = JSON.parse(body ?? "");
  } catch {
    throw new PoisonJobError("the message body is not JSON");
  }
  const problems: string[] = [];
  if (typeof job.videoId !== "string" || !/^[0-9a-f]{32}$/.test(job.videoId)) problems.push("videoId must be 32 hex characters");
  if (typeof job.source?.bucket !== "string" || typeof job.source?.key !== "string" || job.source.key.length === 0) problems.push("source.bucket and source.key must be strings");
  if (typeof job.outputPrefix !== "string" || job.outputPrefix !== `${job.videoId}/`) problems.push("outputPrefix must be `<videoId>/`");
  if (problems.length > 0) throw new PoisonJobError(`invalid job: ${problems.join("; ")}`);
  return job as TranscodeJob;
}

export function createTranscoder(config: TranscoderConfig, deps: TranscoderDeps) {
  const heartbeatMs = Math.max(1, config.heartbeatSeconds ?? Math.floor(config.visibilityTimeoutSeconds / 3)) * 1000;
  const log = deps.logger;

  async function protect(on: boolean): Promise<void> {
    if (!config.instance || !deps.autoscaling) return;
    try {
      await deps.autoscaling.send(
        new SetInstanceProtectionCommand({ AutoScalingGroupName: config.instance.autoScalingGroupName, InstanceIds: [config.instance.instanceId], ProtectedFromScaleIn: on }),
      );
    } catch (error) {
      // Not fatal: without protection a scale-in may stop this job, and the message comes back.
      log.warn("scale-in protection not changed", { on, error });
    }
  }

  async function setVisibility(message: Message, seconds: number): Promise<void> {
    await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: config.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds }));
  }

  async function exists(bucket: string, key: string): Promise<boolean> {
    try {
      await deps.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === "NotFound") return false;
      throw error;
    }
  }

  async function download(job: TranscodeJob, file: string): Promise<void> {
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: job.source.bucket, Key: job.source.key, ...(job.source.versionId ? { VersionId: job.source.versionId } : {}) }));
    if (!object.Body) throw new Error(`s3://${job.source.bucket}/${job.source.key} has no body`);
    await pipeline(object.Body as Readable, createWriteStream(file));
  }

  /** Upload every file under `dir` to `<prefix><relative path>`, the master playlist last. */
  async function upload(dir: string, prefix: string): Promise<string[]> {
    const files = (await fs.readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)));
    const ordered = [...files.filter((f) => f !== MasterPlaylistName).sort(), ...files.filter((f) => f === MasterPlaylistName)];
    if (!ordered.includes(MasterPlaylistName)) throw new Error("ffmpeg wrote no master playlist");
    const keys: string[] = [];
    for (const file of ordered) {
      const full = path.join(dir, file);
      const ext = path.extname(file);
      const key = `${prefix}${file.split(path.sep).join("/")}`;
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: config.renditionsBucket,
          Key: key,
          Body: createReadStream(full),
          ContentLength: (await fs.stat(full)).size,
          ContentType: ContentTypes[ext] ?? "application/octet-stream",
          // Segments never change; playlists may be rewritten by a re-transcode.
          CacheControl: ext === ".m3u8" ? "public, max-age=60" : "public, max-age=31536000, immutable",
        }),
      );
      keys.push(key);
    }
    return keys;
  }

  function run(executable: string, args: string[], signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"], signal });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.on("error", (error) => reject(signal.aborted ? new InterruptedError(`${path.basename(executable)} stopped`) : error));
      child.on("close", (code) => {
        if (signal.aborted) reject(new InterruptedError(`${path.basename(executable)} stopped`));
        else if (code === 0) resolve(stdout);
        else reject(new Error(`${path.basename(executable)} exited with ${code}: ${stderr.trim()}`));
      });
    });
  }

  async function probe(file: string, signal: AbortSignal): Promise<SourceInfo> {
    // The file is here (downloaded whole): if ffprobe cannot read it, no retry will.
    try {
      const json = await run(deps.ffprobePath ?? "ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", file], signal);
      return parseProbe(json);
    } catch (error) {
      // Interrupted, or ffprobe could not start (ENOENT...): not the file's fault.
      if (error instanceof InterruptedError || (error as NodeJS.ErrnoException).code !== undefined) throw error;
      throw new PoisonJobError(`the original is not a playable video: ${(error as Error).message}`);
    }
  }

  /** Process one received message; never throws (the outcome says what happened to the message). */
  async function processMessage(message: Message, stop?: AbortSignal): Promise<JobOutcome> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
    let job: TranscodeJob;
    try {
      job = parseJob(message.Body);
    } catch (error) {
      log.error("poison job: released for the dead-letter queue", { messageId: message.MessageId, error: (error as Error).message });
      await setVisibility(message, 0).catch(() => undefined);
      return "poison";
    }
    const master = `${job.outputPrefix}${MasterPlaylistName}`;
    const context = { videoId: job.videoId, messageId: message.MessageId, receiveCount };

    const abort = new AbortController();
    const onStop = () => abort.abort();
    stop?.addEventListener("abort", onStop);
    let heartbeat: NodeJS.Timeout | undefined;
    let dir: string | undefined;
    let protectedNow = false;
    try {
      if (await exists(config.renditionsBucket, master)) {
        log.info("renditions exist already: duplicate job deleted", context);
        await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: config.queueUrl, ReceiptHandle: message.ReceiptHandle }));
        return "duplicate";
      }
      await protect(true);
      protectedNow = true;
      heartbeat = setInterval(() => {
        void (async () => {
          if (deps.interrupted && (await deps.interrupted().catch(() => false))) abort.abort();
          if (abort.signal.aborted) return;
          await setVisibility(message, config.visibilityTimeoutSeconds).catch((error) => log.warn("visibility not extended", { ...context, error }));
        })();
      }, heartbeatMs);

      dir = await fs.mkdtemp(path.join(deps.workDir ?? os.tmpdir(), `transcode-${job.videoId}-`));
      const original = path.join(dir, "original");
      const out = path.join(dir, "hls");
      await download(job, original);
      if (abort.signal.aborted) throw new InterruptedError("stopped after download");
      const source = await probe(original, abort.signal);
      const renditions = selectRenditions(source, config.ladder);
      log.info("transcoding", { ...context, source, renditions: renditions.map((r) => r.name) });
      const plan = ffmpegPlan(original, out, source, renditions, { segmentSeconds: config.segmentSeconds, ...(config.preset ? { preset: config.preset } : {}) });
      await run(deps.ffmpegPath ?? "ffmpeg", plan.args, abort.signal);
      if (abort.signal.aborted) throw new InterruptedError("stopped before upload");
      const keys = await upload(out, job.outputPrefix);
      await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: config.queueUrl, ReceiptHandle: message.ReceiptHandle }));
      log.info("transcoded", { ...context, objects: keys.length, master });
      return "transcoded";
    } catch (error) {
      if (error instanceof InterruptedError || abort.signal.aborted) {
        log.warn("interrupted: job released for another worker", context);
        await setVisibility(message, 0).catch(() => undefined);
        return "interrupted";
      }
      if (error instanceof PoisonJobError) {
        log.error("poison job: released for the dead-letter queue", { ...context, error: error.message });
        await setVisibility(message, 0).catch(() => undefined);
        return "poison";
      }
      const backoff = Math.min(30 * receiveCount, config.visibilityTimeoutSeconds, 43_200);
      log.error("transcoding failed: retried after backoff", { ...context, backoff, error: (error as Error).message });
      await setVisibility(message, backoff).catch(() => undefined);
      return "failed";
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      stop?.removeEventListener("abort", onStop);
      if (dir) await fs.rm(dir, { recursive: true, force: true });
      if (protectedNow) await protect(false);
    }
  }

  /** Receive at most one job (long poll) and process it; undefined when the queue was empty. */
  async function pollOnce(stop?: AbortSignal, waitSeconds = 20): Promise<JobOutcome | undefined> {
    const received = await deps.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: config.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
      stop ? { abortSignal: stop } : {},
    );
    const message = received.Messages?.[0];
    return message ? processMessage(message, stop) : undefined;
  }

  /** Poll until `stop` aborts. */
  async function runUntil(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        await pollOnce(stop);
      } catch (error) {
        if (stop.aborted) break;
        log.error("receive failed; retrying in 5 s", { error });
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  }

  return { processMessage, pollOnce, runUntil };
}
