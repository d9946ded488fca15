/**
 * RDS and Aurora (FSBP RDS.*, NIST RDS.26/38/39, and our own BP.RDS.* rules): encryption, public
 * access, snapshots, Multi-AZ, monitoring, deletion protection, IAM auth, log exports, minor
 * upgrades, backups (retention, AWS Backup coverage, backtracking), tags on snapshots, default
 * admin names and ports, event subscriptions, TLS through parameter groups, RDS Proxy TLS,
 * Performance Insights and customer managed keys.
 *
 * Aurora clusters define storage encryption, backups and logs at the cluster level, so those rules
 * read `aws:rds/cluster:Cluster` only and never fail the `aws:rds/clusterInstance:ClusterInstance`
 * members again. Rules that need another resource (parameter groups, event subscriptions, backup
 * selections, cluster members, snapshot sources) are stack policies that join by property
 * dependency or by name.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import {
  defaultPorts,
  EngineFamily,
  engineFamily,
  includesCi,
  isSet,
  known,
  knownNumber,
  knownStrings,
  majorVersion,
  parameterOn,
  parameterValue,
  referencedBy,
  refersTo,
  TD,
} from "../lib/tokens-data";
import { backupSelectionsCovering, isAwsManagedKeyRef, tagsOf } from "../lib/tokens-storage";
import { referencePolicy, SOURCES } from "../lib/references";
import { containsUnknown, get, isUnknown, undecidable } from "../lib/values";
import { classifiedBecause } from "../lib/classification";

/** A same-region read replica names its source by identifier; a cross-region one by ARN. */
function isReplica(props: unknown): boolean {
  return isSet(props, "replicateSourceDb");
}

// ---------------------------------------------------------------------------------------------
// Public access, snapshots
// ---------------------------------------------------------------------------------------------

export const rdsSnapshotNotPublic = resourcePolicy(
  {
    name: "rds-snapshot-not-public",
    description: "RDS DB and cluster snapshots (and snapshot copies) must not be shared with all AWS accounts.",
    severity: "critical",
    controls: ["RDS.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      'Remove "all" from `sharedAccounts` on the aws.rds.Snapshot / ClusterSnapshot / SnapshotCopy / ClusterSnapshotCopy; share with named account ids only (and only those in `allowedSharedAccounts` when that list is set).',
    resourceTypes: TD.rdsAnySnapshot,
    config: {
      allowedSharedAccounts: {
        type: "array",
        items: { type: "string" },
        description: "AWS account ids snapshots may be shared with. Empty: any named account (only \"all\" is refused).",
        default: [],
      },
    },
  },
  ({ props, config, fail }) => {
    const shared = knownStrings(props, "sharedAccounts");
    if (shared.some((a) => a.toLowerCase() === "all")) {
      fail('the snapshot is public: `sharedAccounts` contains "all"', 'remove "all" from `sharedAccounts` and share with named account ids only');
      return;
    }
    const allowed = (config.allowedSharedAccounts as string[]) ?? [];
    const other = allowed.length > 0 ? shared.filter((a) => !allowed.includes(a)) : [];
    if (other.length > 0) fail(`the snapshot is shared with account(s) ${other.join(", ")}, which are not in allowedSharedAccounts`, `remove ${other.join(", ")} from \`sharedAccounts\``);
  },
);

export const rdsInstanceNotPublic = resourcePolicy(
  {
    name: "rds-instance-not-publicly-accessible",
    description: "RDS DB instances and Aurora cluster instances must not be publicly accessible.",
    severity: "critical",
    controls: ["RDS.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `publiclyAccessible: false` (or leave it unset; the default is false) on the aws.rds.Instance / aws.rds.ClusterInstance, and reach the database through private subnets.",
    resourceTypes: TD.rdsAnyInstance,
  },
  ({ props, fail }) => {
    // Absent passes: AWS's default for publiclyAccessible is false.
    if (props.publiclyAccessible === true) fail("the DB instance is publicly accessible (`publiclyAccessible: true`)", "set `publiclyAccessible: false`");
  },
);

function instanceEncrypted(i: PolicyResource): boolean {
  const se = known(i.props, "storageEncrypted");
  if (se === true) return true;
  // A cross-region encrypted replica declares kmsKeyId (storageEncrypted is ignored there).
  return se !== false && isReplica(i.props) && isSet(i.props, "kmsKeyId");
}

function clusterEncrypted(c: PolicyResource): boolean {
  const se = known(c.props, "storageEncrypted");
  if (se === true) return true;
  // Aurora Serverless v1 (`engineMode: serverless`) is always encrypted; AWS's default is true there.
  return se === undefined && known(c.props, "engineMode") === "serverless";
}

export const rdsInstanceStorageEncrypted = resourcePolicy(
  {
    name: "rds-instance-storage-encrypted",
    description: "RDS DB instances must encrypt their storage at rest.",
    severity: "medium",
    controls: ["RDS.3"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `storageEncrypted: true` (and `kmsKeyId` to a customer managed key) on the aws.rds.Instance; for a cross-region read replica set `kmsKeyId`. An existing unencrypted instance must be restored from an encrypted snapshot copy.",
    resourceTypes: TD.rdsInstance,
  },
  ({ props, fail }) => {
    const se = props.storageEncrypted;
    if (se === true) return;
    if (se === false) {
      fail("storage encryption is off (`storageEncrypted: false`)", "set `storageEncrypted: true` with a `kmsKeyId`");
      return;
    }
    if (isReplica(props) && isSet(props, "kmsKeyId")) return;
    if (isReplica(props) || isSet(props, "snapshotIdentifier")) {
      fail("`storageEncrypted` is not set; this replica/restore inherits its source's encryption, which the program does not state", "set `storageEncrypted: true` (and `kmsKeyId`) explicitly");
      return;
    }
    fail("`storageEncrypted` is not set (AWS default: unencrypted)", "set `storageEncrypted: true` with a `kmsKeyId`");
  },
);

export const rdsClusterStorageEncrypted = resourcePolicy(
  {
    name: "rds-cluster-storage-encrypted",
    description: "RDS/Aurora DB clusters must encrypt their storage at rest (the cluster setting covers its instances).",
    severity: "medium",
    controls: ["RDS.27"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `storageEncrypted: true` (and `kmsKeyId`) on the aws.rds.Cluster. When restoring an unencrypted snapshot, `kmsKeyId` encrypts the restored cluster.",
    resourceTypes: TD.rdsCluster,
  },
  ({ props, fail }) => {
    const se = props.storageEncrypted;
    if (se === true) return;
    if (se === false) {
      fail("storage encryption is off (`storageEncrypted: false`)", "set `storageEncrypted: true` with a `kmsKeyId`");
      return;
    }
    if (props.engineMode === "serverless") return; // Aurora Serverless v1: encrypted by default
    fail("`storageEncrypted` is not set (AWS default for provisioned clusters: unencrypted)", "set `storageEncrypted: true` with a `kmsKeyId`");
  },
);

type SnapshotVerdict = { encrypted: boolean; why: string };

function snapshotVerdict(s: PolicyResource, ofType: (t: readonly string[]) => PolicyResource[], depth = 0): SnapshotVerdict {
  if (depth > 8) undecidable(`${s.name} (snapshot copy chain too deep)`);
  const isCopy = TD.rdsSnapshotCopy.includes(s.type as never) || TD.rdsClusterSnapshotCopy.includes(s.type as never);
  if (isCopy) {
    if (isSet(s.props, "kmsKeyId")) return { encrypted: true, why: "" };
    const cluster = TD.rdsClusterSnapshotCopy.includes(s.type as never);
    const prop = cluster ? "sourceDbClusterSnapshotIdentifier" : "sourceDbSnapshotIdentifier";
    const sources = cluster ? [...TD.rdsClusterSnapshot, ...TD.rdsClusterSnapshotCopy] : [...TD.rdsSnapshot, ...TD.rdsSnapshotCopy];
    const { targets, value } = referencedBy(s, prop, ofType(sources), ["dbSnapshotIdentifier", "dbSnapshotArn", "targetDbSnapshotIdentifier", "dbClusterSnapshotIdentifier", "dbClusterSnapshotArn", "targetDbClusterSnapshotIdentifier"]);
    if (targets.length === 0) undecidable(isUnknown(value) ? prop : `${prop} (the source snapshot is not declared in this stack; set \`kmsKeyId\` to make the copy's encryption explicit)`);
    for (const t of targets) {
      const v = snapshotVerdict(t, ofType, depth + 1);
      if (!v.encrypted) return { encrypted: false, why: `it copies ${t.name} without \`kmsKeyId\`, and ${v.why}` };
    }
    return { encrypted: true, why: "" };
  }
  if (TD.rdsClusterSnapshot.includes(s.type as never)) {
    const { targets, value } = referencedBy(s, "dbClusterIdentifier", ofType(TD.rdsCluster), ["clusterIdentifier"]);
    if (targets.length === 0) undecidable(isUnknown(value) ? "dbClusterIdentifier" : "dbClusterIdentifier (the source cluster is not declared in this stack)");
    const bad = targets.find((c) => !clusterEncrypted(c));
    return bad ? { encrypted: false, why: `its source cluster ${bad.name} is not encrypted` } : { encrypted: true, why: "" };
  }
  const { targets, value } = referencedBy(s, "dbInstanceIdentifier", ofType(TD.rdsInstance), ["identifier"]);
  if (targets.length === 0) undecidable(isUnknown(value) ? "dbInstanceIdentifier" : "dbInstanceIdentifier (the source DB instance is not declared in this stack)");
  const bad = targets.find((i) => !instanceEncrypted(i));
  return bad ? { encrypted: false, why: `its source DB instance ${bad.name} is not encrypted` } : { encrypted: true, why: "" };
}

export const rdsSnapshotEncrypted = stackPolicy(
  {
    name: "rds-snapshot-encrypted",
    description: "RDS DB and cluster snapshots must be encrypted at rest (a snapshot inherits its source's encryption; a copy may encrypt with `kmsKeyId`).",
    severity: "medium",
    controls: ["RDS.4"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Encrypt the source (`storageEncrypted: true` on the aws.rds.Instance / aws.rds.Cluster), or take an aws.rds.SnapshotCopy / aws.rds.ClusterSnapshotCopy with `kmsKeyId` set and share/keep only the encrypted copy.",
  },
  ({ forEach, ofType, fail }) => {
    forEach(TD.rdsAnySnapshot, (s) => {
      const v = snapshotVerdict(s, ofType);
      if (!v.encrypted) fail(s, `the snapshot is not encrypted: ${v.why}`, "set `storageEncrypted: true` on the source, or copy the snapshot with an aws.rds.SnapshotCopy / ClusterSnapshotCopy that sets `kmsKeyId`");
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Availability, monitoring, deletion protection, minor upgrades
// ---------------------------------------------------------------------------------------------

export const rdsInstanceMultiAz = resourcePolicy(
  {
    name: "rds-instance-multi-az",
    description: "RDS DB instances must be deployed in multiple Availability Zones.",
    severity: "medium",
    controls: ["RDS.5"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps: "Set `multiAz: true` on the aws.rds.Instance.",
    resourceTypes: TD.rdsInstance,
  },
  ({ props, fail }) => {
    if (props.multiAz !== true) fail("the instance runs in a single Availability Zone (`multiAz` is not true; AWS default false)", "set `multiAz: true`");
  },
);

export const rdsEnhancedMonitoring = referencePolicy(
  {
    name: "rds-enhanced-monitoring",
    description: "RDS DB instances, Aurora cluster instances and Multi-AZ DB clusters must have Enhanced Monitoring on, at least as often as configured.",
    severity: "low",
    controls: ["RDS.6"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps:
      "Set `monitoringInterval` (1, 5, 10, 15, 30 or 60 seconds, at most maxMonitoringIntervalSeconds) and `monitoringRoleArn` (a role with the AmazonRDSEnhancedMonitoringRole policy) on the aws.rds.Instance / aws.rds.ClusterInstance (Aurora) or on the aws.rds.Cluster of a Multi-AZ DB cluster.",
    resourceTypes: [...TD.rdsInstance, ...TD.rdsClusterInstance, ...TD.rdsCluster],
    config: {
      maxMonitoringIntervalSeconds: { type: "number", description: "The longest acceptable Enhanced Monitoring interval, in seconds.", default: 60 },
    },
  },
  ({ props, type, config, fail, ref }) => {
    // Aurora clusters are monitored per member (aws.rds.ClusterInstance); only Multi-AZ DB clusters
    // (dbClusterInstanceClass set) take the setting on the cluster.
    if (TD.rdsCluster.includes(type as never) && !isSet(props, "dbClusterInstanceClass")) return;
    const interval = knownNumber(props, "monitoringInterval", 0);
    const max = Number(config.maxMonitoringIntervalSeconds ?? 60);
    if (!(interval > 0)) {
      fail("Enhanced Monitoring is off (`monitoringInterval` is 0 or unset)", `set \`monitoringInterval\` to 1-${max} seconds and \`monitoringRoleArn\` to a role with AmazonRDSEnhancedMonitoringRole`);
    } else if (interval > max) {
      fail(`\`monitoringInterval\` is ${interval} s, longer than the allowed ${max} s`, `set \`monitoringInterval\` to at most ${max}`);
    } else if (!ref("monitoringRoleArn", SOURCES.role)) {
      fail("`monitoringRoleArn` is not set, so Enhanced Monitoring cannot publish", "set `monitoringRoleArn` to a role with the AmazonRDSEnhancedMonitoringRole policy");
    }
  },
);

export const rdsInstanceAutoMinorUpgrade = resourcePolicy(
  {
    name: "rds-instance-auto-minor-version-upgrade",
    description: "RDS DB instances must apply minor engine upgrades automatically.",
    severity: "high",
    controls: ["RDS.13"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `autoMinorVersionUpgrade: true` (or leave it unset; the default is true) on the aws.rds.Instance.",
    resourceTypes: TD.rdsInstance,
  },
  ({ props, fail }) => {
    // Absent passes: the default is true.
    if (props.autoMinorVersionUpgrade === false) fail("automatic minor version upgrades are off (`autoMinorVersionUpgrade: false`)", "set `autoMinorVersionUpgrade: true`");
  },
);

export const rdsClusterAutoMinorUpgrade = resourcePolicy(
  {
    name: "rds-cluster-auto-minor-version-upgrade",
    description: "RDS DB clusters (and their Aurora cluster instances) must apply minor engine upgrades automatically.",
    severity: "medium",
    controls: ["RDS.35"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `autoMinorVersionUpgrade: true` (or leave it unset; the default is true) on the aws.rds.Cluster and on each aws.rds.ClusterInstance.",
    resourceTypes: [...TD.rdsCluster, ...TD.rdsClusterInstance],
  },
  ({ props, fail }) => {
    // Absent passes: the default is true for clusters and cluster instances.
    if (props.autoMinorVersionUpgrade === false) fail("automatic minor version upgrades are off (`autoMinorVersionUpgrade: false`)", "set `autoMinorVersionUpgrade: true`");
  },
);

export const rdsClusterMultiAz = stackPolicy(
  {
    name: "rds-cluster-multi-az",
    description: "RDS/Aurora DB clusters must span multiple Availability Zones: an Aurora cluster needs at least two instances not pinned to one AZ.",
    severity: "medium",
    controls: ["RDS.15"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps:
      "Give the Aurora aws.rds.Cluster at least two aws.rds.ClusterInstance members (a writer and a reader) in different Availability Zones (leave `availabilityZone` unset or set distinct ones), or use a Multi-AZ DB cluster (`dbClusterInstanceClass`).",
    config: {
      minInstances: { type: "number", description: "Minimum number of cluster instances an Aurora cluster must have.", default: 2 },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const min = Number(config.minInstances ?? 2);
    forEach(TD.rdsCluster, (c) => {
      // A Multi-AZ DB cluster (non-Aurora, dbClusterInstanceClass) always runs a writer and two readers in three AZs.
      if (isSet(c.props, "dbClusterInstanceClass")) return;
      if (known(c.props, "engineMode") === "serverless") {
        fail(c, "Aurora Serverless v1 (`engineMode: serverless`) runs its capacity in a single Availability Zone", "use `engineMode: provisioned` with Serverless v2 aws.rds.ClusterInstance members (`instanceClass: db.serverless`) in two AZs");
        return;
      }
      const members = ofType(TD.rdsClusterInstance).filter((i) => refersTo(i, "clusterIdentifier", c, ["clusterIdentifier"]));
      if (members.length < min) {
        fail(c, `the cluster has ${members.length} aws.rds.ClusterInstance member(s) in this stack; at least ${min} are needed for a failover target in another AZ`, `add aws.rds.ClusterInstance members up to ${min}, in different Availability Zones`);
        return;
      }
      const azs = members.map((m) => known(m.props, "availabilityZone") as string | undefined);
      // Members without availabilityZone are placed by RDS across the subnet group's AZs.
      const pinned = azs.filter((a): a is string => typeof a === "string" && a.length > 0);
      if (pinned.length === members.length && new Set(pinned).size < 2) {
        fail(c, `all ${members.length} cluster instances are pinned to ${pinned[0]}`, "set different `availabilityZone` values on the aws.rds.ClusterInstance members (or leave them unset)");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

const instanceLogControl: Partial<Record<EngineFamily, string>> = { postgres: "RDS.36", sqlserver: "RDS.40", mariadb: "RDS.42" };

export const rdsInstanceLogExports = resourcePolicy(
  {
    name: "rds-instance-log-exports",
    description: "RDS DB instances must publish their engine's logs to CloudWatch Logs (RDS.9 for every engine; RDS.36 PostgreSQL, RDS.40 SQL Server, RDS.42 MariaDB).",
    severity: "medium",
    controls: ["RDS.9", "RDS.36", "RDS.40", "RDS.42"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "List the engine's log types in `enabledCloudwatchLogsExports` on the aws.rds.Instance (MySQL/MariaDB: audit, error, general, slowquery, with the audit plugin option group; PostgreSQL: postgresql, upgrade; SQL Server: error, agent; Oracle: alert, audit, trace, listener).",
    resourceTypes: TD.rdsInstance,
    config: {
      requiredLogExports: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        description: "Log types each engine family must export (keys: mysql, mariadb, postgres, oracle, sqlserver, db2).",
        default: {
          mysql: ["audit", "error", "general", "slowquery"],
          mariadb: ["audit", "error", "general", "slowquery"],
          postgres: ["postgresql", "upgrade"],
          oracle: ["alert", "audit", "trace", "listener"],
          sqlserver: ["error", "agent"],
          db2: ["diag.log", "notify.log"],
        },
      },
    },
  },
  ({ props, config, fail }) => {
    const exports = knownStrings(props, "enabledCloudwatchLogsExports");
    const engine = props.engine;
    if (engine === undefined) {
      // A read replica may omit `engine` (inherited from its source); require some export at least.
      if (exports.length === 0) fail("no logs are exported to CloudWatch Logs (`enabledCloudwatchLogsExports` is empty)", "list the engine's log types in `enabledCloudwatchLogsExports`");
      return;
    }
    const family = engineFamily(engine);
    const required = ((config.requiredLogExports ?? {}) as Record<string, string[]>)[family] ?? [];
    const missing = required.filter((l) => !includesCi(exports, l));
    if (missing.length === 0) return;
    const specific = instanceLogControl[family];
    fail(
      `${engine} logs ${missing.join(", ")} are not exported to CloudWatch Logs${specific ? ` (RDS.9, ${specific})` : " (RDS.9)"}`,
      `add ${missing.map((m) => `"${m}"`).join(", ")} to \`enabledCloudwatchLogsExports\``,
    );
  },
);

const clusterLogControl: Partial<Record<EngineFamily, string>> = { "aurora-mysql": "RDS.34", "aurora-postgresql": "RDS.37" };

export const rdsClusterLogExports = resourcePolicy(
  {
    name: "rds-cluster-log-exports",
    description: "Aurora MySQL clusters must publish audit logs (RDS.34) and Aurora PostgreSQL clusters PostgreSQL logs (RDS.37) to CloudWatch Logs.",
    severity: "medium",
    controls: ["RDS.34", "RDS.37"],
    frameworks: ["FSBP"],
    remediationSteps: 'Add "audit" (Aurora MySQL) or "postgresql" (Aurora PostgreSQL) to `enabledCloudwatchLogsExports` on the aws.rds.Cluster.',
    resourceTypes: TD.rdsCluster,
    config: {
      requiredLogExports: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        description: "Log types each cluster engine family must export (keys: aurora-mysql, aurora-postgresql, mysql, postgres).",
        default: { "aurora-mysql": ["audit"], "aurora-postgresql": ["postgresql"] },
      },
    },
  },
  ({ props, config, fail }) => {
    const family = engineFamily(props.engine);
    const required = ((config.requiredLogExports ?? {}) as Record<string, string[]>)[family] ?? [];
    if (required.length === 0) return;
    const exports = knownStrings(props, "enabledCloudwatchLogsExports");
    const missing = required.filter((l) => !includesCi(exports, l));
    if (missing.length > 0) {
      fail(
        `${props.engine} cluster logs ${missing.join(", ")} are not exported to CloudWatch Logs${clusterLogControl[family] ? ` (${clusterLogControl[family]})` : ""}`,
        `add ${missing.map((m) => `"${m}"`).join(", ")} to \`enabledCloudwatchLogsExports\``,
      );
    }
  },
);

/** Resolve the parameter group an instance/cluster uses: the group in the stack, a default group, or undecidable. */
function resolveParameterGroup(
  r: PolicyResource,
  prop: string,
  groups: readonly PolicyResource[],
): { group?: PolicyResource; isDefault: boolean; name?: string } {
  const { targets, value } = referencedBy(r, prop, groups, ["name"]);
  if (targets.length > 0) return { group: targets[0]!, isDefault: false };
  if (isUnknown(value)) undecidable(prop);
  if (value === undefined || value === null || value === "") return { isDefault: true };
  const name = String(value);
  if (name.toLowerCase().startsWith("default.")) return { isDefault: true, name };
  undecidable(`${prop} (parameter group "${name}" is not declared in this stack)`);
}

export const rdsAuroraMysqlAuditLogging = stackPolicy(
  {
    name: "rds-aurora-mysql-audit-logging",
    description: "Aurora MySQL clusters must turn on audit logging (`server_audit_logging = 1` in their cluster parameter group).",
    severity: "medium",
    controls: ["RDS.45"],
    frameworks: ["FSBP"],
    remediationSteps:
      "Create an aws.rds.ClusterParameterGroup (aurora-mysql family) with `server_audit_logging = 1` (and `server_audit_events`, e.g. CONNECT,QUERY_DCL,QUERY_DDL) and set it as the cluster's `dbClusterParameterGroupName`.",
  },
  ({ forEach, ofType, fail }) => {
    forEach(TD.rdsCluster, (c) => {
      if (engineFamily(known(c.props, "engine")) !== "aurora-mysql") return;
      const pg = resolveParameterGroup(c, "dbClusterParameterGroupName", ofType(TD.rdsClusterParameterGroup));
      if (!pg.group) {
        fail(c, `the cluster uses the default cluster parameter group${pg.name ? ` ${pg.name}` : ""}, where server_audit_logging is 0`, "set `dbClusterParameterGroupName` to an aws.rds.ClusterParameterGroup with `server_audit_logging = 1`");
        return;
      }
      if (!parameterOn(parameterValue(pg.group, "server_audit_logging"))) {
        fail(c, `its cluster parameter group ${pg.group.name} does not set server_audit_logging to 1`, `add \`{ name: "server_audit_logging", value: "1" }\` to ${pg.group.name}'s \`parameters\``);
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Authentication, admin names, ports
// ---------------------------------------------------------------------------------------------

export const rdsInstanceIamAuth = resourcePolicy(
  {
    name: "rds-instance-iam-authentication",
    description: "RDS DB instances of engines that support it (MySQL, PostgreSQL, MariaDB) must have IAM database authentication enabled.",
    severity: "medium",
    controls: ["RDS.10"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Instance.",
    resourceTypes: TD.rdsInstance,
    config: {
      engineFamilies: { type: "array", items: { type: "string" }, description: "Engine families the rule applies to.", default: ["mysql", "postgres", "mariadb"] },
    },
  },
  ({ props, config, fail }) => {
    const engine = props.engine;
    // Replicas may omit `engine`; IAM authentication only exists for some engines, so the rule
    // applies when the engine is stated.
    if (engine === undefined || !includesCi(config.engineFamilies, engineFamily(engine))) return;
    if (props.iamDatabaseAuthenticationEnabled !== true) fail("IAM database authentication is off (`iamDatabaseAuthenticationEnabled` is not true)", "set `iamDatabaseAuthenticationEnabled: true`");
  },
);

export const rdsClusterIamAuth = resourcePolicy(
  {
    name: "rds-cluster-iam-authentication",
    description: "RDS/Aurora DB clusters must have IAM database authentication enabled.",
    severity: "medium",
    controls: ["RDS.12"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Cluster.",
    resourceTypes: TD.rdsCluster,
    config: {
      engineFamilies: { type: "array", items: { type: "string" }, description: "Engine families the rule applies to.", default: ["aurora-mysql", "aurora-postgresql", "mysql", "postgres"] },
    },
  },
  ({ props, config, fail }) => {
    if (!includesCi(config.engineFamilies, engineFamily(props.engine))) return;
    if (props.iamDatabaseAuthenticationEnabled !== true) fail("IAM database authentication is off (`iamDatabaseAuthenticationEnabled` is not true)", "set `iamDatabaseAuthenticationEnabled: true`");
  },
);

const defaultUsernamesConfig = {
  defaultUsernames: {
    type: "array",
    items: { type: "string" },
    description: "Well-known administrator names that must not be used (compared case-insensitively).",
    default: ["admin", "administrator", "postgres", "root", "sa"],
  },
};

export const rdsClusterCustomAdmin = resourcePolicy(
  {
    name: "rds-cluster-custom-admin-username",
    description: "RDS/Aurora DB clusters must not use a default administrator username.",
    severity: "medium",
    controls: ["RDS.24"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `masterUsername` on the aws.rds.Cluster to a name that is not a well-known default (admin, postgres, root...). The name cannot change after creation: create a new cluster and migrate.",
    resourceTypes: TD.rdsCluster,
    config: defaultUsernamesConfig,
  },
  ({ props, config, fail }) => {
    const u = props.masterUsername;
    // Absent: a cluster restored from a snapshot, a replica or a global secondary keeps its source's user.
    if (typeof u === "string" && includesCi(config.defaultUsernames, u)) fail(`the master username is the well-known default "${u}"`, "set `masterUsername` to a custom name");
  },
);

export const rdsInstanceCustomAdmin = resourcePolicy(
  {
    name: "rds-instance-custom-admin-username",
    description: "RDS DB instances must not use a default administrator username.",
    severity: "medium",
    controls: ["RDS.25"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `username` on the aws.rds.Instance to a name that is not a well-known default (admin, postgres, root...). The name cannot change after creation: create a new instance and migrate.",
    resourceTypes: TD.rdsInstance,
    config: defaultUsernamesConfig,
  },
  ({ props, config, fail }) => {
    const u = props.username;
    // Absent: a replica or a restore keeps its source's user.
    if (typeof u === "string" && includesCi(config.defaultUsernames, u)) fail(`the master username is the well-known default "${u}"`, "set `username` to a custom name");
  },
);

export const rdsNoDefaultPort = resourcePolicy(
  {
    name: "rds-no-default-port",
    description: "RDS DB instances and clusters must not listen on their engine's default port.",
    severity: "low",
    controls: ["RDS.23"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `port` on the aws.rds.Instance / aws.rds.Cluster to a non-default value (not 3306 MySQL/MariaDB/Aurora MySQL, 5432 PostgreSQL, 1521 Oracle, 1433 SQL Server, 50000 Db2), and open that port in the security group.",
    resourceTypes: [...TD.rdsInstance, ...TD.rdsCluster],
  },
  ({ props, fail }) => {
    const engine = props.engine;
    const def = defaultPorts[engineFamily(engine)];
    if (def === undefined) return; // engine not stated (replica) or not a relational RDS engine
    const port = knownNumber(props, "port", def);
    if (port === def) fail(`${engine} listens on its default port ${def}${isSet(props, "port") ? "" : " (`port` is unset)"}`, `set \`port\` to a value other than ${def}`);
  },
);

// ---------------------------------------------------------------------------------------------
// Backups, backtracking, tags on snapshots, VPC
// ---------------------------------------------------------------------------------------------

export const rdsInstanceBackupRetention = resourcePolicy(
  {
    name: "rds-instance-backup-retention",
    description: "RDS DB instances must keep automated backups for at least the configured number of days.",
    severity: "medium",
    controls: ["RDS.11"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `backupRetentionPeriod` on the aws.rds.Instance to at least minRetentionDays (7 by default; at most 35).",
    resourceTypes: TD.rdsInstance,
    config: {
      minRetentionDays: { type: "number", description: "Minimum automated backup retention, in days.", default: 7 },
      checkReadReplicas: { type: "boolean", description: "Also require backups on read replicas.", default: false },
    },
  },
  ({ props, config, fail }) => {
    if (isReplica(props) && config.checkReadReplicas !== true) return;
    const min = Number(config.minRetentionDays ?? 7);
    const days = knownNumber(props, "backupRetentionPeriod", -1);
    if (days < 0) fail(`\`backupRetentionPeriod\` is not set (AWS default 1 day or less), below the required ${min} days`, `set \`backupRetentionPeriod: ${min}\` or more`);
    else if (days < min) fail(`automated backups are kept ${days} day(s), below the required ${min}`, `set \`backupRetentionPeriod: ${min}\` or more`);
  },
);

export const rdsClusterBackupRetention = resourcePolicy(
  {
    name: "rds-cluster-backup-retention",
    description: "RDS/Aurora DB clusters must keep automated backups for at least the configured number of days.",
    severity: "medium",
    controls: ["BP.RDS.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `backupRetentionPeriod` on the aws.rds.Cluster to at least minRetentionDays (7 by default; at most 35).",
    resourceTypes: TD.rdsCluster,
    config: {
      minRetentionDays: { type: "number", description: "Minimum automated backup retention, in days.", default: 7 },
    },
  },
  ({ props, config, fail }) => {
    const min = Number(config.minRetentionDays ?? 7);
    const days = knownNumber(props, "backupRetentionPeriod", 1);
    if (days < min) fail(`automated backups are kept ${days} day(s)${isSet(props, "backupRetentionPeriod") ? "" : " (`backupRetentionPeriod` unset, default 1)"}, below the required ${min}`, `set \`backupRetentionPeriod: ${min}\` or more`);
  },
);

export const rdsBackupPlanCoverage = stackPolicy(
  {
    name: "rds-backup-plan-coverage",
    description: "RDS DB instances and clusters must be covered by an AWS Backup plan (a selection that lists them or selects them by tag).",
    severity: "medium",
    controls: ["RDS.26"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.backup.Plan and an aws.backup.Selection whose `resources` include the instance's / cluster's ARN (or whose `selectionTags` match its tags), or tag the database with one of organizationBackupTags when an AWS Organizations backup policy selects by tag.",
    config: {
      organizationBackupTags: {
        type: "array",
        items: { type: "string" },
        description: "Tags (`key=value`) that an organization-wide AWS Backup policy selects by; a database carrying one counts as covered.",
        default: [],
      },
      includeReadReplicas: { type: "boolean", description: "Also require coverage for read replicas.", default: false },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const selections = ofType(TD.backupSelection);
    const orgTags = ((config.organizationBackupTags as string[]) ?? []).map((t) => t.split("="));
    const check = (r: PolicyResource, resourcePrefix: string) => {
      if (orgTags.length > 0) {
        const tags = tagsOf(r.props);
        if (orgTags.some(([k, v]) => k !== undefined && tags[k] === (v ?? ""))) return;
      }
      if (backupSelectionsCovering(r, selections, { service: "rds", resourcePrefix }).length > 0) return;
      fail(r, "no aws.backup.Selection in this stack covers it", `add an aws.backup.Selection with \`resources: [${r.name}.arn]\` (or matching \`selectionTags\`) to an aws.backup.Plan`);
    };
    forEach(TD.rdsInstance, (i) => {
      if (isReplica(i.props) && config.includeReadReplicas !== true) return;
      check(i, "db:");
    });
    forEach(TD.rdsCluster, (c) => check(c, "cluster:"));
  },
);

export const rdsAuroraMysqlBacktracking = resourcePolicy(
  {
    name: "rds-aurora-mysql-backtracking",
    description: "Aurora MySQL clusters must have backtracking enabled (a backtrack window of at least the configured hours).",
    severity: "medium",
    controls: ["RDS.14"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `backtrackWindow` (seconds, up to 259200) on the Aurora MySQL aws.rds.Cluster. It can only be set when the cluster is created (or cloned).",
    resourceTypes: TD.rdsCluster,
    config: {
      minBacktrackWindowHours: { type: "number", description: "Minimum backtrack window, in hours (0: any window above zero).", default: 0 },
    },
  },
  ({ props, config, fail }) => {
    if (engineFamily(props.engine) !== "aurora-mysql") return;
    // Backtracking is not available for Aurora Serverless v1 or global databases.
    if (props.engineMode === "serverless" || isSet(props, "globalClusterIdentifier")) return;
    const window = knownNumber(props, "backtrackWindow", 0);
    const minSeconds = Number(config.minBacktrackWindowHours ?? 0) * 3600;
    if (window <= 0) fail("backtracking is off (`backtrackWindow` is 0 or unset)", `set \`backtrackWindow\` to ${Math.max(minSeconds, 86400)} seconds or another value up to 259200`);
    else if (window < minSeconds) fail(`the backtrack window is ${window} s, below the required ${minSeconds} s`, `set \`backtrackWindow\` to at least ${minSeconds}`);
  },
);

const copyTagsControl: Partial<Record<EngineFamily, string>> = { "aurora-postgresql": "RDS.47", "aurora-mysql": "RDS.48" };

export const rdsClusterCopyTags = resourcePolicy(
  {
    name: "rds-cluster-copy-tags-to-snapshots",
    description: "RDS DB clusters must copy their tags to snapshots (RDS.16; RDS.47 Aurora PostgreSQL, RDS.48 Aurora MySQL).",
    severity: "low",
    controls: ["RDS.16", "RDS.47", "RDS.48"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `copyTagsToSnapshot: true` on the aws.rds.Cluster.",
    resourceTypes: TD.rdsCluster,
  },
  ({ props, fail }) => {
    if (props.copyTagsToSnapshot === true) return;
    const specific = copyTagsControl[engineFamily(props.engine)];
    fail(`tags are not copied to snapshots (\`copyTagsToSnapshot\` is not true)${specific ? ` (RDS.16, ${specific})` : ""}`, "set `copyTagsToSnapshot: true`");
  },
);

export const rdsInstanceCopyTags = resourcePolicy(
  {
    name: "rds-instance-copy-tags-to-snapshots",
    description: "RDS DB instances must copy their tags to snapshots.",
    severity: "low",
    controls: ["RDS.17"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `copyTagsToSnapshot: true` on the aws.rds.Instance.",
    resourceTypes: TD.rdsInstance,
  },
  ({ props, fail }) => {
    if (props.copyTagsToSnapshot !== true) fail("tags are not copied to snapshots (`copyTagsToSnapshot` is not true)", "set `copyTagsToSnapshot: true`");
  },
);

export const rdsInstanceInVpc = referencePolicy(
  {
    name: "rds-instance-in-vpc",
    description: "RDS DB instances must be deployed in a VPC of the program's choosing (an explicit DB subnet group), not the default VPC.",
    severity: "high",
    controls: ["RDS.18"],
    frameworks: ["FSBP"],
    remediationSteps: "Create an aws.rds.SubnetGroup over private subnets of your VPC and set it as the aws.rds.Instance's `dbSubnetGroupName`.",
    resourceTypes: TD.rdsInstance,
  },
  ({ props, fail, ref }) => {
    if (ref("dbSubnetGroupName", ["aws:rds/subnetGroup:SubnetGroup"])) return;
    const source = get(props, "replicateSourceDb");
    if (isUnknown(source)) void props.replicateSourceDb; // cannot tell same-region from cross-region
    // A same-region replica (source named by identifier) uses its source's subnet group; a
    // cross-region one (source named by ARN) falls back to the default subnet group.
    if (typeof source === "string" && source.length > 0 && !source.startsWith("arn:")) return;
    fail("no `dbSubnetGroupName` is set, so the instance goes into the default VPC's default subnet group", "set `dbSubnetGroupName` to an aws.rds.SubnetGroup over private subnets");
  },
);

// ---------------------------------------------------------------------------------------------
// Event subscriptions (RDS.19-21)
// ---------------------------------------------------------------------------------------------

function eventSubscriptionPolicy(o: {
  name: string;
  control: string;
  sourceType: string;
  sources: readonly string[];
  sourceIdProps: readonly string[];
  what: string;
  categories: string[];
}) {
  return stackPolicy(
    {
      name: o.name,
      description: `An enabled RDS event subscription must notify ${o.what} events (${o.categories.join(", ")}) for every ${o.what} in the stack.`,
      severity: "low",
      controls: [o.control],
      frameworks: ["FSBP"],
      remediationSteps: `Add an aws.rds.EventSubscription with \`sourceType: "${o.sourceType}"\`, \`eventCategories\` including ${o.categories.map((c) => `"${c}"`).join(", ")} (or none, for all), no \`sourceIds\` (all sources) or ones that include the resource, and an \`snsTopic\`.`,
      config: {
        eventCategories: { type: "array", items: { type: "string" }, description: "Event categories the subscription must include.", default: o.categories },
      },
    },
    ({ forEach, ofType, fail, config }) => {
      const needed = (config.eventCategories as string[]) ?? o.categories;
      const subs = ofType(TD.rdsEventSubscription);
      forEach(o.sources, (src) => {
        const gaps: string[] = [];
        let unknownPath: string | undefined;
        for (const sub of subs) {
          const st = get(sub.props, "sourceType");
          const enabled = get(sub.props, "enabled");
          const ids = get(sub.props, "sourceIds");
          const cats = get(sub.props, "eventCategories");
          if ([st, enabled, ids, cats].some(isUnknown) || (Array.isArray(cats) && cats.some(isUnknown))) {
            unknownPath ??= `${sub.name} (sourceType, enabled, sourceIds or eventCategories)`;
            continue;
          }
          // No sourceType: the subscription covers every RDS source.
          if (st !== undefined && st !== o.sourceType) continue;
          if (enabled === false) {
            gaps.push(`${sub.name} is disabled`);
            continue;
          }
          if (Array.isArray(ids) && ids.length > 0 && !refersTo(sub, "sourceIds", src, o.sourceIdProps)) {
            if (ids.some(isUnknown)) unknownPath ??= `${sub.name}.sourceIds`;
            continue;
          }
          const list = (Array.isArray(cats) ? cats : []).map(String);
          const missing = list.length === 0 ? [] : needed.filter((n) => !includesCi(list, n));
          if (missing.length === 0) return;
          gaps.push(`${sub.name} lacks ${missing.join(", ")}`);
        }
        if (unknownPath) undecidable(unknownPath);
        fail(
          src,
          `no enabled aws.rds.EventSubscription with sourceType "${o.sourceType}" notifies ${needed.join(", ")} events for it${gaps.length > 0 ? ` (${gaps.join("; ")})` : ""}`,
          `add an aws.rds.EventSubscription with \`sourceType: "${o.sourceType}"\` and \`eventCategories: [${needed.map((c) => `"${c}"`).join(", ")}]\``,
        );
      });
    },
  );
}

export const rdsClusterEventSubscription = eventSubscriptionPolicy({
  name: "rds-cluster-event-subscription",
  control: "RDS.19",
  sourceType: "db-cluster",
  sources: TD.rdsCluster,
  sourceIdProps: ["clusterIdentifier"],
  what: "DB cluster",
  categories: ["maintenance", "failure"],
});

export const rdsInstanceEventSubscription = eventSubscriptionPolicy({
  name: "rds-instance-event-subscription",
  control: "RDS.20",
  sourceType: "db-instance",
  sources: TD.rdsAnyInstance,
  sourceIdProps: ["identifier"],
  what: "DB instance",
  categories: ["maintenance", "configuration change", "failure"],
});

export const rdsParameterGroupEventSubscription = eventSubscriptionPolicy({
  name: "rds-parameter-group-event-subscription",
  control: "RDS.21",
  sourceType: "db-parameter-group",
  sources: TD.rdsParameterGroup,
  sourceIdProps: ["name"],
  what: "DB parameter group",
  categories: ["configuration change"],
});

// ---------------------------------------------------------------------------------------------
// Encryption in transit (parameter groups, RDS Proxy)
// ---------------------------------------------------------------------------------------------

/** Whether the engine's default parameter group already enforces TLS. */
function tlsOnByDefault(family: EngineFamily, engineVersion: unknown): boolean {
  if (family !== "postgres") return false;
  // RDS for PostgreSQL 15 and later default rds.force_ssl to 1. No version: AWS picks the current default (>= 15).
  if (isUnknown(engineVersion)) undecidable("engineVersion");
  const major = majorVersion(engineVersion);
  return major === undefined || major >= 15;
}

function instanceTlsPolicy(o: { name: string; control: string; family: EngineFamily; label: string; parameter: string; frameworks: ("FSBP" | "NIST 800-53")[] }) {
  return stackPolicy(
    {
      name: o.name,
      description: `RDS for ${o.label} DB instances must require encrypted connections (\`${o.parameter}\` on in their DB parameter group).`,
      severity: "medium",
      controls: [o.control],
      frameworks: o.frameworks,
      remediationSteps: `Create an aws.rds.ParameterGroup for the ${o.label} family with \`${o.parameter} = 1\` and set it as the aws.rds.Instance's \`parameterGroupName\`.`,
    },
    ({ forEach, ofType, fail }) => {
      forEach(TD.rdsInstance, (i) => {
        // Replicas may omit `engine`; the rule applies when the engine is stated.
        if (engineFamily(known(i.props, "engine")) !== o.family) return;
        const pg = resolveParameterGroup(i, "parameterGroupName", ofType(TD.rdsParameterGroup));
        const fix = `set \`parameterGroupName\` to an aws.rds.ParameterGroup with \`{ name: "${o.parameter}", value: "1" }\``;
        if (!pg.group) {
          if (!tlsOnByDefault(o.family, get(i.props, "engineVersion"))) fail(i, `the instance uses the default parameter group${pg.name ? ` ${pg.name}` : ""}, where ${o.parameter} is off`, fix);
          return;
        }
        const v = parameterValue(pg.group, o.parameter);
        if (v === undefined ? !tlsOnByDefault(o.family, get(i.props, "engineVersion")) : !parameterOn(v)) {
          fail(i, `its parameter group ${pg.group.name} ${v === undefined ? `does not set ${o.parameter} (default off)` : `sets ${o.parameter} to ${v}`}`, `set \`{ name: "${o.parameter}", value: "1" }\` in ${pg.group.name}'s \`parameters\``);
        }
      });
    },
  );
}

export const rdsPostgresInstanceTls = instanceTlsPolicy({ name: "rds-postgres-instance-tls", control: "RDS.38", family: "postgres", label: "PostgreSQL", parameter: "rds.force_ssl", frameworks: ["NIST 800-53"] });
export const rdsMysqlInstanceTls = instanceTlsPolicy({ name: "rds-mysql-instance-tls", control: "RDS.39", family: "mysql", label: "MySQL", parameter: "require_secure_transport", frameworks: ["NIST 800-53"] });
export const rdsSqlServerInstanceTls = instanceTlsPolicy({ name: "rds-sqlserver-instance-tls", control: "RDS.41", family: "sqlserver", label: "SQL Server", parameter: "rds.force_ssl", frameworks: ["FSBP"] });
export const rdsMariadbInstanceTls = instanceTlsPolicy({ name: "rds-mariadb-instance-tls", control: "RDS.44", family: "mariadb", label: "MariaDB", parameter: "require_secure_transport", frameworks: ["FSBP"] });

const clusterTlsParameter: Partial<Record<EngineFamily, string>> = {
  "aurora-mysql": "require_secure_transport",
  "aurora-postgresql": "rds.force_ssl",
  mysql: "require_secure_transport",
  postgres: "rds.force_ssl",
};

export const rdsClusterTls = stackPolicy(
  {
    name: "rds-cluster-tls",
    description: "Aurora and Multi-AZ DB clusters must require encrypted connections (`require_secure_transport` / `rds.force_ssl` on in their cluster parameter group).",
    severity: "medium",
    controls: ["BP.RDS.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Create an aws.rds.ClusterParameterGroup with `require_secure_transport = ON` (Aurora MySQL, MySQL) or `rds.force_ssl = 1` (Aurora PostgreSQL, PostgreSQL) and set it as the aws.rds.Cluster's `dbClusterParameterGroupName`.",
  },
  ({ forEach, ofType, fail }) => {
    forEach(TD.rdsCluster, (c) => {
      const family = engineFamily(known(c.props, "engine"));
      const parameter = clusterTlsParameter[family];
      if (!parameter) return;
      // Aurora keeps TLS optional by default; a Multi-AZ PostgreSQL cluster follows RDS for PostgreSQL.
      const onByDefault = family === "postgres" && tlsOnByDefault(family, get(c.props, "engineVersion"));
      const pg = resolveParameterGroup(c, "dbClusterParameterGroupName", ofType(TD.rdsClusterParameterGroup));
      const value = family === "aurora-mysql" || family === "mysql" ? "ON" : "1";
      if (!pg.group) {
        if (!onByDefault) fail(c, `the cluster uses the default cluster parameter group${pg.name ? ` ${pg.name}` : ""}, where ${parameter} is off`, `set \`dbClusterParameterGroupName\` to an aws.rds.ClusterParameterGroup with \`{ name: "${parameter}", value: "${value}" }\``);
        return;
      }
      const v = parameterValue(pg.group, parameter);
      if (v === undefined ? !onByDefault : !parameterOn(v)) {
        fail(c, `its cluster parameter group ${pg.group.name} ${v === undefined ? `does not set ${parameter} (default off)` : `sets ${parameter} to ${v}`}`, `set \`{ name: "${parameter}", value: "${value}" }\` in ${pg.group.name}'s \`parameters\``);
      }
    });
  },
);

export const rdsProxyRequireTls = resourcePolicy(
  {
    name: "rds-proxy-require-tls",
    description: "RDS proxies must require TLS for client connections.",
    severity: "medium",
    controls: ["RDS.43"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `requireTls: true` on the aws.rds.Proxy.",
    resourceTypes: TD.rdsProxy,
  },
  ({ props, fail }) => {
    if (props.requireTls !== true) fail("the proxy accepts connections without TLS (`requireTls` is not true; AWS default false)", "set `requireTls: true`");
  },
);

// ---------------------------------------------------------------------------------------------
// Keys: customer managed keys for classified data, Performance Insights
// ---------------------------------------------------------------------------------------------

export const rdsCustomerManagedKey = referencePolicy(
  {
    name: "rds-customer-managed-key",
    description: "RDS DB instances and clusters holding classified data (the pack-wide `classifiedData` setting: confidential/restricted or PCI/HIPAA, by tag) must be encrypted with a customer managed KMS key.",
    severity: "high",
    controls: ["BP.RDS.3", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `storageEncrypted: true` and `kmsKeyId` to the ARN of a customer managed aws.kms.Key (not alias/aws/rds) on the aws.rds.Instance / aws.rds.Cluster.",
    resourceTypes: [...TD.rdsInstance, ...TD.rdsCluster],
  },
  ({ props, args, config, fail, ref }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (because.length === 0) return;
    const holds = `holds ${because.join(", ")} data`;
    const key = get(props, "kmsKeyId");
    // From a key of this stack (customer managed): compliant; from anything else: undecidable (lib/references.ts).
    if (containsUnknown(key)) {
      ref("kmsKeyId", SOURCES.kmsKey);
      return;
    }
    if (typeof key !== "string" || key === "") fail(`the database ${holds} but has no customer managed key (\`kmsKeyId\` unset: AWS managed aws/rds key or none)`, "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
    else if (isAwsManagedKeyRef(key, "rds")) fail(`the database ${holds} but uses the AWS managed key ${key}`, "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
  },
);

export const rdsPerformanceInsightsKms = referencePolicy(
  {
    name: "rds-performance-insights-kms",
    description: "When Performance Insights is on (its data includes SQL text), it must be encrypted with a customer managed KMS key.",
    severity: "medium",
    controls: ["BP.RDS.4"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `performanceInsightsKmsKeyId` to a customer managed aws.kms.Key ARN on every aws.rds.Instance / aws.rds.Cluster / aws.rds.ClusterInstance with `performanceInsightsEnabled: true` (the key cannot be changed later).",
    resourceTypes: [...TD.rdsInstance, ...TD.rdsCluster, ...TD.rdsClusterInstance],
  },
  ({ props, fail, ref }) => {
    if (props.performanceInsightsEnabled !== true) return;
    const key = get(props, "performanceInsightsKmsKeyId");
    // From a key of this stack (customer managed): compliant; from anything else: undecidable (lib/references.ts).
    if (containsUnknown(key)) {
      ref("performanceInsightsKmsKeyId", SOURCES.kmsKey);
      return;
    }
    if (typeof key !== "string" || key === "") fail("Performance Insights is on without `performanceInsightsKmsKeyId` (it falls back to the AWS managed aws/rds key)", "set `performanceInsightsKmsKeyId` to a customer managed aws.kms.Key ARN");
    else if (isAwsManagedKeyRef(key, "rds")) fail(`Performance Insights uses the AWS managed key ${key}`, "set `performanceInsightsKmsKeyId` to a customer managed aws.kms.Key ARN");
  },
);

export const policies = [
  rdsSnapshotNotPublic,
  rdsInstanceNotPublic,
  rdsInstanceStorageEncrypted,
  rdsSnapshotEncrypted,
  rdsInstanceMultiAz,
  rdsEnhancedMonitoring,
  rdsInstanceLogExports,
  rdsInstanceIamAuth,
  rdsInstanceBackupRetention,
  rdsClusterIamAuth,
  rdsInstanceAutoMinorUpgrade,
  rdsAuroraMysqlBacktracking,
  rdsClusterMultiAz,
  rdsClusterCopyTags,
  rdsInstanceCopyTags,
  rdsInstanceInVpc,
  rdsClusterEventSubscription,
  rdsInstanceEventSubscription,
  rdsParameterGroupEventSubscription,
  rdsNoDefaultPort,
  rdsClusterCustomAdmin,
  rdsInstanceCustomAdmin,
  rdsBackupPlanCoverage,
  rdsClusterStorageEncrypted,
  rdsClusterLogExports,
  rdsClusterAutoMinorUpgrade,
  rdsPostgresInstanceTls,
  rdsMysqlInstanceTls,
  rdsSqlServerInstanceTls,
  rdsProxyRequireTls,
  rdsMariadbInstanceTls,
  rdsAuroraMysqlAuditLogging,
  rdsClusterTls,
  rdsClusterBackupRetention,
  rdsCustomerManagedKey,
  rdsPerformanceInsightsKms,
];

/** RDS controls of the catalog that cannot be decided from a program's resources at preview. */
export const notDecidable: Record<string, string> = {
  "RDS.22":
    "DB security groups are an EC2-Classic feature AWS retired in 2022; @pulumi/aws v7 has no resource for them, so a program cannot create the source this control's event subscription watches, and whether the account keeps such a subscription is account state outside the stack.",
};
