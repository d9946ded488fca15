/**
 * Typed, validated stack configuration.
 *
 * Every program calls `loadStackConfig` before it registers a resource. The loader reads the whole
 * config of the project's namespace, validates it with zod and either returns typed settings or
 * throws one `ConfigError` that lists every problem: the key, the value given and what is allowed.
 * Unknown keys in the project's namespace are errors too (a typo must not silently fall back to a
 * default).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  Environment,
  EnvironmentProfile,
  Environments,
  FlowLogTrafficTypes,
  LogRetentionDays,
  NatStrategies,
  OverridableProfileKeys,
  ProfileOverrides,
  resolveProfile,
} from "./profiles";
import { RequiredTags, requiredTags } from "./tags";

/** Data classification, driving encryption and access choices (tag `data-classification`). */
export const DataClassifications = ["public", "internal", "confidential", "restricted"] as const;
export type DataClassification = (typeof DataClassifications)[number];

/** Compliance regimes a stack is in scope for (tag `compliance`). */
export const ComplianceRegimes = ["fsbp", "pci-dss", "hipaa", "gdpr", "soc2"] as const;
export type ComplianceRegime = (typeof ComplianceRegimes)[number];

// AWS tag values allow letters, digits, spaces and _ . : / = + - @ (up to 256 characters).
const tagValue = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters (an AWS tag value)")
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, "may only contain letters, digits, spaces and _ . : / = + - @ (an AWS tag value)");

const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region code such as us-east-1 or sa-east-1");

const stackReferenceName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be <organization>/<project>/<stack>");

/** The schema of `profileOverrides`: only the overridable keys, each with its own range. */
const profileOverridesSchema = z
  .object({
    availabilityZones: z.number().int().min(2).max(6),
    natStrategy: z.enum(NatStrategies),
    flowLogTrafficType: z.enum(FlowLogTrafficTypes),
    minInstances: z.number().int().min(0).max(100),
    maxInstances: z.number().int().min(1).max(500),
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as m7i.large"),
    databaseMinCapacity: z.number().min(0).max(256),
    databaseMaxCapacity: z.number().min(1).max(256),
    databaseReaders: z.number().int().min(0).max(15),
    logRetentionDays: z
      .number()
      .refine((d) => (LogRetentionDays as readonly number[]).includes(d), {
        message: `must be one of the CloudWatch Logs retention values: ${LogRetentionDays.join(", ")}`,
      }),
    backupRetentionDays: z.number().int().min(1).max(35),
    wafRateLimit: z.number().int().min(100).max(2_000_000_000),
  } satisfies Record<(typeof OverridableProfileKeys)[number], z.ZodType>)
  .partial()
  .strict();

/** Keys every project understands, in its own namespace (`<project>:<key>`). */
export const commonConfigShape = {
  /** dev or prod; defaults to the stack name when the stack is called dev or prod. */
  environment: z.enum(Environments).optional(),
  /** The team or address that answers for this stack (tag `owner`). Required. */
  owner: tagValue,
  /** Data classification; defaults to what the project declares. */
  dataClassification: z.enum(DataClassifications).optional(),
  /** Compliance regimes in scope; defaults to what the project declares. */
  compliance: z.array(z.enum(ComplianceRegimes)).optional(),
  /** Named profile keys to override (see `OverridableProfileKeys`). */
  profileOverrides: profileOverridesSchema.optional(),
  /** The platform stack to read by StackReference; default `<org>/platform/<this stack>`. */
  platformStack: stackReferenceName.optional(),
};

/** One problem with the stack's config. */
export interface ConfigProblem {
  /** The full key, e.g. `ecommerce:owner` or `ecommerce:profileOverrides.natStrategy`. */
  readonly key: string;
  /** The value as given (`undefined` when missing; `[secret]` for secrets). */
  readonly value: unknown;
  /** What is allowed. */
  readonly allowed: string;
}

/**
 * Bad stack configuration. A `RunError`, so the Pulumi CLI prints the message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(ConfigError.format(stackName, problems));
    this.name = "ConfigError";
  }

  static format(stackName: string, problems: readonly ConfigProblem[]): string {
    const lines = problems.map((p) => {
      const given = p.value === undefined ? "missing" : `= ${JSON.stringify(p.value)}`;
      return `  - ${p.key} ${given}: ${p.allowed}`;
    });
    const n = problems.length;
    return [
      `Stack config for ${stackName} is invalid (${n} problem${n === 1 ? "" : "s"}):`,
      ...lines,
      `Fix them in the stack's Pulumi.<stack>.yaml (or with \`pulumi config set\`).`,
    ].join("\n");
  }
}

/** What a project declares about itself: defaults for its tags and its own config keys. */
export interface ProjectDefinition<S extends z.ZodRawShape> {
  /** Default data classification of the project's data (tag `data-classification`). */
  readonly dataClassification: DataClassification;
  /** Default compliance regimes (tag `compliance`). */
  readonly compliance: readonly ComplianceRegime[];
  /** The project's own config keys, beside the common ones. */
  readonly schema?: S;
  /**
   * Adopter-specific keys (convention 1): values only the adopter can give, never committed in a
   * `Pulumi.<stack>.yaml` (GitHub repository, e-mails, domain names, certificate ARNs, hosted zones,
   * signing keys, cost acknowledgements). Declare them optional in `schema`; a stack that lacks one
   * (when `requiredWhen` says it is needed, always by default) fails validation with what the key is
   * for and the `pulumi config set` command. The offline plan overlays examples for them from
   * tools/plan/adopter-examples.yaml.
   */
  readonly adopterKeys?: { readonly [K in keyof S & string]?: AdopterKey<z.infer<z.ZodObject<S>>> };
  /** Cross-key rules over the parsed keys (a key that failed to parse is `undefined`); return problems (key without namespace). */
  readonly refine?: (config: z.infer<z.ZodObject<S>>, env: Environment) => { key: string; value: unknown; allowed: string }[];
}

/** How an adopter-specific key is explained when it is missing. */
export interface AdopterKey<C> {
  /** What the key is for, e.g. "the GitHub repository whose Actions may assume the CI roles". */
  readonly purpose: string;
  /** What follows `pulumi config set` to set it, e.g. `platform:githubRepository <owner>/<repository>`. */
  readonly set: string;
  /** Needed only when this holds over the parsed keys (default: always). */
  readonly requiredWhen?: (config: C, env: Environment) => boolean;
}

/** The problem reported for a missing adopter-specific key. */
export function adopterKeyProblem(fullKey: string, key: AdopterKey<never>, stack: string): ConfigProblem {
  return {
    key: fullKey,
    value: undefined,
    allowed: `required, and yours to give (no value is committed for it): ${key.purpose}. Set it with \`pulumi config set ${key.set} --stack ${stack}\``,
  };
}

/** The validated settings a program builds its stack from. */
export interface StackSettings<T> {
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  readonly environment: Environment;
  readonly profile: EnvironmentProfile;
  readonly region: string;
  readonly owner: string;
  readonly dataClassification: DataClassification;
  readonly compliance: readonly ComplianceRegime[];
  /** The fully qualified name of the platform stack to read. */
  readonly platformStack: string;
  /** The five required tags, to pass to every taggable resource. */
  readonly tags: RequiredTags;
  /** The project's own keys, typed. */
  readonly config: T;
}

/** Raw config as Pulumi hands it to a program: `{ "<ns>:<key>": "<string>" }`. */
export type RawConfig = Record<string, string>;

/**
 * Parse one raw config string against a schema. Pulumi passes every value as a string: structured
 * values are JSON, booleans and numbers are their text. The raw string is tried first (so that a
 * string key keeps "123" as a string), then its JSON reading.
 */
function parseValue(schema: z.ZodType, raw: string | undefined): { ok: true; value: unknown } | { ok: false; issues: z.core.$ZodIssue[]; given: unknown } {
  if (raw === undefined) {
    const r = schema.safeParse(undefined);
    return r.success ? { ok: true, value: r.data } : { ok: false, issues: r.error.issues, given: undefined };
  }
  const asString = schema.safeParse(raw);
  if (asString.success) return { ok: true, value: asString.data };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, issues: asString.error.issues, given: raw };
  }
  const asJson = schema.safeParse(json);
  return asJson.success ? { ok: true, value: asJson.data } : { ok: false, issues: asJson.error.issues, given: json };
}

/** Walk a schema along an issue path to find what keys an object there allows. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s: any = schema;
  for (const seg of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)];
    else if (s instanceof z.ZodArray) s = s.element;
    else return undefined;
    if (!s) return undefined;
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : undefined;
}

function unwrap(s: any): any {
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap();
  return s;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = value;
  for (const seg of path) {
    if (v == null || typeof v !== "object") return undefined;
    v = v[seg as any];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): string {
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_type":
      return `must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "an object" : `a ${issue.expected}`}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `must have at least ${String(issue.minimum)} ${issue.origin === "array" ? "items" : "characters"}`
        : `must be ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `must have at most ${String(issue.maximum)} ${issue.origin === "array" ? "items" : "characters"}`
        : `must be ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}`;
    case "unrecognized_keys": {
      const allowed = objectKeysAt(schema, issue.path);
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; allowed: ${allowed?.join(", ") ?? "none"}`;
    }
    default:
      return issue.message;
  }
}

function joinPath(key: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), key);
}

/**
 * Validate a project's raw config. Pure: takes the raw map, returns settings or problems. The
 * program-facing `loadStackConfig` wraps it with the Pulumi runtime's values.
 */
export function parseStackConfig<S extends z.ZodRawShape>(
  definition: ProjectDefinition<S>,
  ctx: { project: string; stack: string; organization: string; raw: RawConfig; secretKeys?: readonly string[] },
): { settings: StackSettings<z.infer<z.ZodObject<S>>>; problems: [] } | { settings: undefined; problems: ConfigProblem[] } {
  const ns = `${ctx.project}:`;
  const shape: Record<string, z.ZodType> = { ...commonConfigShape, ...(definition.schema ?? {}) };
  const secrets = new Set(ctx.secretKeys ?? []);
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  const shown = (fullKey: string, v: unknown) => (secrets.has(fullKey) && v !== undefined ? "[secret]" : v);

  for (const fullKey of Object.keys(ctx.raw).sort()) {
    if (!fullKey.startsWith(ns)) continue;
    const key = fullKey.slice(ns.length);
    if (!(key in shape)) {
      problems.push({
        key: fullKey,
        value: shown(fullKey, ctx.raw[fullKey]),
        allowed: `unknown key; ${ctx.project} understands: ${Object.keys(shape).sort().join(", ")}`,
      });
    }
  }

  for (const [key, schema] of Object.entries(shape)) {
    const fullKey = `${ns}${key}`;
    const result = parseValue(schema, ctx.raw[fullKey]);
    if (result.ok) {
      values[key] = result.value;
      continue;
    }
    for (const issue of result.issues) {
      const missing = result.given === undefined;
      problems.push({
        key: joinPath(fullKey, issue.path),
        value: shown(fullKey, missing ? undefined : valueAt(result.given, issue.path)),
        allowed: missing ? `required: ${describeRequired(key)}` : describeIssue(issue, schema),
      });
    }
  }

  const region = ctx.raw["aws:region"];
  const regionResult = awsRegion.safeParse(region);
  if (region === undefined) {
    problems.push({ key: "aws:region", value: undefined, allowed: "required: the AWS region to deploy to, such as us-east-1" });
  } else if (!regionResult.success) {
    problems.push({ key: "aws:region", value: region, allowed: describeIssue(regionResult.error.issues[0]!, awsRegion) });
  }

  let environment = values.environment as Environment | undefined;
  if (environment === undefined && !problems.some((p) => p.key === `${ns}environment`)) {
    if ((Environments as readonly string[]).includes(ctx.stack)) environment = ctx.stack as Environment;
    else
      problems.push({
        key: `${ns}environment`,
        value: undefined,
        allowed: `required when the stack is not named ${Environments.join(" or ")}: one of ${Environments.join(", ")}`,
      });
  }

  const overrides = (values.profileOverrides ?? {}) as ProfileOverrides;
  if (environment) {
    const profile = resolveProfile(environment, overrides);
    if (profile.minInstances > profile.maxInstances) {
      problems.push({
        key: `${ns}profileOverrides.minInstances`,
        value: profile.minInstances,
        allowed: `must be <= maxInstances (${profile.maxInstances})`,
      });
    }
    if (profile.databaseMinCapacity > profile.databaseMaxCapacity) {
      problems.push({
        key: `${ns}profileOverrides.databaseMinCapacity`,
        value: profile.databaseMinCapacity,
        allowed: `must be <= databaseMaxCapacity (${profile.databaseMaxCapacity})`,
      });
    }
    for (const [key, adopterKey] of Object.entries(definition.adopterKeys ?? {}) as [string, AdopterKey<any>][]) {
      const fullKey = `${ns}${key}`;
      if (ctx.raw[fullKey] !== undefined || problems.some((p) => p.key === fullKey)) continue;
      if (adopterKey.requiredWhen && !adopterKey.requiredWhen(values, environment)) continue;
      problems.push(adopterKeyProblem(fullKey, adopterKey as AdopterKey<never>, ctx.stack));
    }
    // Cross-key rules run over the keys that parsed (a key that failed is undefined), so that one
    // run reports every problem, not the key errors first and the cross-key ones next time.
    if (definition.refine) {
      for (const p of definition.refine(values as z.infer<z.ZodObject<S>>, environment)) {
        problems.push({ key: `${ns}${p.key}`, value: shown(`${ns}${p.key}`, p.value), allowed: p.allowed });
      }
    }
  }

  if (problems.length > 0 || !environment || !region) return { settings: undefined, problems };

  const profile = resolveProfile(environment, overrides);
  const dataClassification = (values.dataClassification as DataClassification | undefined) ?? definition.dataClassification;
  const compliance = (values.compliance as ComplianceRegime[] | undefined) ?? [...definition.compliance];
  const owner = values.owner as string;
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(definition.schema ?? {})) own[key] = values[key];

  return {
    problems: [],
    settings: {
      project: ctx.project,
      stack: ctx.stack,
      organization: ctx.organization,
      environment,
      profile,
      region,
      owner,
      dataClassification,
      compliance,
      platformStack: (values.platformStack as string | undefined) ?? `${ctx.organization}/platform/${ctx.stack}`,
      tags: requiredTags({ project: ctx.project, environment, owner, dataClassification, compliance }),
      config: own as z.infer<z.ZodObject<S>>,
    },
  };
}

function describeRequired(key: string): string {
  switch (key) {
    case "owner":
      return "the team or e-mail address that owns this stack (becomes the `owner` tag)";
    default:
      return "a value must be set";
  }
}

/**
 * Read and validate this program's stack config from the Pulumi runtime. Call it first, before any
 * resource: on bad config it throws a `ConfigError` and nothing is registered.
 */
export function loadStackConfig<S extends z.ZodRawShape>(definition: ProjectDefinition<S>): StackSettings<z.infer<z.ZodObject<S>>> {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const organization = pulumi.getOrganization();
  const raw = pulumi.runtime.allConfig();
  // `isConfigSecret` is exported by the runtime but not declared in its typings.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  const secretKeys = Object.keys(raw).filter((k) => isSecret?.(k) ?? false);
  const result = parseStackConfig(definition, { project, stack, organization, raw, secretKeys });
  if (result.problems.length > 0) throw new ConfigError(`${project}/${stack}`, result.problems);
  return result.settings!;
}
