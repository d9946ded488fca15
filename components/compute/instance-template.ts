/**
 * The hardened instance pieces every EC2 fleet here shares (`WebFleet`, `WorkerFleet`): the
 * instance role with Session Manager and the CloudWatch agent, its instance profile, and a launch
 * template with IMDSv2 only, no public IP, an encrypted gp3 root volume, detailed monitoring and
 * the AMI from a public SSM parameter. Resource names are the fleet's (`<name>-instances` role and
 * profile, `<name>` template), so a fleet that moved onto this helper kept its URNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintContext } from "../../shared/context";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { RolePlacement, serviceRole } from "../security/service-role";

/** The public SSM parameter with the latest Amazon Linux 2023 AMI (x86_64). */
export const Al2023AmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** AWS managed policies every instance role carries, by a short name (the partition is added to the ARN). */
export const InstanceManagedPolicies = { "ssm-core": "AmazonSSMManagedInstanceCore", "cloudwatch-agent": "CloudWatchAgentServerPolicy" } as const;

/** Metrics every fleet's Auto Scaling group publishes (AutoScaling.* dashboards, alarms). */
export const GroupMetrics = ["GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"] as const;

/** The subnets every fleet's instances run in, private (a `SecureVpc` fits). */
export interface PrivateFleetNetwork {
  vpcId: pulumi.Input<string>;
  /** Where the instances go. */
  privateSubnetIds: pulumi.Input<string[]>;
}

/**
 * The arguments every EC2 fleet takes the same way (`WebFleetArgs` and `WorkerFleetArgs` extend
 * it; each documents its own `kmsKey`, `minSize`, `rootVolumeSizeGiB`, `amiParameter`, `userData`).
 */
export interface FleetArgs {
  /** The stack's context (tags, profile, region). Required. */
  context: BlueprintContext;
  /** Maximum instances. Default: the profile's `maxInstances`. */
  maxSize?: number;
  /** SNS topic for launch/terminate events and their failures (the platform's `alarmTopicArn`). Default: none. */
  notificationTopicArn?: pulumi.Input<string>;
  /** IAM path and permissions boundary of the instance role (the platform's `ciRoles[project]`). Default: path `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones (also on instances and volumes). Default: none. */
  tags?: Record<string, string>;
}

/** What every EC2 fleet exposes, for grants, alarms and security-group rules (`WebFleet` and `WorkerFleet` implement it). */
export interface Fleet {
  /** The instances' security group. */
  readonly instanceSecurityGroupId: pulumi.Output<string>;
  /** The instance role (pass it to grant methods). */
  readonly instanceRole: aws.iam.Role;
  readonly instanceRoleArn: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly autoScalingGroupName: pulumi.Output<string>;
}

export interface HardenedInstanceArgs {
  context: BlueprintContext;
  /** What the instances are, for descriptions (e.g. "web/app servers"). */
  purpose: string;
  /** Physical name used in descriptions and Name tags. */
  physical: string;
  /** KMS key of the root volume. */
  kmsKey: KeyReference;
  /** The launch template's default type (the group overrides it with its list). */
  instanceType: string;
  /** The instances' security group. */
  securityGroupId: pulumi.Input<string>;
  rootVolumeSizeGiB: number;
  amiParameter?: string;
  userData?: string;
  /** IMDS hop limit 2 instead of 1 (containers that read instance metadata). */
  containers?: boolean;
  rolePlacement?: RolePlacement;
  /** Tags for a Name (required tags and the caller's extras merged in). */
  tags: (nameTag: string) => Record<string, string>;
}

export interface HardenedInstance {
  readonly role: aws.iam.Role;
  readonly instanceProfile: aws.iam.InstanceProfile;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
}

/** Create the role, profile and launch template of a fleet, as children of `parent`. */
export function hardenedInstance(parent: pulumi.Resource, name: string, args: HardenedInstanceArgs): HardenedInstance {
  const { physical, tags } = args;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const role = serviceRole(parent, `${name}-instances`, {
    context: args.context,
    service: "ec2.amazonaws.com",
    description: `Instances of ${physical}: Session Manager and the CloudWatch agent; grants add the rest`,
    placement: args.rolePlacement,
  });
  for (const [short, policy] of Object.entries(InstanceManagedPolicies)) {
    new aws.iam.RolePolicyAttachment(`${name}-${short}`, { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` }, { parent });
  }
  const instanceProfile = new aws.iam.InstanceProfile(
    `${name}-instances`,
    { role: role.name, path: args.rolePlacement?.path ?? "/", tags: tags(`${physical}-instances`) },
    { parent },
  );
  const imageId = aws.ssm.getParameterOutput({ name: args.amiParameter ?? Al2023AmiParameter }, { parent }).value;
  const launchTemplate = new aws.ec2.LaunchTemplate(
    name,
    {
      description: `${physical} ${args.purpose}`,
      imageId,
      instanceType: args.instanceType,
      iamInstanceProfile: { arn: instanceProfile.arn },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: args.containers ? 2 : 1, instanceMetadataTags: "disabled" },
      monitoring: { enabled: true },
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [args.securityGroupId] }],
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeType: "gp3", volumeSize: args.rootVolumeSizeGiB, encrypted: "true", kmsKeyId: keyArnOf(args.kmsKey), deleteOnTermination: "true" },
        },
      ],
      ...(args.userData !== undefined ? { userData: Buffer.from(args.userData, "utf8").toString("base64") } : {}),
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: tags(physical) })),
      updateDefaultVersion: true,
      tags: tags(physical),
    },
    { parent },
  );
  return { role, instanceProfile, launchTemplate };
}

/** The template version a group follows: the number changes with every template change, which starts the instance refresh. */
export function templateVersion(template: aws.ec2.LaunchTemplate): pulumi.Output<string> {
  return template.latestVersion.apply((v) => `${v}`);
}

/** Problems with a user-data script: size, and credentials that would sit in clear text. */
export function userDataProblems(userData: string): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(userData, "utf8") > 16 * 1024) problems.push("userData is larger than 16 KB: fetch the rest from S3 or SSM at boot");
  if (/\b(AKIA|ASIA)[0-9A-Z]{16}\b/.test(userData)) problems.push("userData contains an AWS access key id: user data is stored in clear text; use the instance role");
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(userData)) problems.push("userData contains a private key: user data is stored in clear text; read it from Secrets Manager at boot");
  return problems;
}

/** Auto Scaling events sent to a fleet's `notificationTopicArn`. */
export const FleetNotifications = [
  "autoscaling:EC2_INSTANCE_LAUNCH",
  "autoscaling:EC2_INSTANCE_TERMINATE",
  "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
  "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
] as const;

/** Common validation of fleet sizes, types and template inputs. */
export function fleetProblems(a: { minSize: number; maxSize: number; rootSize: number; instanceTypes: readonly string[]; prod: boolean; amiParameter?: string; userData?: string }): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(a.minSize) || a.minSize < 0) problems.push(`minSize = ${a.minSize}: must be a whole number >= 0`);
  if (!Number.isInteger(a.maxSize) || a.maxSize < 1) problems.push(`maxSize = ${a.maxSize}: must be a whole number >= 1`);
  if (a.minSize > a.maxSize) problems.push(`minSize (${a.minSize}) must be <= maxSize (${a.maxSize})`);
  if (!Number.isInteger(a.rootSize) || a.rootSize < 8 || a.rootSize > 16384) problems.push(`rootVolumeSizeGiB = ${a.rootSize}: must be a whole number from 8 (the AMI's snapshot) to 16384`);
  for (const t of a.instanceTypes) if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t)) problems.push(`instanceTypes: "${t}" is not an EC2 instance type such as m7i.large`);
  if (a.instanceTypes.length === 0) problems.push("instanceTypes is empty: name at least one instance type");
  else if (a.prod && new Set(a.instanceTypes).size < 2) problems.push(`instanceTypes = [${a.instanceTypes.join(", ")}] in prod: name at least two types, so a capacity shortage of one does not stop scaling (AutoScaling.6)`);
  if (new Set(a.instanceTypes).size !== a.instanceTypes.length) problems.push("instanceTypes lists a type twice");
  if (a.amiParameter !== undefined && !a.amiParameter.startsWith("/")) problems.push(`amiParameter = "${a.amiParameter}": must be an SSM parameter path starting with /`);
  if (a.userData !== undefined) problems.push(...userDataProblems(a.userData));
  return problems;
}
