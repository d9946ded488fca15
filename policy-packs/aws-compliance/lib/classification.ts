/**
 * Which resources hold classified data: a pack-wide setting (`classifiedData`, set once under
 * "$pack" in the stack's pack config) that every customer-managed-key rule reads, so that
 * "confidential or regulated" means the same thing to all of them.
 *
 *   "$pack": { "classifiedData": { "classifications": ["confidential", "restricted"], "regimes": ["pci-dss", "hipaa"] } }
 *
 * A resource is classified when its classification tag is one of `classifications` (["*"]: every
 * resource) or its compliance tag names one of `regimes`. Tags are the resource's own, else its
 * provider's `defaultTags`.
 */
import type { Severity } from "@pulumi/policy";
import { get, isUnknown, parseJson, raw, undecidable } from "./values";

export interface ClassifiedData {
  /** The tag that carries the data classification. */
  tagKey: string;
  /** Classifications that count as classified; ["*"] means every resource. */
  classifications: string[];
  /** The tag that lists compliance regimes (space, comma, semicolon or plus separated). */
  complianceTagKey: string;
  /** Compliance regimes that count as classified. */
  regimes: string[];
}

export const DEFAULT_CLASSIFIED_DATA: ClassifiedData = {
  tagKey: "data-classification",
  classifications: ["confidential", "restricted"],
  complianceTagKey: "compliance",
  regimes: ["pci-dss", "hipaa"],
};

export const classifiedDataSchema = {
  type: "object",
  description:
    "Which resources hold classified data (customer managed keys required): a classification tag value in `classifications` ([\"*\"]: every resource) or a regime of `regimes` in the compliance tag. Set once under \"$pack\".",
  properties: {
    tagKey: { type: "string" },
    classifications: { type: "array", items: { type: "string" } },
    complianceTagKey: { type: "string" },
    regimes: { type: "array", items: { type: "string" } },
  },
  additionalProperties: false,
  default: DEFAULT_CLASSIFIED_DATA,
};

/** A tag's value: the resource's own `tags`, else its provider's `defaultTags.tags`; `undecidable` when unknown. */
export function tagValue(r: { props: unknown; provider?: { props: unknown } | undefined }, key: string): string | undefined {
  const own = get(r.props, "tags");
  if (isUnknown(own)) undecidable("tags");
  const v = own && typeof own === "object" ? (raw(own) as Record<string, unknown>)[key] : undefined;
  if (isUnknown(v)) undecidable(`tags.${key}`);
  if (typeof v === "string") return v;
  // Provider inputs arrive as objects, or as JSON text (the engine serialises nested provider config).
  const defaults = parseJson(get(r.provider?.props, "defaultTags"));
  if (isUnknown(defaults)) undecidable("provider.defaultTags");
  const pv = defaults && typeof defaults === "object" ? defaults.tags?.[key] : undefined;
  if (isUnknown(pv)) undecidable(`provider.defaultTags.tags.${key}`);
  return typeof pv === "string" ? pv : undefined;
}

/** The setting with defaults filled in (a partial object keeps the defaults of what it leaves out). */
export function classifiedDataSetting(config: { classifiedData?: Partial<ClassifiedData> } | undefined): ClassifiedData {
  return { ...DEFAULT_CLASSIFIED_DATA, ...(config?.classifiedData ?? {}) };
}

/**
 * Why a resource is classified (`data-classification=confidential`, `compliance=pci-dss`), empty
 * when it is not; `undecidable` when a tag that decides is unknown at preview.
 */
export function classifiedBecause(r: { props: unknown; provider?: { props: unknown } | undefined }, config: { classifiedData?: Partial<ClassifiedData> } | undefined): string[] {
  const s = classifiedDataSetting(config);
  const classes = s.classifications.map((c) => c.toLowerCase());
  const reasons: string[] = [];
  if (classes.includes("*")) reasons.push(`every resource (${s.tagKey} scope "*")`);
  const cls = tagValue(r, s.tagKey)?.toLowerCase();
  if (cls !== undefined && classes.includes(cls)) reasons.push(`${s.tagKey}=${cls}`);
  const regimes = s.regimes.map((c) => c.toLowerCase());
  const named = (tagValue(r, s.complianceTagKey) ?? "").toLowerCase().split(/[\s,;+|]+/).filter(Boolean);
  for (const x of named) if (regimes.includes(x)) reasons.push(`${s.complianceTagKey}=${x}`);
  return reasons;
}

type Tagged = { props: unknown; provider?: { props: unknown } | undefined };

/** The controls a store without a customer managed key breaks: its service's, and BP.Data.2 when its data is classified. */
export function cmkControls(service: string, because: readonly string[]): string[] {
  return because.length > 0 ? [service, "BP.Data.2"] : [service];
}

/** ` (it holds data-classification=confidential data)`, or nothing. */
export function holding(because: readonly string[]): string {
  return because.length > 0 ? ` (it holds ${because.join(", ")} data)` : "";
}

/** A `severityFor`: high for classified data (a tag cannot waive BP.Data.2 in prod), else `base`. */
export function highWhenClassified(base: Severity): (r: Tagged, config: any) => Severity {
  return (r, config) => (classifiedBecause(r, config).length > 0 ? "high" : base);
}
