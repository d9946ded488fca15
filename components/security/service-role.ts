/**
 * An IAM role that one AWS service assumes, with the trust policy scoped by the conditions the
 * service supports (confused-deputy protection), placed under an IAM path and permissions boundary
 * (`RolePlacement`), and AWS managed policies attached by ARN.
 *
 * Two forms, one implementation (`serviceRole`): the `ServiceRole` component (a role of its own in
 * a program), and the `serviceRole()` function that components call for the roles they own (a
 * plain child `aws.iam.Role`, so their URNs stay as they are). Where roles go: the platform lets
 * each workload's deploy role create roles only under its own path (`/<project>/`) and only with
 * its permissions boundary (`PlatformOutputs.ciRoles[project]`), so every role takes both.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintContext } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { policyDocument, PolicyConditions, throwIfProblems } from "./policy-document";

/** Path and permissions boundary of the roles a component creates. */
export interface RolePlacement {
  /** IAM path, e.g. `/ecommerce/` (the platform's `ciRoles[project].iamPath`). Default: `/`. */
  path?: string;
  /** Permissions boundary policy ARN (the platform's `ciRoles[project].permissionsBoundaryArn`). Default: none. */
  permissionsBoundaryArn?: pulumi.Input<string>;
}

/** Problems with a placement, for a component's validation. */
export function rolePlacementProblems(placement: RolePlacement | undefined): string[] {
  const path = placement?.path;
  if (path === undefined) return [];
  return /^\/([\w+=,.@-]+\/)*$/.test(path) && path.length <= 512 ? [] : [`rolePlacement.path = "${path}": must start and end with "/" (e.g. /ecommerce/)`];
}

/** A role that one AWS service assumes, placed under the path and boundary given (a child of `parent`). */
export function serviceRole(
  parent: pulumi.Resource,
  name: string,
  args: { context: BlueprintContext; service: string; description: string; placement?: RolePlacement; trustConditions?: PolicyConditions; tags?: Record<string, string> },
): aws.iam.Role {
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      path: args.placement?.path ?? "/",
      ...(args.placement?.permissionsBoundaryArn !== undefined ? { permissionsBoundary: args.placement.permissionsBoundaryArn } : {}),
      assumeRolePolicy: policyDocument([
        {
          Sid: "ServiceAssumesRole",
          Effect: "Allow",
          Principal: { Service: args.service },
          Action: "sts:AssumeRole",
          ...(args.trustConditions ? { Condition: args.trustConditions } : {}),
        },
      ]),
      tags: withTags(args.context.tags, args.tags ?? {}),
    },
    { parent },
  );
}

export interface ServiceRoleArgs {
  /** The stack's context (tags). Required. */
  context: BlueprintContext;
  /** The service principal that assumes the role, e.g. `config.amazonaws.com`. Required. */
  service: string;
  /** What the role is for. Required. */
  description: string;
  /**
   * Conditions on the assume-role statement, e.g. `aws:SourceAccount` or `aws:SourceArn`, where the
   * service documents that it sends them (a condition on a key the service does not send blocks it).
   * Default: none.
   */
  trustConditions?: PolicyConditions;
  /** AWS managed (or other existing) policies to attach, by ARN. Default: none. */
  managedPolicyArns?: string[];
  /** IAM path. Default: `/` (or `placement.path`). */
  path?: string;
  /** IAM path and permissions boundary (a workload's `rolePlacement`). Default: `/`, no boundary. */
  placement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class ServiceRole extends pulumi.ComponentResource {
  /** The role (pass it to grant methods). */
  readonly role: aws.iam.Role;
  /** The role's ARN. */
  readonly arn: pulumi.Output<string>;
  /** The role's name. */
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: ServiceRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:security:ServiceRole", name, {}, opts);
    throwIfProblems(`ServiceRole ${name}`, [
      ...(/^[a-z0-9.-]+\.amazonaws\.com$/.test(args.service) ? [] : [`service = "${args.service}": must be a service principal such as config.amazonaws.com`]),
      ...(args.path !== undefined && args.placement?.path !== undefined ? ["give path or placement.path, not both"] : []),
      ...rolePlacementProblems(args.placement ?? (args.path !== undefined ? { path: args.path } : undefined)),
    ]);

    this.role = serviceRole(this, name, {
      context: args.context,
      service: args.service,
      description: args.description,
      placement: { ...args.placement, ...(args.path !== undefined ? { path: args.path } : {}) },
      ...(args.trustConditions ? { trustConditions: args.trustConditions } : {}),
      ...(args.tags ? { tags: args.tags } : {}),
    });
    for (const policyArn of args.managedPolicyArns ?? []) {
      // Named after the policy, so adding or removing one does not rename the others.
      const policyName = policyArn.split("/").pop()!.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
      new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: this.role.name, policyArn }, { parent: this });
    }
    this.arn = this.role.arn;
    this.roleName = this.role.name;
    this.registerOutputs({ arn: this.arn, roleName: this.roleName });
  }
}
