/** Viewing events: what players send, what goes into the Kinesis stream, and how it is validated. */

export const ViewEventTypes = ["start", "heartbeat", "pause", "resume", "seek", "complete", "error"] as const;
export type ViewEventType = (typeof ViewEventTypes)[number];

/** One event from a player. */
export interface ViewEvent {
  /** Unique per event (consumers de-duplicate on it). */
  eventId: string;
  videoId: string;
  /** The playback session: the partition key (order kept per session; many values spread shards). */
  sessionId: string;
  type: ViewEventType;
  /** Playback position in seconds. */
  positionSec: number;
  /** ISO-8601 time on the player. */
  occurredAt: string;
}

/** What is put in the stream: the event plus when the API received it. */
export interface StreamedViewEvent extends ViewEvent {
  receivedAt: string;
}

/**
 * A stream record's data: the event as one line of JSON, newline included. Firehose concatenates
 * records as they are into each S3 object, and the audience table's JSON SerDe reads one event per
 * line: without the newline an object of 500 events reads as one row.
 */
export function streamedRecordData(event: StreamedViewEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Most events a request may carry (one PutRecords worth). */
export const MAX_EVENTS_PER_REQUEST = 500;

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The problems with one event, empty when valid. */
export function viewEventProblems(e: unknown): string[] {
  if (typeof e !== "object" || e === null || Array.isArray(e)) return ["must be an object"];
  const v = e as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of ["eventId", "videoId", "sessionId"] as const) {
    if (typeof v[k] !== "string" || !ID.test(v[k] as string)) problems.push(`${k} must be 1-128 letters, digits, _ or -`);
  }
  if (!(ViewEventTypes as readonly unknown[]).includes(v.type)) problems.push(`type must be one of ${ViewEventTypes.join(", ")}`);
  if (typeof v.positionSec !== "number" || !Number.isFinite(v.positionSec) || v.positionSec < 0) problems.push("positionSec must be a number >= 0");
  if (typeof v.occurredAt !== "string" || Number.isNaN(Date.parse(v.occurredAt))) problems.push("occurredAt must be an ISO-8601 time");
  const extra = Object.keys(v).filter((k) => !["eventId", "videoId", "sessionId", "type", "positionSec", "occurredAt"].includes(k));
  if (extra.length > 0) problems.push(`unknown fields: ${extra.join(", ")}`);
  return problems;
}
