/**
 * The hospital's IoT reading path, with the real handlers: validation (good, malformed, boundary
 * values), FHIR normalisation, the ingest function against dynalite, and the integration workflow
 * executed locally (aws-local-stepfunctions) writing to s3rver: stored, alerted, ETL started at most
 * once an hour, and a failing reading ending in the dead-letter queue with nothing lost.
 */
import { expect } from "chai";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import aslValidator = require("asl-validator");
import { validateReading, VITALS, type Reading } from "../../projects/health-records/functions/readings/model";
import { toObservations } from "../../projects/health-records/functions/readings/fhir";
import { createIngest } from "../../projects/health-records/functions/readings/ingest";
import { READINGS_TABLE } from "../../projects/health-records/functions/readings/table";
import { createNormaliseStep, observationsKey } from "../../projects/health-records/functions/integration/steps";
import { etlItemKey, PIPELINE_PARTITION, TransientErrors } from "../../projects/health-records/integration-workflow";
import { definition, LAKE_BUCKET, READINGS_TABLE_NAME, ruleMessage, startHealthWorld, TARGETS, type HealthWorld } from "./health-fixtures";

const problemsOf = (m: unknown) => {
  const v = validateReading(m);
  return v.ok ? [] : v.problems;
};

describe("health-records reading validation", () => {
  it("accepts a complete reading and returns it normalised (UTC times, the device from the rule, not the payload)", () => {
    const m = ruleMessage({ observedAt: "2026-12-03T09:14:50+01:00", receivedAt: Date.parse("2026-12-03T08:15:30Z") });
    const v = validateReading(m);
    expect(v.ok, JSON.stringify(v)).to.equal(true);
    const r = (v as { reading: Reading }).reading;
    expect(r.observedAt).to.equal("2026-12-03T08:14:50.000Z");
    expect(r.receivedAt).to.equal("2026-12-03T08:15:30.000Z");
    expect(r.deviceId).to.equal("monitor-ward3-bed12");
    expect(r.vitals).to.deep.equal({ heartRate: 72, respiratoryRate: 16, spo2: 97, temperatureC: 36.8, systolic: 120, diastolic: 80 });
  });

  it("accepts a reading of one vital", () => {
    expect(problemsOf(ruleMessage({}, { spo2: 95 }))).to.deep.equal([]);
  });

  it("accepts every plausibility bound exactly, and rejects just beyond each, naming the field and the bound", () => {
    for (const [name, d] of Object.entries(VITALS)) {
      const step = d.integer ? 1 : 0.1;
      const pair = (v: number) => (name === "systolic" ? { systolic: v, diastolic: Math.min(v - 1, 200) } : name === "diastolic" ? { systolic: Math.max(v + 1, 40), diastolic: v } : { [name]: v });
      expect(problemsOf(ruleMessage({}, pair(d.plausible.min))), `${name} = ${d.plausible.min}`).to.deep.equal([]);
      expect(problemsOf(ruleMessage({}, pair(d.plausible.max))), `${name} = ${d.plausible.max}`).to.deep.equal([]);
      const low = problemsOf(ruleMessage({}, pair(Number((d.plausible.min - step).toFixed(1)))));
      expect(low.join(" | "), `${name} below`).to.contain(`vitals.${name}: ${name} must be at least ${d.plausible.min}`);
      const high = problemsOf(ruleMessage({}, pair(Number((d.plausible.max + step).toFixed(1)))));
      expect(high.join(" | "), `${name} above`).to.contain(`vitals.${name}: ${name} must be at most ${d.plausible.max}`);
    }
  });

  it("rejects fractions where a vital is counted, strings, unknown vitals and an empty vitals object", () => {
    expect(problemsOf(ruleMessage({}, { heartRate: 72.5 }))).to.deep.equal(["vitals.heartRate: heartRate must be a whole number (beats/minute)"]);
    expect(problemsOf(ruleMessage({}, { heartRate: "72" }))).to.deep.equal(["vitals.heartRate: heartRate must be a number (beats/minute)"]);
    expect(problemsOf(ruleMessage({}, { glucose: 5.4 })).join(" | ")).to.match(/glucose/);
    expect(problemsOf(ruleMessage({}, {}))).to.deep.equal(["vitals: vitals must hold at least one of heartRate, respiratoryRate, spo2, temperatureC, systolic, diastolic"]);
  });

  it("rejects half a blood pressure and a diastolic at or above the systolic", () => {
    expect(problemsOf(ruleMessage({}, { systolic: 120 }))).to.deep.equal(["vitals: systolic and diastolic come together (one blood-pressure measurement)"]);
    expect(problemsOf(ruleMessage({}, { systolic: 90, diastolic: 90 }))).to.deep.equal(["vitals: diastolic must be lower than systolic"]);
  });

  it("rejects identities and times it cannot trust: every problem at once", () => {
    const p = problemsOf(ruleMessage({ readingId: "42", patientId: "pat 1; DROP", observedAt: "yesterday" }));
    expect(p).to.have.length(3);
    expect(p[0]).to.match(/^readingId: readingId must be a UUID/);
    expect(p[1]).to.match(/^patientId: /);
    expect(p[2]).to.match(/^observedAt: observedAt must be an ISO 8601 date-time with a time zone/);
    // A device publishing on another device's topic (the policy forbids it; the function checks again).
    expect(problemsOf(ruleMessage({ clientId: "monitor-a", topic: "hospital/dev/devices/monitor-b/readings" }))).to.deep.equal(['topic: "hospital/dev/devices/monitor-b/readings" is not the readings topic of device monitor-a']);
    // A field the device may not set.
    expect(problemsOf(ruleMessage({ deviceId: "spoofed" })).join(" | ")).to.match(/deviceId/);
  });

  it("accepts a clock 5 minutes ahead and 7 days behind, and rejects beyond either", () => {
    const receivedAt = Date.parse("2026-12-03T08:00:00Z");
    const at = (ms: number) => ruleMessage({ receivedAt, observedAt: new Date(receivedAt + ms).toISOString() });
    expect(problemsOf(at(5 * 60_000))).to.deep.equal([]);
    expect(problemsOf(at(5 * 60_000 + 1000))[0]).to.match(/more than 5 minutes after IoT Core received it/);
    expect(problemsOf(at(-7 * 86_400_000))).to.deep.equal([]);
    expect(problemsOf(at(-7 * 86_400_000 - 1000))[0]).to.match(/more than 7 days before/);
  });
});

describe("health-records FHIR normalisation", () => {
  const reading = (vitals: Reading["vitals"]): Reading => ({ readingId: "0f8fad5b-d9cb-469f-a165-70867728950e", patientId: "pat-000123", deviceId: "monitor-ward3-bed12", observedAt: "2026-12-03T08:14:50.000Z", receivedAt: "2026-12-03T08:15:30.000Z", vitals });

  it("makes one vital-signs Observation per vital, blood pressure as one panel, with LOINC, UCUM, subject, device and times", () => {
    const { observations, alert } = toObservations(reading({ heartRate: 72, spo2: 97, temperatureC: 36.8, respiratoryRate: 16, systolic: 120, diastolic: 80 }));
    expect(alert).to.equal(false);
    expect(observations.map((o) => o.code.coding[0]!.code)).to.deep.equal(["8867-4", "9279-1", "59408-5", "8310-5", "85354-9"]);
    const hr = observations[0]!;
    expect(hr).to.deep.include({ resourceType: "Observation", id: "0f8fad5b-d9cb-469f-a165-70867728950e-heart-rate", status: "final", effectiveDateTime: "2026-12-03T08:14:50.000Z", issued: "2026-12-03T08:15:30.000Z" });
    expect(hr.subject).to.deep.equal({ reference: "Patient/pat-000123" });
    expect(hr.device).to.deep.equal({ reference: "Device/monitor-ward3-bed12" });
    expect(hr.meta.profile).to.deep.equal(["http://hl7.org/fhir/StructureDefinition/vitalsigns"]);
    expect(hr.category[0]!.coding[0]!.code).to.equal("vital-signs");
    expect(hr.valueQuantity).to.deep.equal({ value: 72, unit: "beats/minute", system: "http://unitsofmeasure.org", code: "/min" });
    expect(hr.interpretation![0]!.coding[0]!.code).to.equal("N");
    expect(observations[3]!.valueQuantity).to.deep.include({ value: 36.8, code: "Cel" });
    expect(observations[2]!.code.coding.map((c) => c.code)).to.deep.equal(["59408-5", "2708-6"]);
    const bp = observations[4]!;
    expect(bp.valueQuantity).to.equal(undefined);
    expect(bp.component!.map((c) => [c.code.coding[0]!.code, c.valueQuantity.value, c.valueQuantity.code])).to.deep.equal([
      ["8480-6", 120, "mm[Hg]"],
      ["8462-4", 80, "mm[Hg]"],
    ]);
    // FHIR ids: [A-Za-z0-9-.]{1,64}
    for (const o of observations) expect(o.id).to.match(/^[A-Za-z0-9\-.]{1,64}$/);
  });

  it("flags each side of the normal range, bounds inclusive, and nothing inside it", () => {
    const lowHr = toObservations(reading({ heartRate: VITALS.heartRate.normal.low - 1 }));
    expect(lowHr.alert).to.equal(true);
    expect(lowHr.outOfRange).to.deep.equal([{ vital: "heartRate", value: 49, unit: "beats/minute", normal: { low: 50, high: 120 }, interpretation: "L" }]);
    expect(lowHr.observations[0]!.interpretation![0]!.coding[0]!.code).to.equal("L");
    expect(toObservations(reading({ heartRate: VITALS.heartRate.normal.low })).alert).to.equal(false);
    expect(toObservations(reading({ heartRate: VITALS.heartRate.normal.high })).alert).to.equal(false);
    const lowSpo2 = toObservations(reading({ spo2: 91, systolic: 190, diastolic: 95 }));
    expect(lowSpo2.outOfRange.map((o) => `${o.vital}:${o.interpretation}`)).to.deep.equal(["spo2:L", "systolic:H"]);
    expect(lowSpo2.observations[1]!.component![0]!.interpretation[0]!.coding[0]!.code).to.equal("H");
  });

  it("is deterministic: the same reading gives the same resources (stores overwrite, never duplicate)", () => {
    const r = reading({ heartRate: 130 });
    expect(toObservations(r)).to.deep.equal(toObservations(r));
  });
});

describe("health-records ingest and integration workflow, with the real handlers", function () {
  this.timeout(60_000);
  let world: HealthWorld;
  let results: string[];
  let ingest: ReturnType<typeof createIngest>;
  const warnings: unknown[] = [];

  before(async () => {
    world = await startHealthWorld();
  });
  after(async () => world?.stop());
  beforeEach(() => {
    results = [];
    world.alerts.length = 0;
    world.etlStarts.length = 0;
    world.deadLetters.length = 0;
    world.executions.length = 0;
    world.overrides = {};
    world.etlRunning = false;
    warnings.length = 0;
    ingest = createIngest({
      documents: world.documents,
      sfn: world.sfn,
      readingsTable: READINGS_TABLE_NAME,
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:health-records-dev-integration",
      retentionDays: 30,
      logger: { info: () => undefined, warn: (...a: unknown[]) => void warnings.push(a) },
      onResult: (s) => results.push(s),
      now: () => Date.parse("2026-12-03T08:16:00Z"),
    });
  });

  const stored = async (patientId: string) =>
    (await world.documents.send(new QueryCommand({ TableName: READINGS_TABLE_NAME, KeyConditionExpression: "#p = :p", ExpressionAttributeNames: { "#p": READINGS_TABLE.partitionKey }, ExpressionAttributeValues: { ":p": patientId } }))).Items ?? [];
  const lakeObject = async (key: string) => (await (await world.s3.send(new GetObjectCommand({ Bucket: LAKE_BUCKET, Key: key }))).Body!.transformToString()).trim().split("\n").map((l) => JSON.parse(l));

  it("the definition is valid Amazon States Language; every Task retries transient errors; Normalise, Store and Alert are caught to the dead letter", () => {
    const { isValid, errors } = aslValidator(definition() as any);
    expect(errors, JSON.stringify(errors)).to.deep.equal([]);
    expect(isValid).to.equal(true);
    const states = (definition() as any).States;
    for (const [name, s] of Object.entries<any>(states)) {
      if (s.Type !== "Task") continue;
      expect(s.Retry?.[0]?.ErrorEquals ?? [], name).to.satisfy((e: string[]) => e.includes("States.ALL") || TransientErrors.every((t) => e.includes(t)));
    }
    for (const name of ["Normalise", "StoreObservations", "AlertClinicians"]) expect(states[name].Catch.at(-1)).to.deep.include({ ErrorEquals: ["States.ALL"], Next: "DeadLetter" });
  });

  it("a normal reading: stored raw with its TTL, Observations in the lake by day, no alert, the ETL started once for the hour", async () => {
    const m = ruleMessage({ patientId: "pat-normal" });
    const r = await ingest(m);
    expect(r.status).to.equal("stored");
    expect(results).to.deep.equal(["stored"]);
    const items = await stored("pat-normal");
    expect(items).to.have.length(1);
    expect(items[0]).to.deep.include({ readingId: m.readingId, deviceId: "monitor-ward3-bed12", expiresAt: Math.floor(Date.parse("2026-12-03T08:16:00Z") / 1000) + 30 * 86_400 });
    expect(world.executions.map((e) => [e.name, e.status])).to.deep.equal([[m.readingId, "SUCCEEDED"]]);
    expect(world.executions[0]!.states).to.deep.equal(["Normalise", "StoreObservations", "VitalsInRange", "EtlDue", "StartEtl", "Integrated"]);
    const key = observationsKey({ observedAt: m.observedAt as string, readingId: m.readingId as string });
    expect(key).to.equal(`fhir/observation/dt=2026-12-03/${m.readingId}.ndjson`);
    const lines = await lakeObject(key);
    expect(lines.map((o) => o.code.coding[0].code)).to.deep.equal(["8867-4", "9279-1", "59408-5", "8310-5", "85354-9"]);
    expect(lines.every((o) => o.subject.reference === "Patient/pat-normal")).to.equal(true);
    expect(world.alerts).to.deep.equal([]);
    expect(world.etlStarts).to.deep.equal([{ JobName: TARGETS.etlJobName }]);
    const pipeline = (await world.documents.send(new GetCommand({ TableName: READINGS_TABLE_NAME, Key: { patientId: PIPELINE_PARTITION, readingKey: etlItemKey(TARGETS.etlJobName) } }))).Item;
    expect(pipeline?.lastWindow).to.equal("2026-12-03T08");
  });

  it("out-of-range vitals: the alert names the reading, patient and each vital; a second reading in the same hour does not start the ETL again", async () => {
    const m = ruleMessage({ patientId: "pat-alert" }, { heartRate: 131, spo2: 89 });
    await ingest(m);
    expect(world.executions[0]!.states).to.deep.equal(["Normalise", "StoreObservations", "VitalsInRange", "AlertClinicians", "EtlDue", "Integrated"]);
    expect(world.alerts).to.have.length(1);
    expect(world.alerts[0].MessageAttributes).to.deep.equal({ patientId: { DataType: "String", StringValue: "pat-alert" } });
    expect(world.alerts[0].message).to.deep.equal({
      readingId: m.readingId,
      patientId: "pat-alert",
      deviceId: "monitor-ward3-bed12",
      observedAt: new Date(m.observedAt as string).toISOString(),
      outOfRange: [
        { vital: "heartRate", value: 131, unit: "beats/minute", normal: { low: 50, high: 120 }, interpretation: "H" },
        { vital: "spo2", value: 89, unit: "%", normal: { low: 92, high: 100 }, interpretation: "L" },
      ],
    });
    // The previous test started the ETL for this hour.
    expect(world.etlStarts).to.deep.equal([]);
  });

  it("the next hour starts the ETL again; a run already going is not an error", async () => {
    world.etlRunning = true;
    await ingest(ruleMessage({ patientId: "pat-next-hour", receivedAt: Date.parse("2026-12-03T09:01:00Z"), observedAt: "2026-12-03T09:00:50Z" }));
    expect(world.executions[0]!.status).to.equal("SUCCEEDED");
    expect(world.executions[0]!.states.slice(-2)).to.deep.equal(["StartEtl", "Integrated"]);
    expect(world.etlStarts).to.deep.equal([]);
    world.etlRunning = false;
    await ingest(ruleMessage({ patientId: "pat-next-hour", receivedAt: Date.parse("2026-12-03T10:01:00Z"), observedAt: "2026-12-03T10:00:50Z" }));
    expect(world.etlStarts).to.have.length(1);
  });

  it("a malformed reading is rejected clearly: nothing stored, no workflow, counted, vitals kept out of the log", async () => {
    const m = ruleMessage({ patientId: "pat-malformed" }, { heartRate: 400 });
    const r = await ingest(m);
    expect(r).to.deep.equal({ status: "rejected", problems: ["vitals.heartRate: heartRate must be at most 300 beats/minute (a higher value is a faulty sensor)"] });
    expect(results).to.deep.equal(["rejected"]);
    expect(await stored("pat-malformed")).to.deep.equal([]);
    expect(world.executions).to.deep.equal([]);
    expect(JSON.stringify(warnings)).to.contain(m.readingId as string).and.not.match(/"heartRate":400/);
  });

  it("a re-sent reading (MQTT redelivery) is stored once and integrated once", async () => {
    const m = ruleMessage({ patientId: "pat-twice" });
    await ingest(m);
    const again = await ingest({ ...m, receivedAt: (m.receivedAt as number) + 2000 });
    expect(again).to.deep.equal({ status: "duplicate", readingId: m.readingId });
    expect(results).to.deep.equal(["stored", "duplicate"]);
    expect(await stored("pat-twice")).to.have.length(1);
    expect(world.executions).to.have.length(1);
  });

  it("a transient step failure is retried and the reading integrated", async () => {
    let calls = 0;
    const real = createNormaliseStep();
    world.overrides.Normalise = async (input) => {
      if (++calls === 1) throw Object.assign(new Error("Rate exceeded"), { name: "Lambda.TooManyRequestsException" });
      return real(input);
    };
    await ingest(ruleMessage({ patientId: "pat-retry" }));
    expect(world.executions[0]!.status).to.equal("SUCCEEDED");
    expect(world.executions[0]!.retried).to.deep.equal(["Normalise"]);
  });

  it("a reading whose store keeps failing ends in the dead-letter queue with the reading and the error, nothing lost; nothing half-written in the lake", async () => {
    world.overrides.StoreObservations = async () => {
      throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
    };
    const m = ruleMessage({ patientId: "pat-dead-letter" }, { heartRate: 140 });
    const r = await ingest(m);
    expect(r.status).to.equal("stored");
    const e = world.executions[0]!;
    expect(e.status).to.equal("FAILED");
    expect(e.error).to.equal("Reading.DeadLettered");
    expect(e.states).to.deep.equal(["Normalise", "StoreObservations", "DeadLetter", "ReadingDeadLettered"]);
    expect(e.retried, "AccessDenied is not transient").to.deep.equal([]);
    expect(world.deadLetters).to.have.length(1);
    const body = world.deadLetters[0].body;
    expect(world.deadLetters[0].queueUrl).to.equal(TARGETS.deadLetterQueueUrl);
    expect(body.reading).to.deep.include({ readingId: m.readingId, patientId: "pat-dead-letter", vitals: { heartRate: 140 } });
    expect(body.error.Error).to.equal("AccessDenied");
    expect(body.execution).to.match(new RegExp(`:execution:health-records-dev-integration:${m.readingId}$`));
    // No alert went out for a reading that was not stored: the dead-letter alarm pages on-call instead.
    expect(world.alerts).to.deep.equal([]);
    const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: LAKE_BUCKET, Prefix: `fhir/observation/dt=${(m.observedAt as string).slice(0, 10)}/${m.readingId}` }));
    expect(listed.KeyCount ?? 0).to.equal(0);
    // The raw reading is still in the table, for the redrive.
    expect(await stored("pat-dead-letter")).to.have.length(1);
  });

  it("a step given a hand-made input fails without retries, into the dead letter", async () => {
    const e = await world.run({ reading: { readingId: "nope" } });
    expect(e.error).to.equal("Reading.DeadLettered");
    expect(e.retried).to.deep.equal([]);
    expect(world.deadLetters[0].body.error.Error).to.equal("InvalidStepInput");
  });

  it("the table holds only readings and the pipeline item", async () => {
    const all = (await world.documents.send(new ScanCommand({ TableName: READINGS_TABLE_NAME }))).Items ?? [];
    for (const i of all) expect(i.patientId === PIPELINE_PARTITION || typeof i.readingId === "string", JSON.stringify(i)).to.equal(true);
  });
});
