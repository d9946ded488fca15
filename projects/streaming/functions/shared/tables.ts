/**
 * The streaming project's DynamoDB tables, as both the infrastructure (index.ts) and the handlers
 * see them: one definition, so a renamed key breaks the type-check, not production.
 */

/** Video lifecycle. UPLOADED: original stored, job queued; PUBLISHED: renditions ready and announced. */
export const VideoStatuses = ["UPLOADED", "PUBLISHED"] as const;
export type VideoStatus = (typeof VideoStatuses)[number];

export const VIDEOS_TABLE = {
  partitionKey: "videoId",
  /** GSI for listing videos by status, newest first: `status` + `updatedAt` (ISO-8601). */
  statusIndex: { name: "by-status-date", partitionKey: "status", sortKey: "updatedAt" },
} as const;

export const USERS_TABLE = { partitionKey: "userId" } as const;

export interface Video {
  videoId: string;
  status: VideoStatus;
  /** ISO-8601 time of the last status change (the GSI's sort key). */
  updatedAt: string;
  createdAt: string;
  title: string;
  uploadBucket: string;
  uploadKey: string;
  uploadVersionId?: string;
  sizeBytes?: number;
  /** When the transcoding job was handed to SQS (absent: not yet, a retry must enqueue). */
  jobEnqueuedAt?: string;
  manifestKey?: string;
  publishedAt?: string;
  /** When subscribers were told (absent on a PUBLISHED video: a retry must notify). */
  notifiedAt?: string;
  viewCount?: number;
  completionCount?: number;
}

/** A transcoding job, as the on-upload handler enqueues it and the workers read it. */
export interface TranscodeJob {
  videoId: string;
  source: { bucket: string; key: string; versionId?: string };
  /** Where the renditions go: `<videoId>/` in the renditions bucket. */
  outputPrefix: string;
  requestedAt: string;
}

/** What a worker reports when renditions are complete (SQS message body). */
export interface RenditionComplete {
  videoId: string;
  manifestKey: string;
}

/** Minimal logger (Powertools' `Logger` satisfies it; tests pass a silent one). */
export interface Log {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** Read required environment variables, reporting every missing one at once. */
export function requireEnv<K extends string>(fn: string, env: Record<string, string | undefined>, keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((k) => !env[k]?.trim());
  if (missing.length > 0) throw new Error(`${fn}: invalid configuration: ${missing.map((k) => `${k} is required`).join("; ")}`);
  return Object.fromEntries(keys.map((k) => [k, env[k]!.trim()])) as Record<K, string>;
}
