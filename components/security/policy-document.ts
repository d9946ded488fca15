/**
 * IAM policy documents as typed objects, serialised with `pulumi.jsonStringify` so that the plan,
 * the policy pack and tests see the real statements offline (never `aws.iam.getPolicyDocument`,
 * an invoke with no JSON under mocks).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Condition block: `{ operator: { key: value | values } }`. */
export type PolicyConditions = Record<string, Record<string, pulumi.Input<string | boolean | (string | boolean)[]>>>;

/** Principal block: `"*"` or `{ AWS | Service | Federated: id | ids }`. */
export type PolicyPrincipal = "*" | Partial<Record<"AWS" | "Service" | "Federated", pulumi.Input<string> | pulumi.Input<string>[]>>;

/** One statement of an IAM identity, resource or trust policy. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: PolicyPrincipal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  NotResource?: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: PolicyConditions;
}

/** A policy document with `Version` 2012-10-17, as JSON text (an Output when any value is). */
export function policyDocument(statements: pulumi.Input<PolicyStatement>[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** True for a full wildcard action (`*`) or a whole-service wildcard (`s3:*`). */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/**
 * Problems with statements a caller hands to a component: an Allow must name its actions (no `*`,
 * no `service:*`, no `NotAction`), and an Allow to every principal (`*`) needs a condition that
 * scopes it. Returns one message per problem; components collect them and throw once.
 */
export function statementProblems(where: string, statements: readonly PolicyStatement[]): string[] {
  const problems: string[] = [];
  statements.forEach((s, i) => {
    const label = `${where}[${i}]${s.Sid ? ` (${s.Sid})` : ""}`;
    if (s.Effect !== "Allow") return;
    const actions = s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action];
    const wild = actions.filter(isWildcardAction);
    if (wild.length > 0) problems.push(`${label} allows the wildcard action ${wild.join(", ")}: name the actions`);
    if (s.NotAction !== undefined) problems.push(`${label} is an Allow with NotAction: name the actions instead`);
    if (actions.length === 0 && s.NotAction === undefined) problems.push(`${label} names no action`);
    const p = s.Principal;
    const publicPrincipal = p === "*" || (typeof p === "object" && (p.AWS === "*" || (Array.isArray(p.AWS) && p.AWS.includes("*"))));
    if (publicPrincipal && (!s.Condition || Object.keys(s.Condition).length === 0)) {
      problems.push(`${label} allows every principal ("*") without a condition: scope it (aws:SourceAccount, aws:PrincipalAccount, kms:CallerAccount...)`);
    }
  });
  return problems;
}

/** A thrown list of invalid arguments, all at once (the CDK style: collect, then throw). */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly problems: readonly string[],
  ) {
    super(`${component}: invalid arguments (${problems.length}):\n  - ${problems.join("\n  - ")}`);
    this.name = "ComponentArgsError";
  }
}

/** Throw a `ComponentArgsError` when there are problems. */
export function throwIfProblems(component: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new ComponentArgsError(component, problems);
}

/**
 * Attach an inline policy to a role (a grant). The logical name is derived from the role's and the
 * grantor's names, so it is stable across runs.
 */
export function grantToRole(
  grantor: pulumi.Resource,
  grantorName: string,
  role: aws.iam.Role,
  what: string,
  statements: pulumi.Input<PolicyStatement>[],
): aws.iam.RolePolicy {
  const roleName = pulumi.resourceName(role);
  return new aws.iam.RolePolicy(
    `${roleName}-${grantorName}-${what}`,
    { role: role.name, policy: policyDocument(statements) },
    { parent: grantor },
  );
}
