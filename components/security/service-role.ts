/**
 * An IAM role that one AWS service assumes, with the trust policy scoped by the conditions the
 * service supports (confused-deputy protection) and AWS managed policies attached by ARN.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintContext } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { policyDocument, PolicyConditions, throwIfProblems } from "./policy-document";

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
  /** IAM path. Default: `/`. */
  path?: string;
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
    throwIfProblems(`ServiceRole ${name}`, /^[a-z0-9.-]+\.amazonaws\.com$/.test(args.service) ? [] : [`service = "${args.service}": must be a service principal such as config.amazonaws.com`]);

    this.role = new aws.iam.Role(
      name,
      {
        description: args.description,
        path: args.path ?? "/",
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
      { parent: this },
    );
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
