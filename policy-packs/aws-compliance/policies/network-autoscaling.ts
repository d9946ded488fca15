/**
 * EC2 Auto Scaling (FSBP AutoScaling.*): load-balancer health checks, multiple AZs and instance
 * types, launch templates instead of launch configurations, and the launch configurations' IMDS,
 * public IP and EBS settings; plus scaling notifications (`BP.AutoScaling.1`).
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { azSpread, N, pointingAt } from "../lib/tokens-network";
import { referenceIsSet, untracedPointers, undecidableIfUntraced } from "../lib/references";
import { T } from "../lib/tokens";
import { asArray, containsUnknown, get, isUnknown, raw, truthy, undecidable } from "../lib/values";

/** A value read through `get` that must be known to decide. */
function known<T = any>(obj: unknown, path: string, label = path): T {
  const v = get(obj, path);
  if (isUnknown(v)) undecidable(label);
  return v as T;
}

/** Where an Auto Scaling group's load-balancer references come from (target groups, Classic ELBs, Lattice target groups). */
const LB_SOURCES = [...T.targetGroup, ...T.classicLoadBalancer, "aws:elasticloadbalancingv2/targetGroup:TargetGroup", "aws:applicationloadbalancing/targetGroup:TargetGroup", "aws:vpclattice/targetGroup:TargetGroup"];

/**
 * True if a list of load-balancer references is set and non-empty: known, or unknown at preview and
 * from a target group or load balancer of the stack; from anything else undecidable (lib/references.ts).
 */
function hasList(r: PolicyResource, prop: string): boolean {
  const v = get(r.props, prop);
  if (v === undefined || v === null) return false;
  if (containsUnknown(v)) return referenceIsSet(r, prop, LB_SOURCES);
  return asArray(v).length > 0;
}

export const autoscalingGroupElbHealthCheck = stackPolicy(
  {
    name: "autoscaling-group-elb-health-check",
    description: "Auto Scaling groups attached to a load balancer must use the load balancer's health checks.",
    severity: "low",
    controls: ["AutoScaling.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `healthCheckType: "ELB"` (and a `healthCheckGracePeriod`) on the aws.autoscaling.Group that has `targetGroupArns`, `loadBalancers`, `trafficSources` or an aws.autoscaling.Attachment.',
  },
  ({ forEach, attached, fail }) => {
    forEach(N.autoscalingGroup, (group) => {
      const attachments = attached(group, N.autoscalingAttachment, "autoscalingGroupName");
      const behindLb = ["targetGroupArns", "loadBalancers", "trafficSources"].some((p) => hasList(group, p)) || attachments.length > 0;
      if (!behindLb) return;
      const type = known(group.props, "healthCheckType");
      // ELB health checks, or VPC Lattice health checks for Lattice traffic sources.
      if (typeof type === "string" && /(^|,)\s*(ELB|VPC_LATTICE)\s*(,|$)/i.test(type)) return;
      fail(group, `it is behind a load balancer but \`healthCheckType\` is ${type === undefined ? 'not set (defaults to "EC2")' : `"${type}"`}, so instances failing the load balancer's checks are not replaced`, 'set `healthCheckType: "ELB"` and a `healthCheckGracePeriod`');
    });
  },
);

export const autoscalingGroupMultiAz = stackPolicy(
  {
    name: "autoscaling-group-multi-az",
    description: "Auto Scaling groups must span at least two Availability Zones.",
    severity: "medium",
    controls: ["AutoScaling.2"],
    frameworks: ["FSBP"],
    remediationSteps: "Give the aws.autoscaling.Group `vpcZoneIdentifiers` (subnets) in at least two Availability Zones (awsx: `vpc.privateSubnetIds`).",
    config: { minAzs: { type: "integer", minimum: 1, description: "Fewest Availability Zones a group must span.", default: 2 } },
  },
  ({ forEach, resources, fail, config }) => {
    const min = Number(config.minAzs);
    forEach(N.autoscalingGroup, (group) => {
      const subnets = get(group.props, "vpcZoneIdentifiers");
      if (isUnknown(subnets) || asArray(subnets).length > 0) {
        const spread = azSpread(group, "vpcZoneIdentifiers", isUnknown(subnets) ? "unknown" : asArray(subnets), resources);
        if (spread.count >= min) return;
        if (spread.uncertain) undecidable("vpcZoneIdentifiers (subnet availabilityZone)");
        fail(group, `its subnets span ${spread.count} Availability Zone${spread.count === 1 ? "" : "s"} (${spread.basis}); at least ${min} required`, `set \`vpcZoneIdentifiers\` to subnets in ${min} or more AZs`);
        return;
      }
      const azs = known(group.props, "availabilityZones");
      const distinct = new Set(asArray(azs).map(String));
      if (asArray(azs).some(isUnknown)) undecidable("availabilityZones");
      if (distinct.size < min) fail(group, `it spans ${distinct.size} Availability Zone${distinct.size === 1 ? "" : "s"}; at least ${min} required`, `set \`vpcZoneIdentifiers\` (or \`availabilityZones\`) covering ${min} or more AZs`);
    });
  },
);

export const autoscalingGroupMultipleInstanceTypes = resourcePolicy(
  {
    name: "autoscaling-group-multiple-instance-types",
    description: "Auto Scaling groups must be able to use several instance types (a mixed instances policy).",
    severity: "medium",
    controls: ["AutoScaling.6"],
    frameworks: ["FSBP"],
    remediationSteps:
      "Use `mixedInstancesPolicy.launchTemplate` on the aws.autoscaling.Group with `overrides` naming at least two `instanceType`s (or `instanceRequirements` for attribute-based selection).",
    resourceTypes: N.autoscalingGroup,
    config: { minInstanceTypes: { type: "integer", minimum: 1, description: "Fewest instance types a group must be able to launch.", default: 2 } },
  },
  ({ props, config, fail }) => {
    const min = Number(config.minInstanceTypes);
    const mip = known(props, "mixedInstancesPolicy");
    if (mip === undefined) {
      fail("it has no `mixedInstancesPolicy`, so it launches a single instance type", `add \`mixedInstancesPolicy.launchTemplate.overrides\` with at least ${min} instance types`);
      return;
    }
    const overrides = asArray(known(mip, "launchTemplate.overrides", "mixedInstancesPolicy.launchTemplate.overrides")).map((o) => raw(o));
    // Attribute-based selection (instanceRequirements) lets EC2 pick among many types.
    if (overrides.some((o) => get(o, "instanceRequirements") !== undefined)) return;
    const types = overrides.map((o, i) => known(o, "instanceType", `mixedInstancesPolicy.launchTemplate.overrides.${i}.instanceType`)).filter((t) => t !== undefined);
    const distinct = new Set(types.map(String));
    if (distinct.size < min) fail(`its mixed instances policy allows ${distinct.size} instance type${distinct.size === 1 ? "" : "s"} (${[...distinct].join(", ") || "none"}); at least ${min} required`, `list at least ${min} \`instanceType\`s in \`mixedInstancesPolicy.launchTemplate.overrides\``);
  },
);

export const autoscalingGroupLaunchTemplate = resourcePolicy(
  {
    name: "autoscaling-group-launch-template",
    description: "Auto Scaling groups must launch from an EC2 launch template, not a launch configuration.",
    severity: "medium",
    controls: ["AutoScaling.9"],
    frameworks: ["FSBP"],
    remediationSteps: "Replace the aws.ec2.LaunchConfiguration with an aws.ec2.LaunchTemplate and set `launchTemplate: { id, version }` (or `mixedInstancesPolicy.launchTemplate`) on the aws.autoscaling.Group.",
    resourceTypes: N.autoscalingGroup,
  },
  ({ props, fail }) => {
    if (get(props, "launchConfiguration") !== undefined) {
      fail("it launches from a launch configuration (deprecated; no IMDSv2 defaults, no new instance types)", "create an aws.ec2.LaunchTemplate and set `launchTemplate: { id: lt.id, version: \"$Latest\" }` instead of `launchConfiguration`");
      return;
    }
    if (get(props, "launchTemplate") === undefined && get(props, "mixedInstancesPolicy") === undefined) {
      fail("it names no launch template", "set `launchTemplate: { id: lt.id, version: \"$Latest\" }` or `mixedInstancesPolicy.launchTemplate`");
    }
  },
);

export const autoscalingGroupNotifications = stackPolicy(
  {
    name: "autoscaling-group-notifications",
    description: "Auto Scaling groups must notify an SNS topic of launch and termination events, including failures.",
    severity: "low",
    controls: ["BP.AutoScaling.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Add an aws.autoscaling.Notification with the group in `groupNames`, a `topicArn`, and the configured notification types.",
    config: {
      notificationTypes: {
        type: "array",
        items: { type: "string" },
        description: "Notification types every group must send.",
        default: ["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"],
      },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const wanted = (config.notificationTypes as string[]).map(String);
    const all = ofType(N.autoscalingNotification);
    forEach(N.autoscalingGroup, (group) => {
      const mine = pointingAt(all, "groupNames", group);
      const sent = new Set<string>();
      for (const n of mine) for (const t of asArray(known(n.props, "notifications", `${n.name}.notifications`))) sent.add(String(t));
      const missing = wanted.filter((t) => !sent.has(t));
      if (missing.length === 0) return;
      if (mine.length === 0) undecidableIfUntraced(group, untracedPointers(all, "groupNames", N.autoscalingGroup), "groupNames");
      fail(group, mine.length === 0 ? "no aws.autoscaling.Notification reports its scaling events" : `its notifications miss ${missing.join(", ")}`, `add an aws.autoscaling.Notification with this group in \`groupNames\` and \`notifications: [${missing.map((m) => `"${m}"`).join(", ")}]\``);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Launch configurations (AutoScaling.3/4/5, EC2.3)
// ---------------------------------------------------------------------------------------------

export const autoscalingLaunchConfigurationImdsv2 = resourcePolicy(
  {
    name: "autoscaling-launch-configuration-imdsv2",
    description: "Auto Scaling launch configurations must require IMDSv2.",
    severity: "high",
    controls: ["AutoScaling.3"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: 'Set `metadataOptions: { httpTokens: "required" }` on the aws.ec2.LaunchConfiguration (better: move to an aws.ec2.LaunchTemplate, AutoScaling.9).',
    resourceTypes: N.launchConfiguration,
  },
  ({ props, fail }) => {
    const mo = known(props, "metadataOptions");
    if (mo !== undefined && known(mo, "httpEndpoint", "metadataOptions.httpEndpoint") === "disabled") return;
    const tokens = mo === undefined ? undefined : known(mo, "httpTokens", "metadataOptions.httpTokens");
    if (tokens !== "required") {
      fail(`\`metadataOptions.httpTokens\` is ${tokens === undefined ? 'not set (defaults to "optional")' : `"${tokens}"`}, so instances accept IMDSv1`, 'set `metadataOptions: { httpTokens: "required" }`');
    }
  },
);

export const autoscalingLaunchConfigurationHopLimit = resourcePolicy(
  {
    name: "autoscaling-launch-configuration-hop-limit",
    description: "Auto Scaling launch configurations must not let metadata responses travel more than one hop.",
    severity: "high",
    controls: ["AutoScaling.4"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `metadataOptions.httpPutResponseHopLimit: 1` (the default) on the aws.ec2.LaunchConfiguration.",
    resourceTypes: N.launchConfiguration,
    config: { maxHopLimit: { type: "integer", minimum: 1, maximum: 64, description: "Largest accepted httpPutResponseHopLimit.", default: 1 } },
  },
  ({ props, config, fail }) => {
    // AWS's default hop limit is 1.
    const hop = known(props, "metadataOptions.httpPutResponseHopLimit");
    if (hop !== undefined && Number(hop) > Number(config.maxHopLimit)) {
      fail(`\`metadataOptions.httpPutResponseHopLimit\` is ${hop} (max ${config.maxHopLimit})`, `set \`metadataOptions.httpPutResponseHopLimit: ${config.maxHopLimit}\``);
    }
  },
);

export const autoscalingLaunchConfigurationNoPublicIp = resourcePolicy(
  {
    name: "autoscaling-launch-configuration-no-public-ip",
    description: "Auto Scaling launch configurations must not give instances public IP addresses.",
    severity: "high",
    controls: ["AutoScaling.5"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `associatePublicIpAddress: false` on the aws.ec2.LaunchConfiguration and launch the group into private subnets.",
    resourceTypes: N.launchConfiguration,
  },
  ({ props, fail }) => {
    if (props.associatePublicIpAddress === true) fail("`associatePublicIpAddress` is true", "set `associatePublicIpAddress: false` and use private subnets");
  },
);

export const autoscalingLaunchConfigurationEbsEncrypted = resourcePolicy(
  {
    name: "autoscaling-launch-configuration-ebs-encrypted",
    description: "Auto Scaling launch configurations must encrypt the root and EBS volumes of the instances they launch.",
    severity: "medium",
    controls: ["EC2.3"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `rootBlockDevice: { encrypted: true }` and `encrypted: true` on every `ebsBlockDevices` entry of the aws.ec2.LaunchConfiguration.",
    resourceTypes: N.launchConfiguration,
    config: {
      assumeEncryptionByDefault: {
        type: "boolean",
        description: "Treat an absent `encrypted` as encrypted because the account has EBS encryption by default on (EC2.7). `encrypted: false` still fails.",
        default: false,
      },
    },
  },
  ({ props, config, fail }) => {
    const assume = config.assumeEncryptionByDefault === true;
    const problems: string[] = [];
    const check = (dev: unknown, where: string, path: string) => {
      const enc = known(dev, "encrypted", `${path}.encrypted`);
      if (truthy(enc) || (enc === undefined && assume)) return;
      problems.push(`${where} ${enc === undefined ? "does not set `encrypted`" : "has `encrypted: false`"}`);
    };
    const root = known(props, "rootBlockDevice");
    if (root === undefined) {
      if (!assume) problems.push("the root volume (from the AMI) is not set to encrypt");
    } else check(root, "rootBlockDevice", "rootBlockDevice");
    asArray(known(props, "ebsBlockDevices")).forEach((d, i) => {
      if (get(d, "noDevice") === true) return;
      check(d, `ebsBlockDevices[${i}]`, `ebsBlockDevices.${i}`);
    });
    if (problems.length > 0) fail(problems.join("; "), "set `rootBlockDevice: { encrypted: true }` and `encrypted: true` on every `ebsBlockDevices` entry");
  },
);

export const policies = [
  autoscalingGroupElbHealthCheck,
  autoscalingGroupMultiAz,
  autoscalingGroupMultipleInstanceTypes,
  autoscalingGroupLaunchTemplate,
  autoscalingGroupNotifications,
  autoscalingLaunchConfigurationImdsv2,
  autoscalingLaunchConfigurationHopLimit,
  autoscalingLaunchConfigurationNoPublicIp,
  autoscalingLaunchConfigurationEbsEncrypted,
];

/** Every AutoScaling control of the catalog is decidable from a program's resources. */
export const notDecidable: Record<string, string> = {};
