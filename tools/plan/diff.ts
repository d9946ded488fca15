/**
 * What a change does to a stack: the base ref's plan against the working tree's, by URN.
 *
 * - added / removed: URNs only in one plan (a rename or a new parent is a remove and an add, as the
 *   engine sees it without aliases);
 * - replaced: a property changed that the provider cannot update in place (`replaceOn` below, the
 *   Terraform AWS provider's ForceNew arguments for the types in use, plus each type's name);
 * - changed: updated in place, with the input paths that differ;
 * - policy findings new and fixed (by policy and resource), outputs added, removed and changed.
 */
import type { ResourceLike } from "./report/components";

export interface FindingLike {
  policy: string;
  enforcementLevel: string;
  urn?: string | null;
  message: string;
  severity?: string;
}

export interface PlanLike {
  project: string;
  stack: string;
  status: string;
  resources: ResourceLike[];
  outputs: Record<string, unknown>;
  violations: FindingLike[];
  cost?: { monthlyUsd: number };
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  /** Input paths that differ (for replaced: those that force the replacement first). */
  keys: string[];
}

export interface StackChanges {
  /** The base ref as given, and the commit it named. */
  base: { ref: string; commit: string };
  /** `missing`: the stack does not exist at the base (everything is added). */
  baseStatus: "ok" | "missing" | "error";
  baseError?: string;
  added: ResourceChange[];
  removed: ResourceChange[];
  replaced: ResourceChange[];
  changed: ResourceChange[];
  unchanged: number;
  findings: { new: FindingLike[]; fixed: FindingLike[] };
  outputs: { added: string[]; removed: string[]; changed: string[] };
  cost?: { baseMonthlyUsd: number; monthlyUsd: number; deltaUsd: number };
}

/**
 * Arguments that force a new resource (ForceNew in the Terraform AWS provider, which
 * `@pulumi/aws` bridges), by type token, for the types the projects use and their common
 * neighbours. A top-level key matches itself and everything under it.
 */
export const replaceOn: Record<string, string[]> = {
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:kms/key:Key": ["customerMasterKeySpec", "keySpec", "multiRegion", "xksKeyId", "customKeyStoreId"],
  "aws:kms/alias:Alias": ["name", "namePrefix"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/policy:Policy": ["name", "namePrefix", "path", "description"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  "aws:iam/instanceProfile:InstanceProfile": ["name", "namePrefix", "path"],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey", "localSecondaryIndexes"],
  "aws:sqs/queue:Queue": ["name", "namePrefix", "fifoQueue"],
  "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
  "aws:lambda/function:Function": ["name"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
  "aws:kinesis/stream:Stream": ["name"],
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ["name", "destination"],
  "aws:rds/cluster:Cluster": ["clusterIdentifier", "clusterIdentifierPrefix", "engine", "databaseName", "masterUsername", "storageEncrypted", "kmsKeyId", "availabilityZones", "dbSubnetGroupName", "snapshotIdentifier"],
  "aws:rds/clusterInstance:ClusterInstance": ["identifier", "identifierPrefix", "clusterIdentifier", "engine", "availabilityZone", "dbSubnetGroupName"],
  "aws:rds/instance:Instance": ["identifier", "identifierPrefix", "engine", "storageEncrypted", "kmsKeyId", "availabilityZone", "username", "dbName"],
  "aws:rds/subnetGroup:SubnetGroup": ["name", "namePrefix"],
  "aws:efs/fileSystem:FileSystem": ["creationToken", "encrypted", "kmsKeyId", "performanceMode", "availabilityZoneName"],
  "aws:efs/mountTarget:MountTarget": ["fileSystemId", "subnetId", "ipAddress"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "vpcId", "description"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["vpcId", "serviceName", "vpcEndpointType"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
  "aws:ec2/flowLog:FlowLog": ["vpcId", "subnetId", "eniId", "logDestination", "logDestinationType", "trafficType", "logFormat", "maxAggregationInterval", "iamRoleArn"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType"],
  "aws:lb/targetGroup:TargetGroup": ["name", "namePrefix", "port", "protocol", "vpcId", "targetType", "protocolVersion"],
  "aws:autoscaling/group:Group": ["name", "namePrefix"],
  "aws:wafv2/webAcl:WebAcl": ["name", "namePrefix", "scope"],
  "aws:wafv2/webAclAssociation:WebAclAssociation": ["resourceArn", "webAclArn"],
  "aws:apigateway/restApi:RestApi": [],
  "aws:apigateway/stage:Stage": ["restApi", "stageName"],
  "aws:apigateway/resource:Resource": ["restApi", "parentId", "pathPart"],
  "aws:apigateway/method:Method": ["restApi", "resourceId", "httpMethod"],
  "aws:cloudfront/distribution:Distribution": [],
  "aws:cloudfront/publicKey:PublicKey": ["encodedKey", "name", "namePrefix"],
  "aws:backup/vault:Vault": ["name", "kmsKeyArn"],
  "aws:cloudtrail/trail:Trail": ["name"],
  "aws:ssm/parameter:Parameter": ["name"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:route53/record:Record": ["zoneId", "name", "type", "setIdentifier"],
};

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!same(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Paths (`a.b`, `rules[2]`) where two input values differ, down to `depth` levels. */
export function differingPaths(a: unknown, b: unknown, prefix = "", depth = 3): string[] {
  if (same(a, b)) return [];
  if (depth > 0 && isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k, depth - 1));
  }
  if (depth > 0 && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => differingPaths(x, b[i], `${prefix}[${i}]`, depth - 1));
  }
  return [prefix || "(value)"];
}

function topKey(p: string): string {
  return p.split(/[.[]/)[0]!;
}

const keyOf = (f: FindingLike) => `${f.policy}\u0000${f.urn ?? ""}`;

function change(r: ResourceLike, keys: string[] = []): ResourceChange {
  return { urn: r.urn, type: r.type, name: r.name, keys };
}

/** The change report of one stack: `base` is undefined when the stack does not exist at the base ref. */
export function diffPlans(base: PlanLike | undefined, head: PlanLike, ref: { ref: string; commit: string }, baseError?: string): StackChanges {
  const out: StackChanges = {
    base: ref,
    baseStatus: baseError ? "error" : base ? "ok" : "missing",
    ...(baseError ? { baseError } : {}),
    added: [],
    removed: [],
    replaced: [],
    changed: [],
    unchanged: 0,
    findings: { new: [], fixed: [] },
    outputs: { added: [], removed: [], changed: [] },
  };
  const baseResources = base?.resources ?? [];
  const before = new Map(baseResources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  for (const r of head.resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const b = before.get(r.urn);
    if (!b) {
      out.added.push(change(r));
      continue;
    }
    const paths = differingPaths(b.inputs, r.inputs).filter((p) => !(p === "__defaults" || p.startsWith("__defaults")));
    if (paths.length === 0) {
      out.unchanged++;
      continue;
    }
    const forcing = new Set(replaceOn[r.type] ?? []);
    const forced = paths.filter((p) => forcing.has(topKey(p)) && !JSON.stringify(r.inputs[topKey(p)] ?? null).includes(UNKNOWN));
    const unknownForced = paths.filter((p) => forcing.has(topKey(p)) && JSON.stringify(r.inputs[topKey(p)] ?? null).includes(UNKNOWN));
    // A ForceNew input unknown until apply may or may not change: reported as a replacement, as
    // `pulumi preview` does.
    if (forced.length > 0 || unknownForced.length > 0) out.replaced.push(change(r, [...forced, ...unknownForced, ...paths.filter((p) => !forcing.has(topKey(p)))]));
    else out.changed.push(change(r, paths));
  }
  for (const r of baseResources) if (r.type !== "pulumi:pulumi:Stack" && !after.has(r.urn)) out.removed.push(change(r));

  const baseFindings = new Map((base?.violations ?? []).map((v) => [keyOf(v), v]));
  const headFindings = new Map(head.violations.map((v) => [keyOf(v), v]));
  out.findings.new = head.violations.filter((v) => !baseFindings.has(keyOf(v)));
  out.findings.fixed = (base?.violations ?? []).filter((v) => !headFindings.has(keyOf(v)));

  const bo = base?.outputs ?? {};
  const ho = head.outputs;
  out.outputs.added = Object.keys(ho).filter((k) => !(k in bo)).sort();
  out.outputs.removed = Object.keys(bo).filter((k) => !(k in ho)).sort();
  out.outputs.changed = Object.keys(ho).filter((k) => k in bo && !same(bo[k], ho[k])).sort();

  if (head.cost) {
    const baseUsd = base?.cost?.monthlyUsd ?? 0;
    out.cost = { baseMonthlyUsd: baseUsd, monthlyUsd: head.cost.monthlyUsd, deltaUsd: Math.round((head.cost.monthlyUsd - baseUsd) * 100) / 100 };
  }
  return out;
}
