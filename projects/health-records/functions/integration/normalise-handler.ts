/** Lambda entry: the workflow's Normalise step (reading -> FHIR Observations, out-of-range vitals). */
import { createNormaliseStep } from "./steps";

export const handler = createNormaliseStep();
