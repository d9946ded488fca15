/**
 * Player events API (Lambda function URL / HTTP API payload 2.0): `POST { "events": [ViewEvent...] }`.
 * Validates every event, puts the valid ones in the Kinesis stream through `KinesisProducer`
 * (partition key: the session), and answers per event:
 * - 200 `{ accepted, failed: [] }` when all were stored;
 * - 207 `{ accepted, failed: [{ index, eventId, reason }] }` when some were invalid or not stored
 *   (the player resends the failed ones; `eventId` lets consumers drop duplicates);
 * - 400 when the body is not `{ events: [...] }` with 1..500 events; 405 for other methods.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { KinesisProducer } from "../shared/kinesis-producer";
import type { Log } from "../shared/tables";
import { MAX_EVENTS_PER_REQUEST, streamedRecordData, type ViewEvent, viewEventProblems } from "../shared/view-events";

export interface PlayerEventsDeps {
  producer: Pick<KinesisProducer, "send">;
  logger: Log;
  now?: () => Date;
}

export interface EventFailure {
  index: number;
  eventId?: string;
  /** `invalid: ...` for validation problems, the Kinesis error code otherwise. */
  reason: string;
  /** True when resending the same event may succeed. */
  retryable: boolean;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
});

export function createPlayerEventsHandler(deps: PlayerEventsDeps) {
  const now = deps.now ?? (() => new Date());
  return async (request: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (request.requestContext?.http?.method !== "POST") return json(405, { message: "POST a JSON body { events: [...] }" });
    let body: unknown;
    try {
      const raw = request.isBase64Encoded ? Buffer.from(request.body ?? "", "base64").toString("utf8") : (request.body ?? "");
      body = JSON.parse(raw);
    } catch {
      return json(400, { message: "the body is not JSON" });
    }
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
      return json(400, { message: `the body must be { events: [...] } with 1 to ${MAX_EVENTS_PER_REQUEST} events` });
    }

    const failed: EventFailure[] = [];
    const valid: { index: number; event: ViewEvent }[] = [];
    events.forEach((e, index) => {
      const problems = viewEventProblems(e);
      if (problems.length > 0) failed.push({ index, eventId: typeof e?.eventId === "string" ? e.eventId : undefined, reason: `invalid: ${problems.join("; ")}`, retryable: false });
      else valid.push({ index, event: e as ViewEvent });
    });

    const receivedAt = now().toISOString();
    const result = await deps.producer.send(
      valid.map(({ event }) => ({ partitionKey: event.sessionId, data: streamedRecordData({ ...event, receivedAt }) })),
    );
    for (const f of result.failed) {
      const { index, event } = valid[f.index]!;
      failed.push({ index, eventId: event.eventId, reason: f.errorCode, retryable: f.errorCode !== "RecordTooLarge" && f.errorCode !== "InvalidPartitionKey" });
    }
    failed.sort((a, b) => a.index - b.index);
    if (result.failed.length > 0) deps.logger.warn("events not stored", { count: result.failed.length, codes: [...new Set(result.failed.map((f) => f.errorCode))] });
    return json(failed.length === 0 ? 200 : 207, { accepted: result.delivered.length, failed });
  };
}
