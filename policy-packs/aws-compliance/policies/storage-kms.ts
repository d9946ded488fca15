/**
 * KMS beyond rotation (`kms.ts` has KMS.4): IAM policies that allow decrypting with every key
 * (KMS.1 customer managed policies, KMS.2 inline policies), key policies open to anyone (KMS.5),
 * and our preview-time proxies for KMS.3 (keys not deleted by mistake): a long deletion window
 * and `protect` on the keys of protected environments.
 */
import { parsePolicyDocument, type PolicyDocument, type Statement } from "../lib/iam";
import { resourcePolicy } from "../lib/policy";
import { TS } from "../lib/tokens-storage";
import { containsUnknown, get, isUnknown, raw, undecidable } from "../lib/values";

// ---------------------------------------------------------------------------------------------
// KMS.1 / KMS.2: decryption on all keys.

function globMatches(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i").test(value);
}

/** True if a Resource entry means every KMS key: `*`, or a KMS ARN whose resource part is `*` or `key/*`. */
function isAllKeys(resource: string): boolean {
  if (resource === "*") return true;
  const m = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/.exec(resource);
  return m !== null && globMatches(m[1]!, "kms") && (m[2] === "*" || /^key\/\*$/.test(m[2]!));
}

/** Allow statements that grant one of `blocked` on every key; `unknown` names what could not be read. */
function decryptOnAllKeys(doc: PolicyDocument, blocked: readonly string[]): { statements: { s: Statement; actions: string[] }[]; unknown?: string } {
  const out: { s: Statement; actions: string[] }[] = [];
  let unknown: string | undefined;
  for (const s of doc.statements) {
    if (s.effect !== "Allow") continue;
    if (containsUnknown(s.actions) || containsUnknown(s.notActions)) {
      unknown ??= "Action";
      continue;
    }
    const actions = s.notActions.length > 0 ? blocked.filter((a) => !s.notActions.some((p) => globMatches(p, a))) : blocked.filter((a) => s.actions.some((p) => globMatches(p, a)));
    if (actions.length === 0) continue;
    // NotResource in an Allow covers every key it does not list.
    if (s.notResources.length > 0) {
      out.push({ s, actions });
      continue;
    }
    if (s.resources.some((r) => !isUnknown(r) && isAllKeys(r))) out.push({ s, actions });
    else if (s.resources.some(isUnknown)) unknown ??= "Resource";
  }
  return { statements: out, ...(unknown ? { unknown } : {}) };
}

const kmsDecryptConfig = {
  blockedActions: {
    type: "array",
    items: { type: "string" },
    description: "KMS actions that no identity policy may allow on all keys (Resource \"*\").",
    default: ["kms:Decrypt", "kms:ReEncryptFrom"],
  },
};

function describe(found: { s: Statement; actions: string[] }[], where: string): string {
  return found.map(({ s, actions }) => `${where} allows ${actions.join(", ")} on all KMS keys${s.sid ? ` (statement ${s.sid})` : ""}`).join("; ");
}

const kmsFix = "replace `Resource: \"*\"` with the arns of the keys the principal needs (or drop kms:Decrypt/kms:ReEncryptFrom from the statement)";

/** Check one document (string or object); stops the check when the parts that matter are unknown. */
function checkDecryptDoc(doc: unknown, blocked: readonly string[], where: string): string | undefined {
  const parsed = parsePolicyDocument(doc);
  if (parsed === "unknown") undecidable(where);
  if (parsed === undefined) return undefined;
  const { statements, unknown } = decryptOnAllKeys(parsed, blocked);
  if (statements.length > 0) return describe(statements, where);
  if (unknown) undecidable(`${where} ${unknown}`);
  return undefined;
}

export const kmsIamPolicyDecryptAllKeys = resourcePolicy(
  {
    name: "kms-iam-policy-no-decrypt-all-keys",
    description: "IAM customer managed policies must not allow decryption (kms:Decrypt, kms:ReEncryptFrom) on all KMS keys.",
    severity: "medium",
    controls: ["KMS.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "In the aws.iam.Policy `policy`, list the KMS key arns the principal needs in `Resource` for kms:Decrypt/kms:ReEncryptFrom instead of \"*\".",
    resourceTypes: TS.iamManagedPolicy,
    config: kmsDecryptConfig,
  },
  ({ props, config, fail }) => {
    const problem = checkDecryptDoc(props.policy, config.blockedActions, "the policy");
    if (problem) fail(problem, kmsFix);
  },
);

export const kmsIamInlinePolicyDecryptAllKeys = resourcePolicy(
  {
    name: "kms-iam-inline-policy-no-decrypt-all-keys",
    description: "IAM inline policies of roles, users and groups must not allow decryption (kms:Decrypt, kms:ReEncryptFrom) on all KMS keys.",
    severity: "medium",
    controls: ["KMS.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "In the aws.iam.RolePolicy/UserPolicy/GroupPolicy `policy` (or the aws.iam.Role `inlinePolicies[].policy`), list the KMS key arns in `Resource` for kms:Decrypt/kms:ReEncryptFrom instead of \"*\".",
    resourceTypes: [...TS.iamInlinePolicy, ...TS.iamRole],
    config: kmsDecryptConfig,
  },
  ({ props, type, config, fail }) => {
    const problems: string[] = [];
    if (type === "aws:iam/role:Role") {
      const inline = get(props, "inlinePolicies");
      if (isUnknown(inline)) undecidable("inlinePolicies");
      for (const p of (Array.isArray(inline) ? inline : []).map((x) => raw(x))) {
        const name = get(p, "name");
        const problem = checkDecryptDoc(get(p, "policy"), config.blockedActions, `inline policy ${typeof name === "string" && !isUnknown(name) ? name : "(unnamed)"}`);
        if (problem) problems.push(problem);
      }
    } else {
      const problem = checkDecryptDoc(props.policy, config.blockedActions, "the inline policy");
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) fail(problems.join("; "), kmsFix);
  },
);

// ---------------------------------------------------------------------------------------------
// KMS.5 (key policies not public) is decided by resource-policy-not-public.


// ---------------------------------------------------------------------------------------------
// KMS.3 proxies: deletion window and protect.

export const kmsDeletionWindow = resourcePolicy(
  {
    name: "kms-key-deletion-window",
    description: "KMS keys must wait long enough before a scheduled deletion to cancel a mistake.",
    severity: "medium",
    controls: ["BP.KMS.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `deletionWindowInDays` (7 to 30; default 30) on the aws.kms.Key to at least the configured minimum (the profile's kmsDeletionWindowDays).",
    resourceTypes: TS.kmsKey,
    config: {
      minDeletionWindowDays: {
        type: "number",
        description: "Minimum `deletionWindowInDays` (7 to 30).",
        default: 30,
      },
    },
  },
  ({ props, config, fail }) => {
    // Absent means AWS's default of 30 days.
    const days = props.deletionWindowInDays ?? 30;
    const min = Number(config.minDeletionWindowDays);
    if (typeof days === "number" && days < min) fail(`the deletion window is ${days} days, below the required ${min}`, `set \`deletionWindowInDays: ${min}\` (or more, up to 30)`);
  },
);

export const policies = [kmsIamPolicyDecryptAllKeys, kmsIamInlinePolicyDecryptAllKeys, kmsDeletionWindow];

export const notDecidable: Record<string, string> = {
  "KMS.3":
    "Whether a key is pending deletion is account state at run time (ScheduleKeyDeletion), not a property of the program; at preview we check the proxies kms-key-deletion-window (BP.KMS.1) and kms-key-protected-in-prod (BP.KMS.2).",
};
