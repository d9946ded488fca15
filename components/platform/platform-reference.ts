/**
 * The platform stack's outputs: the interface the five workloads read by StackReference. The names
 * are stable; the platform program exports exactly these, and a workload reads them through
 * `PlatformReference` instead of spelling output names itself.
 */
import * as pulumi from "@pulumi/pulumi";

/** The workload projects the platform issues CI roles for. */
export const WorkloadProjects = ["ecommerce", "streaming", "banking", "health-records", "analytics"] as const;
export type WorkloadProject = (typeof WorkloadProjects)[number];

/** What CI needs for one workload project. */
export interface CiRoleOutputs {
  /** Role for `pulumi preview` on pull requests (read-only). */
  readonly previewRoleArn: string;
  /** Role for `pulumi up` from the main branch / the GitHub environment. */
  readonly deployRoleArn: string;
  /** The permissions boundary every IAM role the workload creates must carry. */
  readonly permissionsBoundaryArn: string;
  /** The IAM path the workload's roles and policies must live under (`/<project>/`). */
  readonly iamPath: string;
}

/** The platform's stack outputs. */
export interface PlatformOutputs {
  /** The AWS account the platform stack governs. */
  readonly accountId: string;
  /** The log-archive bucket (CloudTrail, AWS Config): SSE-KMS, versioned, TLS-only, non-public. */
  readonly logArchiveBucketName: string;
  readonly logArchiveBucketArn: string;
  /** The SSE-S3 bucket that receives S3 server access logs (S3 cannot deliver them to SSE-KMS buckets). */
  readonly accessLogsBucketName: string;
  /** KMS key for workload data at rest (also the EBS default key and the Glue Data Catalog key). */
  readonly dataKeyArn: string;
  /** KMS key for logs and alarms (CloudWatch Logs, CloudTrail, AWS Config, SNS). */
  readonly logsKeyArn: string;
  /** The encrypted SNS topic alarms and security findings go to. */
  readonly alarmTopicArn: string;
  /** Shield Advanced is subscribed: workloads may create `aws.shield.Protection`s. */
  readonly shieldAdvancedActive: boolean;
  /** QuickSight Enterprise is subscribed: workloads may create QuickSight assets. */
  readonly quicksightActive: boolean;
  /** The QuickSight namespace for workload assets; empty when QuickSight is inactive. */
  readonly quicksightNamespace: string;
  /** The QuickSight admin group's ARN, to grant asset permissions to; empty when inactive. */
  readonly quicksightAdminGroupArn: string;
  /** The GitHub Actions OIDC provider. */
  readonly githubOidcProviderArn: string;
  /** CI roles per workload project. */
  readonly ciRoles: Readonly<Record<WorkloadProject, CiRoleOutputs>>;
  /** The platform project's own CI roles (its deploy role administers the account). */
  readonly platformCiRoles: Readonly<Pick<CiRoleOutputs, "previewRoleArn" | "deployRoleArn">>;
}

/** Every output name, in one list (tests compare the planned outputs with it). */
export const PlatformOutputNames = [
  "accountId",
  "logArchiveBucketName",
  "logArchiveBucketArn",
  "accessLogsBucketName",
  "dataKeyArn",
  "logsKeyArn",
  "alarmTopicArn",
  "shieldAdvancedActive",
  "quicksightActive",
  "quicksightNamespace",
  "quicksightAdminGroupArn",
  "githubOidcProviderArn",
  "ciRoles",
  "platformCiRoles",
] as const satisfies readonly (keyof PlatformOutputs)[];

/** Compile-time check that the list above names every output. */
type Missing = Exclude<keyof PlatformOutputs, (typeof PlatformOutputNames)[number]>;
const _everyOutputListed: Missing extends never ? true : never = true;
void _everyOutputListed;

/**
 * The platform stack as a workload sees it. `stackName` comes from the workload's config
 * (`platformStack`, default `<org>/platform/<same stack>`: see `StackSettings.platformStack`).
 */
export class PlatformReference {
  /** The underlying StackReference. */
  readonly stack: pulumi.StackReference;

  constructor(stackName: string, opts?: pulumi.CustomResourceOptions) {
    this.stack = new pulumi.StackReference(stackName, {}, opts);
  }

  /** One output, typed; fails the deployment if the platform stack does not export it. */
  get<K extends keyof PlatformOutputs>(name: K): pulumi.Output<PlatformOutputs[K]> {
    return this.stack.requireOutput(name) as pulumi.Output<PlatformOutputs[K]>;
  }
}
