/**
 * The telemedicine API's read of a patient's vital signs, against dynalite: the clinician comes from
 * the Cognito authorizer, and only a current care-team assignment opens a patient's record.
 */
import { expect } from "chai";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { createObservationsHandler } from "../../projects/health-records/functions/api/observations";
import { CARE_TEAM_TABLE, READINGS_TABLE, readingKey } from "../../projects/health-records/functions/readings/table";
import { CARE_TEAM_TABLE_NAME, READINGS_TABLE_NAME, startHealthWorld, type HealthWorld } from "./health-fixtures";

const NOW = Date.parse("2026-12-03T12:00:00Z");

describe("health-records patient observations API (care-team authorisation)", function () {
  this.timeout(30_000);
  let world: HealthWorld;
  let handler: ReturnType<typeof createObservationsHandler>;
  const denied: unknown[] = [];

  const event = (patientId: string, sub: string | undefined, query: Record<string, string> | null = null): APIGatewayProxyEvent =>
    ({ pathParameters: { patientId }, queryStringParameters: query, requestContext: { authorizer: sub ? { claims: { sub, "cognito:groups": "clinicians" } } : undefined } }) as unknown as APIGatewayProxyEvent;

  before(async () => {
    world = await startHealthWorld();
    handler = createObservationsHandler({ documents: world.documents, readingsTable: READINGS_TABLE_NAME, careTeamTable: CARE_TEAM_TABLE_NAME, logger: { info: () => undefined, warn: (...a: unknown[]) => void denied.push(a) }, now: () => NOW });
    const assign = (clinicianId: string, patientId: string, expiresAt?: number) =>
      world.documents.send(new PutCommand({ TableName: CARE_TEAM_TABLE_NAME, Item: { [CARE_TEAM_TABLE.partitionKey]: clinicianId, [CARE_TEAM_TABLE.sortKey]: patientId, ...(expiresAt ? { [CARE_TEAM_TABLE.ttlAttribute]: expiresAt } : {}) } }));
    await assign("dr-house", "pat-a");
    await assign("dr-house", "pat-old", Math.floor(NOW / 1000) - 60);
    await assign("dr-wilson", "pat-b");
    for (const [i, p] of ["pat-a", "pat-a", "pat-a", "pat-b"].entries()) {
      const r = { readingId: `0f8fad5b-d9cb-469f-a165-7086772895${String(i).padStart(2, "0")}`, patientId: p, deviceId: "monitor-1", observedAt: `2026-12-03T${String(8 + i).padStart(2, "0")}:00:00.000Z`, receivedAt: `2026-12-03T${String(8 + i).padStart(2, "0")}:00:05.000Z`, vitals: { heartRate: 70 + i, systolic: 120, diastolic: 80 } };
      await world.documents.send(new PutCommand({ TableName: READINGS_TABLE_NAME, Item: { ...r, [READINGS_TABLE.sortKey]: readingKey(r), expiresAt: 1 } }));
    }
  });
  after(async () => world?.stop());

  it("a clinician on the care team reads the patient's Observations, newest first, as a FHIR searchset", async () => {
    const res = await handler(event("pat-a", "dr-house"));
    expect(res.statusCode).to.equal(200);
    expect(res.headers).to.deep.include({ "content-type": "application/fhir+json", "cache-control": "no-store" });
    const bundle = JSON.parse(res.body);
    expect(bundle).to.deep.include({ resourceType: "Bundle", type: "searchset", total: 6 });
    expect(bundle.entry.map((e: any) => e.resource.subject.reference)).to.satisfy((refs: string[]) => refs.every((r) => r === "Patient/pat-a"));
    expect(bundle.entry.map((e: any) => e.resource.effectiveDateTime).filter((_: unknown, i: number) => i % 2 === 0)).to.deep.equal(["2026-12-03T10:00:00.000Z", "2026-12-03T09:00:00.000Z", "2026-12-03T08:00:00.000Z"]);
  });

  it("narrows by since and _count", async () => {
    const since = JSON.parse((await handler(event("pat-a", "dr-house", { since: "2026-12-03T09:00:00Z" }))).body);
    expect(since.total).to.equal(4);
    const one = JSON.parse((await handler(event("pat-a", "dr-house", { _count: "1" }))).body);
    expect(one.total).to.equal(2);
    expect(one.entry[0].resource.effectiveDateTime).to.equal("2026-12-03T10:00:00.000Z");
  });

  it("a clinician not on the patient's care team gets 403, logged, with nothing of the record", async () => {
    const res = await handler(event("pat-b", "dr-house"));
    expect(res.statusCode).to.equal(403);
    expect(res.body).to.not.contain("heart").and.not.contain("Observation\"");
    expect(JSON.stringify(denied)).to.contain("dr-house").and.contain("pat-b");
  });

  it("an expired assignment no longer opens the record (before DynamoDB's TTL removes it)", async () => {
    expect((await handler(event("pat-old", "dr-house"))).statusCode).to.equal(403);
  });

  it("the same answer for a patient that does not exist (no hint)", async () => {
    const missing = await handler(event("pat-nobody", "dr-house"));
    const other = await handler(event("pat-b", "dr-house"));
    expect(missing.statusCode).to.equal(403);
    expect(missing.body).to.equal(other.body);
  });

  it("no authenticated caller: 401; a patient id in the query or body changes nothing", async () => {
    expect((await handler(event("pat-a", undefined))).statusCode).to.equal(401);
    const sneaky = { ...event("pat-b", "dr-house", { patientId: "pat-a" }), body: JSON.stringify({ clinicianId: "dr-wilson" }) } as APIGatewayProxyEvent;
    expect((await handler(sneaky)).statusCode).to.equal(403);
  });

  it("bad parameters get 400 naming the parameter", async () => {
    for (const [q, msg] of [
      [{ _count: "0" }, "_count must be a whole number from 1 to 200"],
      [{ _count: "201" }, "_count must be a whole number from 1 to 200"],
      [{ since: "last week" }, "since must be an ISO 8601 date-time"],
    ] as const) {
      const res = await handler(event("pat-a", "dr-house", q));
      expect(res.statusCode).to.equal(400);
      expect(JSON.parse(res.body).issue[0].diagnostics).to.contain(msg);
    }
    expect((await handler(event("pat/../a", "dr-house"))).statusCode).to.equal(400);
  });
});
