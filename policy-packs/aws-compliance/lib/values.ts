import { UnknownValueError as PolicyUnknownValueError } from "@pulumi/policy";

/**
 * Reading resource props safely. Props arrive wrapped in `unknownCheckingProxy`: touching a value
 * that is unknown at preview time throws `UnknownValueError`, which the engine reports as "can't run
 * during preview". These helpers let a policy look without touching (`raw`, `isUnknown`) when it
 * wants to decide per value, and normalise the many shapes one AWS setting can take.
 */

/** The sentinels Pulumi uses for values unknown during preview (any type). */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** True if `v` is a value unknown until apply. */
export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

/** True if `v`, or anything inside it, is unknown until apply. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v as Record<string, unknown>).some(containsUnknown);
  return false;
}

/** The plain object behind an `unknownCheckingProxy` (reads never throw). */
export function raw<T = any>(v: T): T {
  if (v !== null && typeof v === "object") {
    const target = (v as any)["__getSpecialProxyTarget"];
    if (target !== undefined && target !== v) return target as T;
  }
  return v;
}

/**
 * Read a nested path without throwing: `get(props, "serverSideEncryptionConfiguration.rule")`.
 * Arrays are indexed with numbers in the path (`"rules.0.status"`). Returns the unknown sentinel
 * as-is (test with `isUnknown`).
 */
export function get(obj: unknown, path: string): any {
  let cur: any = raw(obj);
  for (const seg of path.split(".")) {
    if (cur === null || cur === undefined || isUnknown(cur)) return cur;
    cur = raw(cur)[seg];
  }
  return raw(cur);
}

/** Normalise "one or many" (IAM's `Action: "s3:GetObject"` vs `["s3:GetObject"]`, v6 lists vs v7 objects). */
export function asArray<T>(v: T | readonly T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...(v as T[])] : [v as T];
}

/** A boolean that may arrive as a string ("true") from config or JSON. */
export function truthy(v: unknown): boolean {
  return v === true || v === "true";
}

/** Parse a JSON document given as a string or an object; `undefined` if unparseable. */
export function parseJson(doc: unknown): any {
  const d = raw(doc);
  if (d === undefined || d === null) return undefined;
  if (typeof d === "string") {
    if (isUnknown(d)) return d;
    try {
      return JSON.parse(d);
    } catch {
      return undefined;
    }
  }
  return d;
}

/**
 * Stop this check: `what` (a property path) is unknown at preview. Throws `@pulumi/policy`'s own
 * `UnknownValueError`, the one the policy server turns into an advisory "can't run during preview"
 * diagnostic for resource policies; `stackPolicy` turns it into an advisory note for one resource.
 */
export function undecidable(what: string): never {
  throw new PolicyUnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", what.split("."));
}
