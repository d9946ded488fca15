/**
 * Web/app servers: an Auto Scaling group of EC2 instances in private subnets behind an
 * Application Load Balancer.
 *
 * | piece              | default                                                                 | control                 |
 * |--------------------|-------------------------------------------------------------------------|-------------------------|
 * | launch template    | IMDSv2 only, hop limit 1 (2 with `containers`), no public IP, no SSH    | EC2.170, EC2.25, AS.3/4 |
 * |                    | key, encrypted gp3 root volume (KMS), detailed monitoring, AL2023 AMI   | EC2.181, EC2.3          |
 * | instance role      | SSM managed instance core + CloudWatch agent; grant more to `instanceRole` |                      |
 * | Auto Scaling group | private subnets in every AZ, ELB health checks, profile's min/max,      | AutoScaling.1/2/6/9     |
 * |                    | two instance types (the profile's and its sibling), On-Demand           |                         |
 * |                    | rolling instance refresh on template change, CPU target tracking         |                         |
 * | load balancer      | application, drops invalid headers, desync `strictest`, deletion        | ELB.4/12/6/5            |
 * |                    | protection in prod, access logs to S3                                   |                         |
 * | listeners          | HTTPS with `ELBSecurityPolicy-TLS13-1-2-2021-06`; HTTP redirects to HTTPS | ELB.1/17/18           |
 * | security groups    | ALB: 443 (and 80 for the redirect) from CloudFront's origin-facing      | EC2.18/19               |
 * |                    | prefix list (default), the internet or named CIDRs; instances: the app  |                         |
 * |                    | port from the ALB only; egress HTTPS only (plus `allowTo`)              |                         |
 *
 * ## Without a certificate (dev only)
 * The ALB's own `*.elb.amazonaws.com` name cannot get an ACM certificate, so a dev stack without a
 * domain may omit `certificateArn`: the ALB then has one HTTP listener that forwards (no HTTPS, no
 * redirect; ELB.1/ELB.18 report it) and its security group opens port 80 instead of 443. Prod
 * throws without a certificate.
 *
 * ## Access logs
 * ALB access logs go to an SSE-S3 bucket in the same region (ALBs cannot write to SSE-KMS buckets)
 * whose policy carries `albAccessLogsBucketStatements`.
 *
 * ## Launch template version
 * The group follows the template's `latestVersion` rather than the literal `$Latest`: the version
 * number changes with every template change, which is what starts the instance refresh (with
 * `$Latest` the group's own inputs never change, so no refresh would run). The AMI comes from the
 * public SSM parameter at each deployment, so a new Amazon Linux release rolls the fleet on the
 * next `pulumi up` (launch before terminate: capacity never drops).
 *
 * ## WAF and Shield
 * An internet-facing ALB needs a REGIONAL web ACL (`WebFirewall.associate(name, fleet.albArn)`;
 * ELB.16) and, where the platform has Shield Advanced, `WebFirewall.protect(name, fleet.albArn)`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { cloudFrontOriginFacingPrefixListId } from "../edge/cdn-site";
import { KeyReference } from "../security/encryption-key";
import { PolicyStatement, throwIfProblems } from "../security/policy-document";
import { EncryptedBucket } from "../storage/encrypted-bucket";
import { FleetNotifications, GroupMetrics, fleetProblems, hardenedInstance, templateVersion } from "./instance-template";
import type { Fleet, FleetArgs, PrivateFleetNetwork } from "./instance-template";
import { rolePlacementProblems } from "../security/service-role";

// Moved to ./instance-template (shared with WorkerFleet); re-exported for existing importers.
export { Al2023AmiParameter, FleetNotifications, InstanceManagedPolicies, userDataProblems } from "./instance-template";

/** The ALB's TLS policy: TLS 1.3 and 1.2 only, forward-secret ciphers (ELB.17). */
export const AlbTlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The previous-generation sibling of each x86_64 family, for the second instance type a group can
 * fall back to when the first has no capacity in an AZ (AutoScaling.6).
 */
export const InstanceFamilyAlternatives: Readonly<Record<string, string>> = {
  m7i: "m6i", m6i: "m5", m5: "m5a", m7a: "m6a", m6a: "m5a",
  c7i: "c6i", c6i: "c5", c5: "c5a", c7a: "c6a", c6a: "c5a",
  r7i: "r6i", r6i: "r5", r5: "r5a", r7a: "r6a", r6a: "r5a",
  t3: "t3a", t3a: "t3",
};

/** An instance type and its sibling (`m7i.large` → `[m7i.large, m6i.large]`); just the type when its family has none. */
export function instanceTypesFor(instanceType: string): string[] {
  const [family, size] = instanceType.split(".");
  const alt = family !== undefined ? InstanceFamilyAlternatives[family] : undefined;
  return alt && size ? [instanceType, `${alt}.${size}`] : [instanceType];
}

/** Regions opened before August 2022, where ALB log delivery writes as a regional ELB account (newer ones use the service principal). */
export const ElbAccountLogRegions: ReadonlySet<string> = new Set([
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-north-1",
  "me-south-1", "sa-east-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1",
]);

/**
 * Bucket-policy statements that let ALB access logging of this account write under
 * `<prefix>AWSLogs/<account>/`: the log-delivery service principal, and in regions opened before
 * August 2022 the region's ELB account (`aws.elb.getServiceAccount`). Pass them to the log bucket's
 * `policyStatements`; the bucket must be SSE-S3 and in the ALB's region.
 */
export function albAccessLogsBucketStatements(args: { bucketArn: pulumi.Input<string>; region: string; prefix?: string; opts?: pulumi.InvokeOutputOptions }): PolicyStatement[] {
  const account = aws.getCallerIdentityOutput({}, args.opts).accountId;
  const prefix = albLogPrefix(args.prefix);
  const resource = pulumi.interpolate`${args.bucketArn}/${prefix ? `${prefix}/` : ""}AWSLogs/${account}/*`;
  const statements: PolicyStatement[] = [
    { Sid: "AlbLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: ["s3:PutObject"], Resource: resource },
  ];
  if (ElbAccountLogRegions.has(args.region)) {
    const elbAccount = aws.elb.getServiceAccountOutput({ region: args.region }, args.opts).arn;
    statements.push({ Sid: "AlbLogDeliveryElbAccount", Effect: "Allow", Principal: { AWS: elbAccount }, Action: ["s3:PutObject"], Resource: resource });
  }
  return statements;
}

function albLogPrefix(prefix: string | undefined): string {
  return (prefix ?? "alb").replace(/^\/+|\/+$/g, "");
}

/** The subnets and VPC the fleet runs in (a `SecureVpc` fits). */
export interface FleetNetwork extends PrivateFleetNetwork {
  /** Where an internet-facing ALB goes (the instances, and an internal ALB, go in `privateSubnetIds`). */
  publicSubnetIds: pulumi.Input<string[]>;
}

/** Who may reach the ALB's listener ports. */
export type AlbIngress = "cloudfront" | "internet" | { cidrBlocks: readonly string[] };

/** ALB access logs. */
export interface AlbAccessLogs {
  /** The SSE-S3 log bucket in the ALB's region: an `EncryptedBucket` (its policy is awaited) or a bucket name. Required. */
  bucket: EncryptedBucket | pulumi.Input<string>;
  /** Key prefix. Default: `alb`. */
  prefix?: string;
}

export interface WebFleetArgs extends FleetArgs {
  /** VPC and subnets. Required. */
  network: FleetNetwork;
  /** KMS key for the instances' EBS volumes; its policy must let this account use it through EC2 (`viaServices: ["ec2"]`), which covers the Auto Scaling service-linked role. Required. */
  kmsKey: KeyReference;
  /** ACM certificate for the HTTPS listener. Required in prod; in dev, omit it for an HTTP-only ALB. Default: none. */
  certificateArn?: pulumi.Input<string>;
  /** ALB access logs, or `false` for none (dev only; ELB.5). Required. */
  accessLogs: AlbAccessLogs | false;
  /** Place the ALB in public subnets with a public DNS name; false: an internal ALB in the private subnets. Default: true. */
  internetFacing?: boolean;
  /** Who reaches the ALB: `cloudfront` (CloudFront's origin-facing prefix list, so WAF cannot be bypassed), `internet`, or named CIDR blocks. Default: `cloudfront`. */
  albIngress?: AlbIngress;
  /** The port the application listens on. Default: 8080. */
  appPort?: number;
  /** Protocol from the ALB to the instances (`HTTPS` needs a certificate on the instances; any one, the ALB does not verify it). Default: `HTTP`. */
  targetProtocol?: "HTTP" | "HTTPS";
  /** Health-check path. Default: `/`. */
  healthCheckPath?: string;
  /** Instance types the group may launch, in order of preference, all x86_64 (the AMI's architecture). Default: the profile's `instanceType` and its previous-generation sibling (`instanceTypesFor`). */
  instanceTypes?: readonly string[];
  /** Minimum instances. Default: the profile's `minInstances`. */
  minSize?: number;
  /** Average CPU utilization (%) the group scales to hold. Default: 50. */
  targetCpuUtilization?: number;
  /** Root volume size in GiB (gp3). Default: 20. */
  rootVolumeSizeGiB?: number;
  /** SSM parameter holding the AMI id. Default: `Al2023AmiParameter`. */
  amiParameter?: string;
  /** Bootstrap script run at first boot (cloud-init user data); never secrets: it is stored in clear text. Default: none. */
  userData?: string;
  /** The instances run containers that need instance metadata: IMDS hop limit 2 instead of 1 (BP.EC2.1 then needs `maxHopLimit: 2`). Default: false. */
  containers?: boolean;
}

export class WebFleet extends pulumi.ComponentResource implements Fleet {
  /** The load balancer. */
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly albArn: pulumi.Output<string>;
  readonly albDnsName: pulumi.Output<string>;
  /** The ALB's Route 53 zone id (for alias records). */
  readonly albZoneId: pulumi.Output<string>;
  readonly albSecurityGroupId: pulumi.Output<string>;
  readonly instanceSecurityGroupId: pulumi.Output<string>;
  /** The instances' role: pass it to data components' grant methods. */
  readonly instanceRole: aws.iam.Role;
  readonly instanceRoleArn: pulumi.Output<string>;
  readonly instanceRoleName: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly autoScalingGroupName: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;

  private readonly componentName: string;
  private readonly context: BlueprintContext;

  constructor(name: string, args: WebFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:compute:WebFleet", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const prod = profile.environment === "prod";
    const internetFacing = args.internetFacing ?? true;
    const ingress = args.albIngress ?? "cloudfront";
    const appPort = args.appPort ?? 8080;
    const targetProtocol = args.targetProtocol ?? "HTTP";
    const healthCheckPath = args.healthCheckPath ?? "/";
    const instanceTypes = [...(args.instanceTypes ?? instanceTypesFor(profile.instanceType))];
    const minSize = args.minSize ?? profile.minInstances;
    const maxSize = args.maxSize ?? profile.maxInstances;
    const targetCpu = args.targetCpuUtilization ?? 50;
    const rootSize = args.rootVolumeSizeGiB ?? 20;
    const https = args.certificateArn !== undefined;

    const problems: string[] = [];
    if (!https && prod) problems.push("certificateArn is required in prod: the ALB must serve HTTPS and redirect HTTP to it (ELB.1, ELB.18)");
    if (args.accessLogs === false && prod) problems.push("accessLogs is false in prod: a production load balancer must log requests (ELB.5)");
    if (args.accessLogs && args.accessLogs.bucket instanceof EncryptedBucket && args.accessLogs.bucket.kmsKeyArn !== undefined) {
      problems.push("accessLogs.bucket is SSE-KMS: ALB access logs can only be written to an SSE-S3 bucket (encryption: \"s3-managed\")");
    }
    if (ingress === "internet" && !internetFacing) problems.push("albIngress \"internet\" with internetFacing false: an internal ALB has no internet path; name the CIDR blocks that reach it");
    if (ingress === "cloudfront" && !internetFacing) problems.push("albIngress \"cloudfront\" with internetFacing false: CloudFront reaches only internet-facing ALBs (use a VPC origin for a private one)");
    if (typeof ingress === "object") {
      if (ingress.cidrBlocks.length === 0) problems.push("albIngress.cidrBlocks is empty: name who may reach the ALB");
      for (const c of ingress.cidrBlocks) {
        if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(c)) problems.push(`albIngress.cidrBlocks: "${c}" is not an IPv4 CIDR block`);
        else if (c.endsWith("/0")) problems.push(`albIngress.cidrBlocks: "${c}" is the whole internet; use albIngress: "internet" to say so`);
      }
    } else if (ingress !== "cloudfront" && ingress !== "internet") problems.push(`albIngress = "${String(ingress)}": must be "cloudfront", "internet" or { cidrBlocks }`);
    if (!Number.isInteger(appPort) || appPort < 1 || appPort > 65535) problems.push(`appPort = ${appPort}: must be a port number from 1 to 65535`);
    if (targetProtocol !== "HTTP" && targetProtocol !== "HTTPS") problems.push(`targetProtocol = "${targetProtocol}": must be HTTP or HTTPS`);
    if (!healthCheckPath.startsWith("/")) problems.push(`healthCheckPath = "${healthCheckPath}": must start with /`);
    problems.push(...fleetProblems({ minSize, maxSize, rootSize, instanceTypes, prod, amiParameter: args.amiParameter, userData: args.userData }));
    if (prod && minSize < 2) problems.push(`minSize = ${minSize} in prod: at least 2 instances, so that losing one AZ or instance keeps the site up`);
    if (!(targetCpu > 0 && targetCpu <= 100)) problems.push(`targetCpuUtilization = ${targetCpu}: must be a percentage above 0 and at most 100`);
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`WebFleet ${name}`, problems);

    this.componentName = name;
    this.context = context;
    const physical = physicalName(context, name);
    const tags = (nameTag: string, own: Record<string, string> = {}) => withTags(context.tags, { ...(args.tags ?? {}), ...own }, nameTag);
    const { vpcId } = args.network;

    // --- security groups (rules as their own resources; the SGs keep no default egress) ---
    const albSg = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      { vpcId, description: `${physical} load balancer: its listener ports only`, tags: tags(`${physical}-alb`, { ingress: describeIngress(ingress) }) },
      { parent: this },
    );
    const instanceSg = new aws.ec2.SecurityGroup(
      `${name}-instances`,
      { vpcId, description: `${physical} instances: the app port from the load balancer only`, tags: tags(`${physical}-instances`) },
      { parent: this },
    );
    // With a certificate: 443, and 80 only where viewers arrive directly (CloudFront speaks HTTPS;
    // each prefix-list reference counts as the list's ~55 entries against the SG's rule quota).
    const listenerPorts = https ? (ingress === "cloudfront" ? [443] : [443, 80]) : [80];
    for (const port of listenerPorts) {
      const rule = { securityGroupId: albSg.id, ipProtocol: "tcp", fromPort: port, toPort: port };
      if (ingress === "cloudfront") {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-alb-${port}-cloudfront`,
          { ...rule, prefixListId: cloudFrontOriginFacingPrefixListId({ parent: this }), description: `Port ${port} from CloudFront origin-facing addresses only`, tags: tags(`${physical}-alb-${port}`) },
          { parent: this },
        );
      } else {
        const cidrs = ingress === "internet" ? ["0.0.0.0/0"] : [...ingress.cidrBlocks];
        cidrs.forEach((cidr, i) => {
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-alb-${port}-${ingress === "internet" ? "internet" : i}`,
            { ...rule, cidrIpv4: cidr, description: `Port ${port} from ${cidr}`, tags: tags(`${physical}-alb-${port}`) },
            { parent: this },
          );
        });
      }
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-to-instances`,
      { securityGroupId: albSg.id, ipProtocol: "tcp", fromPort: appPort, toPort: appPort, referencedSecurityGroupId: instanceSg.id, description: "Requests and health checks to the app port of the instances", tags: tags(`${physical}-alb-to-instances`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-instances-from-alb`,
      { securityGroupId: instanceSg.id, ipProtocol: "tcp", fromPort: appPort, toPort: appPort, referencedSecurityGroupId: albSg.id, description: "The app port from the load balancer only", tags: tags(`${physical}-instances-from-alb`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-instances-https-out`,
      { securityGroupId: instanceSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS out: AWS APIs (SSM, CloudWatch), package repositories", tags: tags(`${physical}-instances-https-out`) },
      { parent: this },
    );

    // --- instance role, profile and launch template (shared with WorkerFleet) ---
    const { role, launchTemplate } = hardenedInstance(this, name, {
      context,
      purpose: "web/app servers",
      physical,
      kmsKey: args.kmsKey,
      instanceType: instanceTypes[0]!,
      securityGroupId: instanceSg.id,
      rootVolumeSizeGiB: rootSize,
      amiParameter: args.amiParameter,
      userData: args.userData,
      containers: args.containers,
      rolePlacement: args.rolePlacement,
      tags: (n) => tags(n),
    });

    // --- load balancer, target group, listeners ---
    const logs = args.accessLogs === false ? undefined : args.accessLogs;
    const logBucket = logs ? (logs.bucket instanceof EncryptedBucket ? logs.bucket.bucketName : logs.bucket) : undefined;
    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: !internetFacing,
        ipAddressType: "ipv4",
        securityGroups: [albSg.id],
        subnets: internetFacing ? args.network.publicSubnetIds : args.network.privateSubnetIds,
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "strictest",
        enableDeletionProtection: profile.deletionProtection,
        enableHttp2: true,
        idleTimeout: 60,
        ...(logs ? { accessLogs: { bucket: logBucket!, prefix: albLogPrefix(logs.prefix), enabled: true } } : {}),
        tags: tags(`${physical}-alb`),
      },
      // ELB writes a test object when logging is enabled: the bucket policy must already admit it.
      { parent: this, ...(logs && logs.bucket instanceof EncryptedBucket ? { dependsOn: [logs.bucket.policy] } : {}) },
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId,
        targetType: "instance",
        port: appPort,
        protocol: targetProtocol,
        deregistrationDelay: 30,
        healthCheck: { enabled: true, path: healthCheckPath, protocol: targetProtocol, port: "traffic-port", matcher: "200-399", interval: 15, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
        tags: tags(`${physical}-tg`),
      },
      { parent: this },
    );
    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    if (https) {
      new aws.lb.Listener(
        `${name}-https`,
        { loadBalancerArn: this.loadBalancer.arn, port: 443, protocol: "HTTPS", sslPolicy: AlbTlsPolicy, certificateArn: args.certificateArn, defaultActions: forward, tags: tags(`${physical}-https`) },
        { parent: this },
      );
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
          tags: tags(`${physical}-http`),
        },
        { parent: this },
      );
    } else {
      new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: forward, tags: tags(`${physical}-http`) },
        { parent: this },
      );
    }

    // --- the Auto Scaling group ---
    const group = new aws.autoscaling.Group(
      name,
      {
        vpcZoneIdentifiers: args.network.privateSubnetIds,
        minSize,
        maxSize,
        healthCheckType: "ELB",
        healthCheckGracePeriod: 300,
        defaultInstanceWarmup: 120,
        targetGroupArns: [targetGroup.arn],
        mixedInstancesPolicy: {
          // On-Demand only, in the order given: the second type is the fallback.
          instancesDistribution: { onDemandAllocationStrategy: "prioritized", onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 },
          launchTemplate: {
            launchTemplateSpecification: { launchTemplateId: launchTemplate.id, version: templateVersion(launchTemplate) },
            overrides: instanceTypes.map((instanceType) => ({ instanceType })),
          },
        },
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, autoRollback: true } },
        enabledMetrics: [...GroupMetrics],
        tags: Object.entries(tags(physical)).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      { parent: this },
    );
    new aws.autoscaling.Policy(
      `${name}-cpu`,
      {
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" }, targetValue: targetCpu },
      },
      { parent: this },
    );
    if (args.notificationTopicArn !== undefined) {
      new aws.autoscaling.Notification(`${name}-events`, { groupNames: [group.name], topicArn: args.notificationTopicArn, notifications: [...FleetNotifications] }, { parent: this });
    }

    this.albArn = this.loadBalancer.arn;
    this.albDnsName = this.loadBalancer.dnsName;
    this.albZoneId = this.loadBalancer.zoneId;
    this.albSecurityGroupId = albSg.id;
    this.instanceSecurityGroupId = instanceSg.id;
    this.instanceRole = role;
    this.instanceRoleArn = role.arn;
    this.instanceRoleName = role.name;
    this.launchTemplateId = launchTemplate.id;
    this.autoScalingGroupName = group.name;
    this.targetGroupArn = targetGroup.arn;
    this.registerOutputs({
      albArn: this.albArn,
      albDnsName: this.albDnsName,
      albZoneId: this.albZoneId,
      albSecurityGroupId: this.albSecurityGroupId,
      instanceSecurityGroupId: this.instanceSecurityGroupId,
      instanceRoleArn: this.instanceRoleArn,
      instanceRoleName: this.instanceRoleName,
      autoScalingGroupName: this.autoScalingGroupName,
      targetGroupArn: this.targetGroupArn,
    });
  }

  /** Let another security group (e.g. a bastion-free admin tool, a sidecar) reach the instances on a TCP port. */
  allowFrom(name: string, securityGroupId: pulumi.Input<string>, port: number): aws.vpc.SecurityGroupIngressRule {
    this.checkPort("allowFrom", name, port);
    return new aws.vpc.SecurityGroupIngressRule(
      `${this.componentName}-from-${name}`,
      {
        securityGroupId: this.instanceSecurityGroupId,
        referencedSecurityGroupId: securityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `Port ${port} from ${name}`,
        tags: withTags(this.context.tags, {}, `${physicalName(this.context, this.componentName)}-from-${name}`),
      },
      { parent: this },
    );
  }

  /** Let the instances reach another security group (a database, a file system) on a TCP port: egress is HTTPS only otherwise. */
  allowTo(name: string, securityGroupId: pulumi.Input<string>, port: number): aws.vpc.SecurityGroupEgressRule {
    this.checkPort("allowTo", name, port);
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

  private checkPort(method: string, name: string, port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`WebFleet ${this.componentName}: ${method}("${name}") port = ${port}: must be a port number from 1 to 65535`);
  }
}

/** The ingress choice as a tag value. */
function describeIngress(ingress: AlbIngress): string {
  if (ingress === "cloudfront") return "cloudfront";
  if (ingress === "internet") return "internet";
  return `cidrs ${ingress.cidrBlocks.join(" ")}`;
}

