/**
 * IAM-style policy documents (identity policies, bucket/key/queue/topic resource policies, trust
 * policies), given as JSON strings or objects, with `Action`/`Resource`/`Principal` as a string,
 * an array or (for principals) a map. Normalised into one shape that rules can reason about.
 */
import { asArray, isUnknown, parseJson } from "./values";

export interface Statement {
  sid?: string;
  effect: "Allow" | "Deny";
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** Principals as `type -> identifiers`; `{"*": ["*"]}` for `Principal: "*"`. */
  principals?: Record<string, string[]>;
  notPrincipals?: Record<string, string[]>;
  /** `{ operator: { key: values[] } }` with values always arrays. */
  conditions: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  statements: Statement[];
}

function principals(p: unknown): Record<string, string[]> | undefined {
  if (p === undefined || p === null) return undefined;
  if (typeof p === "string") return { "*": [p] };
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) out[k] = asArray(v as string | string[]).map(String);
  return out;
}

function conditions(c: unknown): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  if (!c || typeof c !== "object") return out;
  for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
    out[op] = {};
    for (const [key, v] of Object.entries((block ?? {}) as Record<string, unknown>)) out[op]![key] = asArray(v as string | string[]).map(String);
  }
  return out;
}

/**
 * Parse a policy document. Returns `undefined` for an absent or unparseable document and
 * `"unknown"` when it (or its JSON text) is unknown until apply.
 */
export function parsePolicyDocument(doc: unknown): PolicyDocument | "unknown" | undefined {
  const d = parseJson(doc);
  if (d === undefined) return undefined;
  if (isUnknown(d)) return "unknown";
  const stmts = asArray(d.Statement ?? d.statement);
  return {
    statements: stmts.map((s: any) => ({
      ...(s.Sid ? { sid: String(s.Sid) } : {}),
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      actions: asArray(s.Action).map(String),
      notActions: asArray(s.NotAction).map(String),
      resources: asArray(s.Resource).map(String),
      notResources: asArray(s.NotResource).map(String),
      ...(s.Principal !== undefined ? { principals: principals(s.Principal) } : {}),
      ...(s.NotPrincipal !== undefined ? { notPrincipals: principals(s.NotPrincipal) } : {}),
      conditions: conditions(s.Condition),
    })),
  };
}

/** True if an action pattern is a full wildcard (`*`) or a service wildcard (`s3:*`). */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** True if a principal block lets anyone in (`"*"` or `{"AWS": "*"}`). */
export function isPublicPrincipal(p: Record<string, string[]> | undefined): boolean {
  if (!p) return false;
  return Object.entries(p).some(([type, ids]) => (type === "*" || type === "AWS") && ids.includes("*"));
}

/** Condition keys that scope a public principal down to an account, org or source. */
const scopingKeys = [
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:principalorgid",
  "aws:principalaccount",
  "aws:sourcevpce",
  "aws:sourcevpc",
  "aws:principalarn",
  "kms:calleraccount",
  "kms:viaservice",
  "aws:resourceorgid",
  "elasticfilesystem:accessedviamounttarget",
];

/** True if a statement's conditions restrict who can use it. */
export function hasScopingCondition(s: Statement): boolean {
  return Object.values(s.conditions).some((block) => Object.keys(block).some((k) => scopingKeys.includes(k.toLowerCase())));
}

/** Allow statements open to anyone, without a scoping condition. */
export function publicAllowStatements(doc: PolicyDocument): Statement[] {
  return doc.statements.filter((s) => s.effect === "Allow" && isPublicPrincipal(s.principals) && !hasScopingCondition(s));
}

/** True if the document denies requests that do not use TLS (`aws:SecureTransport = false`). */
/**
 * TLS enforcement on a bucket (S3.5): one Deny, for every principal (`*`), of every S3 action
 * (`s3:*` or `*`), on the bucket and its objects (`arn:...:::b` and `arn:...:::b/*`, or `*`), when
 * `aws:SecureTransport` is false. A deny of some actions, for some principals, or on the objects
 * alone leaves other requests allowed over plain HTTP. Statements may split the bucket and object
 * resources between them as long as each is a full deny.
 */
export function deniesAllInsecureS3Requests(doc: PolicyDocument): boolean {
  const full = doc.statements.filter(
    (s) =>
      s.effect === "Deny" &&
      s.notActions.length === 0 &&
      s.notResources.length === 0 &&
      !s.notPrincipals &&
      Object.entries(s.principals ?? {}).some(([type, ids]) => (type === "*" || type === "AWS") && ids.includes("*")) &&
      s.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*") &&
      Object.entries(s.conditions).some(([op, block]) => /^Bool(IfExists)?$/i.test(op) && Object.entries(block).some(([k, v]) => k.toLowerCase() === "aws:securetransport" && v.includes("false"))),
  );
  const resources = full.flatMap((s) => s.resources);
  const bucketLevel = resources.some((r) => r === "*" || /^arn:[^:]+:s3:::[^/]+$/.test(r));
  const objectLevel = resources.some((r) => r === "*" || /^arn:[^:]+:s3:::[^/]+\/\*$/.test(r));
  return bucketLevel && objectLevel;
}

export function deniesInsecureTransport(doc: PolicyDocument): boolean {
  return doc.statements.some(
    (s) =>
      s.effect === "Deny" &&
      Object.entries(s.conditions).some(([op, block]) => /^Bool(IfExists)?$/i.test(op) && Object.entries(block).some(([k, v]) => k.toLowerCase() === "aws:securetransport" && v.includes("false"))),
  );
}
