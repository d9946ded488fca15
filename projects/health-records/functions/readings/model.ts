/**
 * The bedside devices' reading contract and its validation.
 *
 * A device publishes one JSON reading per message on `hospital/<stack>/devices/<thing name>/readings`.
 * The IoT topic rule adds what the device cannot forge: `clientId` (the MQTT client id, which the
 * device policy pins to the thing name of its certificate), `topic` and `receivedAt` (IoT Core's
 * clock, epoch milliseconds). Everything else is the device's, and is checked here:
 *
 * | field        | rule                                                                                  |
 * |--------------|---------------------------------------------------------------------------------------|
 * | readingId    | a UUID the device generates (idempotency: a re-sent reading is stored once)            |
 * | patientId    | the patient the device is assigned to at admission, `[A-Za-z0-9-]{1,64}`               |
 * | observedAt   | ISO 8601 with an offset; not more than 5 minutes after `receivedAt`, not older than 7 days (devices buffer when offline) |
 * | vitals       | at least one of the six below, each within what a living patient can show (else the sensor is faulty) |
 *
 * A reading that breaks a rule is rejected whole: nothing of it is written anywhere.
 */
// zod/mini: the tree-shakable API (the handlers' bundles stay small; classic zod adds about 350 KiB),
// with the English messages for the issues this file does not word itself (e.g. unknown keys).
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

/** What each vital means in FHIR terms, what a sensor can plausibly report, and the normal adult range that raises an alert outside it. */
export interface VitalDefinition {
  /** LOINC code and display of the Observation (FHIR vital-signs profile). */
  readonly loinc: { code: string; display: string };
  /** UCUM unit code and its human form. */
  readonly unit: { code: string; display: string };
  /** Values outside this are a faulty sensor or a typo, not a patient: the reading is rejected. */
  readonly plausible: { min: number; max: number };
  /** Values outside this (inclusive bounds) flag the reading to the clinical alert topic. */
  readonly normal: { low: number; high: number };
  /** Whole numbers only (heart rate, respiratory rate, blood pressure, SpO2). */
  readonly integer: boolean;
}

export const VITALS = {
  heartRate: { loinc: { code: "8867-4", display: "Heart rate" }, unit: { code: "/min", display: "beats/minute" }, plausible: { min: 20, max: 300 }, normal: { low: 50, high: 120 }, integer: true },
  respiratoryRate: { loinc: { code: "9279-1", display: "Respiratory rate" }, unit: { code: "/min", display: "breaths/minute" }, plausible: { min: 2, max: 80 }, normal: { low: 10, high: 24 }, integer: true },
  spo2: { loinc: { code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry" }, unit: { code: "%", display: "%" }, plausible: { min: 50, max: 100 }, normal: { low: 92, high: 100 }, integer: true },
  temperatureC: { loinc: { code: "8310-5", display: "Body temperature" }, unit: { code: "Cel", display: "C" }, plausible: { min: 25, max: 45 }, normal: { low: 35, high: 38 }, integer: false },
  systolic: { loinc: { code: "8480-6", display: "Systolic blood pressure" }, unit: { code: "mm[Hg]", display: "mmHg" }, plausible: { min: 40, max: 300 }, normal: { low: 90, high: 180 }, integer: true },
  diastolic: { loinc: { code: "8462-4", display: "Diastolic blood pressure" }, unit: { code: "mm[Hg]", display: "mmHg" }, plausible: { min: 20, max: 200 }, normal: { low: 50, high: 110 }, integer: true },
} as const satisfies Record<string, VitalDefinition>;

export type VitalName = keyof typeof VITALS;
export const VITAL_NAMES = Object.keys(VITALS) as VitalName[];

/** How far ahead of IoT Core's clock a device's clock may run, and how long a device may buffer readings. */
export const CLOCK_SKEW_MS = 5 * 60_000;
export const MAX_AGE_MS = 7 * 24 * 3_600_000;

const vital = (name: VitalName) => {
  const d: VitalDefinition = VITALS[name];
  const notNumber = `${name} must be a number (${d.unit.display})`;
  const base = d.integer ? z.int({ error: (iss) => (typeof iss.input === "number" ? `${name} must be a whole number (${d.unit.display})` : notNumber) }) : z.number({ error: notNumber });
  return z.optional(
    base.check(
      z.gte(d.plausible.min, { error: `${name} must be at least ${d.plausible.min} ${d.unit.display} (a lower value is a faulty sensor)` }),
      z.lte(d.plausible.max, { error: `${name} must be at most ${d.plausible.max} ${d.unit.display} (a higher value is a faulty sensor)` }),
    ),
  );
};

type Vitals = Partial<Record<VitalName, number>>;
const vitalsSchema = z.strictObject(Object.fromEntries(VITAL_NAMES.map((n) => [n, vital(n)])) as Record<VitalName, ReturnType<typeof vital>>).check(
  z.refine((v: Vitals) => VITAL_NAMES.some((n) => v[n] !== undefined), { error: "vitals must hold at least one of " + VITAL_NAMES.join(", ") }),
  z.refine((v: Vitals) => (v.systolic === undefined) === (v.diastolic === undefined), { error: "systolic and diastolic come together (one blood-pressure measurement)" }),
  z.refine((v: Vitals) => v.systolic === undefined || v.diastolic === undefined || v.diastolic < v.systolic, { error: "diastolic must be lower than systolic" }),
);

const patientId = z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, { error: "patientId must be 1-64 letters, digits or -" }));

/** The message as the topic rule hands it to the ingest function. */
export const ruleMessageSchema = z.strictObject({
  readingId: z.uuid({ error: "readingId must be a UUID" }),
  patientId,
  observedAt: z.iso.datetime({ offset: true, error: "observedAt must be an ISO 8601 date-time with a time zone, e.g. 2026-12-03T08:15:00Z" }),
  vitals: vitalsSchema,
  // Added by the topic rule, not by the device.
  clientId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, { error: "clientId (from the topic rule) must be the device's thing name" })),
  topic: z.string().check(z.minLength(1)),
  receivedAt: z.int().check(z.positive()),
});

export type RuleMessage = z.infer<typeof ruleMessageSchema>;

/** A reading that passed validation: what is stored and what the integration workflow receives. */
export interface Reading {
  readonly readingId: string;
  readonly patientId: string;
  readonly deviceId: string;
  /** ISO 8601, UTC. */
  readonly observedAt: string;
  /** ISO 8601, UTC (IoT Core's clock). */
  readonly receivedAt: string;
  readonly vitals: Partial<Record<VitalName, number>>;
}

export type Validation = { ok: true; reading: Reading } | { ok: false; problems: string[] };

/** Validates a topic-rule message; every problem at once, each naming the field. */
export function validateReading(message: unknown): Validation {
  const parsed = ruleMessageSchema.safeParse(message);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)) };
  }
  const m = parsed.data;
  const problems: string[] = [];
  const topicDevice = /^hospital\/[^/]+\/devices\/([^/]+)\/readings$/.exec(m.topic)?.[1];
  if (topicDevice !== m.clientId) problems.push(`topic: "${m.topic}" is not the readings topic of device ${m.clientId}`);
  const observed = Date.parse(m.observedAt);
  if (observed > m.receivedAt + CLOCK_SKEW_MS) problems.push(`observedAt: ${m.observedAt} is more than 5 minutes after IoT Core received it (${new Date(m.receivedAt).toISOString()}): the device's clock is wrong`);
  if (observed < m.receivedAt - MAX_AGE_MS) problems.push(`observedAt: ${m.observedAt} is more than 7 days before IoT Core received it`);
  if (problems.length > 0) return { ok: false, problems };
  const vitals: Partial<Record<VitalName, number>> = {};
  for (const n of VITAL_NAMES) if (m.vitals[n] !== undefined) vitals[n] = m.vitals[n];
  return {
    ok: true,
    reading: { readingId: m.readingId.toLowerCase(), patientId: m.patientId, deviceId: m.clientId, observedAt: new Date(observed).toISOString(), receivedAt: new Date(m.receivedAt).toISOString(), vitals },
  };
}

/** Re-checks a reading handed between workflow steps (a corrupted or hand-made execution input fails loudly). */
export const readingSchema = z.strictObject({
  readingId: z.uuid(),
  patientId,
  deviceId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  observedAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  vitals: vitalsSchema,
});
