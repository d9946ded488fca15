/**
 * EC2 and VPC (FSBP EC2.*, CIS/PCI EC2.12/13/14, NIST EC2.28/29): EBS encryption and snapshots,
 * default security groups, flow logs, IMDSv2, public IPs, VPC endpoints, security groups and
 * network ACLs open to the world, transit gateways, VPNs, launch templates, and a few of our own
 * (`BP.EC2.*`). VPC rules treat an `awsx:ec2:Vpc` component as a VPC and join side resources to it
 * by property dependency (see lib/tokens-network.ts).
 */
import type { PolicyResource } from "@pulumi/policy";
import type { Framework, PolicyMeta } from "../lib/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import {
  dependsOn,
  hasDescendantOfType,
  insideAwsx,
  InboundRule,
  isWorldCidr,
  N,
  openToWorld,
  portRange,
  portsIn,
  Protocol,
  rangeLabel,
  referencedBy,
  securityGroupInbound,
  sourceScope,
  stackAnchor,
  untraceable,
} from "../lib/tokens-network";
import { reference, referenceIsSet, referencePolicy, undecidableBecause, undecidableIfUntraced, unknownReferenceMessage } from "../lib/references";
import { asArray, get, isUnknown, raw, truthy, undecidable } from "../lib/values";

const ALL3: Framework[] = ["FSBP", "HIPAA", "PCI DSS"];
const ENCRYPTION_DEFAULT_CONFIG = {
  assumeEncryptionByDefault: {
    type: "boolean",
    description:
      "Treat an EBS volume whose `encrypted` is absent as encrypted, because the account has EBS encryption by default on (EC2.7). An explicit `encrypted: false` still fails.",
    default: false,
  },
};

/** A value read through `get` that must be known to decide: stop with an advisory note if it is not. */
function known<T = any>(obj: unknown, path: string, label = path): T {
  const v = get(obj, path);
  if (isUnknown(v)) undecidable(label);
  return v as T;
}

/** Known array at `path` (undecidable if the array itself is unknown). */
function knownArray(obj: unknown, path: string, label = path): any[] {
  return asArray(known(obj, path, label)).map((x) => raw(x));
}

// ---------------------------------------------------------------------------------------------
// Account-level settings managed by a stack (EC2.182 snapshot block, EC2.7 EBS default encryption,
// EC2.172 VPC block public access)
// ---------------------------------------------------------------------------------------------

function accountSettingPolicy(
  meta: PolicyMeta,
  opts: { types: readonly string[]; prop: string; allowed: string[]; allowedKey?: string; absentValue?: string; resourceName: string; fix: string },
) {
  return stackPolicy(
    {
      ...meta,
      config: {
        ...(opts.allowedKey
          ? { [opts.allowedKey]: { type: "array", items: { type: "string" }, description: `Accepted values of \`${opts.prop}\`.`, default: opts.allowed } }
          : {}),
        requireSetting: {
          type: "boolean",
          description: `Also fail a stack that manages no ${opts.resourceName} at all (set true in the account-baseline stack that owns the setting).`,
          default: false,
        },
      },
    },
    ({ forEach, ofType, resources, fail, config }) => {
      const allowed = (opts.allowedKey ? (config[opts.allowedKey] as string[]) : opts.allowed).map(String);
      forEach(opts.types, (r) => {
        const v = get(r.props, opts.prop);
        if (isUnknown(v)) undecidable(opts.prop);
        const value = v === undefined ? opts.absentValue : String(v);
        if (value === undefined || !allowed.includes(value)) {
          fail(r, `\`${opts.prop}\` is ${value === undefined ? "not set" : `"${value}"`} (accepted: ${allowed.join(", ")})`, opts.fix);
        }
      });
      if (config.requireSetting === true && ofType(opts.types).length === 0) {
        const anchor = stackAnchor(resources);
        if (anchor) fail(anchor, `the stack manages no ${opts.resourceName} (requireSetting is on)`, `add an ${opts.resourceName} and ${opts.fix}`);
      }
    },
  );
}

export const ec2SnapshotBlockPublicAccess = accountSettingPolicy(
  {
    name: "ec2-ebs-snapshot-block-public-access",
    description: "EBS snapshot block public access, where a stack manages it, must block all public sharing of snapshots (so no snapshot can be made publicly restorable).",
    severity: "critical",
    controls: ["EC2.182", "EC2.1"],
    frameworks: ALL3,
    remediationSteps: 'Set `state: "block-all-sharing"` on the aws.ebs.SnapshotBlockPublicAccess of the account/region.',
  },
  {
    types: N.snapshotBlockPublicAccess,
    prop: "state",
    allowedKey: "allowedStates",
    allowed: ["block-all-sharing"],
    resourceName: "aws.ebs.SnapshotBlockPublicAccess",
    fix: 'set `state: "block-all-sharing"` on the aws.ebs.SnapshotBlockPublicAccess',
  },
);

export const ec2EbsEncryptionByDefault = accountSettingPolicy(
  {
    name: "ec2-ebs-encryption-by-default",
    description: "EBS encryption by default, where a stack manages it, must be enabled.",
    severity: "medium",
    controls: ["EC2.7"],
    frameworks: ALL3,
    remediationSteps: "Set `enabled: true` (the default) on the aws.ebs.EncryptionByDefault of the account/region.",
  },
  {
    types: N.encryptionByDefault,
    prop: "enabled",
    allowed: ["true"],
    // The provider's default for `enabled` is true.
    absentValue: "true",
    resourceName: "aws.ebs.EncryptionByDefault",
    fix: "set `enabled: true` on the aws.ebs.EncryptionByDefault",
  },
);

export const ec2VpcBlockPublicAccess = accountSettingPolicy(
  {
    name: "ec2-vpc-block-public-access",
    description: "VPC Block Public Access, where a stack manages it, must block internet gateway traffic.",
    severity: "medium",
    controls: ["EC2.172"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `internetGatewayBlockMode: "block-bidirectional"` (or "block-ingress") on the aws.ec2.VpcBlockPublicAccessOptions.',
  },
  {
    types: N.vpcBlockPublicAccessOptions,
    prop: "internetGatewayBlockMode",
    allowedKey: "allowedModes",
    allowed: ["block-bidirectional", "block-ingress"],
    resourceName: "aws.ec2.VpcBlockPublicAccessOptions",
    fix: 'set `internetGatewayBlockMode: "block-bidirectional"` (or "block-ingress") on the aws.ec2.VpcBlockPublicAccessOptions',
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.2 default security groups
// ---------------------------------------------------------------------------------------------

export const ec2DefaultSecurityGroupClosed = stackPolicy(
  {
    name: "ec2-default-security-group-closed",
    description: "A VPC's default security group must allow no inbound and no outbound traffic.",
    severity: "high",
    controls: ["EC2.2"],
    frameworks: ALL3,
    remediationSteps:
      "Adopt the default group with an aws.ec2.DefaultSecurityGroup that has no `ingress` and no `egress` blocks (that revokes every rule), and do not add rule resources (aws.vpc.SecurityGroupIngressRule/EgressRule, aws.ec2.SecurityGroupRule) to it; give workloads their own aws.ec2.SecurityGroup.",
  },
  ({ forEach, attached, fail }) => {
    const ruleTypes = [...N.securityGroupIngress, ...N.securityGroupEgressRule];
    forEach(N.defaultSecurityGroup, (sg) => {
      const problems: string[] = [];
      for (const dir of ["ingress", "egress"]) {
        const rules = knownArray(sg.props, dir);
        if (rules.length > 0) problems.push(`${rules.length} inline \`${dir}\` rule${rules.length > 1 ? "s" : ""}`);
      }
      const added = attached(sg, ruleTypes, "securityGroupId");
      if (added.length > 0) problems.push(`rule resource${added.length > 1 ? "s" : ""} ${added.map((r) => r.name).join(", ")}`);
      if (problems.length > 0) {
        fail(sg, `the default security group allows traffic through ${problems.join(" and ")}`, "remove every `ingress`/`egress` block and rule resource from the aws.ec2.DefaultSecurityGroup; put workload rules on their own aws.ec2.SecurityGroup");
      }
    });
    // Rule resources whose group id comes straight from a VPC (`vpc.defaultSecurityGroupId`).
    forEach(ruleTypes, (rule) => {
      const vpcs = (rule.propertyDependencies?.securityGroupId ?? []).filter((d) => (N.vpc as readonly string[]).includes(d.type));
      if (vpcs.length > 0) {
        fail(rule, `adds a rule to the default security group of VPC ${vpcs.map((v) => v.name).join(", ")}`, "target a dedicated aws.ec2.SecurityGroup (`securityGroupId: sg.id`) instead of `vpc.defaultSecurityGroupId`");
      }
    });
  },
);

export const ec2VpcAdoptsDefaultSecurityGroup = stackPolicy(
  {
    name: "ec2-vpc-default-security-group-adopted",
    description: "Every VPC must adopt its default security group (aws.ec2.DefaultSecurityGroup) so that its AWS default rules are revoked.",
    severity: "high",
    controls: ["EC2.2"],
    frameworks: ALL3,
    remediationSteps:
      "For each aws.ec2.Vpc (or awsx.ec2.Vpc), add `new aws.ec2.DefaultSecurityGroup(name, { vpcId: vpc.id })` (awsx: `vpcId: vpc.vpcId`) with no ingress or egress blocks.",
  },
  ({ forEach, ofType, attached, fail }) => {
    const groups = ofType(N.defaultSecurityGroup);
    forEach(N.vpc, (vpc) => {
      if (insideAwsx(vpc)) return; // the awsx component stands for it
      if (attached(vpc, N.defaultSecurityGroup, "vpcId").length > 0) return;
      undecidableIfUntraced(vpc, untraceable(groups, "vpcId", N.vpc), "vpcId");
      fail(
        vpc,
        "no aws.ec2.DefaultSecurityGroup adopts this VPC's default security group, which keeps AWS's default rules (all inbound from its members, all outbound)",
        `add an aws.ec2.DefaultSecurityGroup with \`vpcId: ${vpc.type.startsWith("awsx:") ? "vpc.vpcId" : "vpc.id"}\` and no ingress/egress`,
      );
    });
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.3 / EC2.181 / EC2.173 EBS encryption
// ---------------------------------------------------------------------------------------------

/** Problems with one block device's `encrypted` flag ("true"/true passes; absent depends on config). */
function unencrypted(dev: unknown, where: string, assume: boolean, path: string): string | undefined {
  const enc = get(dev, "encrypted");
  if (isUnknown(enc)) undecidable(`${path}.encrypted`);
  if (truthy(enc)) return undefined;
  if (enc === undefined && assume) return undefined;
  return `${where} ${enc === undefined ? "does not set `encrypted`" : "has `encrypted: false`"}`;
}

export const ec2EbsVolumeEncrypted = resourcePolicy(
  {
    name: "ec2-ebs-volume-encrypted",
    description: "EBS volumes must be encrypted at rest.",
    severity: "medium",
    controls: ["EC2.3"],
    frameworks: ALL3,
    remediationSteps: "Set `encrypted: true` (and `kmsKeyId` for a customer managed key) on the aws.ebs.Volume.",
    resourceTypes: N.volume,
    config: ENCRYPTION_DEFAULT_CONFIG,
  },
  ({ props, config, fail }) => {
    const p = unencrypted(props, "the volume", config.assumeEncryptionByDefault === true, "");
    if (p) fail(`${p}, so it is stored unencrypted unless the account encrypts by default`, "set `encrypted: true` (with `kmsKeyId` for a customer managed key)");
  },
);

export const ec2InstanceEbsEncrypted = referencePolicy(
  {
    name: "ec2-instance-ebs-encrypted",
    description: "The root and EBS block devices of EC2 instances must be encrypted at rest.",
    severity: "medium",
    controls: ["EC2.3"],
    frameworks: ALL3,
    remediationSteps: "Set `rootBlockDevice.encrypted: true` and `ebsBlockDevices[].encrypted: true` on the aws.ec2.Instance (or launch it from a launch template whose blockDeviceMappings encrypt).",
    resourceTypes: N.instance,
    config: ENCRYPTION_DEFAULT_CONFIG,
  },
  ({ props, config, ref, fail }) => {
    const assume = config.assumeEncryptionByDefault === true;
    const problems: string[] = [];
    const root = known(props, "rootBlockDevice");
    if (root === undefined) {
      // Launched from a template (named, or a launch template of the stack): its block device mappings decide (EC2.181).
      if (!ref("launchTemplate", N.launchTemplate) && !assume) problems.push("the root volume (from the AMI) is not set to encrypt");
    } else {
      const p = unencrypted(root, "rootBlockDevice", assume, "rootBlockDevice");
      if (p) problems.push(p);
    }
    knownArray(props, "ebsBlockDevices").forEach((d, i) => {
      const p = unencrypted(d, `ebsBlockDevices[${i}]`, assume, `ebsBlockDevices.${i}`);
      if (p) problems.push(p);
    });
    if (problems.length > 0) fail(problems.join("; "), "set `rootBlockDevice: { encrypted: true }` and `encrypted: true` on every `ebsBlockDevices` entry");
  },
);

export const ec2LaunchTemplateEbsEncrypted = resourcePolicy(
  {
    name: "ec2-launch-template-ebs-encrypted",
    description: "EC2 launch templates must encrypt every EBS volume they attach.",
    severity: "medium",
    controls: ["EC2.181", "EC2.3"],
    frameworks: ALL3,
    remediationSteps: 'Give the aws.ec2.LaunchTemplate `blockDeviceMappings` for the root device (and every EBS device) with `ebs: { encrypted: "true" }`.',
    resourceTypes: N.launchTemplate,
    config: ENCRYPTION_DEFAULT_CONFIG,
  },
  ({ props, config, fail }) => {
    const assume = config.assumeEncryptionByDefault === true;
    const problems: string[] = [];
    const mappings = knownArray(props, "blockDeviceMappings");
    let ebsCount = 0;
    mappings.forEach((m, i) => {
      if (get(m, "noDevice") !== undefined || get(m, "virtualName") !== undefined) return; // suppressed or instance-store
      const ebs = known(m, "ebs", `blockDeviceMappings.${i}.ebs`);
      if (ebs === undefined) return;
      ebsCount++;
      const p = unencrypted(ebs, `blockDeviceMappings[${i}] (${get(m, "deviceName") ?? "device"})`, assume, `blockDeviceMappings.${i}.ebs`);
      if (p) problems.push(p);
    });
    if (ebsCount === 0 && !assume) problems.push("no `blockDeviceMappings` encrypt the root volume, which comes from the AMI unencrypted");
    if (problems.length > 0) fail(problems.join("; "), 'set `ebs: { encrypted: "true" }` (with `kmsKeyId` for a customer managed key) on a `blockDeviceMappings` entry for the root device and every EBS device');
  },
);

export const ec2SpotFleetEbsEncrypted = resourcePolicy(
  {
    name: "ec2-spot-fleet-ebs-encrypted",
    description: "Spot Fleet requests with launch specifications must encrypt the EBS volumes they attach.",
    severity: "medium",
    controls: ["EC2.173"],
    frameworks: ["FSBP"],
    remediationSteps:
      "In every `launchSpecifications` entry of the aws.ec2.SpotFleetRequest, set `rootBlockDevices: [{ encrypted: true }]` and `encrypted: true` on `ebsBlockDevices`, or use `launchTemplateConfigs` with an encrypting launch template.",
    resourceTypes: N.spotFleetRequest,
    config: ENCRYPTION_DEFAULT_CONFIG,
  },
  ({ props, config, fail }) => {
    const assume = config.assumeEncryptionByDefault === true;
    const problems: string[] = [];
    knownArray(props, "launchSpecifications").forEach((spec, i) => {
      const roots = knownArray(spec, "rootBlockDevices", `launchSpecifications.${i}.rootBlockDevices`);
      if (roots.length === 0 && !assume) problems.push(`launchSpecifications[${i}] leaves the root volume unencrypted`);
      roots.forEach((d, j) => {
        const p = unencrypted(d, `launchSpecifications[${i}].rootBlockDevices[${j}]`, assume, `launchSpecifications.${i}.rootBlockDevices.${j}`);
        if (p) problems.push(p);
      });
      knownArray(spec, "ebsBlockDevices", `launchSpecifications.${i}.ebsBlockDevices`).forEach((d, j) => {
        const p = unencrypted(d, `launchSpecifications[${i}].ebsBlockDevices[${j}]`, assume, `launchSpecifications.${i}.ebsBlockDevices.${j}`);
        if (p) problems.push(p);
      });
    });
    if (problems.length > 0) fail(problems.join("; "), "set `encrypted: true` on every `rootBlockDevices` and `ebsBlockDevices` entry of each launch specification");
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.6 flow logs
// ---------------------------------------------------------------------------------------------

export const ec2VpcFlowLogs = stackPolicy(
  {
    name: "ec2-vpc-flow-logs",
    description: "Every VPC must have a VPC-level flow log that captures at least rejected traffic.",
    severity: "medium",
    controls: ["EC2.6"],
    frameworks: ALL3,
    remediationSteps: 'Add an aws.ec2.FlowLog with `vpcId: vpc.id` (awsx: `vpc.vpcId`), `trafficType: "ALL"` (or "REJECT") and a `logDestination` (CloudWatch log group or S3 bucket).',
    config: {
      trafficTypes: { type: "array", items: { type: "string" }, description: "Flow log traffic types that satisfy the control.", default: ["ALL", "REJECT"] },
    },
  },
  ({ forEach, ofType, attached, fail, config }) => {
    const accepted = (config.trafficTypes as string[]).map(String);
    const logs = ofType(N.flowLog);
    forEach(N.vpc, (vpc) => {
      if (insideAwsx(vpc)) return; // the awsx component stands for it
      const mine = attached(vpc, N.flowLog, "vpcId");
      if (mine.length === 0) {
        undecidableIfUntraced(vpc, untraceable(logs, "vpcId", N.vpc), "vpcId");
        fail(vpc, "no aws.ec2.FlowLog records this VPC's traffic", `add an aws.ec2.FlowLog with \`vpcId: ${vpc.type.startsWith("awsx:") ? "vpc.vpcId" : "vpc.id"}\`, \`trafficType: "ALL"\` and a \`logDestination\``);
        return;
      }
      const types = mine.map((l) => known(l.props, "trafficType", `${l.name}.trafficType`));
      if (!types.some((t) => accepted.includes(String(t)))) {
        fail(vpc, `its flow log${mine.length > 1 ? "s" : ""} capture${mine.length > 1 ? "" : "s"} ${types.map((t) => (t === undefined ? "no traffic type" : `"${t}"`)).join(", ")} only`, `set \`trafficType\` to one of ${accepted.join(", ")} on ${mine[0]!.name}`);
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.8 / EC2.170 IMDSv2, BP.EC2.1 hop limit
// ---------------------------------------------------------------------------------------------

/**
 * Why a metadataOptions block does not require IMDSv2, or undefined if it does (or IMDS is off).
 * When `httpTokens` is not set, the AMI decides: one registered with `ImdsSupport: v2.0` (Amazon
 * Linux 2023, for one) requires tokens, others allow IMDSv1. A preview cannot see the AMI's
 * registration, so that case is undecidable (advisory), not a failure.
 */
function imdsProblem(mo: unknown, path: string): string | undefined {
  if (mo === undefined) undecidable(`${path}.httpTokens (not set: the AMI's ImdsSupport decides; set it to "required" to decide it)`);
  const endpoint = known(mo, "httpEndpoint", `${path}.httpEndpoint`);
  if (endpoint === "disabled") return undefined;
  const tokens = known(mo, "httpTokens", `${path}.httpTokens`);
  if (tokens === "required") return undefined;
  if (tokens === undefined) undecidable(`${path}.httpTokens (not set: the AMI's ImdsSupport decides; set it to "required" to decide it)`);
  return `\`metadataOptions.httpTokens\` is "${tokens}" (IMDSv1 allowed)`;
}

export const ec2InstanceImdsv2 = referencePolicy(
  {
    name: "ec2-instance-imdsv2",
    description: "EC2 instances must require IMDSv2 (session tokens) for the instance metadata service.",
    severity: "high",
    controls: ["EC2.8"],
    frameworks: ALL3,
    remediationSteps: 'Set `metadataOptions: { httpTokens: "required" }` on the aws.ec2.Instance (or on the launch template it uses).',
    resourceTypes: N.instance,
  },
  ({ props, ref, fail }) => {
    const mo = known(props, "metadataOptions");
    // Launched from a template (named, or a launch template of the stack) without its own metadataOptions: the template decides (EC2.170).
    if (mo === undefined && ref("launchTemplate", N.launchTemplate)) return;
    const p = imdsProblem(mo, "metadataOptions");
    if (p) fail(p, 'set `metadataOptions: { httpTokens: "required" }`');
  },
);

export const ec2LaunchTemplateImdsv2 = resourcePolicy(
  {
    name: "ec2-launch-template-imdsv2",
    description: "EC2 launch templates must require IMDSv2 (session tokens).",
    severity: "low",
    controls: ["EC2.170"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `metadataOptions: { httpTokens: "required" }` on the aws.ec2.LaunchTemplate.',
    resourceTypes: N.launchTemplate,
  },
  ({ props, fail }) => {
    const p = imdsProblem(known(props, "metadataOptions"), "metadataOptions");
    if (p) fail(p, 'set `metadataOptions: { httpTokens: "required" }`');
  },
);

export const ec2ImdsHopLimit = resourcePolicy(
  {
    name: "ec2-imds-hop-limit",
    description: "EC2 instances and launch templates must not let instance metadata responses travel further than the configured hop limit.",
    severity: "medium",
    controls: ["BP.Compute.1"],
    frameworks: ["Blueprints"],
    // Advisory by default: container hosts (ECS/EKS on EC2) need a hop limit of 2 for task IMDS access.
    remediationSteps: "Set `metadataOptions.httpPutResponseHopLimit` to 1 (2 for container hosts that need IMDS from tasks, with `maxHopLimit: 2` in this policy's config).",
    resourceTypes: [...N.instance, ...N.launchTemplate],
    config: {
      maxHopLimit: { type: "integer", minimum: 1, maximum: 64, description: "Largest accepted httpPutResponseHopLimit.", default: 1 },
    },
  },
  ({ props, config, fail }) => {
    const hop = known(props, "metadataOptions.httpPutResponseHopLimit");
    // AWS's default hop limit is 1.
    if (hop !== undefined && Number(hop) > Number(config.maxHopLimit)) {
      fail(`\`metadataOptions.httpPutResponseHopLimit\` is ${hop} (max ${config.maxHopLimit}), so metadata credentials reach containers and forwarded hops`, `set \`metadataOptions.httpPutResponseHopLimit: ${config.maxHopLimit}\``);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.9 / EC2.15 / EC2.25 public IPs
// ---------------------------------------------------------------------------------------------

export const ec2InstanceNoPublicIp = stackPolicy(
  {
    name: "ec2-instance-no-public-ip",
    description: "EC2 instances must not get a public IPv4 address, either explicitly or from a subnet that assigns one on launch.",
    severity: "high",
    controls: ["EC2.9"],
    frameworks: ALL3,
    remediationSteps:
      "Set `associatePublicIpAddress: false` on the aws.ec2.Instance and place it in a private subnet (`mapPublicIpOnLaunch` false); reach it through a load balancer, SSM Session Manager or a NAT gateway.",
  },
  ({ forEach, ofType, fail }) => {
    const subnets = ofType(N.subnet);
    forEach(N.instance, (inst) => {
      const assoc = known(inst.props, "associatePublicIpAddress");
      if (assoc === true) {
        fail(inst, "`associatePublicIpAddress` is true", "set `associatePublicIpAddress: false` and use a private subnet");
        return;
      }
      if (assoc === false) return;
      const placed = ["subnetId", "primaryNetworkInterface", "networkInterfaces", "launchTemplate"].some((k) => {
        const v = get(inst.props, k);
        return v !== undefined && !(Array.isArray(v) && v.length === 0);
      });
      if (!placed) {
        // No subnet, interface or template: the default VPC, whose default subnets assign public IPs.
        fail(inst, "no `subnetId` places it, so it lands in the default VPC, whose subnets assign public IPs on launch", "set `subnetId` to a private subnet of the workload VPC, or `associatePublicIpAddress: false`");
        return;
      }
      for (const s of referencedBy(inst, "subnetId", subnets)) {
        const map = known(s.props, "mapPublicIpOnLaunch", `${s.name}.mapPublicIpOnLaunch`);
        if (map === true) fail(inst, `its subnet ${s.name} assigns public IPs on launch (\`mapPublicIpOnLaunch: true\`)`, "set `associatePublicIpAddress: false` on the instance, or move it to a private subnet");
      }
      // A subnet unknown at preview that comes from no subnet (or awsx VPC) of the stack might assign public IPs.
      const subnet = reference(inst, "subnetId", [...N.subnet, ...N.awsxVpc]);
      if (subnet.kind === "unknown") undecidableBecause(unknownReferenceMessage(inst, "subnetId", N.subnet, subnet.from));
    });
  },
);

export const ec2SubnetNoAutoPublicIp = stackPolicy(
  {
    name: "ec2-subnet-no-auto-public-ip",
    description: "Subnets must not assign public IPv4 addresses automatically on launch.",
    severity: "medium",
    controls: ["EC2.15"],
    frameworks: ALL3,
    remediationSteps:
      "Set `mapPublicIpOnLaunch: false` (the default) on the aws.ec2.Subnet; give public-facing resources an explicit Elastic IP or a load balancer. An awsx.ec2.Vpc creates its Public subnets with `mapPublicIpOnLaunch: true`: use Private/Isolated `subnetSpecs` only, or define public subnets as aws.ec2.Subnet.",
  },
  ({ forEach, resources, fail }) => {
    forEach(N.subnet, (subnet) => {
      // The default is false.
      if (known(subnet.props, "mapPublicIpOnLaunch") === true) fail(subnet, "`mapPublicIpOnLaunch` is true, so every instance launched here gets a public IP", "set `mapPublicIpOnLaunch: false`");
    });
    forEach(N.awsxVpc, (vpc) => {
      // A real engine registers awsx's subnets (checked above); the offline plan sees only the
      // component, whose plugin sets `mapPublicIpOnLaunch: spec.type === "Public"` and creates
      // Private + Public subnets when no subnetSpecs are given.
      if (hasDescendantOfType(vpc, N.subnet, resources)) return;
      const specs = known(vpc.props, "subnetSpecs");
      const types = specs === undefined ? ["Public"] : asArray(specs).map((sp, i) => String(known(sp, "type", `subnetSpecs.${i}.type`)));
      if (types.some((t) => t.toLowerCase() === "public")) {
        fail(
          vpc,
          `its ${specs === undefined ? "default subnet layout includes" : "subnetSpecs include"} Public subnets, which awsx creates with \`mapPublicIpOnLaunch: true\``,
          'use only `subnetSpecs` of type "Private"/"Isolated" (public entry points as aws.ec2.Subnet with `mapPublicIpOnLaunch: false`), or exempt the VPC with the reason if a transform turns it off',
        );
      }
    });
  },
);

export const ec2LaunchTemplateNoPublicIp = resourcePolicy(
  {
    name: "ec2-launch-template-no-public-ip",
    description: "EC2 launch templates must not assign public IPs to network interfaces.",
    severity: "high",
    controls: ["EC2.25"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: 'Set `associatePublicIpAddress: "false"` (or leave it unset) on every `networkInterfaces` entry of the aws.ec2.LaunchTemplate.',
    resourceTypes: N.launchTemplate,
  },
  ({ props, fail }) => {
    const bad = knownArray(props, "networkInterfaces")
      .map((ni, i) => ({ i, v: known(ni, "associatePublicIpAddress", `networkInterfaces.${i}.associatePublicIpAddress`) }))
      .filter(({ v }) => truthy(v));
    if (bad.length > 0) fail(`${bad.map(({ i }) => `networkInterfaces[${i}]`).join(", ")} set \`associatePublicIpAddress\` true`, 'set `associatePublicIpAddress: "false"` on every network interface');
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.10 / EC2.55-60 VPC endpoints
// ---------------------------------------------------------------------------------------------

/** Resource type prefixes whose presence in a stack means its VPCs call a service (ECR, Incident Manager). */
type UsedBy = { prefixes: readonly string[]; what: string };
const ECR_USERS: UsedBy = { prefixes: ["aws:ecr/", "aws:ecs/taskDefinition:", "aws:ecs/service:", "aws:batch/jobDefinition:", "aws:apprunner/", "aws:sagemaker/model:"], what: "container images (ECR, ECS, Batch, App Runner, SageMaker models)" };

function vpcEndpointPolicy(control: string, service: string, label: string, severity: "medium", usedBy?: UsedBy) {
  const suffix = `.${service}`;
  const matches = (name: unknown) => typeof name === "string" && !isUnknown(name) && name.includes("amazonaws") && name.endsWith(suffix);
  return stackPolicy(
    {
      name: `ec2-vpc-endpoint-${service.replace(/\./g, "-")}`,
      description: `Every VPC must have a VPC endpoint for ${label} (com.amazonaws.<region>${suffix})${usedBy ? ` when the stack uses ${usedBy.what}` : ""}.`,
      severity,
      controls: [control],
      frameworks: ["FSBP"],

      remediationSteps: `Add an aws.ec2.VpcEndpoint with \`vpcId: vpc.id\`, \`serviceName: \\\`com.amazonaws.\${region}${suffix}\\\`\`, \`vpcEndpointType: "Interface"\` and \`privateDnsEnabled: true\` (awsx: a \`vpcEndpointSpecs\` entry).`,
    },
    ({ forEach, ofType, attached, fail, resources, args }) => {
      // A VPC whose stack does not use the service has no traffic to keep inside (ECR images,
      // Incident Manager): the control is met by having nothing to reach.
      if (usedBy && !resources.some((r) => usedBy.prefixes.some((p) => r.type.startsWith(p)) || (r.type === "aws:lambda/function:Function" && get(r.props, "packageType") === "Image")))
        args.notApplicable(`the stack uses no ${usedBy.what}`);
      const endpoints = ofType(N.vpcEndpoint);
      forEach(N.vpc, (vpc) => {
        if (insideAwsx(vpc)) return; // the awsx component stands for it
        const names: unknown[] = attached(vpc, N.vpcEndpoint, "vpcId").map((e) => get(e.props, "serviceName"));
        if ((N.awsxVpc as readonly string[]).includes(vpc.type)) {
          const specs = get(vpc.props, "vpcEndpointSpecs");
          if (isUnknown(specs)) names.push(specs);
          else for (const s of asArray(specs)) names.push(get(s, "serviceName"));
        }
        if (names.some(matches)) return;
        if (names.some(isUnknown)) undecidable("aws.ec2.VpcEndpoint.serviceName");
        undecidableIfUntraced(vpc, untraceable(endpoints, "vpcId", N.vpc), "vpcId");
        fail(vpc, `no VPC endpoint for ${label} (\`com.amazonaws.<region>${suffix}\`), so that traffic leaves the VPC`, `add an aws.ec2.VpcEndpoint with \`serviceName: \\\`com.amazonaws.\${region}${suffix}\\\`\` and \`vpcId\` of this VPC`);
      });
    },
  );
}

export const ec2VpcEndpointEc2 = vpcEndpointPolicy("EC2.10", "ec2", "Amazon EC2", "medium");
export const ec2VpcEndpointEcrApi = vpcEndpointPolicy("EC2.55", "ecr.api", "the ECR API", "medium", ECR_USERS);
export const ec2VpcEndpointEcrDkr = vpcEndpointPolicy("EC2.56", "ecr.dkr", "the ECR Docker registry", "medium", ECR_USERS);
export const ec2VpcEndpointSsm = vpcEndpointPolicy("EC2.57", "ssm", "Systems Manager", "medium");
export const ec2VpcEndpointSsmContacts = vpcEndpointPolicy("EC2.58", "ssm-contacts", "Systems Manager Incident Manager Contacts", "medium", { prefixes: ["aws:ssmcontacts/", "aws:ssmincidents/"], what: "Incident Manager (ssmcontacts, ssmincidents)" });
export const ec2VpcEndpointSsmIncidents = vpcEndpointPolicy("EC2.60", "ssm-incidents", "Systems Manager Incident Manager", "medium", { prefixes: ["aws:ssmcontacts/", "aws:ssmincidents/"], what: "Incident Manager (ssmcontacts, ssmincidents)" });

// ---------------------------------------------------------------------------------------------
// EC2.16 unused NACLs, EC2.17 multiple ENIs, EC2.12 unused EIPs
// ---------------------------------------------------------------------------------------------

export const ec2NetworkAclUnused = stackPolicy(
  {
    name: "ec2-network-acl-unused",
    description: "Network ACLs must be associated with at least one subnet.",
    severity: "low",
    controls: ["EC2.16"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Associate the aws.ec2.NetworkAcl with subnets (`subnetIds`, or an aws.ec2.NetworkAclAssociation), or remove it.",
  },
  ({ forEach, ofType, attached, fail }) => {
    const assocs = ofType(N.networkAclAssociation);
    forEach(N.networkAcl, (acl) => {
      const subnetIds = get(acl.props, "subnetIds");
      if (asArray(subnetIds).length > 0 && !isUnknown(subnetIds)) return;
      if (attached(acl, N.networkAclAssociation, "networkAclId").length > 0) return;
      if (isUnknown(subnetIds)) undecidable("subnetIds");
      undecidableIfUntraced(acl, untraceable(assocs, "networkAclId", N.networkAcl), "networkAclId");
      fail(acl, "is associated with no subnet", "set `subnetIds` on the aws.ec2.NetworkAcl (or add an aws.ec2.NetworkAclAssociation), or delete it");
    });
  },
);

export const ec2InstanceSingleEni = stackPolicy(
  {
    name: "ec2-instance-single-eni",
    description: "EC2 instances must not use more network interfaces than allowed (one by default).",
    severity: "low",
    controls: ["EC2.17"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Remove extra network interfaces (`networkInterfaces` beyond device 0, `secondaryNetworkInterfaces`, aws.ec2.NetworkInterfaceAttachment, aws.ec2.NetworkInterface `attachments`) from the instance.",
    config: { maxEnis: { type: "integer", minimum: 1, description: "Largest number of network interfaces an instance may use.", default: 1 } },
  },
  ({ forEach, ofType, attached, fail, config }) => {
    const enis = ofType(N.networkInterface);
    forEach(N.instance, (inst) => {
      const extra: string[] = [];
      knownArray(inst.props, "networkInterfaces").forEach((ni, i) => {
        if (Number(known(ni, "deviceIndex", `networkInterfaces.${i}.deviceIndex`)) !== 0) extra.push(`networkInterfaces[${i}]`);
      });
      knownArray(inst.props, "secondaryNetworkInterfaces").forEach((_, i) => extra.push(`secondaryNetworkInterfaces[${i}]`));
      for (const a of attached(inst, N.networkInterfaceAttachment, "instanceId")) extra.push(a.name);
      for (const e of enis) {
        if (dependsOn(e, "attachments", inst) && !extra.includes(e.name)) extra.push(e.name);
      }
      const total = extra.length + 1;
      if (total > Number(config.maxEnis)) {
        fail(inst, `uses ${total} network interfaces (primary + ${extra.join(", ")}); at most ${config.maxEnis} allowed`, "remove the extra network interfaces, or split the roles across instances");
      }
    });
  },
);

export const ec2EipAttached = stackPolicy(
  {
    name: "ec2-eip-attached",
    description: "Elastic IP addresses must be associated with an instance, network interface, NAT gateway or load balancer.",
    severity: "low",
    controls: ["EC2.12"],
    frameworks: ["PCI DSS"],
    remediationSteps:
      "Associate the aws.ec2.Eip (`instance`/`networkInterface`, an aws.ec2.EipAssociation, a NAT gateway `allocationId`, or a load balancer `subnetMappings[].allocationId`), or remove it.",
  },
  ({ forEach, ofType, attached, fail }) => {
    const users: Array<[readonly string[], string[]]> = [
      [N.natGateway, ["allocationId", "secondaryAllocationIds"]],
      [N.loadBalancer, ["subnetMappings"]],
      [N.transferServer, ["endpointDetails"]],
    ];
    const assocs = ofType(N.eipAssociation);
    forEach(N.eip, (eip) => {
      // Associated when `instance`/`networkInterface` is set: known, or from an instance / interface (lib/references.ts).
      if (referenceIsSet(eip, "instance", N.instance) || referenceIsSet(eip, "networkInterface", N.networkInterface)) return;
      if (attached(eip, N.eipAssociation, "allocationId").length > 0 || attached(eip, N.eipAssociation, "publicIp").length > 0) return;
      for (const [types, props] of users) {
        if (ofType(types).some((u) => props.some((p) => dependsOn(u, p, eip)))) return;
      }
      undecidableIfUntraced(eip, untraceable(assocs, "allocationId", N.eip), "allocationId");
      fail(eip, "is not associated with anything (an idle public address)", "associate it (`instance`/`networkInterface`, an aws.ec2.EipAssociation, a NAT gateway or NLB subnet mapping) or remove it");
    });
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.18 / EC2.19 (with EC2.13 and EC2.14) security groups open to the world
// ---------------------------------------------------------------------------------------------

const SG_TYPES = [...N.securityGroup, ...N.defaultSecurityGroup, ...N.securityGroupIngress];

function sgWorldPolicy(
  meta: PolicyMeta,
  match: (range: { protocol: Protocol; from: number; to: number }, config: any) => string[],
  fix: string,
  /** The controls a finding breaks, from its texts (default: the policy's). */
  controlsOf?: (findings: string[]) => string[],
) {
  return resourcePolicy({ ...meta, resourceTypes: SG_TYPES }, ({ props, type, config, fail }) => {
    const { findings, unknown } = openToWorld(securityGroupInbound(type, props), (range) => match(range, config));
    if (findings.length > 0) fail(findings.join("; "), fix, controlsOf?.(findings));
    else if (unknown) undecidable(unknown);
  });
}

export const ec2SecurityGroupAuthorizedPorts = sgWorldPolicy(
  {
    name: "ec2-security-group-authorized-ports",
    description: "Security groups may allow unrestricted inbound traffic (0.0.0.0/0 or ::/0) only on authorized ports.",
    severity: "high",
    controls: ["EC2.18"],
    frameworks: ALL3,
    remediationSteps: "Restrict the rule's source (`cidrBlocks`/`cidrIpv4`) to known networks or a source security group, or open only the authorized ports (by default 80 and 443) to the world.",
    config: {
      authorizedTcpPorts: { type: "array", items: { type: "integer" }, description: "TCP ports that may be open to 0.0.0.0/0 or ::/0.", default: [80, 443] },
      authorizedUdpPorts: { type: "array", items: { type: "integer" }, description: "UDP ports that may be open to 0.0.0.0/0 or ::/0.", default: [] },
    },
  },
  (range, config) => {
    if (range.protocol === "all") return ["all traffic"];
    if (range.protocol !== "tcp" && range.protocol !== "udp") return [];
    const ok = ((range.protocol === "tcp" ? config.authorizedTcpPorts : config.authorizedUdpPorts) as number[]).map(Number);
    const width = range.to - range.from + 1;
    if (width > 64) return [rangeLabel(range)];
    const bad: number[] = [];
    for (let p = range.from; p <= range.to; p++) if (!ok.includes(p)) bad.push(p);
    return bad.length === 0 ? [] : [`${range.protocol} ${bad.join(",")}`];
  },
  "restrict the source to known CIDRs or a source security group (`referencedSecurityGroupId`/`securityGroups`), or open only the authorized ports",
);

/**
 * EC2.19 with the CIS controls it contains: SSH (EC2.13) and RDP (EC2.14) open to the world are
 * high-risk ports, so one finding per rule names all three controls as they apply. Ports 22 and
 * 3389 are always checked, whatever `highRiskPorts` lists.
 */
export const ec2SecurityGroupHighRiskPorts = sgWorldPolicy(
  {
    name: "ec2-security-group-high-risk-ports",
    description: "Security groups must not allow unrestricted inbound traffic (0.0.0.0/0 or ::/0) to high-risk ports, SSH and RDP included (EC2.13, EC2.14).",
    severity: "critical",
    controls: ["EC2.19", "EC2.13", "EC2.14"],
    frameworks: ALL3,
    remediationSteps: "Remove the 0.0.0.0/0 and ::/0 sources from rules covering high-risk ports (SSH, RDP, databases, admin consoles...); use a bastion-free path (SSM Session Manager), VPN or a source security group.",
    config: {
      highRiskPorts: {
        type: "array",
        items: { type: "integer" },
        description: "Ports that must never be open to the world (22 and 3389 are checked always: EC2.13, EC2.14).",
        default: [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300],
      },
    },
  },
  (range, config) => {
    const ports = [...new Set([...(config.highRiskPorts as number[]).map(Number), 22, 3389])].sort((a, b) => a - b);
    return portsIn(range, ports)
      .filter((p) => p !== 22 || range.protocol === "all" || range.protocol === "tcp")
      .map((p) => `${range.protocol === "all" ? "all traffic incl." : range.protocol} ${p}${p === 22 ? " (SSH)" : p === 3389 ? " (RDP)" : ""}`);
  },
  "remove the 0.0.0.0/0 / ::/0 source from the rule (use known CIDRs, a source security group, a VPN or SSM Session Manager)",
  (findings) => ["EC2.19", ...(findings.some((f) => f.includes("(SSH)")) ? ["EC2.13"] : []), ...(findings.some((f) => f.includes("(RDP)")) ? ["EC2.14"] : [])],
);

export const ec2SecurityGroupDescriptions = resourcePolicy(
  {
    name: "ec2-security-group-descriptions",
    description: "Security groups and their rules must say what they are for (a description other than Pulumi's default).",
    severity: "low",
    controls: ["BP.Network.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `description` on the aws.ec2.SecurityGroup and on every inline `ingress`/`egress` rule or rule resource.",
    resourceTypes: [...N.securityGroup, ...N.securityGroupIngress, ...N.securityGroupEgressRule],
  },
  ({ props, type, fail }) => {
    const missing: string[] = [];
    const d = known(props, "description");
    if (d === undefined || d === "" || d === "Managed by Pulumi") missing.push(type.includes("securityGroup:SecurityGroup") ? "the group" : "the rule");
    if (type === "aws:ec2/securityGroup:SecurityGroup") {
      for (const dir of ["ingress", "egress"]) {
        knownArray(props, dir).forEach((r, i) => {
          const rd = known(r, "description", `${dir}.${i}.description`);
          if (rd === undefined || rd === "") missing.push(`${dir}[${i}]`);
        });
      }
    }
    if (missing.length > 0) fail(`no description on ${missing.join(", ")}`, "set `description` to what the group/rule allows and why");
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.21 network ACLs open to the world on admin ports
// ---------------------------------------------------------------------------------------------

/** Inbound rules of a NACL (inline) or one NetworkAclRule resource. */
function naclInbound(r: PolicyResource): InboundRule[] {
  if ((N.networkAclRule as readonly string[]).includes(r.type)) {
    const egress = known(r.props, "egress", `${r.name}.egress`);
    if (egress === true) return [];
    return [
      {
        where: r.name,
        protocol: get(r.props, "protocol"),
        fromPort: get(r.props, "fromPort"),
        toPort: get(r.props, "toPort"),
        cidrs: [get(r.props, "cidrBlock"), get(r.props, "ipv6CidrBlock")].filter((c) => c !== undefined),
        action: get(r.props, "ruleAction"),
        ruleNo: get(r.props, "ruleNumber"),
      },
    ];
  }
  return knownArray(r.props, "ingress").map((e, i) => ({
    where: `ingress[${i}]`,
    protocol: get(e, "protocol"),
    fromPort: get(e, "fromPort"),
    toPort: get(e, "toPort"),
    cidrs: [get(e, "cidrBlock"), get(e, "ipv6CidrBlock")].filter((c) => c !== undefined),
    action: get(e, "action"),
    ruleNo: get(e, "ruleNo"),
  }));
}

/**
 * Admin ports reachable from the world through a NACL's rules: an `allow` from 0.0.0.0/0 or ::/0
 * covering the port, unless a lower-numbered `deny` from the same world range covers it first
 * (NACL rules are evaluated in rule-number order).
 */
function naclFindings(rules: InboundRule[], ports: number[]): { findings: string[]; unknown?: string } {
  const findings: string[] = [];
  let unknown: string | undefined;
  const world = (r: InboundRule, fam: string) => r.cidrs.includes(fam);
  for (const rule of rules) {
    if (isUnknown(rule.action)) {
      unknown ??= `${rule.where} action`;
      continue;
    }
    if (String(rule.action).toLowerCase() !== "allow") continue;
    const scope = sourceScope(rule.cidrs);
    if (scope === "scoped") continue;
    const range = portRange(rule);
    if (range === "unknown") {
      unknown ??= `${rule.where} protocol/ports`;
      continue;
    }
    const hits = portsIn(range, ports, ["tcp"]);
    if (hits.length === 0) continue;
    if (scope === "unknown") {
      unknown ??= `${rule.where} CIDR`;
      continue;
    }
    for (const fam of rule.cidrs.filter(isWorldCidr) as string[]) {
      for (const port of hits) {
        const shadowed = rules.some((d) => {
          if (d === rule || String(d.action).toLowerCase() !== "deny" || !world(d, fam)) return false;
          if (isUnknown(d.ruleNo) || isUnknown(rule.ruleNo) || Number(d.ruleNo) >= Number(rule.ruleNo)) return false;
          const dr = portRange(d);
          return dr !== "unknown" && portsIn(dr, [port], ["tcp"]).length > 0;
        });
        if (!shadowed) findings.push(`${rule.where} allows port ${port} from ${fam}`);
      }
    }
  }
  return { findings, ...(unknown ? { unknown } : {}) };
}

export const ec2NetworkAclNoPublicAdminPorts = stackPolicy(
  {
    name: "ec2-network-acl-no-public-admin-ports",
    description: "Network ACLs must not allow ingress from 0.0.0.0/0 or ::/0 to remote administration ports (22, 3389).",
    severity: "medium",
    controls: ["EC2.21"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      "Remove (or narrow the `cidrBlock` of) NACL ingress entries and aws.ec2.NetworkAclRule resources that allow 0.0.0.0/0 or ::/0 to ports 22 and 3389, or add a lower-numbered deny for those ports.",
    config: { ports: { type: "array", items: { type: "integer" }, description: "Remote administration ports that must not be reachable from the world.", default: [22, 3389] } },
  },
  ({ forEach, ofType, fail, config }) => {
    const ports = (config.ports as number[]).map(Number);
    const acls = ofType([...N.networkAcl, ...N.defaultNetworkAcl]);
    const standalone = ofType(N.networkAclRule);
    const claimed = new Set<string>();
    const check = (target: PolicyResource, rules: InboundRule[]) => {
      const { findings, unknown } = naclFindings(rules, ports);
      if (findings.length > 0) fail(target, findings.join("; "), "remove the 0.0.0.0/0 / ::/0 allow for these ports (or add a lower-numbered deny)");
      else if (unknown) undecidable(unknown);
    };
    forEach([...N.networkAcl, ...N.defaultNetworkAcl], (acl) => {
      const mine = standalone.filter((r) => dependsOn(r, "networkAclId", acl));
      mine.forEach((r) => claimed.add(r.urn));
      check(acl, [...naclInbound(acl), ...mine.flatMap(naclInbound)]);
    });
    // Rules for a NACL outside the stack (or a VPC's default NACL by id): judged on their own.
    forEach(N.networkAclRule, (rule) => {
      if (claimed.has(rule.urn) || acls.some((a) => dependsOn(rule, "networkAclId", a))) return;
      check(rule, naclInbound(rule));
    });
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.23 transit gateways, EC2.51 client VPN, EC2.171 site-to-site VPN
// ---------------------------------------------------------------------------------------------

export const ec2TransitGatewayNoAutoAccept = resourcePolicy(
  {
    name: "ec2-transit-gateway-no-auto-accept",
    description: "Transit gateways must not accept shared VPC attachment requests automatically.",
    severity: "high",
    controls: ["EC2.23"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: 'Set `autoAcceptSharedAttachments: "disable"` (the default) on the aws.ec2transitgateway.TransitGateway.',
    resourceTypes: N.transitGateway,
  },
  ({ props, fail }) => {
    // The default is "disable".
    if (props.autoAcceptSharedAttachments === "enable") fail('`autoAcceptSharedAttachments` is "enable", so any account it is shared with can attach a VPC', 'set `autoAcceptSharedAttachments: "disable"`');
  },
);

export const ec2ClientVpnConnectionLogging = resourcePolicy(
  {
    name: "ec2-client-vpn-connection-logging",
    description: "Client VPN endpoints must log client connections.",
    severity: "low",
    controls: ["EC2.51"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `connectionLogOptions: { enabled: true, cloudwatchLogGroup, cloudwatchLogStream }` on the aws.ec2clientvpn.Endpoint.",
    resourceTypes: N.clientVpnEndpoint,
  },
  ({ props, fail }) => {
    if (props.connectionLogOptions?.enabled !== true) fail("client connection logging is off", "set `connectionLogOptions: { enabled: true, cloudwatchLogGroup: <log group name> }`");
  },
);

export const ec2VpnConnectionLogging = resourcePolicy(
  {
    name: "ec2-vpn-connection-logging",
    description: "Site-to-Site VPN connections must log both tunnels to CloudWatch Logs.",
    severity: "medium",
    controls: ["EC2.171"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `tunnel1LogOptions` and `tunnel2LogOptions` to `{ cloudwatchLogOptions: { logEnabled: true, logGroupArn } }` on the aws.ec2.VpnConnection.",
    resourceTypes: N.vpnConnection,
  },
  ({ props, fail }) => {
    const off = [1, 2].filter((t) => known(props, `tunnel${t}LogOptions.cloudwatchLogOptions.logEnabled`) !== true).map((t) => `tunnel${t}`);
    if (off.length > 0) fail(`tunnel logging is off for ${off.join(" and ")}`, `set \`${off.map((t) => `${t}LogOptions`).join("`/`")}: { cloudwatchLogOptions: { logEnabled: true, logGroupArn } }\``);
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.180 source/destination check, EC2.29 instances in a VPC, BP.EC2.2 detailed monitoring
// ---------------------------------------------------------------------------------------------

export const ec2SourceDestCheck = resourcePolicy(
  {
    name: "ec2-source-dest-check",
    description: "EC2 instances and network interfaces must keep source/destination checking on.",
    severity: "medium",
    controls: ["EC2.180"],
    frameworks: ["FSBP"],
    remediationSteps: "Remove `sourceDestCheck: false` from the aws.ec2.Instance / aws.ec2.NetworkInterface (the default is true); exempt NAT or appliance instances with a reason.",
    resourceTypes: [...N.instance, ...N.networkInterface],
  },
  ({ props, fail }) => {
    // The default is true.
    if (props.sourceDestCheck === false) fail("`sourceDestCheck` is false, so it can send and receive traffic for other addresses", "remove `sourceDestCheck: false` (exempt NAT/appliance instances with a reason)");
  },
);

export const ec2InstanceInVpc = resourcePolicy(
  {
    name: "ec2-instance-in-vpc",
    description: "EC2 instances must be launched in a VPC (EC2-Classic is retired; the region's default VPC is a VPC).",
    severity: "high",
    controls: ["EC2.29"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps: "Nothing to do for an instance in a VPC. An instance without `subnetId` lands in the default VPC, whose subnets assign public IPs (see ec2-instance-no-public-ip): place it in a private subnet of the workload VPC.",
    resourceTypes: N.instance,
  },
  ({ props, fail }) => {
    // EC2-Classic was retired in 2023: every instance launches into a VPC, the default one when no
    // subnet, interface or template places it. Only an explicit EC2-Classic setting fails.
    if (get(props, "classicLinkVpcId") !== undefined) fail("it is linked to EC2-Classic", "launch it in a VPC subnet");
  },
);

export const ec2DetailedMonitoring = resourcePolicy(
  {
    name: "ec2-detailed-monitoring",
    description: "EC2 instances and launch templates must enable detailed (1-minute) CloudWatch monitoring.",
    severity: "low",
    controls: ["BP.Compute.2"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `monitoring: true` on the aws.ec2.Instance, or `monitoring: { enabled: true }` on the aws.ec2.LaunchTemplate.",
    resourceTypes: [...N.instance, ...N.launchTemplate],
  },
  ({ props, type, fail }) => {
    if ((N.instance as readonly string[]).includes(type)) {
      if (known(props, "monitoring") !== true) fail("detailed monitoring is off", "set `monitoring: true`");
    } else if (known(props, "monitoring.enabled") !== true) fail("detailed monitoring is off", "set `monitoring: { enabled: true }`");
  },
);

export const ec2NoParavirtualInstanceTypes = resourcePolicy(
  {
    name: "ec2-no-paravirtual-instance-types",
    description: "EC2 instances, launch templates and launch configurations must use instance types that only run HVM AMIs (no paravirtual-capable previous generation).",
    severity: "medium",
    controls: ["EC2.24"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `instanceType` to a current-generation type (e.g. m7g, m7i, c7g, t4g); those run HVM AMIs only, so a paravirtual AMI cannot be used.",
    resourceTypes: [...N.instance, ...N.launchTemplate, ...N.launchConfiguration],
    config: {
      paravirtualFamilies: {
        type: "array",
        items: { type: "string" },
        description: "Instance families that can run paravirtual AMIs (AWS: C1, C3, HS1, M1, M2, M3, T1; plus HI1).",
        default: ["c1", "c3", "hi1", "hs1", "m1", "m2", "m3", "t1"],
      },
    },
  },
  ({ props, config, fail }) => {
    // The AMI's virtualization type is not visible at preview; the instance type is. Only the
    // families below can boot a paravirtual AMI, so any other type guarantees HVM.
    const type = known(props, "instanceType");
    if (type === undefined) return; // from the launch template, which this policy checks too
    const family = String(type).split(".")[0]!.toLowerCase();
    if ((config.paravirtualFamilies as string[]).map((f) => String(f).toLowerCase()).includes(family)) {
      fail(`instance type ${type} is a previous-generation type that can run paravirtual AMIs`, "use a current-generation `instanceType` (HVM only), e.g. m7g.large or t4g.small");
    }
  },
);

// ---------------------------------------------------------------------------------------------
// EC2.28 EBS volumes in a backup plan
// ---------------------------------------------------------------------------------------------

/** How a backup selection covers a resource: "yes", "no" or "unknown". */
function selectionCovers(sel: PolicyResource, targets: PolicyResource[], tagsOf: (r: PolicyResource) => Record<string, unknown> | undefined): "yes" | "no" | "unknown" {
  if (targets.some((t) => dependsOn(sel, "notResources", t))) return "no";
  const resources = get(sel.props, "resources");
  if (targets.some((t) => dependsOn(sel, "resources", t))) return "yes";
  // An unknown ARN from resources of the covered types names those (not this one); one from
  // anything else (a component, an apply over other outputs) might be this one (lib/references.ts).
  const deps = sel.propertyDependencies?.resources ?? [];
  const untraced = deps.length === 0 || deps.some((d) => !targets.some((t) => t.type === d.type));
  let unknown = isUnknown(resources) && untraced;
  for (const arn of asArray(resources)) {
    if (isUnknown(arn)) {
      if (untraced) unknown = true;
      continue;
    }
    if (arn === "*" || /^arn:[^:]+:ec2:[^:]*:[^:]*:volume\/\*$/.test(String(arn))) {
      // A wildcard selection narrowed by tag conditions.
      const conds = asArray(get(sel.props, "conditions")).flatMap((c) => asArray(get(c, "stringEquals")));
      if (conds.length === 0) return "yes";
      for (const t of targets) {
        const tags = tagsOf(t);
        if (tags === undefined) {
          unknown = true;
          continue;
        }
        const all = conds.every((c) => {
          const key = String(get(c, "key") ?? "").replace(/^aws:ResourceTag\//, "");
          return tags[key] === get(c, "value");
        });
        if (all) return "yes";
      }
    }
  }
  for (const st of asArray(get(sel.props, "selectionTags"))) {
    const key = get(st, "key");
    const value = get(st, "value");
    if (isUnknown(key) || isUnknown(value)) {
      unknown = true;
      continue;
    }
    if (String(get(st, "type") ?? "STRINGEQUALS").toUpperCase() !== "STRINGEQUALS") continue;
    for (const t of targets) {
      const v = tagsOf(t)?.[String(key)];
      if (tagsOf(t) === undefined || isUnknown(v)) unknown = true;
      else if (v === value) return "yes";
    }
  }
  return unknown ? "unknown" : "no";
}

export const ec2EbsVolumeBackupPlan = stackPolicy(
  {
    name: "ec2-ebs-volume-backup-plan",
    description: "EBS volumes must be covered by an AWS Backup plan (directly, by tag, or through the instance they are attached to).",
    severity: "low",
    controls: ["EC2.28"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add the volume (or its instance) to an aws.backup.Selection of an aws.backup.Plan: list its ARN in `resources`, or tag it and select the tag with `selectionTags` / `conditions.stringEquals`.",
  },
  ({ forEach, ofType, fail }) => {
    const selections = ofType(N.backupSelection);
    const instances = ofType(N.instance);
    const attachments = ofType(N.volumeAttachment);
    const tagsOf = (r: PolicyResource): Record<string, unknown> | undefined => {
      const t = get(r.props, "tags");
      if (isUnknown(t)) return undefined; // unknown at preview
      return (raw(t) ?? {}) as Record<string, unknown>;
    };
    forEach(N.volume, (vol) => {
      const viaInstances = attachments.filter((a) => dependsOn(a, "volumeId", vol)).flatMap((a) => referencedBy(a, "instanceId", instances));
      const targets = [vol, ...viaInstances];
      const verdicts = selections.map((s) => selectionCovers(s, targets, tagsOf));
      if (verdicts.includes("yes")) return;
      if (verdicts.includes("unknown")) undecidable("aws.backup.Selection resources/selectionTags");
      fail(vol, `no AWS Backup selection covers it${viaInstances.length > 0 ? ` or its instance ${viaInstances.map((i) => i.name).join(", ")}` : ""}`, "add its ARN to an aws.backup.Selection's `resources`, or tag it and select that tag (`selectionTags`)");
    });
  },
);

// ---------------------------------------------------------------------------------------------

export const policies = [
  ec2SnapshotBlockPublicAccess,
  ec2DefaultSecurityGroupClosed,
  ec2VpcAdoptsDefaultSecurityGroup,
  ec2EbsVolumeEncrypted,
  ec2InstanceEbsEncrypted,
  ec2LaunchTemplateEbsEncrypted,
  ec2SpotFleetEbsEncrypted,
  ec2VpcFlowLogs,
  ec2EbsEncryptionByDefault,
  ec2InstanceImdsv2,
  ec2LaunchTemplateImdsv2,
  ec2ImdsHopLimit,
  ec2InstanceNoPublicIp,
  ec2SubnetNoAutoPublicIp,
  ec2LaunchTemplateNoPublicIp,
  ec2VpcEndpointEc2,
  ec2VpcEndpointEcrApi,
  ec2VpcEndpointEcrDkr,
  ec2VpcEndpointSsm,
  ec2VpcEndpointSsmContacts,
  ec2VpcEndpointSsmIncidents,
  ec2NetworkAclUnused,
  ec2InstanceSingleEni,
  ec2EipAttached,
  ec2SecurityGroupAuthorizedPorts,
  ec2SecurityGroupHighRiskPorts,
  ec2SecurityGroupDescriptions,
  ec2NetworkAclNoPublicAdminPorts,
  ec2TransitGatewayNoAutoAccept,
  ec2ClientVpnConnectionLogging,
  ec2VpnConnectionLogging,
  ec2VpcBlockPublicAccess,
  ec2SourceDestCheck,
  ec2InstanceInVpc,
  ec2DetailedMonitoring,
  ec2NoParavirtualInstanceTypes,
  ec2EbsVolumeBackupPlan,
];

export const notDecidable: Record<string, string> = {
  "EC2.4": "How long an instance has been stopped is runtime state; a program only declares instances (and Pulumi has no stopped-instance input that ages).",
  "EC2.20": "Whether both tunnels of a Site-to-Site VPN are UP is runtime tunnel status reported by AWS, not an input of aws.ec2.VpnConnection.",
  "EC2.7":
    "Account/region state. The policy ec2-ebs-encryption-by-default decides it only in a stack that manages aws.ebs.EncryptionByDefault; a workload stack does not own the setting, so its EBS default-encryption state cannot be seen from its resources (set requireSetting in the baseline stack's config).",
  "EC2.172":
    "Account/region state. The policy ec2-vpc-block-public-access decides it only in a stack that manages aws.ec2.VpcBlockPublicAccessOptions; in workload stacks the account setting is not among the resources.",
};
