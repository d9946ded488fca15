/**
 * Readings as FHIR R4 Observation resources (the vital-signs profile): one Observation per vital,
 * blood pressure as one panel with a systolic and a diastolic component, each with its LOINC code,
 * UCUM unit, the normal range and an interpretation (L, N, H). Ids are derived from the reading id,
 * so normalising the same reading twice gives the same resources (stores overwrite, never duplicate).
 */
import { VITALS, type Reading, type VitalName } from "./model";

const LOINC = "http://loinc.org";
const UCUM = "http://unitsofmeasure.org";
const INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
const BLOOD_PRESSURE = { code: "85354-9", display: "Blood pressure panel with all children optional" };

export interface Quantity {
  value: number;
  unit: string;
  system: typeof UCUM;
  code: string;
}
export interface CodeableConcept {
  coding: { system: string; code: string; display?: string }[];
  text?: string;
}
export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity: Quantity;
  referenceRange: { low: Quantity; high: Quantity }[];
  interpretation: CodeableConcept[];
}
export interface Observation {
  resourceType: "Observation";
  id: string;
  meta: { profile: string[] };
  identifier: { system: string; value: string }[];
  status: "final";
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: { reference: string };
  device: { reference: string };
  effectiveDateTime: string;
  issued: string;
  valueQuantity?: Quantity;
  referenceRange?: { low: Quantity; high: Quantity }[];
  interpretation?: CodeableConcept[];
  component?: ObservationComponent[];
}

/** A vital outside its normal range: what the alert says. */
export interface OutOfRange {
  vital: VitalName;
  value: number;
  unit: string;
  normal: { low: number; high: number };
  interpretation: "L" | "H";
}

export interface Normalised {
  observations: Observation[];
  outOfRange: OutOfRange[];
  /** True when any vital is out of range (the workflow's Choice reads this). */
  alert: boolean;
}

const quantity = (name: VitalName, value: number): Quantity => ({ value, unit: VITALS[name].unit.display, system: UCUM, code: VITALS[name].unit.code });
const code = (c: { code: string; display: string }): CodeableConcept => ({ coding: [{ system: LOINC, code: c.code, display: c.display }], text: c.display });
const flag = (name: VitalName, value: number): "L" | "N" | "H" => (value < VITALS[name].normal.low ? "L" : value > VITALS[name].normal.high ? "H" : "N");
const interpretation = (f: "L" | "N" | "H"): CodeableConcept[] => [{ coding: [{ system: INTERPRETATION, code: f, display: f === "L" ? "Low" : f === "H" ? "High" : "Normal" }] }];
const range = (name: VitalName) => [{ low: quantity(name, VITALS[name].normal.low), high: quantity(name, VITALS[name].normal.high) }];

const ID_SUFFIX: Record<VitalName | "bloodPressure", string> = {
  heartRate: "heart-rate",
  respiratoryRate: "respiratory-rate",
  spo2: "spo2",
  temperatureC: "body-temperature",
  systolic: "blood-pressure",
  diastolic: "blood-pressure",
  bloodPressure: "blood-pressure",
};

/** The reading's Observations and the vitals out of range. */
export function toObservations(reading: Reading): Normalised {
  const base = (suffix: string): Omit<Observation, "code"> => ({
    resourceType: "Observation",
    id: `${reading.readingId}-${suffix}`,
    meta: { profile: [VITAL_SIGNS_PROFILE] },
    identifier: [{ system: "urn:ietf:rfc:3986", value: `urn:uuid:${reading.readingId}` }],
    status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs", display: "Vital Signs" }] }],
    subject: { reference: `Patient/${reading.patientId}` },
    device: { reference: `Device/${reading.deviceId}` },
    effectiveDateTime: reading.observedAt,
    issued: reading.receivedAt,
  });
  const observations: Observation[] = [];
  const outOfRange: OutOfRange[] = [];
  const note = (name: VitalName, value: number, f: "L" | "N" | "H") => {
    if (f !== "N") outOfRange.push({ vital: name, value, unit: VITALS[name].unit.display, normal: { ...VITALS[name].normal }, interpretation: f });
  };
  for (const name of ["heartRate", "respiratoryRate", "spo2", "temperatureC"] as const) {
    const value = reading.vitals[name];
    if (value === undefined) continue;
    const f = flag(name, value);
    note(name, value, f);
    const coded = code(VITALS[name].loinc);
    // The vital-signs profile codes pulse oximetry with the arterial saturation code beside it.
    if (name === "spo2") coded.coding.push({ system: LOINC, code: "2708-6", display: "Oxygen saturation in Arterial blood" });
    observations.push({ ...base(ID_SUFFIX[name]), code: coded, valueQuantity: quantity(name, value), referenceRange: range(name), interpretation: interpretation(f) });
  }
  const { systolic, diastolic } = reading.vitals;
  if (systolic !== undefined && diastolic !== undefined) {
    const component = (name: "systolic" | "diastolic", value: number): ObservationComponent => {
      const f = flag(name, value);
      note(name, value, f);
      return { code: code(VITALS[name].loinc), valueQuantity: quantity(name, value), referenceRange: range(name), interpretation: interpretation(f) };
    };
    observations.push({ ...base(ID_SUFFIX.bloodPressure), code: code(BLOOD_PRESSURE), component: [component("systolic", systolic), component("diastolic", diastolic)] });
  }
  return { observations, outOfRange, alert: outOfRange.length > 0 };
}

/** Newline-delimited JSON, one Observation a line (what the crawler and Athena's JSON SerDe read). */
export function toNdjson(observations: readonly Observation[]): string {
  return observations.map((o) => JSON.stringify(o)).join("\n") + "\n";
}
