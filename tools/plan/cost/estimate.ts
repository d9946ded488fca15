/**
 * Monthly cost estimate of a planned stack from list prices (`prices.json`), in the spirit of
 * Infracost: fixed charges (instances, NAT gateways, endpoints, load balancers, keys, web ACLs...)
 * from the resources' inputs; usage-based services at an explicit idle baseline, with their unit
 * rates listed next to them so a reviewer can scale them to real traffic.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { byUrn, ResourceLike, topComponentOf } from "../report/components";

export interface PriceRate {
  unit: string;
  description: string;
  /** The rate is per `scale` units (e.g. per 1M requests). */
  scale?: number;
  /** How `npm run prices:refresh` finds this rate in the AWS Price List offer files. */
  match: { offer: string; usageType: string; attributes?: Record<string, string> };
  /** USD per unit, by region. */
  regions: Record<string, number>;
}

export interface PriceTable {
  currency: string;
  priceDate: string;
  source: string;
  hoursPerMonth: number;
  rates: Record<string, PriceRate>;
  baselines: Record<string, number | string>;
}

export interface CostItem {
  urn: string;
  name: string;
  type: string;
  /** The outermost component the resource belongs to (its type and name), if any. */
  component?: string;
  monthlyUsd: number;
  /** How the figure was reached: quantities and rates. */
  basis: string;
  /** Unit rates of the usage this item is charged for beyond the baseline. */
  usageRates: string[];
}

export interface CostEstimate {
  monthlyUsd: number;
  currency: string;
  priceDate: string;
  region: string;
  items: CostItem[];
  /** AWS resource types in the stack the price table has no rule for (they are not in the total). */
  unpriced: string[];
  notes: string[];
}

export const pricesFile = path.join(__dirname, "prices.json");

let cached: PriceTable | undefined;
export function loadPrices(file = pricesFile): PriceTable {
  if (file === pricesFile && cached) return cached;
  const t = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
  if (file === pricesFile) cached = t;
  return t;
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const known = (v: unknown): boolean => v !== undefined && v !== null && v !== UNKNOWN;
const num = (v: unknown, dflt: number): number => {
  if (!known(v)) return dflt;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : dflt;
};
const money = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));

/** Types that cost nothing by themselves (configuration, identity, wiring). */
const free = [
  /^aws:iam\//,
  /^aws:ec2\/(securityGroup|securityGroupRule|defaultSecurityGroup|subnet|routeTable|routeTableAssociation|route|vpc|internetGateway|launchTemplate|flowLog|networkAcl|defaultNetworkAcl|defaultRouteTable|mainRouteTableAssociation|vpcEndpointPolicy)\b/,
  /^aws:vpc\/securityGroup(Ingress|Egress)Rule:/,
  /^aws:s3\/bucket(?!:|V2:)/, // side resources: policy, versioning, encryption, lifecycle, logging...
  /^aws:s3\/accountPublicAccessBlock:/,
  /^aws:kms\/(alias|grant):/,
  /^aws:lambda\/(permission|eventSourceMapping|alias|functionUrl):/,
  /^aws:cloudwatch\/(eventRule|eventTarget|logMetricFilter|logDelivery|logDeliverySource|logDeliveryDestination|logResourcePolicy|logSubscriptionFilter):/,
  /^aws:apigateway\/(account|resource|method|integration|methodResponse|integrationResponse|model|requestValidator|deployment|methodSettings|usagePlan|usagePlanKey|apiKey|clientCertificate|restApiPolicy|gatewayResponse):/,
  /^aws:cloudfront\/(cachePolicy|originRequestPolicy|responseHeadersPolicy|originAccessControl|originAccessIdentity|publicKey|keyGroup|function):/,
  /^aws:wafv2\/(webAclAssociation|webAclLoggingConfiguration|ipSet|regexPatternSet):/,
  /^aws:sns\/(topicPolicy|topicSubscription):/,
  /^aws:sqs\/(queuePolicy|redrivePolicy|redriveAllowPolicy):/,
  /^aws:efs\/(accessPoint|backupPolicy|fileSystemPolicy|mountTarget):/,
  /^aws:rds\/(subnetGroup|clusterParameterGroup|parameterGroup|eventSubscription):/,
  /^aws:(lb|alb|elasticloadbalancingv2)\/(listener|listenerRule|targetGroup|targetGroupAttachment|listenerCertificate):/,
  /^aws:autoscaling\/(policy|schedule|lifecycleHook|notification|attachment):/,
  /^aws:backup\/(plan|selection|vaultLockConfiguration|vaultPolicy|vaultNotifications):/,
  /^aws:cfg\/(deliveryChannel|recorderStatus|rule|conformancePack):/,
  /^aws:ebs\/(defaultKmsKey|encryptionByDefault):/,
  /^aws:emr\/blockPublicAccessConfiguration:/,
  /^aws:glue\/(catalogDatabase|catalogTable|dataCatalogEncryptionSettings|securityConfiguration):/,
  /^aws:guardduty\/(detectorFeature|organizationConfiguration|publishingDestination):/,
  /^aws:securityhub\/(standardsSubscription|productSubscription):/,
  /^aws:accessanalyzer\/analyzer:/,
  /^aws:ssm\/parameter:/,
  /^aws:shield\/(protection|protectionGroup|proactiveEngagement|drtAccessRoleArnAssociation):/,
  /^aws:quicksight\/(accountSettings|group|groupMembership|dataSet|dataSource|vpcConnection|namespace|folder|template|theme|dashboard|analysis):/,
  /^aws:cloudcontrol\/resource:/,
  /^aws:athena\/(workgroup|namedQuery|database):/,
  /^aws:secretsmanager\/(secretVersion|secretPolicy|secretRotation):/,
  /^aws:acm\//,
  /^aws:sfn\/(activity):/,
  /^aws:ecr\/(lifecyclePolicy|repositoryPolicy):/,
];

/** Usage-only types: nothing at idle, charged by the listed rates. */
const usageOnly: Record<string, string[]> = {
  "aws:lambda/function:Function": ["lambda.request", "lambda.gbs"],
  "aws:sqs/queue:Queue": ["sqs.request"],
  "aws:sns/topic:Topic": ["sns.publish"],
  "aws:cloudfront/distribution:Distribution": ["cloudfront.gb", "cloudfront.https"],
  "aws:apigateway/restApi:RestApi": ["apigateway.rest.request"],
  "aws:cloudwatch/logGroup:LogGroup": ["cloudwatch.logs.ingest.gb", "cloudwatch.logs.storage.gb"],
  "aws:s3/bucket:Bucket": ["s3.standard.gb", "s3.put"],
  "aws:efs/fileSystem:FileSystem": ["efs.standard.gb", "efs.elastic.read.gb"],
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ["firehose.gb"],
  "aws:backup/vault:Vault": ["backup.warm.gb"],
  "aws:cloudtrail/trail:Trail": ["cloudtrail.dataevents"],
  "aws:route53/record:Record": ["route53.query"],
  "aws:ecr/repository:Repository": [],
  "aws:sfn/stateMachine:StateMachine": [],
};

/** Deprecated aliases and renamed modules -> the token the rules use. */
function canonical(type: string): string {
  return type
    .replace(/^aws:(alb|elasticloadbalancingv2)\//, "aws:lb/")
    .replace(/^aws:s3\/bucketV2:BucketV2$/, "aws:s3/bucket:Bucket")
    .replace(/^aws:alb\/loadBalancer:LoadBalancer$/, "aws:lb/loadBalancer:LoadBalancer");
}

interface Ctx {
  prices: PriceTable;
  region: string;
  index: Map<string, ResourceLike>;
  resources: readonly ResourceLike[];
  notes: string[];
  missing: Set<string>;
}

function rate(ctx: Ctx, key: string): number | undefined {
  const r = ctx.prices.rates[key];
  const v = r?.regions[ctx.region];
  if (v === undefined) ctx.missing.add(key);
  return v;
}

function rateText(ctx: Ctx, key: string): string {
  const r = ctx.prices.rates[key];
  const v = r?.regions[ctx.region];
  return r && v !== undefined ? `$${v} per ${r.unit} (${r.description})` : `${key}: no price for ${ctx.region}`;
}

/** The resource an input property came from (property dependencies first, then by id/ARN value). */
function source(ctx: Ctx, r: ResourceLike, prop: string, value?: unknown): ResourceLike | undefined {
  for (const urn of r.propertyDependencies?.[prop] ?? []) {
    const s = ctx.index.get(urn);
    if (s) return s;
  }
  if (known(value)) {
    return ctx.resources.find((x) => {
      const o = (x as { outputs?: Record<string, unknown> }).outputs;
      return o && (o.id === value || o.arn === value);
    });
  }
  return undefined;
}

type Priced = { usd: number; basis: string; usage?: string[] } | undefined;
const H = (ctx: Ctx) => ctx.prices.hoursPerMonth;

function hourly(ctx: Ctx, key: string, count: number, label: string): Priced {
  const p = rate(ctx, key);
  if (p === undefined) return undefined;
  return { usd: p * H(ctx) * count, basis: `${count} x ${label} x ${H(ctx)} h x $${p}/h` };
}

function combine(parts: Priced[], usage: string[] = []): Priced {
  const ok = parts.filter((p): p is NonNullable<Priced> => p !== undefined && p.usd >= 0);
  if (ok.length === 0) return undefined;
  return { usd: ok.reduce((s, p) => s + p.usd, 0), basis: ok.map((p) => p.basis).join(" + "), usage };
}

const rules: Record<string, (r: ResourceLike, ctx: Ctx) => Priced> = {
  "aws:kms/key:Key": (_r, ctx) => {
    const p = rate(ctx, "kms.key");
    return p === undefined ? undefined : { usd: p, basis: `1 key x $${p}/month`, usage: [rateText(ctx, "kms.request")] };
  },
  "aws:ec2/natGateway:NatGateway": (r, ctx) => {
    // A public NAT gateway's IPv4 address is its Elastic IP: priced here only when that EIP is not
    // an aws.ec2.Eip of the stack (which is priced on its own).
    const publicNat = r.inputs.connectivityType !== "private";
    const eipInStack = (r.propertyDependencies?.allocationId ?? []).some((urn) => ctx.index.get(urn)?.type === "aws:ec2/eip:Eip");
    return combine([hourly(ctx, "natgateway.hour", 1, "NAT gateway"), publicNat && !eipInStack ? hourly(ctx, "publicipv4.hour", 1, "public IPv4") : undefined], [rateText(ctx, "natgateway.gb")]);
  },
  "aws:ec2/eip:Eip": (_r, ctx) => hourly(ctx, "publicipv4.hour", 1, "public IPv4"),
  "awsx:ec2:Vpc": (r, ctx) => {
    // Its NAT gateways and their IPv4 addresses are priced as its children when the plan modelled
    // them (tools/plan/awsx-children.ts); otherwise from its strategy: None, Single or OnePerAz.
    if (ctx.resources.some((c) => c.parent === r.urn && canonical(c.type) === "aws:ec2/natGateway:NatGateway")) return { usd: 0, basis: "priced by its NAT gateways" };
    const strategy = String((r.inputs.natGateways as { strategy?: unknown } | undefined)?.strategy ?? "OnePerAz");
    const azs = Array.isArray(r.inputs.availabilityZoneNames) ? r.inputs.availabilityZoneNames.length : num(r.inputs.numberOfAvailabilityZones, 3);
    const nats = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
    if (nats === 0) return { usd: 0, basis: "no NAT gateways" };
    return combine([hourly(ctx, "natgateway.hour", nats, `NAT gateway (${strategy})`), hourly(ctx, "publicipv4.hour", nats, "NAT public IPv4")], [rateText(ctx, "natgateway.gb")]);
  },
  // The cluster is free; each HSM is billed by the hour of its cluster's type.
  "aws:cloudhsmv2/hsm:Hsm": (r, ctx) => {
    const cluster = (r.propertyDependencies?.clusterId ?? []).map((urn) => ctx.index.get(urn)).find((c) => c?.type === "aws:cloudhsmv2/cluster:Cluster");
    const type = String(cluster?.inputs.hsmType ?? "hsm2m.medium");
    return hourly(ctx, `cloudhsm.${type}.hour`, 1, `${type} HSM`);
  },
  "aws:cloudhsmv2/cluster:Cluster": () => ({ usd: 0, basis: "the cluster is free; its HSMs are priced" }),
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (_r, ctx) => hourly(ctx, "tgw.attachment.hour", 1, "transit gateway attachment"),
  "aws:ec2/vpnConnection:VpnConnection": (r, ctx) =>
    // A VPN on a transit gateway is also an attachment of it.
    combine([hourly(ctx, "vpn.connection.hour", 1, "Site-to-Site VPN connection"), r.inputs.transitGatewayId !== undefined ? hourly(ctx, "tgw.attachment.hour", 1, "its transit gateway attachment") : undefined]),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (r, ctx) => {
    const kind = String(r.inputs.vpcEndpointType ?? "Gateway");
    if (kind === "Gateway") return { usd: 0, basis: "gateway endpoint (no charge)" };
    const azs = Array.isArray(r.inputs.subnetIds) ? Math.max(1, r.inputs.subnetIds.length) : 1;
    const h = hourly(ctx, "vpcendpoint.hour", azs, `${kind} endpoint AZ`);
    return h && { ...h, usage: [rateText(ctx, "vpcendpoint.gb")] };
  },
  "aws:lb/loadBalancer:LoadBalancer": (r, ctx) => {
    const type = String(r.inputs.loadBalancerType ?? "application");
    const key = type === "network" ? "nlb.hour" : "alb.hour";
    const azs = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : Array.isArray(r.inputs.subnetMappings) ? r.inputs.subnetMappings.length : 2;
    const internetFacing = r.inputs.internal !== true && r.inputs.internal !== "true";
    return combine(
      [hourly(ctx, key, 1, `${type} load balancer`), internetFacing && type !== "gateway" ? hourly(ctx, "publicipv4.hour", azs, "public IPv4 (one per AZ)") : undefined],
      [rateText(ctx, "alb.lcu")],
    );
  },
  "aws:autoscaling/group:Group": (r, ctx) => {
    // Idle: the group scales in to its minimum (the desired count only holds until a policy acts).
    const count = num(r.inputs.minSize, num(r.inputs.desiredCapacity, 0));
    const ltRef = (r.inputs.launchTemplate ?? {}) as Record<string, unknown>;
    const lt = source(ctx, r, "launchTemplate", ltRef.id) ?? ctx.resources.find((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate" && ltRef.name !== undefined && x.inputs.name === ltRef.name);
    const mixed = (r.inputs.mixedInstancesPolicy as any)?.launchTemplate?.overrides?.[0]?.instanceType;
    const instanceType = String(lt?.inputs.instanceType ?? mixed ?? "");
    if (!instanceType) {
      ctx.notes.push(`${r.name}: instance type not found (launch template unresolved); instances not priced`);
      return undefined;
    }
    const parts: Priced[] = [hourly(ctx, `ec2.${instanceType}`, count, `${instanceType} (group minimum)`)];
    for (const bd of (lt?.inputs.blockDeviceMappings as any[] | undefined) ?? []) {
      const ebs = bd?.ebs ?? {};
      const gb = num(ebs.volumeSize, 8);
      const vt = String(ebs.volumeType ?? "gp3");
      const p = rate(ctx, `ebs.${vt}.gb`);
      if (p !== undefined) parts.push({ usd: count * gb * p, basis: `${count} x ${gb} GB ${vt} x $${p}/GB-month` });
    }
    return combine(parts);
  },
  "aws:ec2/instance:Instance": (r, ctx) => {
    const t = String(r.inputs.instanceType ?? "");
    const gb = num((r.inputs.rootBlockDevice as any)?.volumeSize, 8);
    const p = rate(ctx, "ebs.gp3.gb");
    return combine([hourly(ctx, `ec2.${t}`, 1, t), p === undefined ? undefined : { usd: gb * p, basis: `${gb} GB gp3 x $${p}/GB-month` }]);
  },
  "aws:rds/cluster:Cluster": (r, ctx) => {
    const gb = num(ctx.prices.baselines.auroraStorageGb, 1);
    const p = rate(ctx, "aurora.storage.gb");
    const parts: Priced[] = [p === undefined ? undefined : { usd: gb * p, basis: `${gb} GB storage (baseline) x $${p}/GB-month` }];
    if (r.inputs.manageMasterUserPassword === true || r.inputs.manageMasterUserPassword === "true") {
      const s = rate(ctx, "secretsmanager.secret");
      if (s !== undefined) parts.push({ usd: s, basis: `master password secret $${s}/month` });
    }
    return combine(parts, [rateText(ctx, "aurora.io"), rateText(ctx, "aurora.storage.gb")]);
  },
  "aws:rds/clusterInstance:ClusterInstance": (r, ctx) => {
    const cls = String(r.inputs.instanceClass ?? "");
    if (cls === "db.serverless") {
      const cluster = source(ctx, r, "clusterIdentifier", r.inputs.clusterIdentifier);
      const scaling = (cluster?.inputs.serverlessv2ScalingConfiguration ?? {}) as Record<string, unknown>;
      const min = num(scaling.minCapacity, 0.5);
      const max = num(scaling.maxCapacity, min);
      const p = rate(ctx, "aurora.serverlessv2.acu");
      if (p === undefined) return undefined;
      const pause = min === 0 ? ", pauses when idle" : "";
      return { usd: min * p * H(ctx), basis: `${min} ACU minimum${pause} x ${H(ctx)} h x $${p}/ACU-hour (up to ${max} ACU under load)`, usage: [rateText(ctx, "aurora.serverlessv2.acu")] };
    }
    return hourly(ctx, `aurora.${cls}`, 1, cls);
  },
  "aws:rds/instance:Instance": (r, ctx) => {
    const cls = String(r.inputs.instanceClass ?? "");
    const multiAz = r.inputs.multiAz === true || r.inputs.multiAz === "true";
    const gb = num(r.inputs.allocatedStorage, 20);
    const p = rate(ctx, "rds.gp3.gb");
    return combine([hourly(ctx, `rds.postgres.${cls}`, multiAz ? 2 : 1, `${cls}${multiAz ? " (Multi-AZ: 2 instances)" : ""}`), p === undefined ? undefined : { usd: gb * p * (multiAz ? 2 : 1), basis: `${gb} GB gp3 x $${p}/GB-month` }]);
  },
  "aws:dynamodb/table:Table": (r, ctx) => {
    const replicas = Array.isArray(r.inputs.replicas) ? r.inputs.replicas.length : 0;
    const usage = [rateText(ctx, "dynamodb.ondemand.write"), rateText(ctx, "dynamodb.ondemand.read"), rateText(ctx, "dynamodb.storage.gb")];
    const where = replicas > 0 ? ` (+ ${replicas} replica region${replicas > 1 ? "s" : ""}, charged the same per request)` : "";
    if (r.inputs.billingMode === "PROVISIONED") {
      const rcu = num(r.inputs.readCapacity, 0);
      const wcu = num(r.inputs.writeCapacity, 0);
      const copies = 1 + replicas;
      return combine([hourly(ctx, "dynamodb.provisioned.rcu", rcu * copies, "RCU"), hourly(ctx, "dynamodb.provisioned.wcu", wcu * copies, "WCU")], usage);
    }
    return { usd: 0, basis: `on-demand: nothing at idle${where}`, usage };
  },
  "aws:kinesis/stream:Stream": (r, ctx) => {
    const mode = String((r.inputs.streamModeDetails as { streamMode?: unknown } | undefined)?.streamMode ?? (known(r.inputs.shardCount) ? "PROVISIONED" : "ON_DEMAND"));
    if (mode === "ON_DEMAND") {
      const h = hourly(ctx, "kinesis.ondemand.stream", 1, "on-demand stream");
      return h && { ...h, usage: [rateText(ctx, "kinesis.ondemand.gb")] };
    }
    const shards = num(r.inputs.shardCount, 1);
    const h = hourly(ctx, "kinesis.shard", shards, "shard");
    return h && { ...h, usage: [rateText(ctx, "kinesis.put")] };
  },
  "aws:wafv2/webAcl:WebAcl": (r, ctx) => {
    const rulesList = Array.isArray(r.inputs.rules) ? (r.inputs.rules as any[]) : [];
    const acl = rate(ctx, "waf.acl");
    const rule = rate(ctx, "waf.rule");
    if (acl === undefined || rule === undefined) return undefined;
    const bot = rulesList.some((x) => x?.statement?.managedRuleGroupStatement?.name === "AWSManagedRulesBotControlRuleSet");
    const botFee = bot ? rate(ctx, "waf.botcontrol") ?? 0 : 0;
    const usd = acl + rulesList.length * rule + botFee;
    return { usd, basis: `web ACL $${acl} + ${rulesList.length} rules x $${rule}${bot ? ` + Bot Control $${botFee}` : ""}`, usage: [rateText(ctx, "waf.request")] };
  },
  "aws:shield/subscription:Subscription": (_r, ctx) => {
    const p = rate(ctx, "shield.advanced");
    return p === undefined ? undefined : { usd: p, basis: `Shield Advanced $${p}/month (one-year commitment)` };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (_r, ctx) => {
    const p = rate(ctx, "cloudwatch.alarm");
    return p === undefined ? undefined : { usd: p, basis: `1 alarm x $${p}/month` };
  },
  "aws:cloudwatch/dashboard:Dashboard": (_r, ctx) => {
    const p = rate(ctx, "cloudwatch.dashboard");
    return p === undefined ? undefined : { usd: p, basis: `1 dashboard x $${p}/month (the first 3 in an account are free)` };
  },
  "aws:secretsmanager/secret:Secret": (_r, ctx) => {
    const p = rate(ctx, "secretsmanager.secret");
    return p === undefined ? undefined : { usd: p, basis: `1 secret x $${p}/month` };
  },
  "aws:route53/zone:Zone": (_r, ctx) => {
    const p = rate(ctx, "route53.zone");
    return p === undefined ? undefined : { usd: p, basis: `1 hosted zone x $${p}/month`, usage: [rateText(ctx, "route53.query")] };
  },
  "aws:apigateway/stage:Stage": (r, ctx) => {
    if (r.inputs.cacheClusterEnabled !== true && r.inputs.cacheClusterEnabled !== "true") return { usd: 0, basis: "no cache cluster" };
    const size = String(r.inputs.cacheClusterSize ?? "0.5");
    return hourly(ctx, `apigateway.cache.${size}`, 1, `${size} GB cache`);
  },
  "aws:cfg/recorder:Recorder": (_r, ctx) => {
    const n = num(ctx.prices.baselines.configItemsPerMonth, 0);
    const p = rate(ctx, "config.item");
    return p === undefined ? undefined : { usd: n * p, basis: `${n} configuration items/month (baseline) x $${p}`, usage: [rateText(ctx, "config.item")] };
  },
  "aws:securityhub/account:Account": (_r, ctx) => {
    const n = num(ctx.prices.baselines.securityHubChecksPerMonth, 0);
    const p = rate(ctx, "securityhub.check");
    return p === undefined ? undefined : { usd: n * p, basis: `${n} security checks/month (baseline) x $${p}`, usage: [rateText(ctx, "securityhub.check")] };
  },
  "aws:guardduty/detector:Detector": (_r, ctx) => {
    const n = num(ctx.prices.baselines.guardDutyManagementEventsPerMonth, 0);
    const p = rate(ctx, "guardduty.events");
    const scale = ctx.prices.rates["guardduty.events"]?.scale ?? 1;
    return p === undefined ? undefined : { usd: (n / scale) * p, basis: `${n} CloudTrail management events/month (baseline) x $${p} per ${scale}`, usage: [rateText(ctx, "guardduty.events")] };
  },
  "aws:quicksight/accountSubscription:AccountSubscription": (r, ctx) => {
    const p = rate(ctx, "quicksight.author");
    return p === undefined ? undefined : { usd: p, basis: `1 ${String(r.inputs.edition ?? "ENTERPRISE")} author (the administrator) x $${p}/month` };
  },
};

/** The estimate for one planned stack. */
export function estimateCost(resources: readonly ResourceLike[], region: string, prices: PriceTable = loadPrices()): CostEstimate {
  const ctx: Ctx = { prices, region, index: byUrn(resources), resources, notes: [], missing: new Set() };
  const items: CostItem[] = [];
  const unpriced = new Set<string>();
  for (const r of resources) {
    const type = canonical(r.type);
    const rule = rules[type];
    let priced: Priced;
    if (rule) priced = rule(r, ctx);
    else if (usageOnly[type]) priced = { usd: 0, basis: "usage-based: nothing at idle", usage: usageOnly[type]!.map((k) => rateText(ctx, k)) };
    else if (!r.custom || free.some((re) => re.test(type)) || type.startsWith("pulumi:") || type.startsWith("random:")) continue;
    else {
      unpriced.add(r.type);
      continue;
    }
    if (!priced) {
      unpriced.add(r.type);
      continue;
    }
    const top = topComponentOf(r, ctx.index);
    items.push({
      urn: r.urn,
      name: r.name,
      type: r.type,
      ...(top && top.urn !== r.urn ? { component: `${top.type} ${top.name}` } : {}),
      monthlyUsd: Math.round(priced.usd * 100) / 100,
      basis: priced.basis,
      usageRates: priced.usage ?? [],
    });
  }
  items.sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.name.localeCompare(b.name));
  if (ctx.missing.size > 0) ctx.notes.push(`no ${region} price for: ${[...ctx.missing].sort().join(", ")} (add it to tools/plan/cost/prices.json)`);
  return {
    monthlyUsd: Math.round(items.reduce((s, i) => s + i.monthlyUsd, 0) * 100) / 100,
    currency: prices.currency,
    priceDate: prices.priceDate,
    region,
    items,
    unpriced: [...unpriced].sort(),
    notes: ctx.notes,
  };
}

export function formatUsd(x: number): string {
  return `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
export { money };
