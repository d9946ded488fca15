/**
 * Where a component puts the IAM roles it creates. The platform lets each workload's deploy role
 * create roles only under its own path (`/<project>/`) and only with its permissions boundary
 * (`PlatformOutputs.ciRoles[project]`), so every role a component creates takes both.
 *
 * `ServiceRole` (components/security/service-role.ts) has no permissions-boundary argument yet;
 * until it has, the components here create their roles with this helper.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintContext } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { policyDocument, PolicyConditions } from "../security/policy-document";

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

/** A role that one AWS service assumes, placed under the path and boundary given. */
export function serviceRole(
  parent: pulumi.Resource,
  name: string,
  args: { context: BlueprintContext; service: string; description: string; placement?: RolePlacement; trustConditions?: PolicyConditions },
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
      tags: withTags(args.context.tags),
    },
    { parent },
  );
}
