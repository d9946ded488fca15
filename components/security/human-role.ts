/**
 * A role that people of this account assume with MFA (developers, administrators, analysts): the
 * trust names the account and requires `aws:MultiFactorAuthPresent`, sessions last an hour, and
 * the role sits under the workload's IAM path and permissions boundary. What it may do comes from
 * the components' grant methods.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./policy-document";
import type { RolePlacement } from "./service-role";

export interface MfaRoleArgs {
  /** What the role is for. Required. */
  description: string;
  /** The account whose principals may assume it. Required. */
  accountId: pulumi.Input<string>;
  /** IAM path and permissions boundary (the platform's `ciRoles[project]`). Required. */
  placement: RolePlacement;
  /** Tags (the required ones included). Required. */
  tags: Record<string, string>;
}

/** An IAM role assumed from this account with MFA, for one-hour sessions. */
export function mfaRole(name: string, args: MfaRoleArgs, opts: pulumi.CustomResourceOptions = {}): aws.iam.Role {
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      path: args.placement.path,
      ...(args.placement.permissionsBoundaryArn !== undefined ? { permissionsBoundary: args.placement.permissionsBoundaryArn } : {}),
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([
        {
          Sid: "AccountPrincipalsWithMfa",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:aws:iam::${args.accountId}:root` },
          Action: "sts:AssumeRole",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        },
      ]),
      tags: args.tags,
    },
    opts,
  );
}
