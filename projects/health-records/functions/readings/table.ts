/** The device-readings table: one item per reading, by patient, newest last; raw readings expire. */
export const READINGS_TABLE = {
  partitionKey: "patientId",
  /** `<observedAt ISO>#<deviceId>#<readingId>`: sorted by time, unique per reading. */
  sortKey: "readingKey",
  ttlAttribute: "expiresAt",
} as const;

export const readingKey = (r: { observedAt: string; deviceId: string; readingId: string }): string => `${r.observedAt}#${r.deviceId}#${r.readingId}`;

/**
 * The care-team table: which patients a clinician may read. One item per (clinician, patient), written
 * by the EHR's admission and rota processes; the telemedicine API reads it before answering.
 */
export const CARE_TEAM_TABLE = {
  /** The clinician's Cognito `sub`. */
  partitionKey: "clinicianId",
  sortKey: "patientId",
  /** Optional: epoch seconds after which the assignment no longer holds (DynamoDB TTL removes it later). */
  ttlAttribute: "expiresAt",
} as const;
