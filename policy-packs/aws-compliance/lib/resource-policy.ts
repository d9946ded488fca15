/**
 * Resource-based policies: which statements open a resource to anyone, judged the way AWS judges
 * "public" (S3 "The meaning of public", IAM Access Analyzer): a statement is public when it allows
 * a wildcard principal (`*`, `{"AWS": "*"}`, an ARN with a `*` account, or an Allow with
 * `NotPrincipal`) and no condition pins the caller to fixed values.
 *
 * Condition scoping is operator- and value-aware:
 * - only positive operators scope (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`,
 *   `IpAddress`, `ForAnyValue:` forms, `Bool` for `elasticfilesystem:AccessedViaMountTarget`);
 *   negated operators (`StringNotEquals`...), `...IfExists` (passes when the key is absent),
 *   `ForAllValues:` (passes on an empty set) and `Null` do not;
 * - only keys naming the caller or its network scope (`aws:SourceAccount`, `aws:SourceArn`,
 *   `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceVpce`,
 *   `aws:SourceVpc`, `aws:SourceIp`, `kms:CallerAccount`...); `kms:ViaService` alone does not
 *   (any account's principal can call through the service);
 * - every value must be fixed: `*` or `?` under a `...Like` operator does not scope, except inside
 *   an ARN whose account field is a literal; `aws:SourceIp` `0.0.0.0/0` or `::/0` does not scope.
 * A public Allow is also closed by a Deny for every principal on the same actions with a negated
 * condition on such a key ("deny unless from this VPC endpoint / organisation / IP range").
 *
 * Values unknown at preview (an output interpolated into the document) make the statement
 * undecidable, never a pass.
 */
import type { Statement } from "./iam";
import { isUnknown } from "./values";

/** Keys that pin the caller (lower case). */
const SCOPING_KEYS = new Set([
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourcevpce",
  "aws:sourcevpc",
  "aws:sourceip",
  "aws:userid",
  "kms:calleraccount",
  "s3:dataaccesspointaccount",
  "s3:dataaccesspointarn",
  "elasticfilesystem:accessedviamounttarget",
]);

const ARN_KEYS = new Set(["aws:sourcearn", "aws:principalarn", "s3:dataaccesspointarn"]);

const POSITIVE = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress|Bool)$/i;
const NEGATED = /^(ForAnyValue:|ForAllValues:)?(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike|NotIpAddress)(IfExists)?$/i;

export type Verdict = "scoped" | "open" | "unknown";

/** True if a value under `op` matches any caller (wildcards under Like operators, `/0` ranges). */
function valueIsOpen(op: string, key: string, value: string): boolean {
  const bare = op.replace(/^(ForAnyValue:|ForAllValues:)/i, "").replace(/IfExists$/i, "").toLowerCase();
  if (key === "aws:sourceip") return /\/0$/.test(value.trim());
  if (key === "elasticfilesystem:accessedviamounttarget") return value.toLowerCase() !== "true";
  const like = bare === "stringlike" || bare === "arnlike" || bare === "stringnotlike" || bare === "arnnotlike";
  if (!like || !/[*?]/.test(value)) return false;
  if (ARN_KEYS.has(key)) {
    // arn:partition:service:region:account:resource - scoped only by a literal account.
    const account = value.split(":")[4];
    return account === undefined || account.length === 0 || /[*?]/.test(account);
  }
  if (key === "aws:principalorgpaths" || key === "aws:sourceorgpaths") return !/^o-[a-z0-9]+\//i.test(value);
  return true;
}

/** Whether one condition block (`op: { key: values }`) pins the caller, as an Allow condition. */
function allowConditionVerdict(op: string, key: string, values: string[]): Verdict {
  const k = key.toLowerCase();
  if (!SCOPING_KEYS.has(k)) return "open";
  if (!POSITIVE.test(op)) return "open";
  if (/^Bool$/i.test(op.replace(/^ForAnyValue:/i, "")) && k !== "elasticfilesystem:accessedviamounttarget") return "open";
  if (values.length === 0) return "open";
  if (values.some(isUnknown)) return "unknown";
  return values.some((v) => valueIsOpen(op, k, v)) ? "open" : "scoped";
}

/** Whether a statement's conditions pin the caller (all conditions of a statement must hold). */
export function conditionVerdict(s: Statement): Verdict {
  let unknown = false;
  for (const [op, block] of Object.entries(s.conditions)) {
    if (isUnknown(op)) return "unknown";
    for (const [key, values] of Object.entries(block)) {
      const v = allowConditionVerdict(op, key, values);
      if (v === "scoped") return "scoped";
      if (v === "unknown") unknown = true;
    }
  }
  return unknown ? "unknown" : "open";
}

/** A principal id that lets anyone in: `*`, or an ARN whose account is a wildcard. */
function wildcardId(id: string): boolean {
  if (id === "*") return true;
  if (!id.startsWith("arn:")) return false;
  const account = id.split(":")[4];
  return account !== undefined && /[*?]/.test(account);
}

/** Whether a statement's principal is anyone: "yes", "no", or "unknown" at preview. */
export function principalIsPublic(s: Statement): "yes" | "no" | "unknown" {
  if (s.effect === "Allow" && s.notPrincipals) return "yes";
  const p = s.principals;
  if (!p) return "no";
  let unknown = false;
  for (const [type, ids] of Object.entries(p)) {
    if (isUnknown(type)) unknown = true;
    for (const id of ids) {
      if (isUnknown(id)) unknown = true;
      else if (type !== "CanonicalUser" && wildcardId(id)) return "yes";
    }
  }
  return unknown ? "unknown" : "no";
}

function actionCovers(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(action);
}

/** True if a Deny statement closes every action of `allow` to callers outside a fixed scope. */
function denyUnlessScoped(deny: Statement, allow: Statement): boolean {
  if (deny.effect !== "Deny" || principalIsPublic({ ...deny, effect: "Allow", notPrincipals: undefined } as Statement) !== "yes") return false;
  if (deny.notActions.length > 0) return false;
  const covered = allow.actions.length > 0 && allow.actions.every((a) => deny.actions.some((d) => actionCovers(d, a)));
  if (!covered) return false;
  return Object.entries(deny.conditions).some(([op, block]) =>
    NEGATED.test(op) && Object.entries(block).some(([k, vs]) => SCOPING_KEYS.has(k.toLowerCase()) && vs.length > 0 && !vs.some(isUnknown) && !vs.some((v) => valueIsOpen(op, k.toLowerCase(), v))),
  );
}

export interface PublicAnalysis {
  /** Allow statements open to anyone. */
  open: Statement[];
  /** Why the document cannot be decided at preview, if a statement might be open. */
  unknown?: string;
}

/** The Allow statements of a resource policy that let anyone in. */
export function publicStatements(statements: Statement[]): PublicAnalysis {
  const open: Statement[] = [];
  let unknown: string | undefined;
  for (const s of statements) {
    if (s.effect !== "Allow") continue;
    const who = principalIsPublic(s);
    if (who === "no") continue;
    const scope = conditionVerdict(s);
    if (scope === "scoped") continue;
    if (statements.some((d) => denyUnlessScoped(d, s))) continue;
    if (who === "unknown") {
      unknown ??= `the Principal of ${s.sid ? `statement ${s.sid}` : "a statement"}`;
      continue;
    }
    if (scope === "unknown") {
      unknown ??= `a Condition value of ${s.sid ? `statement ${s.sid}` : "a statement"}`;
      continue;
    }
    open.push(s);
  }
  return { open, ...(unknown ? { unknown } : {}) };
}

/** Allow statements granting every action (`*`) or everything but a list (`NotAction`). */
export function everyActionStatements(statements: Statement[]): Statement[] {
  return statements.filter((s) => s.effect === "Allow" && (s.actions.includes("*") || s.notActions.length > 0));
}

/** A short description of a statement for messages. */
export function describeStatement(s: Statement): string {
  const actions = s.actions.length > 0 ? s.actions.join(", ") : `NotAction ${s.notActions.join(", ")}`;
  return `${s.sid ? `statement "${s.sid}"` : "a statement"} (${actions})`;
}

/** True if a fixed condition value pins a scalar setting such as Lambda's `sourceAccount`. */
export function fixedScalar(op: "equals" | "like", key: string, value: unknown): Verdict {
  if (value === undefined || value === null || value === "") return "open";
  if (isUnknown(value)) return "unknown";
  return valueIsOpen(op === "like" ? "ArnLike" : "StringEquals", key.toLowerCase(), String(value)) ? "open" : "scoped";
}
