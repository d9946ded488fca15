/**
 * A CloudWatch log group encrypted with a customer managed key, with the profile's retention and,
 * in prod, deletion protection (CloudWatch Logs', and Pulumi's protect/retainOnDelete).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, statefulOptions } from "../../shared/context";
import { LogRetentionDays } from "../../shared/profiles";
import { withTags } from "../../shared/tags";
import { LogsWriteActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, throwIfProblems } from "../security/policy-document";

export interface EncryptedLogGroupArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The KMS key that encrypts the events; its policy must allow the `logs` service principal. Required. */
  kmsKey: KeyReference;
  /** The log group's name (e.g. `/aws/cloudtrail/<trail>`). Default: Pulumi's auto-name. */
  logGroupName?: pulumi.Input<string>;
  /** Days to keep events, one of the CloudWatch Logs values (never "forever"). Default: the profile's `logRetentionDays`. */
  retentionInDays?: number;
  /** CloudWatch Logs deletion protection. Default: the profile's `deletionProtection`. */
  deletionProtection?: boolean;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class EncryptedLogGroup extends pulumi.ComponentResource {
  /** The log group. */
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** Its name. */
  readonly logGroupName: pulumi.Output<string>;
  /** Its ARN (without the `:*` suffix that some services want). */
  readonly arn: pulumi.Output<string>;

  private readonly componentName: string;

  constructor(name: string, args: EncryptedLogGroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:observability:EncryptedLogGroup", name, {}, opts);
    const { context } = args;
    const retentionInDays = args.retentionInDays ?? context.profile.logRetentionDays;
    throwIfProblems(
      `EncryptedLogGroup ${name}`,
      (LogRetentionDays as readonly number[]).includes(retentionInDays)
        ? []
        : [`retentionInDays = ${retentionInDays}: must be one of ${LogRetentionDays.join(", ")}`],
    );
    this.componentName = name;

    this.logGroup = new aws.cloudwatch.LogGroup(
      name,
      {
        ...(args.logGroupName !== undefined ? { name: args.logGroupName } : {}),
        kmsKeyId: keyArnOf(args.kmsKey),
        retentionInDays,
        deletionProtectionEnabled: args.deletionProtection ?? context.profile.deletionProtection,
        tags: withTags(context.tags, args.tags ?? {}),
      },
      statefulOptions(context, { parent: this }),
    );
    this.logGroupName = this.logGroup.name;
    this.arn = this.logGroup.arn;
    this.registerOutputs({ logGroupName: this.logGroupName, arn: this.arn });
  }

  /** Let a role (e.g. CloudTrail's delivery role) create streams and put events. */
  grantWrite(role: aws.iam.Role): aws.iam.RolePolicy {
    return grantToRole(this, this.componentName, role, "write", [
      { Sid: "WriteLogEvents", Effect: "Allow", Action: [...LogsWriteActions], Resource: pulumi.interpolate`${this.arn}:log-stream:*` },
    ]);
  }
}
