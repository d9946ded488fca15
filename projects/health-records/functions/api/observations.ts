/**
 * GET /patients/{patientId}/observations: a clinician's telemedicine app reads a patient's recent
 * vital signs as a FHIR searchset Bundle.
 *
 * Who is asking comes from the Cognito authorizer (the ID token's `sub`, verified by API Gateway),
 * never from the request. Which patients they may read comes from the care-team table: the
 * (clinician, patient) item must exist and not have expired. Anyone else gets 403 with no hint
 * whether the patient exists. `_count` (1-200, default 50) and `since` (ISO date-time) narrow it.
 */
import type { Log } from "../env";
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { toObservations } from "../readings/fhir";
import { readingSchema, type Reading } from "../readings/model";
import { CARE_TEAM_TABLE, READINGS_TABLE } from "../readings/table";

export interface ObservationsDeps {
  documents: Pick<DynamoDBDocumentClient, "send">;
  readingsTable: string;
  careTeamTable: string;
  logger: Log;
  now?: () => number;
}

const PATIENT_ID = /^[A-Za-z0-9-]{1,64}$/;

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { "content-type": statusCode === 200 ? "application/fhir+json" : "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
});
const outcome = (statusCode: number, code: string, diagnostics: string) => json(statusCode, { resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] });

export function createObservationsHandler(deps: ObservationsDeps): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const now = deps.now ?? Date.now;
  return async (event) => {
    const clinicianId = (event.requestContext?.authorizer?.claims as Record<string, string> | undefined)?.sub;
    if (!clinicianId) return outcome(401, "login", "no authenticated clinician (the Cognito authorizer must run before this function)");
    const patientId = event.pathParameters?.patientId ?? "";
    if (!PATIENT_ID.test(patientId)) return outcome(400, "value", "patientId must be 1-64 letters, digits or -");
    const q = event.queryStringParameters ?? {};
    const count = q._count === undefined ? 50 : Number(q._count);
    if (!Number.isInteger(count) || count < 1 || count > 200) return outcome(400, "value", "_count must be a whole number from 1 to 200");
    let since: string | undefined;
    if (q.since !== undefined) {
      const t = Date.parse(q.since);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(q.since) || Number.isNaN(t)) return outcome(400, "value", "since must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z");
      since = new Date(t).toISOString();
    }

    const assignment = await deps.documents.send(new GetCommand({ TableName: deps.careTeamTable, Key: { [CARE_TEAM_TABLE.partitionKey]: clinicianId, [CARE_TEAM_TABLE.sortKey]: patientId }, ConsistentRead: true }));
    const expiresAt = assignment.Item?.[CARE_TEAM_TABLE.ttlAttribute] as number | undefined;
    if (!assignment.Item || (expiresAt !== undefined && expiresAt * 1000 <= now())) {
      deps.logger.warn("patient access denied", { clinicianId, patientId });
      return outcome(403, "forbidden", "you are not on this patient's care team");
    }

    const page = await deps.documents.send(
      new QueryCommand({
        TableName: deps.readingsTable,
        KeyConditionExpression: since ? "#pk = :p AND #sk >= :since" : "#pk = :p",
        ExpressionAttributeNames: { "#pk": READINGS_TABLE.partitionKey, ...(since ? { "#sk": READINGS_TABLE.sortKey } : {}) },
        ExpressionAttributeValues: { ":p": patientId, ...(since ? { ":since": since } : {}) },
        ScanIndexForward: false,
        Limit: count,
      }),
    );
    const readings: Reading[] = [];
    for (const item of page.Items ?? []) {
      const { readingId, patientId: p, deviceId, observedAt, receivedAt, vitals } = item;
      const r = readingSchema.safeParse({ readingId, patientId: p, deviceId, observedAt, receivedAt, vitals });
      if (r.success) readings.push(r.data as Reading);
      else deps.logger.warn("stored reading skipped: not a valid reading", { readingKey: item[READINGS_TABLE.sortKey] });
    }
    deps.logger.info("patient observations read", { clinicianId, patientId, readings: readings.length });
    const entries = readings.flatMap((r) => toObservations(r).observations).map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource, search: { mode: "match" } }));
    return json(200, { resourceType: "Bundle", type: "searchset", total: entries.length, entry: entries });
  };
}
