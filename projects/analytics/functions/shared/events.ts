/**
 * The analytics project's ingested events and tables, as both the infrastructure (index.ts) and
 * the handlers see them: one definition, so a renamed key breaks the type-check, not production.
 */
// zod/mini: the tree-shakable API (classic zod added about 350 KiB to the ingest bundle), with the
// English messages for the issues this file does not word itself.
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** An event as producers put it on the ingest stream (one JSON object per Kinesis record). */
export const IngestEventSchema = z.strictObject({
  /** Unique per event (the producer's id): duplicates after a retry are detectable downstream. */
  eventId: text(128),
  /** What happened, e.g. `page_view`, `purchase`, `session_start`, `session_end`. */
  type: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, "must be snake_case, 1 to 64 characters")),
  /** When it happened (ISO-8601 with a zone): decides the `dt=` partition. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** Which system produced it. */
  source: text(128),
  userId: z.optional(text(128)),
  sessionId: z.optional(text(128)),
  /** Event-specific attributes, kept as given. */
  attributes: z.optional(z.record(z.string(), z.unknown())),
});
export type IngestEvent = z.infer<typeof IngestEventSchema>;

/** The raw zone's layout: events by the day they happened (Hive-style partition for Glue and Athena). */
export const RAW_EVENTS_PREFIX = "events/";
/** Records that failed validation, by the day they arrived, with the reason: never dropped silently. */
export const DEAD_LETTER_PREFIX = "dead-letter/";

export const SESSIONS_TABLE = { partitionKey: "sessionId", ttlAttribute: "expiresAt" } as const;
export const ACTIVITY_TABLE = { partitionKey: "userId", sortKey: "occurredAtEventId", ttlAttribute: "expiresAt" } as const;

/** Minimal logger (Powertools' `Logger` satisfies it; tests pass a silent one). */
export interface Log {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** Read required environment variables, failing at cold start with every missing name. */
export function requireEnv<K extends string>(fn: string, env: NodeJS.ProcessEnv, names: readonly K[]): Record<K, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new Error(`${fn}: missing environment variable(s) ${missing.join(", ")}`);
  return Object.fromEntries(names.map((n) => [n, env[n]!])) as Record<K, string>;
}
