/**
 * The integration workflow's Lambda steps (integration-workflow.ts wires them):
 * - Normalise: the reading (re-checked) to FHIR Observations, with the vitals out of range.
 * - StoreObservations: the Observations as newline-delimited JSON in the readings lake, under
 *   `fhir/observation/dt=<observed day>/<reading id>.ndjson` (the crawler's partitions; the key is
 *   the reading's, so a retried step overwrites instead of duplicating).
 * Each throws on what it cannot do; the workflow retries transient errors and sends the rest to the
 * dead-letter queue.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { readingSchema, type Reading } from "../readings/model";
import { toNdjson, toObservations, type Normalised, type Observation } from "../readings/fhir";

export const OBSERVATIONS_PREFIX = "fhir/observation/";

/** A step input that is not what the previous step produced: not retryable (the workflow's Retry skips it). */
export class InvalidStepInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidStepInput";
  }
}

function readingOf(input: unknown): Reading {
  const parsed = readingSchema.safeParse((input as { reading?: unknown } | null)?.reading);
  if (!parsed.success) throw new InvalidStepInput(`input.reading is not a validated reading: ${parsed.error.issues.map((i) => `${i.path.join(".") || "reading"}: ${i.message}`).join("; ")}`);
  return parsed.data as Reading;
}

export interface NormaliseOutput extends Normalised {
  readingId: string;
  patientId: string;
  /** The hour IoT Core received the reading (`YYYY-MM-DDTHH`): the workflow starts the ETL at most once per such window. */
  etlWindow: string;
}

export function createNormaliseStep(): (input: unknown) => Promise<NormaliseOutput> {
  return async (input) => {
    const reading = readingOf(input);
    return { readingId: reading.readingId, patientId: reading.patientId, etlWindow: reading.receivedAt.slice(0, 13), ...toObservations(reading) };
  };
}

export interface StoreDeps {
  s3: Pick<S3Client, "send">;
  bucket: string;
}

export const observationsKey = (reading: Pick<Reading, "observedAt" | "readingId">): string => `${OBSERVATIONS_PREFIX}dt=${reading.observedAt.slice(0, 10)}/${reading.readingId}.ndjson`;

export function createStoreStep(deps: StoreDeps): (input: unknown) => Promise<{ bucket: string; key: string; count: number }> {
  return async (input) => {
    const reading = readingOf(input);
    const observations = (input as { normalised?: { observations?: Observation[] } }).normalised?.observations;
    if (!Array.isArray(observations) || observations.length === 0 || observations.some((o) => o?.resourceType !== "Observation" || !o.id?.startsWith(reading.readingId))) {
      throw new InvalidStepInput("input.normalised.observations must be the Observations of input.reading (the Normalise step's output)");
    }
    const key = observationsKey(reading);
    // The bucket's default encryption (the patient-data key, S3 Bucket Key) applies.
    await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: toNdjson(observations), ContentType: "application/x-ndjson" }));
    return { bucket: deps.bucket, key, count: observations.length };
  };
}
