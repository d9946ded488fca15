/**
 * A workload VPC: `awsx.ec2.Vpc` lays out the subnets, route tables and NAT gateways; everything
 * the policy pack must see offline is created beside it with `@pulumi/aws` (awsx components are
 * one opaque registration under mocks, see `pulumi-notes.md` §2.3).
 *
 * | piece                      | default                                                        | control      |
 * |----------------------------|----------------------------------------------------------------|--------------|
 * | subnets                    | public, private and isolated in each of the profile's AZs;     | EC2.15: see  |
 * |                            | awsx maps public IPs in the public ones (no switch: exempted in the pack config) |  |
 * | NAT gateways               | the profile's `natStrategy` (scenarios below)                  |              |
 * | DNS                        | hostnames and resolution on (needed by interface endpoints)    |              |
 * | flow logs                  | VPC-level, the profile's traffic type, to a KMS-encrypted      | EC2.6        |
 * |                            | log group, through a role that can write only to that group    |              |
 * | default security group     | adopted with no rules (nothing can use it)                     | EC2.2        |
 * | gateway endpoints          | S3 and DynamoDB on every route table of the VPC (free)         |              |
 * | interface endpoints        | `DefaultInterfaceEndpoints`, private DNS, in the private       | EC2.57 (ssm) |
 * |                            | subnets, reachable on 443 from the VPC's CIDR only             |              |
 *
 * ## NAT gateway scenarios
 *
 * One place decides (`natStrategy`, default the profile's), in awsx's vocabulary:
 *
 * | `natStrategy` | NAT gateways        | private subnets' egress when one AZ fails        | fixed cost (us-east-1)      | use for                    |
 * |---------------|---------------------|--------------------------------------------------|-----------------------------|----------------------------|
 * | `OnePerAz`    | one per AZ          | unaffected in the other AZs (each AZ routes to its own) | ~USD 33/month per AZ + USD 0.045/GB | prod (profile default)     |
 * | `Single`      | one, in the first AZ| lost in every AZ (single point of failure)        | ~USD 33/month + USD 0.045/GB | dev (profile default)      |
 * | `None`        | none                | private subnets have no internet route at all     | none                        | private-only workloads that reach AWS through endpoints |
 *
 * Isolated subnets never route to a NAT gateway or the internet gateway, whatever the strategy.
 * The free gateway endpoints keep S3 and DynamoDB traffic off the NAT gateways (no per-GB charge).
 *
 * ## Why the default network ACL is not adopted
 * terraform-aws-vpc adopts the default NACL too. Here it would have to either keep AWS's
 * allow-all rules (adopting changes nothing) or deny ports such as 22/3389 from the internet,
 * which breaks stateless return traffic: NAT gateways and ALB nodes use source ports 1024-65535,
 * so replies addressed to 22 or 3389 would be dropped at random. Filtering is done by security
 * groups, which are stateful.
 *
 * ## Offline plan
 * The gateway endpoints take their route tables from `aws.ec2.getRouteTablesOutput({ vpcId })`
 * (awsx exposes route tables only as resources, which mocks cannot provide). The invoke runs once
 * the VPC component has finished, so every route table awsx creates is listed.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { FlowLogTrafficType, FlowLogTrafficTypes, NatStrategies, NatStrategy } from "../../shared/profiles";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { EncryptedLogGroup } from "../observability/log-group";
import { KeyReference } from "../security/encryption-key";
import { policyDocument, throwIfProblems } from "../security/policy-document";

/**
 * Interface endpoints a workload gets unless it names its own: Session Manager (ssm, ssmmessages,
 * ec2messages) so instances are managed without internet access, and the APIs every workload
 * here calls from private subnets (Secrets Manager, KMS, CloudWatch Logs, STS). Each costs about
 * USD 7.30 a month per AZ plus USD 0.01/GB.
 */
export const DefaultInterfaceEndpoints = ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "logs", "sts"] as const;

/** Services reached through free gateway endpoints (route-table entries, no ENIs). */
export const GatewayEndpointServices = ["s3", "dynamodb"] as const;
export type GatewayEndpointService = (typeof GatewayEndpointServices)[number];

/** Actions the flow-log delivery role needs on its log group. */
const FlowLogWriteActions = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"] as const;

export interface SecureVpcArgs {
  /** The stack's context (tags, profile, region). Required. */
  context: BlueprintContext;
  /** KMS key that encrypts the flow-log group; its key policy must allow the `logs` service principal (the platform's `logsKeyArn`). Required. */
  flowLogKey: KeyReference;
  /** The VPC's IPv4 CIDR block, a /16 to /22. Default: `10.0.0.0/16`. */
  cidrBlock?: string;
  /** How many AZs the subnets span, 2 to 6. Default: the profile's `availabilityZones` (dev 2, prod 3). */
  availabilityZones?: number;
  /** NAT gateways: `OnePerAz`, `Single` or `None` (see the scenario table). Default: the profile's `natStrategy` (dev `Single`, prod `OnePerAz`). */
  natStrategy?: NatStrategy;
  /** Traffic the flow log captures: `ALL`, `ACCEPT` or `REJECT`. Default: the profile's `flowLogTrafficType` (dev `REJECT`, prod `ALL`). */
  flowLogTrafficType?: FlowLogTrafficType;
  /** Services to reach through interface endpoints, by endpoint suffix (`ssm`, `ecr.api`, ...). `[]` for none. Default: `DefaultInterfaceEndpoints`. */
  interfaceEndpoints?: readonly string[];
  /** Services to reach through gateway endpoints. `[]` for none. Default: `s3` and `dynamodb`. */
  gatewayEndpoints?: readonly GatewayEndpointService[];
  /** IAM path and permissions boundary of the flow-log role (the platform's `ciRoles[project]`). Default: path `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class SecureVpc extends pulumi.ComponentResource {
  /** The awsx VPC (read only its id outputs: it is opaque under mocks). */
  readonly vpc: awsx.ec2.Vpc;
  /** The VPC's id. */
  readonly vpcId: pulumi.Output<string>;
  /** Public subnets (load balancers, NAT gateways), one per AZ. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Private subnets (application tier; egress through NAT), one per AZ. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Isolated subnets (data tier; no route out of the VPC), one per AZ. */
  readonly isolatedSubnetIds: pulumi.Output<string[]>;
  /** The VPC's CIDR block. */
  readonly cidrBlock: pulumi.Output<string>;
  /** The encrypted log group the flow log writes to. */
  readonly flowLogGroupArn: pulumi.Output<string>;
  /** The security group of the interface endpoints (443 from the VPC); undefined without interface endpoints. */
  readonly endpointSecurityGroupId: pulumi.Output<string> | undefined;
  /** Interface endpoints by service suffix. */
  readonly interfaceEndpoints: Readonly<Record<string, aws.ec2.VpcEndpoint>>;
  /** Gateway endpoints by service. */
  readonly gatewayEndpoints: Readonly<Partial<Record<GatewayEndpointService, aws.ec2.VpcEndpoint>>>;
  /** The NAT strategy in effect. */
  readonly natStrategy: NatStrategy;
  /** How many AZs the subnets span. */
  readonly availabilityZoneCount: number;

  constructor(name: string, args: SecureVpcArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:network:SecureVpc", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    const azCount = args.availabilityZones ?? profile.availabilityZones;
    const natStrategy = args.natStrategy ?? profile.natStrategy;
    const trafficType = args.flowLogTrafficType ?? profile.flowLogTrafficType;
    const interfaceServices = [...(args.interfaceEndpoints ?? DefaultInterfaceEndpoints)];
    const gatewayServices = [...(args.gatewayEndpoints ?? GatewayEndpointServices)];

    const problems: string[] = [];
    problems.push(...cidrProblems(cidrBlock));
    if (!Number.isInteger(azCount) || azCount < 2 || azCount > 6) problems.push(`availabilityZones = ${azCount}: must be a whole number from 2 to 6 (one AZ is a single point of failure)`);
    if (!(NatStrategies as readonly string[]).includes(natStrategy)) problems.push(`natStrategy = "${natStrategy}": must be one of ${NatStrategies.join(", ")}`);
    if (!(FlowLogTrafficTypes as readonly string[]).includes(trafficType)) problems.push(`flowLogTrafficType = "${trafficType}": must be one of ${FlowLogTrafficTypes.join(", ")}`);
    const seen = new Set<string>();
    for (const s of interfaceServices) {
      if (s.startsWith("com.amazonaws.")) problems.push(`interfaceEndpoints: "${s}" is a full service name; give the suffix after the region (e.g. kms)`);
      else if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(s)) problems.push(`interfaceEndpoints: "${s}" is not an endpoint service suffix such as ssm or ecr.api`);
      else if ((GatewayEndpointServices as readonly string[]).includes(s)) problems.push(`interfaceEndpoints: "${s}" is reached through its free gateway endpoint (gatewayEndpoints); drop it here`);
      if (seen.has(s)) problems.push(`interfaceEndpoints: "${s}" is listed twice`);
      seen.add(s);
    }
    for (const s of gatewayServices) {
      if (!(GatewayEndpointServices as readonly string[]).includes(s)) problems.push(`gatewayEndpoints: "${s}" has no gateway endpoint; gateway endpoints exist for ${GatewayEndpointServices.join(", ")}`);
    }
    if (new Set(gatewayServices).size !== gatewayServices.length) problems.push("gatewayEndpoints lists a service twice");
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`SecureVpc ${name}`, problems);

    const region = context.region;
    const physical = physicalName(context, name);
    const tags = (own: Record<string, string> = {}, nameTag?: string) => withTags(context.tags, { ...(args.tags ?? {}), ...own }, nameTag);
    const subnetTags = (tier: string) => tags({ tier });

    this.natStrategy = natStrategy;
    this.availabilityZoneCount = azCount;

    // --- the VPC, its subnets, routes and NAT gateways (inside the awsx provider) ---
    this.vpc = new awsx.ec2.Vpc(
      name,
      {
        cidrBlock,
        numberOfAvailabilityZones: azCount,
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", tags: subnetTags("public") },
          { type: "Private", tags: subnetTags("private") },
          { type: "Isolated", tags: subnetTags("isolated") },
        ],
        natGateways: { strategy: natStrategy },
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: tags({}, physical),
      },
      { parent: this },
    );
    const vpcId = this.vpc.vpcId;
    this.vpcId = vpcId;
    this.publicSubnetIds = this.vpc.publicSubnetIds;
    this.privateSubnetIds = this.vpc.privateSubnetIds;
    this.isolatedSubnetIds = this.vpc.isolatedSubnetIds;
    this.cidrBlock = pulumi.output(cidrBlock);

    // --- flow logs (EC2.6) ---
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const logGroup = new EncryptedLogGroup(
      `${name}-flow-logs`,
      { context, kmsKey: args.flowLogKey, logGroupName: `/aws/vpc/flow-logs/${physical}`, tags: args.tags },
      { parent: this },
    );
    const role = serviceRole(this, `${name}-flow-logs`, {
      context,
      service: "vpc-flow-logs.amazonaws.com",
      description: `Delivers the flow logs of VPC ${physical} to its log group`,
      placement: args.rolePlacement,
      // Confused-deputy protection, as the VPC flow logs guide shows it.
      trustConditions: {
        StringEquals: { "aws:SourceAccount": account },
        ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*` },
      },
    });
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.name,
        policy: policyDocument([
          { Sid: "WriteFlowLogs", Effect: "Allow", Action: [...FlowLogWriteActions], Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:log-stream:*`] },
        ]),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      name,
      {
        vpcId,
        trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: tags({}, `${physical}-flow-log`),
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.flowLogGroupArn = logGroup.arn;

    // --- the default security group, adopted with no rules (EC2.2) ---
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default`,
      { vpcId, tags: tags({ purpose: "unused - rules revoked - do not attach" }, `${physical}-default-do-not-use`) },
      { parent: this },
    );

    // --- gateway endpoints on every route table of the VPC ---
    const gateways: Partial<Record<GatewayEndpointService, aws.ec2.VpcEndpoint>> = {};
    if (gatewayServices.length > 0) {
      const routeTableIds = aws.ec2.getRouteTablesOutput({ vpcId }, { parent: this }).ids;
      for (const service of gatewayServices) {
        gateways[service] = new aws.ec2.VpcEndpoint(
          `${name}-${service}`,
          {
            vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Gateway",
            routeTableIds,
            tags: tags({}, `${physical}-${service}`),
          },
          { parent: this },
        );
      }
    }
    this.gatewayEndpoints = gateways;

    // --- interface endpoints in the private subnets, 443 from the VPC only ---
    const interfaces: Record<string, aws.ec2.VpcEndpoint> = {};
    if (interfaceServices.length > 0) {
      const sg = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        { vpcId, description: "Interface VPC endpoints: HTTPS from inside the VPC only", tags: tags({}, `${physical}-endpoints`) },
        { parent: this },
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-https`,
        {
          securityGroupId: sg.id,
          description: "HTTPS from the VPC CIDR to the interface endpoints",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: cidrBlock,
          tags: tags({}, `${physical}-endpoints-https`),
        },
        { parent: this },
      );
      for (const service of interfaceServices) {
        interfaces[service] = new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: this.privateSubnetIds,
            securityGroupIds: [sg.id],
            tags: tags({}, `${physical}-${service}`),
          },
          { parent: this },
        );
      }
      this.endpointSecurityGroupId = sg.id;
    } else {
      this.endpointSecurityGroupId = undefined;
    }
    this.interfaceEndpoints = interfaces;

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      cidrBlock: this.cidrBlock,
      flowLogGroupArn: this.flowLogGroupArn,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
    });
  }
}

/** Problems with an IPv4 CIDR block for the VPC: well formed, a /16 to /22, the network address. */
export function cidrProblems(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return [`cidrBlock = "${cidr}": must be an IPv4 CIDR block such as 10.0.0.0/16`];
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return [`cidrBlock = "${cidr}": an octet is above 255`];
  const problems: string[] = [];
  if (prefix < 16 || prefix > 22) problems.push(`cidrBlock = "${cidr}": the prefix must be /16 to /22 (AWS allows /16 at most; three subnet tiers per AZ need room)`);
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (prefix <= 32 && address % size !== 0) problems.push(`cidrBlock = "${cidr}": not the network address of a /${prefix} (host bits are set)`);
  return problems;
}
