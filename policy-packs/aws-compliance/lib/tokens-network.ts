/**
 * Token groups and join helpers for the network and compute area (EC2/VPC, Auto Scaling, ELB,
 * Lambda). Groups list every token a real program may register: the v7 token, the module alias
 * (`aws:alb/*` next to `aws:lb/*`), and the legacy tokens v7 keeps as URN aliases
 * (`aws:elasticloadbalancingv2/*`, `aws:applicationloadbalancing/*`, `aws:elasticloadbalancing/*`).
 * `awsx:ec2:Vpc` is a component: its inputs are visible in a plan, its children (subnets, route
 * tables, NAT gateways) are not, so a rule treats it as one VPC and joins side resources to it by
 * property dependency (`vpcId: vpc.vpcId` depends on the component).
 */
import { untracedPointers } from "./references";
import type { PolicyResource } from "@pulumi/policy";
import { T } from "./tokens";
import { asArray, get, isUnknown, raw, undecidable } from "./values";

export const N = {
  /** Every VPC a program defines or adopts: plain, adopted default, and the awsx component. */
  vpc: ["aws:ec2/vpc:Vpc", "aws:ec2/defaultVpc:DefaultVpc", "awsx:ec2:Vpc"],
  awsxVpc: ["awsx:ec2:Vpc"],
  subnet: ["aws:ec2/subnet:Subnet"],
  defaultSecurityGroup: ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
  securityGroup: [...T.securityGroup],
  /** Standalone ingress rules: the `aws:vpc` rule resource and `aws:ec2/securityGroupRule` (type=ingress). */
  securityGroupIngress: [...T.securityGroupIngress],
  securityGroupEgressRule: ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"],
  flowLog: ["aws:ec2/flowLog:FlowLog"],
  vpcEndpoint: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
  networkAcl: ["aws:ec2/networkAcl:NetworkAcl"],
  defaultNetworkAcl: ["aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"],
  networkAclRule: ["aws:ec2/networkAclRule:NetworkAclRule"],
  networkAclAssociation: ["aws:ec2/networkAclAssociation:NetworkAclAssociation"],
  networkInterface: ["aws:ec2/networkInterface:NetworkInterface"],
  networkInterfaceAttachment: ["aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment"],
  instance: ["aws:ec2/instance:Instance"],
  launchTemplate: ["aws:ec2/launchTemplate:LaunchTemplate"],
  launchConfiguration: ["aws:ec2/launchConfiguration:LaunchConfiguration"],
  spotFleetRequest: ["aws:ec2/spotFleetRequest:SpotFleetRequest"],
  volume: ["aws:ebs/volume:Volume"],
  volumeAttachment: ["aws:ec2/volumeAttachment:VolumeAttachment"],
  encryptionByDefault: ["aws:ebs/encryptionByDefault:EncryptionByDefault"],
  snapshotBlockPublicAccess: ["aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess"],
  vpcBlockPublicAccessOptions: ["aws:ec2/vpcBlockPublicAccessOptions:VpcBlockPublicAccessOptions"],
  eip: ["aws:ec2/eip:Eip"],
  eipAssociation: ["aws:ec2/eipAssociation:EipAssociation"],
  natGateway: ["aws:ec2/natGateway:NatGateway"],
  transferServer: ["aws:transfer/server:Server"],
  transitGateway: ["aws:ec2transitgateway/transitGateway:TransitGateway"],
  clientVpnEndpoint: ["aws:ec2clientvpn/endpoint:Endpoint"],
  vpnConnection: ["aws:ec2/vpnConnection:VpnConnection"],
  backupSelection: ["aws:backup/selection:Selection"],

  autoscalingGroup: ["aws:autoscaling/group:Group"],
  autoscalingAttachment: ["aws:autoscaling/attachment:Attachment", "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment"],
  autoscalingNotification: ["aws:autoscaling/notification:Notification"],

  /** ALB/NLB/GWLB (`loadBalancerType` tells which; default `application`). */
  loadBalancer: [...T.loadBalancer, "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer", "aws:applicationloadbalancing/loadBalancer:LoadBalancer"],
  listener: [...T.listener, "aws:elasticloadbalancingv2/listener:Listener", "aws:applicationloadbalancing/listener:Listener"],
  listenerCertificate: [
    "aws:lb/listenerCertificate:ListenerCertificate",
    "aws:alb/listenerCertificate:ListenerCertificate",
    "aws:elasticloadbalancingv2/listenerCertificate:ListenerCertificate",
    "aws:applicationloadbalancing/listenerCertificate:ListenerCertificate",
  ],
  classicLoadBalancer: [...T.classicLoadBalancer],
  classicLoadBalancerPolicy: ["aws:elb/loadBalancerPolicy:LoadBalancerPolicy", "aws:elasticloadbalancing/loadBalancerPolicy:LoadBalancerPolicy"],
  classicListenerPolicy: ["aws:elb/listenerPolicy:ListenerPolicy", "aws:elasticloadbalancing/listenerPolicy:ListenerPolicy"],
  classicSslNegotiationPolicy: ["aws:elb/sslNegotiationPolicy:SslNegotiationPolicy", "aws:elasticloadbalancing/sslNegotiationPolicy:SslNegotiationPolicy"],
  webAclAssociation: [...T.webAclAssociation],

  lambdaFunction: ["aws:lambda/function:Function"],
  lambdaPermission: ["aws:lambda/permission:Permission"],
  lambdaFunctionUrl: ["aws:lambda/functionUrl:FunctionUrl"],
  lambdaEventInvokeConfig: ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"],
  lambdaEventSourceMapping: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
  logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
} as const;

/** The stack resource to hang stack-wide findings on (the root stack, else the first resource). */
export function stackAnchor(resources: PolicyResource[]): PolicyResource | undefined {
  return resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? resources[0];
}

/**
 * True if `r` was created inside an awsx component (a real engine registers awsx's children, with
 * the component as parent; the offline plan does not). Rules that evaluate the awsx component
 * itself skip such children, whose side resources point at the component, not at them.
 */
export function insideAwsx(r: PolicyResource): boolean {
  for (let p = r.parent; p; p = p.parent) if (p.type.startsWith("awsx:")) return true;
  return false;
}

/** True if some resource of `resources` has `ancestor` as parent (directly or through others). */
export function hasDescendantOfType(ancestor: PolicyResource, types: readonly string[], resources: readonly PolicyResource[]): boolean {
  return resources.some((r) => {
    if (!types.includes(r.type)) return false;
    for (let p = r.parent; p; p = p.parent) if (p.urn === ancestor.urn) return true;
    return false;
  });
}

/** Values by which another resource may name this one (when they are known inputs). */
function identifiersOf(r: PolicyResource): string[] {
  const p = (raw(r.props) ?? {}) as Record<string, unknown>;
  return ["id", "arn", "name", "functionName", "bucket", "allocationId", "loadBalancerName"]
    .map((k) => p[k])
    .filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
}

/**
 * The candidates `from` points at through input `prop`: by property dependency (the value came
 * from the candidate's output), or by a known value (string or array element) equal to one of the
 * candidate's known identifiers.
 */
export function referencedBy(from: PolicyResource, prop: string, candidates: readonly PolicyResource[]): PolicyResource[] {
  const deps = new Set((from.propertyDependencies?.[prop] ?? []).map((d) => d.urn));
  const values = asArray(get(from.props, prop)).filter((v): v is string => typeof v === "string" && !isUnknown(v));
  return candidates.filter((c) => deps.has(c.urn) || (values.length > 0 && identifiersOf(c).some((id) => values.includes(id))));
}

/** Side resources that point at `target` through input `prop` (a string or a list of them). */
export function pointingAt(sides: readonly PolicyResource[], prop: string, target: PolicyResource): PolicyResource[] {
  return sides.filter((s) => referencedBy(s, prop, [target]).length > 0);
}

/** True if `r`'s input `prop` depends on `target` (its value came from one of the target's outputs). */
export function dependsOn(r: PolicyResource, prop: string, target: PolicyResource): boolean {
  return (r.propertyDependencies?.[prop] ?? []).some((d) => d.urn === target.urn);
}

/**
 * Side resources whose pointer `prop` is unknown at preview and came from no resource of
 * `targetTypes` (lib/references.ts): they might point at any target, so a "nothing attached"
 * verdict is undecidable while they exist.
 */
export function untraceable(sides: readonly PolicyResource[], prop: string, targetTypes: readonly string[]): PolicyResource[] {
  return untracedPointers(sides, prop, targetTypes);
}

/** True for a CIDR that means "anywhere". */
export function isWorldCidr(cidr: unknown): boolean {
  return cidr === "0.0.0.0/0" || cidr === "::/0";
}

// ---------------------------------------------------------------------------------------------
// Ports and protocols (security groups, network ACLs)
// ---------------------------------------------------------------------------------------------

export type Protocol = "all" | "tcp" | "udp" | "icmp" | "other";

/** Normalise an EC2 protocol (`-1`, `all`, `tcp`, `6`, `udp`, `17`, `icmp`, `1`, `58`...). */
export function normProtocol(p: unknown): Protocol {
  const s = String(p).toLowerCase();
  if (s === "-1" || s === "all") return "all";
  if (s === "tcp" || s === "6") return "tcp";
  if (s === "udp" || s === "17") return "udp";
  if (s === "icmp" || s === "1" || s === "icmpv6" || s === "58") return "icmp";
  return "other";
}

/** One inbound rule, normalised from any of the shapes a security group or NACL rule takes. */
export interface InboundRule {
  /** Where it is declared (`ingress.0`, or the rule resource). */
  where: string;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  cidrs: unknown[];
  /** NACL only: `allow` / `deny` and the rule number. */
  action?: unknown;
  ruleNo?: unknown;
}

/** The port range a rule opens, or "unknown" when protocol or ports are unknown at preview. */
export function portRange(rule: InboundRule): { protocol: Protocol; from: number; to: number } | "unknown" {
  if (isUnknown(rule.protocol)) return "unknown";
  const protocol = normProtocol(rule.protocol);
  if (protocol === "all") return { protocol, from: 0, to: 65535 };
  if (isUnknown(rule.fromPort) || isUnknown(rule.toPort)) return "unknown";
  const from = Number(rule.fromPort ?? 0);
  const to = Number(rule.toPort ?? 65535);
  // `-1` (ICMP types) or a 0-0 range on tcp/udp through the aws:vpc rule both mean every port.
  if (from < 0 || to < 0) return { protocol, from: 0, to: 65535 };
  return { protocol, from, to };
}

/** "world" if a known source is 0.0.0.0/0 or ::/0, "unknown" if a source is unknown, else "scoped". */
export function sourceScope(cidrs: unknown[]): "world" | "unknown" | "scoped" {
  if (cidrs.some(isWorldCidr)) return "world";
  if (cidrs.some(isUnknown)) return "unknown";
  return "scoped";
}

/** Inbound rules of a security group, default security group, or standalone ingress rule resource. */
export function securityGroupInbound(type: string, props: unknown): InboundRule[] {
  const p = raw(props) as Record<string, unknown>;
  if (type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
    return [{ where: "rule", protocol: get(p, "ipProtocol"), fromPort: get(p, "fromPort"), toPort: get(p, "toPort"), cidrs: [get(p, "cidrIpv4"), get(p, "cidrIpv6")].filter((c) => c !== undefined) }];
  }
  if (type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
    const kind = get(p, "type");
    if (isUnknown(kind)) undecidable("type");
    if (kind !== "ingress") return [];
    return [{ where: "rule", protocol: get(p, "protocol"), fromPort: get(p, "fromPort"), toPort: get(p, "toPort"), cidrs: [...asArray(get(p, "cidrBlocks")), ...asArray(get(p, "ipv6CidrBlocks"))] }];
  }
  const ingress = get(p, "ingress");
  if (isUnknown(ingress)) undecidable("ingress");
  return asArray(ingress).map((raw0: unknown, i: number) => {
    const r = raw(raw0) as Record<string, unknown>;
    if (isUnknown(r)) undecidable(`ingress.${i}`);
    const cidrs = [get(r, "cidrBlocks"), get(r, "ipv6CidrBlocks")].flatMap((c) => (isUnknown(c) ? [c] : asArray(c)));
    return { where: `ingress[${i}]`, protocol: get(r, "protocol"), fromPort: get(r, "fromPort"), toPort: get(r, "toPort"), cidrs };
  });
}

/**
 * Evaluate inbound rules against a port predicate. Returns the definite findings (open to the
 * world on a matching port) and whether some rule could not be decided because a source, protocol
 * or port is unknown at preview. `match` returns the offending ports of a range (empty: none).
 */
export function openToWorld(rules: InboundRule[], match: (range: { protocol: Protocol; from: number; to: number }) => string[]): { findings: string[]; unknown: string | undefined } {
  const findings: string[] = [];
  let unknown: string | undefined;
  for (const rule of rules) {
    const scope = sourceScope(rule.cidrs);
    if (scope === "scoped") continue;
    const range = portRange(rule);
    if (range === "unknown") {
      unknown ??= `${rule.where} protocol/ports`;
      continue;
    }
    const hits = match(range);
    if (hits.length === 0) continue;
    if (scope === "unknown") {
      unknown ??= `${rule.where} source CIDR`;
      continue;
    }
    const src = rule.cidrs.filter(isWorldCidr).join(", ");
    findings.push(`${rule.where} opens ${hits.join(", ")} to ${src}`);
  }
  return { findings, unknown };
}

/** Ports of `list` inside a range, for tcp/udp/all rules. */
export function portsIn(range: { protocol: Protocol; from: number; to: number }, list: number[], protocols: Protocol[] = ["tcp", "udp"]): number[] {
  if (range.protocol !== "all" && !protocols.includes(range.protocol)) return [];
  return list.filter((p) => p >= range.from && p <= range.to);
}

/** A short label for a port range: `tcp 22`, `tcp 0-65535`, `all traffic`. */
export function rangeLabel(range: { protocol: Protocol; from: number; to: number }): string {
  if (range.protocol === "all") return "all traffic";
  return `${range.protocol} ${range.from === range.to ? range.from : `${range.from}-${range.to}`}`;
}

// ---------------------------------------------------------------------------------------------
// Availability zones behind a list of subnets
// ---------------------------------------------------------------------------------------------

/** AZs an awsx VPC spreads its subnets over (its default is the region's first three). */
function awsxAzCount(vpc: PolicyResource): number {
  const names = get(vpc.props, "availabilityZoneNames");
  if (Array.isArray(names)) return names.length;
  const n = get(vpc.props, "numberOfAvailabilityZones");
  return typeof n === "number" ? n : 3;
}

export interface AzSpread {
  /** Distinct AZs known, plus subnets whose AZ cannot be resolved (counted as distinct). */
  count: number;
  /** Some AZ is unknown at preview, so a count below the minimum is not yet a finding. */
  uncertain: boolean;
  /** How the count was reached, for messages. */
  basis: string;
}

/**
 * How many AZs the subnets in input `prop` span. Subnets are resolved through property
 * dependencies to `aws:ec2/subnet:Subnet` resources (their `availabilityZone` /
 * `availabilityZoneId`) or to an `awsx:ec2:Vpc` (one subnet per AZ and subnet type). Subnet ids
 * that resolve to nothing in the stack (literal ids from config) are counted as distinct AZs, since
 * nothing at preview can tell otherwise. `values` are the subnet ids (or "unknown" for the whole list).
 */
export function azSpread(r: PolicyResource, prop: string, values: unknown[] | "unknown", resources: readonly PolicyResource[]): AzSpread {
  const deps = r.propertyDependencies?.[prop] ?? [];
  const awsx = deps.filter((d) => (N.awsxVpc as readonly string[]).includes(d.type));
  const subnets = referencedBy(r, prop, resources.filter((x) => (N.subnet as readonly string[]).includes(x.type)));
  if (awsx.length > 0 && subnets.length === 0) {
    const azs = Math.max(...awsx.map(awsxAzCount));
    const count = values === "unknown" ? azs : Math.min(values.length, azs);
    return { count, uncertain: false, basis: `subnets of awsx VPC ${awsx.map((a) => a.name).join(", ")}` };
  }
  if (values === "unknown" && subnets.length === 0) undecidable(prop);
  const known = new Set<string>();
  let unresolved = 0;
  let uncertain = false;
  for (const s of subnets) {
    const az = get(s.props, "availabilityZone") ?? get(s.props, "availabilityZoneId");
    if (isUnknown(az)) uncertain = true;
    else if (typeof az === "string") known.add(az);
    else unresolved++;
  }
  if (values !== "unknown") unresolved += Math.max(0, values.length - subnets.length);
  const count = known.size + unresolved;
  const basis = subnets.length > 0 ? `subnets in ${known.size > 0 ? [...known].sort().join(", ") : "unpinned AZs"}${unresolved > 0 ? ` (+${unresolved} unresolved)` : ""}` : `${count} subnet id(s)`;
  return { count, uncertain, basis };
}
