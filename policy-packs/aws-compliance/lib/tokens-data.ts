/**
 * Data and analytics area (RDS/Aurora, Redshift and Redshift Serverless, EMR, Athena, Glue, Kinesis
 * and Firehose, SageMaker, Step Functions, Secrets Manager): type tokens checked in
 * `node_modules/@pulumi/aws` 7.48 (`static __pulumiType` of each resource class; none of these
 * resources has a deprecated alias token in v7), plus the small helpers the data policies share:
 * reading values that may be unknown at preview, joining a resource to the one its input names
 * (by property dependency or by name), and reading DB/cluster parameter groups.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, containsUnknown, get, isUnknown, raw, undecidable } from "./values";

export const TD = {
  // RDS / Aurora
  rdsInstance: ["aws:rds/instance:Instance"],
  rdsCluster: ["aws:rds/cluster:Cluster"],
  rdsClusterInstance: ["aws:rds/clusterInstance:ClusterInstance"],
  rdsGlobalCluster: ["aws:rds/globalCluster:GlobalCluster"],
  rdsSnapshot: ["aws:rds/snapshot:Snapshot"],
  rdsClusterSnapshot: ["aws:rds/clusterSnapshot:ClusterSnapshot"],
  rdsSnapshotCopy: ["aws:rds/snapshotCopy:SnapshotCopy"],
  rdsClusterSnapshotCopy: ["aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"],
  /** Every RDS snapshot resource that takes `sharedAccounts`. */
  rdsAnySnapshot: ["aws:rds/snapshot:Snapshot", "aws:rds/clusterSnapshot:ClusterSnapshot", "aws:rds/snapshotCopy:SnapshotCopy", "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"],
  rdsEventSubscription: ["aws:rds/eventSubscription:EventSubscription"],
  rdsParameterGroup: ["aws:rds/parameterGroup:ParameterGroup"],
  rdsClusterParameterGroup: ["aws:rds/clusterParameterGroup:ClusterParameterGroup"],
  rdsProxy: ["aws:rds/proxy:Proxy"],
  /** DB instances in the RDS sense: standalone instances and Aurora cluster members. */
  rdsAnyInstance: ["aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"],

  // Redshift
  redshiftCluster: ["aws:redshift/cluster:Cluster"],
  redshiftLogging: ["aws:redshift/logging:Logging"],
  redshiftParameterGroup: ["aws:redshift/parameterGroup:ParameterGroup"],
  redshiftServerlessNamespace: ["aws:redshiftserverless/namespace:Namespace"],
  redshiftServerlessWorkgroup: ["aws:redshiftserverless/workgroup:Workgroup"],

  // Network pieces the data rules join to
  securityGroup: ["aws:ec2/securityGroup:SecurityGroup"],
  securityGroupIngress: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"],
  subnet: ["aws:ec2/subnet:Subnet"],

  // EMR
  emrCluster: ["aws:emr/cluster:Cluster"],
  emrSecurityConfiguration: ["aws:emr/securityConfiguration:SecurityConfiguration"],
  emrBlockPublicAccess: ["aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"],

  // Athena, Glue
  athenaWorkgroup: ["aws:athena/workgroup:Workgroup"],
  glueMlTransform: ["aws:glue/mLTransform:MLTransform"],
  glueJob: ["aws:glue/job:Job"],
  glueCrawler: ["aws:glue/crawler:Crawler"],
  glueDevEndpoint: ["aws:glue/devEndpoint:DevEndpoint"],
  glueSecurityConfiguration: ["aws:glue/securityConfiguration:SecurityConfiguration"],
  glueDataCatalogEncryption: ["aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"],
  glueCatalogDatabase: ["aws:glue/catalogDatabase:CatalogDatabase"],
  glueCatalogTable: ["aws:glue/catalogTable:CatalogTable"],
  glueConnection: ["aws:glue/connection:Connection"],

  // Kinesis, Firehose
  kinesisStream: ["aws:kinesis/stream:Stream"],
  firehose: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],

  // SageMaker
  sagemakerNotebook: ["aws:sagemaker/notebookInstance:NotebookInstance"],
  sagemakerEndpointConfig: ["aws:sagemaker/endpointConfiguration:EndpointConfiguration"],
  sagemakerModel: ["aws:sagemaker/model:Model"],
  sagemakerDomain: ["aws:sagemaker/domain:Domain"],

  // Step Functions
  stateMachine: ["aws:sfn/stateMachine:StateMachine"],

  // Secrets Manager, AWS Backup
  secret: ["aws:secretsmanager/secret:Secret"],
  secretRotation: ["aws:secretsmanager/secretRotation:SecretRotation"],
  backupSelection: ["aws:backup/selection:Selection"],
} as const;

/** A value at a path; stops the check (undecidable at preview) if it, or anything inside it, is unknown. */
export function known(obj: unknown, path: string): any {
  const v = get(obj, path);
  if (isUnknown(v) || containsUnknown(v)) undecidable(path);
  return v;
}

/** `true` or `"true"` (some v7 inputs, such as Redshift `encrypted`, are strings). */
export function isTrue(v: unknown): boolean {
  return v === true || (typeof v === "string" && v.toLowerCase() === "true");
}

/** `false` or `"false"`. */
export function isFalse(v: unknown): boolean {
  return v === false || (typeof v === "string" && v.toLowerCase() === "false");
}

/** A list of strings at a path (absent = empty); undecidable if any element is unknown. */
export function knownStrings(obj: unknown, path: string): string[] {
  return asArray(known(obj, path) as string | string[] | undefined).map((s) => String(raw(s)));
}

/** The string values a resource identifies itself by (its names, id, ARN). */
export function identifiersOf(r: PolicyResource, props: readonly string[]): string[] {
  const p = raw(r.props) as Record<string, unknown>;
  return [...props, "name", "id", "arn"]
    .map((k) => p?.[k])
    .filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
}

/**
 * The resources of `types` that input `prop` of `from` refers to: by property dependency, or by
 * value (a string or a list of strings) equal to one of the target's `idProps` (or name/id/arn).
 * `value` is the raw input (possibly the unknown sentinel; `undefined` when absent).
 */
export function referencedBy(
  from: PolicyResource,
  prop: string,
  candidates: readonly PolicyResource[],
  idProps: readonly string[],
): { targets: PolicyResource[]; value: unknown } {
  const deps = new Set((from.propertyDependencies?.[prop] ?? []).map((d) => d.urn));
  const value = get(from.props, prop);
  const values = isUnknown(value) ? [] : asArray(raw(value) as unknown).filter((v): v is string => typeof v === "string" && !isUnknown(v));
  const targets = candidates.filter((c) => deps.has(c.urn) || identifiersOf(c, idProps).some((id) => values.includes(id)));
  return { targets, value };
}

/** True if input `prop` of `from` refers to `target` (by property dependency or by value). */
export function refersTo(from: PolicyResource, prop: string, target: PolicyResource, idProps: readonly string[]): boolean {
  return referencedBy(from, prop, [target], idProps).targets.length > 0;
}

/**
 * The value of a parameter in a DB/cluster/Redshift parameter group's `parameters` list
 * (`[{ name, value }]`), matched case-insensitively; `undefined` if not set. Undecidable when the
 * list or the matching entry is unknown at preview.
 */
export function parameterValue(group: PolicyResource, name: string): string | undefined {
  const list = get(group.props, "parameters");
  if (isUnknown(list)) undecidable(`${group.name}.parameters`);
  let found: string | undefined;
  for (const p of asArray(raw(list) as unknown[])) {
    const entry = raw(p) as { name?: unknown; value?: unknown } | undefined;
    if (isUnknown(entry) || isUnknown(entry?.name)) undecidable(`${group.name}.parameters`);
    if (typeof entry?.name === "string" && entry.name.toLowerCase() === name.toLowerCase()) {
      if (isUnknown(entry.value)) undecidable(`${group.name}.parameters.${name}`);
      found = String(entry.value);
    }
  }
  return found;
}

/** "1", "on", "true" (parameter values are strings; RDS accepts 1/0 and ON/OFF). */
export function parameterOn(v: string | undefined): boolean {
  return v !== undefined && ["1", "on", "true"].includes(v.trim().toLowerCase());
}

/** The engine family of an RDS engine name. */
export type EngineFamily = "aurora-mysql" | "aurora-postgresql" | "mysql" | "mariadb" | "postgres" | "oracle" | "sqlserver" | "db2" | "other";

export function engineFamily(engine: unknown): EngineFamily {
  const e = typeof engine === "string" ? engine.toLowerCase() : "";
  if (e === "aurora" || e === "aurora-mysql") return "aurora-mysql";
  if (e === "aurora-postgresql") return "aurora-postgresql";
  if (e === "mysql") return "mysql";
  if (e === "mariadb") return "mariadb";
  if (e === "postgres") return "postgres";
  if (e.startsWith("oracle") || e.startsWith("custom-oracle")) return "oracle";
  if (e.startsWith("sqlserver") || e.startsWith("custom-sqlserver")) return "sqlserver";
  if (e.startsWith("db2")) return "db2";
  return "other";
}

/** The default port of each engine family (AWS documentation; facts, not tunables). */
export const defaultPorts: Record<EngineFamily, number | undefined> = {
  "aurora-mysql": 3306,
  "aurora-postgresql": 5432,
  mysql: 3306,
  mariadb: 3306,
  postgres: 5432,
  oracle: 1521,
  sqlserver: 1433,
  db2: 50000,
  other: undefined,
};

/** The major version number of an engine version string ("15.4" -> 15, "8.0.35" -> 8). */
export function majorVersion(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(\d+)/.exec(v.trim());
  return m ? Number(m[1]) : undefined;
}

/** A case-insensitive membership test. */
export function includesCi(list: readonly string[] | undefined, v: string): boolean {
  return (list ?? []).some((x) => x.toLowerCase() === v.toLowerCase());
}

/**
 * True if an input is set: a non-empty value, or a value unknown at preview (an output of another
 * resource, such as a key's ARN, is set even though its value is not known yet).
 */
export function isSet(obj: unknown, path: string): boolean {
  const v = get(obj, path);
  if (isUnknown(v)) return true;
  if (v === undefined || v === null || v === "") return false;
  return !(Array.isArray(v) && v.length === 0);
}

/** A number at a path, or `fallback` when absent; undecidable when unknown. */
export function knownNumber(obj: unknown, path: string, fallback: number): number {
  const v = known(obj, path);
  if (v === undefined || v === null || v === "") return fallback;
  return Number(v);
}
