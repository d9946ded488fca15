/**
 * Queue workers: an Auto Scaling group of EC2 instances in private subnets, with no load balancer,
 * that pull jobs from an SQS queue (with a dead-letter queue) and scale on the queue's backlog per
 * instance. For batch work such as video transcoding.
 *
 * | piece              | default                                                                 | control                 |
 * |--------------------|-------------------------------------------------------------------------|-------------------------|
 * | launch template    | as `WebFleet` (instance-template.ts): IMDSv2 only, no public IP, no SSH | EC2.170, EC2.25, AS.3/4 |
 * |                    | key, encrypted gp3 root volume (KMS), detailed monitoring, SSM profile  | EC2.181, EC2.3          |
 * | instance types     | the caller's, compute-optimised (c-family) by default; GPU (g/p         | AutoScaling.6           |
 * |                    | families) only with `gpu: true`, which also picks a GPU AMI parameter   |                         |
 * | Auto Scaling group | private subnets in every AZ, EC2 health checks, On-Demand in the order  | AutoScaling.1/2/9       |
 * |                    | given, rolling instance refresh on template change                      |                         |
 * | scaling            | target tracking on backlog per instance: the queue's                    |                         |
 * |                    | `ApproximateNumberOfMessagesVisible` / the group's in-service instances |                         |
 * | queue + DLQ        | KMS-encrypted (the fleet's key), TLS-only queue policies, redrive after | SQS.1                   |
 * |                    | `maxReceiveCount` receives, DLQ keeps messages 14 days                  |                         |
 * | security group     | no ingress (workers pull); egress HTTPS only (plus `allowTo`)          | EC2.18/19               |
 * | instance role      | consume the queue, set its own scale-in protection while busy           |                         |
 *
 * ## Why backlog per instance, not CPU
 * A transcoding worker is busy at 100% CPU whether 1 or 1,000 jobs wait; the number that says
 * "add capacity" is jobs waiting per worker. The target (`targetBacklogPerInstance`) is the
 * acceptable wait divided by the time one job takes (AWS's "scaling based on Amazon SQS" pattern).
 * The metric is computed with CloudWatch metric math inside the target-tracking policy, so there is
 * no custom metric to publish.
 *
 * ## Scaling to zero
 * With `minSize: 0` the group empties when the queue does (no idle worker). With 0 instances the
 * ratio has no value, so target tracking cannot start the first worker: an alarm on "desired
 * capacity is 0 and jobs are waiting" (metric math over the queue and the group's metrics) runs a
 * step-scaling policy that sets the desired capacity to 1; target tracking takes over from there.
 *
 * ## Spot
 * `spot` runs the capacity above an On-Demand base on Spot (price-capacity-optimized over every
 * listed type, capacity rebalancing on). Workers must tolerate interruption: the queue's visibility
 * timeout returns an interrupted job, and a worker that watches the two-minute notice can release
 * it sooner.
 *
 * ## Scale-in and long jobs
 * The instance role may call `autoscaling:SetInstanceProtection` on this group only: a worker
 * protects itself while it processes a job and unprotects when done, so scale-in never kills a job
 * in flight; the queue's visibility timeout (`visibilityTimeoutSeconds`, extended by the worker with
 * `ChangeMessageVisibility`) returns the job to the queue if a worker dies anyway.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { KmsDecryptActions, KmsS3WriteActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, policyDocument, PolicyStatement, throwIfProblems } from "../security/policy-document";
import { FleetNotifications, GroupMetrics, fleetProblems, hardenedInstance, templateVersion } from "./instance-template";
import type { Fleet, FleetArgs, PrivateFleetNetwork } from "./instance-template";
import { rolePlacementProblems } from "../security/service-role";

/** SQS: what a consumer needs (on the queue ARN). */
export const SqsConsumeActions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"] as const;
/** SQS: what a producer needs (on the queue ARN). */
export const SqsSendActions = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"] as const;
/** Auto Scaling: what a worker needs to protect itself from scale-in while busy (on the group ARN). */
export const ScaleInProtectionActions = ["autoscaling:SetInstanceProtection"] as const;

/** The public SSM parameter of the latest Deep Learning Base AMI with NVIDIA drivers (Amazon Linux 2023, x86_64). */
export const GpuAmiParameter = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id";

/** Families that have NVIDIA GPUs (for the `gpu` check). */
const GpuFamilyPattern = /^(g4dn|g5|g6|g6e|gr6|p3|p4d|p5)\./;

/** The subnets the workers run in (a `SecureVpc` fits); no public subnets: workers only pull. */
export type WorkerNetwork = PrivateFleetNetwork;

/** A queue owned elsewhere, for the fleet to consume. */
export interface ExistingJobQueue {
  arn: pulumi.Input<string>;
  url: pulumi.Input<string>;
  /** The queue's name (for the CloudWatch metric). */
  name: pulumi.Input<string>;
  /** The key that encrypts it, for the decrypt grant. */
  kmsKeyArn: pulumi.Input<string>;
}

/** Settings of the queue the fleet creates. */
export interface JobQueueSettings {
  /** Seconds a received job stays invisible to other workers (the worker extends it while busy), 0 to 43200. Default: 900. */
  visibilityTimeoutSeconds?: number;
  /** Receives before a job goes to the dead-letter queue. Default: 3. */
  maxReceiveCount?: number;
  /** Seconds a job waits in the queue before it expires, 60 to 1209600. Default: 345600 (4 days). */
  messageRetentionSeconds?: number;
}

/** How much of the fleet runs on Spot. */
export interface WorkerSpotSettings {
  /** Instances always On-Demand (the first ones). Default: 0. */
  onDemandBaseCapacity?: number;
  /** Percent On-Demand above the base, 0 to 100. Default: 0 (all Spot above the base). */
  onDemandPercentageAboveBaseCapacity?: number;
}

export interface WorkerFleetArgs extends FleetArgs {
  /** VPC and private subnets. Required. */
  network: WorkerNetwork;
  /** KMS key for the EBS volumes and the queues; its policy must allow EC2 (`viaServices: ["ec2", "sqs"]`). Required. */
  kmsKey: KeyReference;
  /** Instance types, in order of preference (On-Demand, the later ones are fallbacks). Required: say what kind of work this is (e.g. `["c7i.2xlarge", "c6i.2xlarge"]`). */
  instanceTypes: readonly string[];
  /** GPU instances (g/p families) with a GPU AMI. Default: false (compute-optimised CPU instances). */
  gpu?: boolean;
  /** Minimum instances; 0 lets the group empty when the queue does (see "Scaling to zero"). Default: the profile's `minInstances`. */
  minSize?: number;
  /** Jobs waiting per in-service instance the group scales to hold. Default: 2. */
  targetBacklogPerInstance?: number;
  /** The queue to consume: settings for a queue the fleet creates (with a DLQ), or an existing queue. Default: a new queue with default settings. */
  queue?: JobQueueSettings | { existing: ExistingJobQueue };
  /** Spot above an On-Demand base: `onDemandBaseCapacity` instances On-Demand, then `onDemandPercentageAboveBaseCapacity` % On-Demand (0: all Spot). Default: none (all On-Demand). */
  spot?: WorkerSpotSettings;
  /** Root volume size in GiB (gp3): scratch space for jobs. Default: 100. */
  rootVolumeSizeGiB?: number;
  /** SSM parameter holding the AMI id. Default: `Al2023AmiParameter`, or `GpuAmiParameter` with `gpu`. */
  amiParameter?: string;
  /** Bootstrap script (cloud-init user data) that starts the worker; never secrets. Default: none. */
  userData?: string;
}

export class WorkerFleet extends pulumi.ComponentResource implements Fleet {
  /** The job queue's URL, ARN and name. */
  readonly queueUrl: pulumi.Output<string>;
  readonly queueArn: pulumi.Output<string>;
  readonly queueName: pulumi.Output<string>;
  /** The dead-letter queue's ARN and name (when the fleet created the queue). */
  readonly deadLetterQueueArn: pulumi.Output<string> | undefined;
  readonly deadLetterQueueName: pulumi.Output<string> | undefined;
  /** The key that encrypts the queue. */
  readonly queueKeyArn: pulumi.Output<string>;
  readonly instanceSecurityGroupId: pulumi.Output<string>;
  /** The instances' role: pass it to data components' grant methods (e.g. read uploads, write renditions). */
  readonly instanceRole: aws.iam.Role;
  readonly instanceRoleArn: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly autoScalingGroupName: pulumi.Output<string>;
  readonly autoScalingGroupArn: pulumi.Output<string>;

  private readonly componentName: string;
  private readonly context: BlueprintContext;

  constructor(name: string, args: WorkerFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:compute:WorkerFleet", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const prod = profile.environment === "prod";
    const gpu = args.gpu ?? false;
    const instanceTypes = [...args.instanceTypes];
    const minSize = args.minSize ?? profile.minInstances;
    const maxSize = args.maxSize ?? profile.maxInstances;
    const target = args.targetBacklogPerInstance ?? 2;
    const rootSize = args.rootVolumeSizeGiB ?? 100;
    const existing = args.queue && "existing" in args.queue ? args.queue.existing : undefined;
    const settings: JobQueueSettings = args.queue && !("existing" in args.queue) ? args.queue : {};
    const visibility = settings.visibilityTimeoutSeconds ?? 900;
    const maxReceiveCount = settings.maxReceiveCount ?? 3;
    const retention = settings.messageRetentionSeconds ?? 345_600;

    const problems: string[] = [];
    problems.push(...fleetProblems({ minSize, maxSize, rootSize, instanceTypes, prod, amiParameter: args.amiParameter, userData: args.userData }));
    const onDemandBase = args.spot?.onDemandBaseCapacity ?? 0;
    const onDemandAbove = args.spot?.onDemandPercentageAboveBaseCapacity ?? 0;
    if (args.spot && (!Number.isInteger(onDemandBase) || onDemandBase < 0 || onDemandBase > maxSize)) problems.push(`spot.onDemandBaseCapacity = ${onDemandBase}: a whole number from 0 to maxSize (${maxSize})`);
    if (args.spot && (!Number.isInteger(onDemandAbove) || onDemandAbove < 0 || onDemandAbove > 100)) problems.push(`spot.onDemandPercentageAboveBaseCapacity = ${onDemandAbove}: a whole number from 0 to 100`);
    if (!(target > 0)) problems.push(`targetBacklogPerInstance = ${target}: must be above 0`);
    for (const t of instanceTypes) {
      if (gpu && !GpuFamilyPattern.test(t)) problems.push(`instanceTypes: "${t}" has no GPU but gpu is true: use g4dn, g5, g6, g6e, gr6, p3, p4d or p5 types`);
      if (!gpu && GpuFamilyPattern.test(t)) problems.push(`instanceTypes: "${t}" is a GPU type but gpu is false: set gpu: true (it picks the GPU AMI)`);
    }
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43_200) problems.push(`queue.visibilityTimeoutSeconds = ${visibility}: must be a whole number from 0 to 43200`);
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) problems.push(`queue.maxReceiveCount = ${maxReceiveCount}: must be a whole number from 1 to 1000`);
    if (!Number.isInteger(retention) || retention < 60 || retention > 1_209_600) problems.push(`queue.messageRetentionSeconds = ${retention}: must be a whole number from 60 to 1209600`);
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`WorkerFleet ${name}`, problems);

    this.componentName = name;
    this.context = context;
    const physical = physicalName(context, name);
    const tags = (nameTag: string, own: Record<string, string> = {}) => withTags(context.tags, { ...(args.tags ?? {}), ...own }, nameTag);
    const keyArn = pulumi.output(keyArnOf(args.kmsKey));

    // --- the job queue and its dead-letter queue ---
    if (existing) {
      this.queueArn = pulumi.output(existing.arn);
      this.queueUrl = pulumi.output(existing.url);
      this.queueName = pulumi.output(existing.name);
      this.queueKeyArn = pulumi.output(existing.kmsKeyArn);
      this.deadLetterQueueArn = undefined;
      this.deadLetterQueueName = undefined;
    } else {
      const encryption = { kmsMasterKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 300 };
      const dlq = new aws.sqs.Queue(
        `${name}-dlq`,
        { ...encryption, messageRetentionSeconds: 1_209_600, tags: tags(`${physical}-dlq`) },
        { parent: this },
      );
      const queue = new aws.sqs.Queue(
        `${name}-jobs`,
        {
          ...encryption,
          visibilityTimeoutSeconds: visibility,
          messageRetentionSeconds: retention,
          receiveWaitTimeSeconds: 20,
          redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
          tags: tags(`${physical}-jobs`),
        },
        { parent: this },
      );
      new aws.sqs.RedriveAllowPolicy(
        `${name}-dlq-redrive-allow`,
        { queueUrl: dlq.url, redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }) },
        { parent: this },
      );
      for (const [suffix, q] of [["jobs", queue], ["dlq", dlq]] as const) {
        new aws.sqs.QueuePolicy(`${name}-${suffix}-tls-only`, { queueUrl: q.url, policy: policyDocument([tlsOnlyQueueStatement(q.arn)]) }, { parent: this });
      }
      this.queueArn = queue.arn;
      this.queueUrl = queue.url;
      this.queueName = queue.name;
      this.queueKeyArn = keyArn;
      this.deadLetterQueueArn = dlq.arn;
      this.deadLetterQueueName = dlq.name;
    }

    // --- security group: no ingress, HTTPS out ---
    const instanceSg = new aws.ec2.SecurityGroup(
      `${name}-instances`,
      { vpcId: args.network.vpcId, description: `${physical} workers: no ingress, HTTPS out`, tags: tags(`${physical}-instances`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-instances-https-out`,
      { securityGroupId: instanceSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS out: SQS, S3, SSM, CloudWatch, package repositories", tags: tags(`${physical}-instances-https-out`) },
      { parent: this },
    );

    // --- role, profile, launch template (shared with WebFleet) ---
    const { role, launchTemplate } = hardenedInstance(this, name, {
      context,
      purpose: gpu ? "GPU queue workers" : "queue workers",
      physical,
      kmsKey: args.kmsKey,
      instanceType: instanceTypes[0]!,
      securityGroupId: instanceSg.id,
      rootVolumeSizeGiB: rootSize,
      amiParameter: args.amiParameter ?? (gpu ? GpuAmiParameter : undefined),
      userData: args.userData,
      rolePlacement: args.rolePlacement,
      tags: (n) => tags(n),
    });

    // --- the Auto Scaling group, without a load balancer ---
    const group = new aws.autoscaling.Group(
      name,
      {
        vpcZoneIdentifiers: args.network.privateSubnetIds,
        minSize,
        maxSize,
        healthCheckType: "EC2",
        healthCheckGracePeriod: 300,
        defaultInstanceWarmup: 180,
        mixedInstancesPolicy: {
          instancesDistribution: args.spot
            ? { onDemandAllocationStrategy: "prioritized", onDemandBaseCapacity: onDemandBase, onDemandPercentageAboveBaseCapacity: onDemandAbove, spotAllocationStrategy: "price-capacity-optimized" }
            : { onDemandAllocationStrategy: "prioritized", onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 },
          launchTemplate: {
            launchTemplateSpecification: { launchTemplateId: launchTemplate.id, version: templateVersion(launchTemplate) },
            overrides: instanceTypes.map((instanceType) => ({ instanceType })),
          },
        },
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90, autoRollback: true, scaleInProtectedInstances: "Wait" } },
        enabledMetrics: [...GroupMetrics],
        ...(args.spot ? { capacityRebalance: true } : {}),
        tags: Object.entries(tags(physical)).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      { parent: this },
    );
    new aws.autoscaling.Policy(
      `${name}-backlog`,
      {
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        estimatedInstanceWarmup: 180,
        targetTrackingConfiguration: {
          targetValue: target,
          customizedMetricSpecification: {
            metrics: [
              {
                id: "visible",
                label: "Jobs waiting",
                returnData: false,
                metricStat: {
                  stat: "Sum",
                  metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: this.queueName }] },
                },
              },
              {
                id: "inservice",
                label: "Workers in service",
                returnData: false,
                metricStat: {
                  stat: "Average",
                  metric: { namespace: "AWS/AutoScaling", metricName: "GroupInServiceInstances", dimensions: [{ name: "AutoScalingGroupName", value: group.name }] },
                },
              },
              { id: "backlog", label: "Jobs waiting per worker", expression: "visible / inservice", returnData: true },
            ],
          },
        },
      },
      { parent: this },
    );
    if (minSize === 0) {
      // Target tracking has no ratio at 0 instances: this alarm starts the first worker.
      const fromZero = new aws.autoscaling.Policy(
        `${name}-from-zero`,
        {
          autoscalingGroupName: group.name,
          policyType: "StepScaling",
          adjustmentType: "ExactCapacity",
          metricAggregationType: "Maximum",
          stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
        },
        { parent: this },
      );
      new aws.cloudwatch.MetricAlarm(
        `${name}-jobs-waiting-no-workers`,
        {
          name: `${physical}-jobs-waiting-no-workers`,
          alarmDescription: `Jobs wait on ${physical}'s queue and the group's desired capacity is 0: sets it to 1 (scaling from zero), then target tracking takes over.`,
          metricQueries: [
            { id: "visible", returnData: false, metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", stat: "Maximum", period: 60, dimensions: { QueueName: this.queueName } } },
            { id: "desired", returnData: false, metric: { namespace: "AWS/AutoScaling", metricName: "GroupDesiredCapacity", stat: "Maximum", period: 60, dimensions: { AutoScalingGroupName: group.name } } },
            { id: "startnow", label: "Jobs waiting with no workers", expression: "IF(desired == 0 AND visible > 0, 1, 0)", returnData: true },
          ],
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          evaluationPeriods: 1,
          treatMissingData: "notBreaching",
          alarmActions: [fromZero.arn],
          tags: tags(`${physical}-jobs-waiting-no-workers`),
        },
        { parent: this },
      );
    }
    if (args.notificationTopicArn !== undefined) {
      new aws.autoscaling.Notification(`${name}-events`, { groupNames: [group.name], topicArn: args.notificationTopicArn, notifications: [...FleetNotifications] }, { parent: this });
    }

    // --- what the workers may do: consume the queue, protect themselves while busy ---
    grantToRole(this, name, role, "consume-jobs", [
      { Sid: "ConsumeJobs", Effect: "Allow", Action: [...SqsConsumeActions], Resource: this.queueArn },
      { Sid: "DecryptJobs", Effect: "Allow", Action: [...KmsDecryptActions], Resource: this.queueKeyArn },
      { Sid: "ScaleInProtection", Effect: "Allow", Action: [...ScaleInProtectionActions], Resource: group.arn },
    ]);

    this.instanceSecurityGroupId = instanceSg.id;
    this.instanceRole = role;
    this.instanceRoleArn = role.arn;
    this.launchTemplateId = launchTemplate.id;
    this.autoScalingGroupName = group.name;
    this.autoScalingGroupArn = group.arn;
    this.registerOutputs({
      queueUrl: this.queueUrl,
      queueArn: this.queueArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      instanceSecurityGroupId: this.instanceSecurityGroupId,
      instanceRoleArn: this.instanceRoleArn,
      autoScalingGroupName: this.autoScalingGroupName,
    });
  }

  /** Let a role enqueue jobs (e.g. the upload handler), encrypting with the queue's key. */
  grantSendJobs(role: aws.iam.Role): aws.iam.RolePolicy {
    return grantToRole(this, this.componentName, role, "send-jobs", [
      { Sid: "SendJobs", Effect: "Allow", Action: [...SqsSendActions], Resource: this.queueArn },
      { Sid: "EncryptJobs", Effect: "Allow", Action: [...KmsS3WriteActions], Resource: this.queueKeyArn },
    ]);
  }

  /** Let a role consume jobs (another consumer than the fleet, e.g. a completion handler). */
  grantConsumeJobs(role: aws.iam.Role): aws.iam.RolePolicy {
    return grantToRole(this, this.componentName, role, "consume-jobs", [
      { Sid: "ConsumeJobs", Effect: "Allow", Action: [...SqsConsumeActions], Resource: this.queueArn },
      { Sid: "DecryptJobs", Effect: "Allow", Action: [...KmsDecryptActions], Resource: this.queueKeyArn },
    ]);
  }

  /** Let the workers reach another security group (a database, a file system) on a TCP port: egress is HTTPS only otherwise. */
  allowTo(name: string, securityGroupId: pulumi.Input<string>, port: number): aws.vpc.SecurityGroupEgressRule {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`WorkerFleet ${this.componentName}: allowTo("${name}") port = ${port}: must be a port number from 1 to 65535`);
    return new aws.vpc.SecurityGroupEgressRule(
      `${this.componentName}-to-${name}`,
      {
        securityGroupId: this.instanceSecurityGroupId,
        referencedSecurityGroupId: securityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `Port ${port} to ${name}`,
        tags: withTags(this.context.tags, {}, `${physicalName(this.context, this.componentName)}-to-${name}`),
      },
      { parent: this },
    );
  }
}

/** Queue-policy statement: deny any request without TLS. */
export function tlsOnlyQueueStatement(queueArn: pulumi.Input<string>): PolicyStatement {
  return { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } } };
}
