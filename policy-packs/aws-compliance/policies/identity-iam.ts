/**
 * IAM: administrative and wildcard permissions, user-attached policies, the password policy (FSBP
 * IAM.1/2/7/21, CIS/PCI IAM.10-17), and the seed's rules: no `*` action and no `*` principal in any
 * policy document (identity, trust and resource policies), GitHub OIDC trust pinned to a
 * repository, no long-lived access keys, no AWS managed admin policies attached.
 *
 * Documents are parsed whether given as JSON text or as objects, with `Action`, `Resource` and
 * `Principal` as a string or an array. A document unknown at preview (typically
 * `pulumi.jsonStringify` over another resource's ARN) yields a "can't run during preview" note; so
 * does an unknown action or resource inside a statement when it decides the verdict.
 */
import type { PolicyResource } from "@pulumi/policy";
import { isWildcardAction, parsePolicyDocument, type Statement } from "../lib/iam";
import { publicStatements } from "../lib/resource-policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { TE } from "../lib/tokens-edge";
import { asArray, get, isUnknown, undecidable } from "../lib/values";
import { listSize } from "./edge-cloudfront";

interface Doc {
  where: string;
  doc: unknown;
}

/** The identity-policy documents of a resource: its `policy`, or a role's `inlinePolicies`. */
function identityDocs(type: string, props: unknown): Doc[] {
  if (TE.iamRole.includes(type as never)) {
    const inline = get(props, "inlinePolicies");
    if (isUnknown(inline)) undecidable("inlinePolicies");
    return asArray<any>(inline).map((p, i) => {
      const n = get(p, "name");
      return { where: `inlinePolicies[${i}]${typeof n === "string" && !isUnknown(n) ? ` ("${n}")` : ""}`, doc: get(p, "policy") };
    });
  }
  return [{ where: "policy", doc: get(props, "policy") }];
}

function statementLabel(s: Statement, i: number): string {
  return s.sid ? `statement "${s.sid}"` : `Statement[${i}]`;
}

/**
 * Visit every statement of the documents. `visit` returns a problem, `"unknown"` when an unknown
 * value decides, or undefined. Reports the problems (one failure) and then, if anything was
 * unknown, stops with `undecidable` so the preview says so.
 */
function scan(docs: Doc[], visit: (s: Statement) => string | "unknown" | undefined, report: (problems: string[]) => void): void {
  const problems: string[] = [];
  let unknown: string | undefined;
  for (const { where, doc } of docs) {
    const parsed = parsePolicyDocument(doc);
    if (parsed === undefined) continue;
    if (parsed === "unknown") {
      unknown ??= where;
      continue;
    }
    parsed.statements.forEach((s, i) => {
      const r = visit(s);
      if (r === "unknown") unknown ??= `${where}.Statement[${i}]`;
      else if (r) problems.push(`${where} ${statementLabel(s, i)} ${r}`);
    });
  }
  if (problems.length > 0) report(problems);
  if (unknown) undecidable(unknown);
}

const fullWildcard = (a: string) => a === "*" || a === "*:*";
const serviceWildcard = (a: string) => isWildcardAction(a) && !fullWildcard(a);

const IDENTITY_POLICY_TYPES = [...TE.iamPolicy, ...TE.iamRolePolicy, ...TE.iamUserPolicy, ...TE.iamGroupPolicy, ...TE.iamRole];
const INLINE_POLICY_TYPES = [...TE.iamRolePolicy, ...TE.iamUserPolicy, ...TE.iamGroupPolicy, ...TE.iamRole];

export const iamNoAdminPolicies = resourcePolicy(
  {
    name: "iam-policy-no-admin-access",
    description: "IAM policies (managed and inline) must not allow full administrative access (Action \"*\" on Resource \"*\").",
    severity: "high",
    controls: ["IAM.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Replace the `\"Action\": \"*\"` / `\"Resource\": \"*\"` statement with the specific actions and resource ARNs the principal needs (least privilege).",
    resourceTypes: IDENTITY_POLICY_TYPES,
  },
  ({ type, props, fail }) => {
    scan(
      identityDocs(type, props),
      (s) => {
        if (s.effect !== "Allow") return undefined;
        const anyAction = s.actions.some(fullWildcard);
        const anyResource = s.resources.includes("*");
        if (anyAction && anyResource) return "allows \"*\" on \"*\" (full administrative access)";
        if ((anyAction && s.resources.some(isUnknown)) || (anyResource && s.actions.some(isUnknown))) return "unknown";
        return undefined;
      },
      (problems) => fail(problems.join("; "), "name the actions and resource ARNs the principal needs instead of \"*\""),
    );
  },
);

export const iamNoWildcardActions = resourcePolicy(
  {
    name: "iam-policy-no-wildcard-actions",
    description: "IAM policy documents must not allow every action (\"*\") on any resource, nor use Allow with NotAction.",
    severity: "high",
    controls: ["BP.IAM.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "List the actions the principal needs in `Action` (no `\"*\"`), and replace Allow + `NotAction` with an explicit `Action` list.",
    resourceTypes: IDENTITY_POLICY_TYPES,
  },
  ({ type, props, fail }) => {
    scan(
      identityDocs(type, props),
      (s) => {
        if (s.effect !== "Allow") return undefined;
        if (s.actions.some(fullWildcard)) return "allows every action (\"*\")";
        if (s.notActions.length > 0) return `is an Allow with NotAction (${s.notActions.join(", ")}), which grants every other action`;
        return undefined;
      },
      (problems) => fail(problems.join("; "), "list the needed actions in `Action` instead of \"*\" or `NotAction`"),
    );
  },
);

const EXCEPTION_ACTIONS = {
  type: "array",
  items: { type: "string" },
  description: "Service wildcards that are accepted (e.g. \"logs:*\" for a log shipper).",
  default: [],
};

function serviceWildcardCheck(exceptions: string[]) {
  const allowed = new Set(exceptions.map((a) => a.toLowerCase()));
  return (s: Statement) => {
    if (s.effect !== "Allow") return undefined;
    const wild = s.actions.filter((a) => serviceWildcard(a) && !allowed.has(a.toLowerCase()));
    return wild.length > 0 ? `allows every action of a service (${wild.join(", ")})` : undefined;
  };
}

export const iamNoServiceWildcards = resourcePolicy(
  {
    name: "iam-policy-no-service-wildcard-actions",
    description: "IAM customer managed policies must not allow all actions of a service (\"<service>:*\").",
    severity: "low",
    controls: ["IAM.21"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "In the aws.iam.Policy document, replace `\"<service>:*\"` with the specific actions (e.g. `s3:GetObject`, `s3:PutObject`).",
    resourceTypes: TE.iamPolicy,
    config: { exceptionActions: EXCEPTION_ACTIONS },
  },
  ({ type, props, config, fail }) => {
    scan(identityDocs(type, props), serviceWildcardCheck(config.exceptionActions ?? []), (problems) => fail(problems.join("; "), "replace each `<service>:*` with the specific actions needed"));
  },
);

export const iamInlineNoServiceWildcards = resourcePolicy(
  {
    name: "iam-inline-policy-no-service-wildcard-actions",
    description: "IAM inline policies (role, user and group policies, role `inlinePolicies`) must not allow all actions of a service (\"<service>:*\").",
    severity: "medium",
    controls: ["BP.IAM.2"],
    frameworks: ["Blueprints"],
    remediationSteps: "In the inline policy document, replace `\"<service>:*\"` with the specific actions needed.",
    resourceTypes: INLINE_POLICY_TYPES,
    config: { exceptionActions: EXCEPTION_ACTIONS },
  },
  ({ type, props, config, fail }) => {
    scan(identityDocs(type, props), serviceWildcardCheck(config.exceptionActions ?? []), (problems) => fail(problems.join("; "), "replace each `<service>:*` with the specific actions needed"));
  },
);

export const iamUserNoPolicies = resourcePolicy(
  {
    name: "iam-user-no-attached-policies",
    description: "IAM users must not have policies attached directly (inline or managed); grant permissions through groups or roles.",
    severity: "low",
    controls: ["IAM.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Remove the aws.iam.UserPolicy / UserPolicyAttachment (or the user from a PolicyAttachment); put the user in an aws.iam.Group with the policy (aws.iam.GroupPolicyAttachment), or use roles.",
    resourceTypes: [...TE.iamUserPolicy, ...TE.iamUserPolicyAttachment, ...TE.iamUserPolicyAttachmentsExclusive, ...TE.iamUserPoliciesExclusive, ...TE.iamPolicyAttachment],
  },
  ({ type, props, fail }) => {
    const user = (v: unknown) => (typeof v === "string" && !isUnknown(v) ? `user "${v}"` : "a user");
    if (TE.iamPolicyAttachment.includes(type as never)) {
      const users = listSize(props, "users");
      if (users > 0) fail(`attaches policy to ${users} user${users > 1 ? "s" : ""}`, "remove `users` and attach the policy to a group (`groups`) or role (`roles`)");
    } else if (TE.iamUserPolicyAttachmentsExclusive.includes(type as never)) {
      if (listSize(props, "policyArns") > 0) fail(`attaches managed policies to ${user(get(props, "userName"))}`, "attach them to a group (aws.iam.GroupPolicyAttachment) and add the user to it");
    } else if (TE.iamUserPoliciesExclusive.includes(type as never)) {
      if (listSize(props, "policyNames") > 0) fail(`keeps inline policies on ${user(get(props, "userName"))}`, "move them to a group policy (aws.iam.GroupPolicy) and add the user to the group");
    } else if (TE.iamUserPolicy.includes(type as never)) {
      fail(`is an inline policy on ${user(get(props, "user"))}`, "replace it with an aws.iam.GroupPolicy on a group the user belongs to, or a role");
    } else {
      fail(`attaches a managed policy to ${user(get(props, "user"))}`, "replace it with an aws.iam.GroupPolicyAttachment on a group the user belongs to, or a role");
    }
  },
);

// ---------------------------------------------------------------- Password policy

interface PasswordRules {
  requireUppercaseCharacters?: boolean;
  requireLowercaseCharacters?: boolean;
  requireSymbols?: boolean;
  requireNumbers?: boolean;
  minimumPasswordLength?: number;
  passwordReusePrevention?: number;
  maxPasswordAge?: number;
}

const PASSWORD_CONFIG: Record<keyof PasswordRules, (d: unknown) => Record<string, unknown>> = {
  requireUppercaseCharacters: (d) => ({ type: "boolean", description: "Require at least one uppercase letter.", default: d }),
  requireLowercaseCharacters: (d) => ({ type: "boolean", description: "Require at least one lowercase letter.", default: d }),
  requireSymbols: (d) => ({ type: "boolean", description: "Require at least one symbol.", default: d }),
  requireNumbers: (d) => ({ type: "boolean", description: "Require at least one number.", default: d }),
  minimumPasswordLength: (d) => ({ type: "integer", minimum: 6, maximum: 128, description: "Minimum password length.", default: d }),
  passwordReusePrevention: (d) => ({ type: "integer", minimum: 1, maximum: 24, description: "Previous passwords that cannot be reused.", default: d }),
  maxPasswordAge: (d) => ({ type: "integer", minimum: 1, maximum: 1095, description: "Days after which a password expires (at most).", default: d }),
};

/** What a rule asks for, against the policy's value (AWS defaults when absent: no requirements, length 6, never expires). */
function passwordProblems(props: any, rules: PasswordRules): string[] {
  const out: string[] = [];
  for (const flag of ["requireUppercaseCharacters", "requireLowercaseCharacters", "requireSymbols", "requireNumbers"] as const) {
    if (rules[flag] === true && props[flag] !== true) out.push(`\`${flag}\` is not true`);
  }
  if (rules.minimumPasswordLength !== undefined) {
    const v = props.minimumPasswordLength ?? 6;
    if (v < rules.minimumPasswordLength) out.push(`\`minimumPasswordLength\` is ${v} (needs ${rules.minimumPasswordLength} or more)`);
  }
  if (rules.passwordReusePrevention !== undefined) {
    const v = props.passwordReusePrevention ?? 0;
    if (v < rules.passwordReusePrevention) out.push(`\`passwordReusePrevention\` is ${v || "unset"} (needs ${rules.passwordReusePrevention} or more)`);
  }
  if (rules.maxPasswordAge !== undefined) {
    const v = props.maxPasswordAge ?? 0;
    if (v <= 0 || v > rules.maxPasswordAge) out.push(`\`maxPasswordAge\` is ${v > 0 ? v : "unset (passwords never expire)"} (needs 1 to ${rules.maxPasswordAge} days)`);
  }
  return out;
}

/** Each control's requirements on the account password policy (FSBP IAM.7, PCI IAM.10, CIS IAM.11-17). */
export const PASSWORD_CONTROLS: Readonly<Record<string, PasswordRules>> = {
  "IAM.7": { requireUppercaseCharacters: true, requireLowercaseCharacters: true, requireSymbols: true, requireNumbers: true, minimumPasswordLength: 8 },
  "IAM.10": { requireUppercaseCharacters: true, requireLowercaseCharacters: true, requireNumbers: true, minimumPasswordLength: 7, passwordReusePrevention: 4, maxPasswordAge: 90 },
  "IAM.11": { requireUppercaseCharacters: true },
  "IAM.12": { requireLowercaseCharacters: true },
  "IAM.13": { requireSymbols: true },
  "IAM.14": { requireNumbers: true },
  "IAM.15": { minimumPasswordLength: 14 },
  "IAM.16": { passwordReusePrevention: 24 },
  "IAM.17": { maxPasswordAge: 90 },
};

/**
 * One policy for the account password policy, one finding per weak setting carrying every control
 * it breaks (a missing symbol requirement is IAM.7 and IAM.13 at once, not two findings), with the
 * strictest requirement among them. `controls` chooses which controls apply; `requirements`
 * overrides a control's thresholds (`{ "IAM.15": { "minimumPasswordLength": 16 } }`).
 */
export const iamPasswordPolicy = resourcePolicy(
  {
    name: "iam-password-policy",
    description: "The IAM account password policy must meet the strength, PCI DSS and CIS requirements of the configured controls (IAM.7, IAM.10-IAM.17).",
    severity: "medium",
    controls: Object.keys(PASSWORD_CONTROLS),
    frameworks: ["FSBP", "HIPAA", "PCI DSS", "CIS"],
    remediationSteps:
      "On the aws.iam.AccountPasswordPolicy require upper and lower case letters, symbols and numbers, `minimumPasswordLength: 14` or more, `passwordReusePrevention: 24` and `maxPasswordAge` of 90 days or less (what all of IAM.7 and IAM.10-IAM.17 ask).",
    resourceTypes: TE.iamPasswordPolicy,
    config: {
      controls: { type: "array", items: { type: "string", enum: Object.keys(PASSWORD_CONTROLS) }, description: "The controls whose requirements apply.", default: Object.keys(PASSWORD_CONTROLS) },
      requirements: {
        type: "object",
        description: "Per control, thresholds that replace its defaults, e.g. { \"IAM.15\": { \"minimumPasswordLength\": 16 } }.",
        // No `default` inside: the schema goes to the engine as a protobuf Struct, which has no undefined.
        additionalProperties: {
          type: "object",
          properties: Object.fromEntries(Object.keys(PASSWORD_CONFIG).map((k) => {
            const { default: _unused, ...schema } = PASSWORD_CONFIG[k as keyof PasswordRules](undefined);
            return [k, schema];
          })),
          additionalProperties: false,
        },
        default: {},
      },
    },
  },
  ({ props, config, fail }) => {
    const chosen = (config.controls as string[] | undefined) ?? Object.keys(PASSWORD_CONTROLS);
    const overrides = (config.requirements as Record<string, PasswordRules> | undefined) ?? {};
    // setting -> the strictest requirement and the controls it breaks.
    const bySetting = new Map<string, { problem: string; strictness: number; controls: string[] }>();
    for (const control of chosen) {
      const base = PASSWORD_CONTROLS[control];
      if (!base) continue;
      const rules = { ...base, ...(overrides[control] ?? {}) };
      for (const [setting, value] of Object.entries(rules) as [keyof PasswordRules, unknown][]) {
        const problem = passwordProblems(props, { [setting]: value } as PasswordRules)[0];
        if (!problem) continue;
        const strictness = setting === "maxPasswordAge" ? -Number(value) : typeof value === "number" ? value : 1;
        const seen = bySetting.get(setting);
        if (!seen) bySetting.set(setting, { problem, strictness, controls: [control] });
        else {
          seen.controls.push(control);
          if (strictness > seen.strictness) Object.assign(seen, { problem, strictness });
        }
      }
    }
    for (const { problem, controls } of bySetting.values()) {
      fail(`the account password policy is weak: ${problem}`, `set ${problem.split(" ")[0]} as ${controls.join(", ")} require${controls.length === 1 ? "s" : ""}`, controls);
    }
  },
);

// ---------------------------------------------------------------- Trust and resource policies

export const iamRoleTrustNoPublicPrincipal = resourcePolicy(
  {
    name: "iam-role-trust-no-public-principal",
    description: "IAM role trust policies must not let any principal (\"*\") assume the role without a scoping condition.",
    severity: "critical",
    controls: ["BP.IAM.3"],
    frameworks: ["Blueprints"],
    remediationSteps: "In the role's `assumeRolePolicy`, name the trusted principals (account root ARNs, role ARNs, `Service`) instead of \"*\", or add a condition on `aws:PrincipalOrgID` / `aws:PrincipalAccount` / `aws:PrincipalArn`.",
    resourceTypes: TE.iamRole,
  },
  ({ props, fail }) => {
    const doc = parsePolicyDocument(get(props, "assumeRolePolicy"));
    if (doc === "unknown") undecidable("assumeRolePolicy");
    if (!doc) return;
    // Operator- and value-aware scoping, as for every resource policy (lib/resource-policy.ts).
    const { open, unknown } = publicStatements(doc.statements);
    if (open.length === 0 && unknown) undecidable(`assumeRolePolicy (${unknown})`);
    if (open.length > 0) {
      fail(`trust policy ${open.map((s) => (s.sid ? `statement "${s.sid}"` : "a statement")).join(", ")} lets any AWS principal ("*") assume the role without a scoping condition`, "name the trusted principals in `Principal`, or add a `Condition` on `aws:PrincipalOrgID` or `aws:PrincipalAccount`");
    }
  },
);

const GITHUB = "token.actions.githubusercontent.com";
const SUB_KEY = `${GITHUB}:sub`;

/** Whether a `sub` value pins the role to a repository (or, when allowed, an organisation). */
function subjectPinned(v: string, allowOrgWide: boolean): boolean {
  const m = /^repo:([^/:]+)\/([^:]+)(?::.*)?$/.exec(v);
  if (!m) return v.startsWith("repo:") ? false : !/[*?]/.test(v); // custom claim templates: no wildcard at all
  const [, org, repo] = m;
  if (/[*?]/.test(org!)) return false;
  return allowOrgWide || !/[*?]/.test(repo!);
}

export const iamGithubOidcPinned = resourcePolicy(
  {
    name: "iam-github-oidc-trust-pinned",
    description: `IAM roles trusted by GitHub Actions OIDC must pin \`${SUB_KEY}\` to a repository (not "*" or "repo:*/*").`,
    severity: "critical",
    controls: ["BP.IAM.4"],
    frameworks: ["Blueprints"],
    remediationSteps: `In the role's \`assumeRolePolicy\`, add \`Condition: { StringEquals: { "${GITHUB}:aud": "sts.amazonaws.com" }, StringLike: { "${SUB_KEY}": "repo:<org>/<repo>:ref:refs/heads/main" } }\` (or an \`environment:<name>\` subject).`,
    resourceTypes: TE.iamRole,
    config: {
      allowOrgWideSubjects: {
        type: "boolean",
        description: "Accept a subject that pins the GitHub organisation but not the repository (`repo:<org>/*`).",
        default: false,
      },
    },
  },
  ({ props, config, fail }) => {
    const doc = parsePolicyDocument(get(props, "assumeRolePolicy"));
    if (doc === "unknown") undecidable("assumeRolePolicy");
    if (!doc) return;
    const problems: string[] = [];
    let unknown = false;
    for (const s of doc.statements) {
      if (s.effect !== "Allow") continue;
      const federated = s.principals?.Federated ?? [];
      const conditionKeys = Object.values(s.conditions).flatMap((b) => Object.keys(b).map((k) => k.toLowerCase()));
      const github = federated.some((f) => f.includes(GITHUB)) || conditionKeys.some((k) => k.startsWith(`${GITHUB}:`));
      if (!github) {
        if (federated.some(isUnknown) && !conditionKeys.some((k) => k.endsWith(":sub"))) unknown = true;
        continue;
      }
      const subjects = Object.entries(s.conditions)
        .filter(([op]) => /^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$/i.test(op))
        .flatMap(([, block]) => Object.entries(block).filter(([k]) => k.toLowerCase() === SUB_KEY).flatMap(([, v]) => v));
      const label = s.sid ? `statement "${s.sid}"` : "a statement";
      if (subjects.length === 0) {
        problems.push(`${label} trusts GitHub Actions OIDC without a condition on ${SUB_KEY}, so any repository on GitHub can assume the role`);
        continue;
      }
      if (subjects.some(isUnknown)) {
        unknown = true;
        continue;
      }
      const loose = subjects.filter((v) => !subjectPinned(v, config.allowOrgWideSubjects === true));
      if (loose.length > 0) problems.push(`${label} accepts GitHub subject${loose.length > 1 ? "s" : ""} ${loose.map((v) => `"${v}"`).join(", ")}, which ${loose.length > 1 ? "do" : "does"} not pin a repository`);
    }
    if (problems.length > 0) fail(problems.join("; "), `pin \`${SUB_KEY}\` with StringEquals/StringLike to "repo:<org>/<repo>:<ref or environment>"`);
    if (unknown) undecidable(`assumeRolePolicy.Condition.${SUB_KEY}`);
  },
);

export const iamNoAccessKeys = resourcePolicy(
  {
    name: "iam-no-user-access-keys",
    description: "IAM users must not have long-lived access keys created by the program; workloads use roles, people use SSO.",
    severity: "medium",
    controls: ["BP.IAM.6"],
    frameworks: ["Blueprints"],
    remediationSteps: "Remove the aws.iam.AccessKey. Give workloads a role (instance profile, task role, IRSA, OIDC federation) and people IAM Identity Center access.",
    resourceTypes: TE.iamAccessKey,
  },
  ({ props, fail }) => {
    const user = get(props, "user");
    fail(`creates a long-lived access key for ${typeof user === "string" && !isUnknown(user) ? `user "${user}"` : "an IAM user"} (its secret lands in the state)`, "remove the aws.iam.AccessKey and use a role (or OIDC federation) instead");
  },
);

/** Attachment tokens and the input(s) holding policy ARNs. */
const ATTACHMENTS: { types: readonly string[]; prop: string }[] = [
  { types: [...TE.iamRolePolicyAttachment, ...TE.iamUserPolicyAttachment, ...TE.iamGroupPolicyAttachment, ...TE.iamPolicyAttachment], prop: "policyArn" },
  { types: [...TE.iamRolePolicyAttachmentsExclusive, ...TE.iamUserPolicyAttachmentsExclusive, ...TE.iamGroupPolicyAttachmentsExclusive], prop: "policyArns" },
  { types: TE.iamRole, prop: "managedPolicyArns" },
];

export const iamNoPrivilegedManagedPolicies = stackPolicy(
  {
    name: "iam-no-privileged-managed-policy-attachment",
    description: "AWS managed administrator policies (AdministratorAccess, IAMFullAccess) must not be attached to roles, users or groups.",
    severity: "high",
    controls: ["BP.IAM.7"],
    frameworks: ["Blueprints"],
    remediationSteps: "Detach the AWS managed policy and attach a customer managed aws.iam.Policy that grants only the actions needed.",
    config: {
      forbiddenPolicies: {
        type: "array",
        items: { type: "string" },
        description: "Names of AWS managed policies (arn:aws:iam::aws:policy/<name>) that must not be attached.",
        default: ["AdministratorAccess", "IAMFullAccess"],
      },
    },
  },
  ({ forEach, fail, config }) => {
    const forbidden = new Set<string>(config.forbiddenPolicies ?? []);
    for (const { types, prop } of ATTACHMENTS) {
      forEach(types, (r: PolicyResource) => {
        const value = get(r.props, prop);
        const customerManaged = (r.propertyDependencies?.[prop] ?? []).some((d) => TE.iamPolicy.includes(d.type as never));
        if (isUnknown(value)) {
          if (customerManaged) return; // a policy of this stack: its document is checked by IAM.1 / BP.IAM.1
          undecidable(`${r.name}.${prop}`);
        }
        const arns = asArray<string>(value);
        const bad = arns.filter((a) => {
          const m = typeof a === "string" ? /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(a) : null;
          return m !== null && forbidden.has(m[1]!);
        });
        if (bad.length > 0) fail(r, `attaches the AWS managed ${bad.map((a) => a.split("/").pop()).join(", ")} policy`, "attach a customer managed aws.iam.Policy with only the needed actions instead");
        else if (arns.some(isUnknown) && !customerManaged) undecidable(`${r.name}.${prop}`);
      });
    }
  },
);

export const policies = [
  iamNoAdminPolicies,
  iamNoWildcardActions,
  iamNoServiceWildcards,
  iamInlineNoServiceWildcards,
  iamUserNoPolicies,
  iamPasswordPolicy,
  iamRoleTrustNoPublicPrincipal,
  iamGithubOidcPinned,
  iamNoAccessKeys,
  iamNoPrivilegedManagedPolicies,
];

/** IAM controls that depend on account state or runtime, not on a program's resources. */
export const notDecidable: Record<string, string> = {
  "IAM.3": "Access-key age is runtime state (when the key was created and last rotated); a program only declares keys, which BP.IAM.6 bans outright.",
  "IAM.4": "Root user access keys belong to the account's root user, which no Pulumi resource can declare or delete.",
  "IAM.5": "Whether a console user has an MFA device enabled is runtime state: MFA devices are activated with one-time codes outside the program.",
  "IAM.6": "Hardware MFA for the root user is configured by hand on the root account; no resource represents it.",
  "IAM.8": "Whether credentials are unused for 90 days is known only from the account's credential report at runtime.",
  "IAM.9": "Virtual MFA for the root user is configured by hand on the root account; no resource represents it.",
  "IAM.19": "MFA enablement for IAM users is runtime state (devices are activated with one-time codes outside the program).",
  "IAM.22": "Whether credentials are unused for 45 days is known only from the account's credential report at runtime.",
};
