import { expect } from "chai";
import * as rds from "../../policy-packs/aws-compliance/policies/data-rds";
import { evaluate, findings, res, UNKNOWN } from "../helpers/policy";
import { expectOne, expectUndecided, runSpecs } from "./data-table";

const I = "aws:rds/instance:Instance";
const C = "aws:rds/cluster:Cluster";
const CI = "aws:rds/clusterInstance:ClusterInstance";
const SNAP = "aws:rds/snapshot:Snapshot";
const CSNAP = "aws:rds/clusterSnapshot:ClusterSnapshot";
const COPY = "aws:rds/snapshotCopy:SnapshotCopy";
const CCOPY = "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy";
const SUB = "aws:rds/eventSubscription:EventSubscription";
const PG = "aws:rds/parameterGroup:ParameterGroup";
const CPG = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const SEL = "aws:backup/selection:Selection";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

runSpecs([
  {
    policy: rds.rdsSnapshotNotPublic,
    controls: "RDS.1",
    pass: [
      { title: "a snapshot shared with a named account", type: SNAP, inputs: { dbInstanceIdentifier: "db", dbSnapshotIdentifier: "s", sharedAccounts: ["111122223333"] } },
      { title: "an unshared cluster snapshot", type: CSNAP, inputs: { dbClusterIdentifier: "c", dbClusterSnapshotIdentifier: "s" } },
    ],
    fail: [
      { title: "a public DB snapshot", type: SNAP, inputs: { sharedAccounts: ["all"] }, expect: ['`sharedAccounts` contains "all"', 'remove "all"'] },
      { title: "a public cluster snapshot copy", type: CCOPY, inputs: { sharedAccounts: ["111122223333", "all"] }, expect: ["public"] },
      { title: "(config) sharing outside allowedSharedAccounts", type: COPY, inputs: { sharedAccounts: ["444455556666"] }, config: { allowedSharedAccounts: ["111122223333"] }, expect: ["444455556666", "not in allowedSharedAccounts"] },
    ],
    unknown: [{ title: "sharedAccounts unknown", type: SNAP, inputs: { sharedAccounts: [UNKNOWN] } }],
  },
  {
    policy: rds.rdsInstanceNotPublic,
    controls: "RDS.2",
    pass: [
      { title: "an instance without publiclyAccessible (default false)", type: I, inputs: {} },
      { title: "a cluster instance with publiclyAccessible false", type: CI, inputs: { publiclyAccessible: false } },
    ],
    fail: [
      { title: "a public instance", type: I, inputs: { publiclyAccessible: true }, expect: ["`publiclyAccessible: true`", "set `publiclyAccessible: false`"] },
      { title: "a public Aurora cluster instance", type: CI, inputs: { publiclyAccessible: true }, expect: ["publicly accessible"] },
    ],
    unknown: [{ title: "publiclyAccessible unknown", type: I, inputs: { publiclyAccessible: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceStorageEncrypted,
    controls: "RDS.3",
    pass: [
      { title: "storageEncrypted true", type: I, inputs: { storageEncrypted: true, kmsKeyId: KEY } },
      { title: "a cross-region replica with kmsKeyId", type: I, inputs: { replicateSourceDb: "arn:aws:rds:us-west-2:111122223333:db:primary", kmsKeyId: KEY } },
    ],
    fail: [
      { title: "storageEncrypted unset", type: I, inputs: {}, expect: ["AWS default: unencrypted", "set `storageEncrypted: true`"] },
      { title: "storageEncrypted false", type: I, inputs: { storageEncrypted: false }, expect: ["`storageEncrypted: false`"] },
      { title: "a restore that does not state encryption", type: I, inputs: { snapshotIdentifier: "snap-1" }, expect: ["inherits its source's encryption"] },
    ],
    unknown: [{ title: "storageEncrypted unknown", type: I, inputs: { storageEncrypted: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterStorageEncrypted,
    controls: "RDS.27",
    pass: [
      { title: "storageEncrypted true", type: C, inputs: { engine: "aurora-postgresql", storageEncrypted: true } },
      { title: "Aurora Serverless v1 (encrypted by default)", type: C, inputs: { engine: "aurora-mysql", engineMode: "serverless" } },
    ],
    fail: [
      { title: "a provisioned cluster without storageEncrypted", type: C, inputs: { engine: "aurora-mysql" }, expect: ["not set", "`storageEncrypted: true`"] },
      { title: "storageEncrypted false", type: C, inputs: { engine: "aurora-mysql", storageEncrypted: false }, expect: ["`storageEncrypted: false`"] },
    ],
    unknown: [{ title: "storageEncrypted unknown", type: C, inputs: { engine: "aurora-mysql", storageEncrypted: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceMultiAz,
    controls: "RDS.5",
    pass: [{ title: "multiAz true", type: I, inputs: { multiAz: true } }],
    fail: [{ title: "multiAz unset", type: I, inputs: {}, expect: ["single Availability Zone", "set `multiAz: true`"] }],
    unknown: [{ title: "multiAz unknown", type: I, inputs: { multiAz: UNKNOWN } }],
  },
  {
    policy: rds.rdsEnhancedMonitoring,
    controls: "RDS.6",
    pass: [
      { title: "an instance at 60 s with a role still unknown at preview (an aws.iam.Role's output)", type: I, inputs: { monitoringInterval: 60, monitoringRoleArn: UNKNOWN }, deps: { monitoringRoleArn: [res("aws:iam/role:Role", {}, { name: "monitoring" })] } },
      { title: "an Aurora cluster (monitored per member)", type: C, inputs: { engine: "aurora-postgresql" } },
      { title: "a cluster instance at 30 s", type: CI, inputs: { monitoringInterval: 30, monitoringRoleArn: "arn:aws:iam::111122223333:role/rds-mon" } },
    ],
    fail: [
      { title: "an instance without monitoring", type: I, inputs: {}, expect: ["Enhanced Monitoring is off", "`monitoringInterval`"] },
      { title: "a Multi-AZ DB cluster without monitoring", type: C, inputs: { engine: "postgres", dbClusterInstanceClass: "db.r6gd.large" }, expect: ["Enhanced Monitoring is off"] },
      { title: "an interval without a role", type: I, inputs: { monitoringInterval: 5 }, expect: ["`monitoringRoleArn` is not set"] },
      { title: "(config) 60 s when at most 30 s is allowed", type: I, inputs: { monitoringInterval: 60, monitoringRoleArn: "arn:r" }, config: { maxMonitoringIntervalSeconds: 30 }, expect: ["60 s, longer than the allowed 30 s"] },
    ],
    unknown: [{ title: "monitoringInterval unknown", type: I, inputs: { monitoringInterval: UNKNOWN } }, { title: "a role unknown at preview that comes from no role", type: I, inputs: { monitoringInterval: 60, monitoringRoleArn: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceLogExports,
    controls: "RDS.9, RDS.36, RDS.40, RDS.42",
    pass: [
      { title: "MySQL exporting audit, error, general, slowquery", type: I, inputs: { engine: "mysql", enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"] } },
      { title: "PostgreSQL exporting postgresql, upgrade", type: I, inputs: { engine: "postgres", enabledCloudwatchLogsExports: ["postgresql", "upgrade"] } },
      { title: "(config) PostgreSQL exporting postgresql when only that is required", type: I, inputs: { engine: "postgres", enabledCloudwatchLogsExports: ["postgresql"] }, config: { requiredLogExports: { postgres: ["postgresql"] } } },
    ],
    fail: [
      { title: "PostgreSQL without upgrade logs (RDS.36)", type: I, inputs: { engine: "postgres", enabledCloudwatchLogsExports: ["postgresql"] }, expect: ["postgres logs upgrade are not exported", "(RDS.9, RDS.36)", 'add "upgrade" to `enabledCloudwatchLogsExports`'] },
      { title: "SQL Server without exports (RDS.40)", type: I, inputs: { engine: "sqlserver-se" }, expect: ["error, agent", "RDS.40"] },
      { title: "MariaDB without audit (RDS.42)", type: I, inputs: { engine: "mariadb", enabledCloudwatchLogsExports: ["error", "general", "slowquery"] }, expect: ["audit", "RDS.42"] },
      { title: "Oracle without listener (RDS.9)", type: I, inputs: { engine: "oracle-ee", enabledCloudwatchLogsExports: ["alert", "audit", "trace"] }, expect: ["listener", "(RDS.9)"] },
      { title: "a replica without engine and without exports", type: I, inputs: { replicateSourceDb: "primary" }, expect: ["`enabledCloudwatchLogsExports` is empty"] },
    ],
    unknown: [{ title: "the export list unknown", type: I, inputs: { engine: "mysql", enabledCloudwatchLogsExports: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterLogExports,
    controls: "RDS.34, RDS.37",
    pass: [
      { title: "Aurora MySQL exporting audit", type: C, inputs: { engine: "aurora-mysql", enabledCloudwatchLogsExports: ["audit", "error"] } },
      { title: "legacy aurora engine exporting audit", type: C, inputs: { engine: "aurora", enabledCloudwatchLogsExports: ["audit"] } },
      { title: "a Multi-AZ MySQL cluster (no requirement by default)", type: C, inputs: { engine: "mysql" } },
    ],
    fail: [
      { title: "Aurora PostgreSQL without postgresql logs (RDS.37)", type: C, inputs: { engine: "aurora-postgresql" }, expect: ["postgresql", "(RDS.37)"] },
      { title: "Aurora MySQL without audit (RDS.34)", type: C, inputs: { engine: "aurora-mysql", enabledCloudwatchLogsExports: ["error"] }, expect: ["audit", "(RDS.34)"] },
      { title: "(config) a Multi-AZ MySQL cluster when mysql logs are required", type: C, inputs: { engine: "mysql" }, config: { requiredLogExports: { mysql: ["error"] } }, expect: ["error"] },
    ],
    unknown: [{ title: "the export list unknown", type: C, inputs: { engine: "aurora-mysql", enabledCloudwatchLogsExports: [UNKNOWN] } }],
  },
  {
    policy: rds.rdsInstanceIamAuth,
    controls: "RDS.10",
    pass: [
      { title: "PostgreSQL with IAM auth", type: I, inputs: { engine: "postgres", iamDatabaseAuthenticationEnabled: true } },
      { title: "Oracle (IAM auth not supported)", type: I, inputs: { engine: "oracle-ee" } },
      { title: "(config) MySQL when only postgres is in scope", type: I, inputs: { engine: "mysql" }, config: { engineFamilies: ["postgres"] } },
    ],
    fail: [{ title: "MySQL without IAM auth", type: I, inputs: { engine: "mysql" }, expect: ["IAM database authentication is off", "set `iamDatabaseAuthenticationEnabled: true`"] }],
    unknown: [{ title: "the flag unknown", type: I, inputs: { engine: "mysql", iamDatabaseAuthenticationEnabled: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterIamAuth,
    controls: "RDS.12",
    pass: [
      { title: "Aurora PostgreSQL with IAM auth", type: C, inputs: { engine: "aurora-postgresql", iamDatabaseAuthenticationEnabled: true } },
      { title: "(config) Aurora MySQL when only postgres families are in scope", type: C, inputs: { engine: "aurora-mysql" }, config: { engineFamilies: ["aurora-postgresql"] } },
    ],
    fail: [{ title: "Aurora MySQL without IAM auth", type: C, inputs: { engine: "aurora-mysql" }, expect: ["set `iamDatabaseAuthenticationEnabled: true`"] }],
    unknown: [{ title: "the engine unknown", type: C, inputs: { engine: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceBackupRetention,
    controls: "RDS.11",
    pass: [
      { title: "7 days", type: I, inputs: { backupRetentionPeriod: 7 } },
      { title: "a read replica (not checked by default)", type: I, inputs: { replicateSourceDb: "primary" } },
    ],
    fail: [
      { title: "retention unset", type: I, inputs: {}, expect: ["`backupRetentionPeriod` is not set", "set `backupRetentionPeriod: 7`"] },
      { title: "3 days", type: I, inputs: { backupRetentionPeriod: 3 }, expect: ["3 day(s), below the required 7"] },
      { title: "(config) 7 days when 14 are required", type: I, inputs: { backupRetentionPeriod: 7 }, config: { minRetentionDays: 14 }, expect: ["below the required 14"] },
      { title: "(config) a replica without backups when checkReadReplicas", type: I, inputs: { replicateSourceDb: "primary" }, config: { checkReadReplicas: true }, expect: ["not set"] },
    ],
    unknown: [{ title: "retention unknown", type: I, inputs: { backupRetentionPeriod: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterBackupRetention,
    controls: "BP.RDS.1",
    pass: [{ title: "14 days", type: C, inputs: { engine: "aurora-mysql", backupRetentionPeriod: 14 } }],
    fail: [
      { title: "retention unset (default 1)", type: C, inputs: { engine: "aurora-mysql" }, expect: ["1 day(s)", "unset, default 1", "set `backupRetentionPeriod: 7`"] },
      { title: "(config) 14 days when 30 are required", type: C, inputs: { backupRetentionPeriod: 14 }, config: { minRetentionDays: 30 }, expect: ["below the required 30"] },
    ],
    unknown: [{ title: "retention unknown", type: C, inputs: { backupRetentionPeriod: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceAutoMinorUpgrade,
    controls: "RDS.13",
    pass: [{ title: "unset (default true)", type: I, inputs: {} }],
    fail: [{ title: "turned off", type: I, inputs: { autoMinorVersionUpgrade: false }, expect: ["`autoMinorVersionUpgrade: false`", "set `autoMinorVersionUpgrade: true`"] }],
    unknown: [{ title: "the flag unknown", type: I, inputs: { autoMinorVersionUpgrade: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterAutoMinorUpgrade,
    controls: "RDS.35",
    pass: [
      { title: "a cluster with the default", type: C, inputs: { engine: "aurora-mysql" } },
      { title: "a cluster instance with true", type: CI, inputs: { autoMinorVersionUpgrade: true } },
    ],
    fail: [
      { title: "a cluster turned off", type: C, inputs: { autoMinorVersionUpgrade: false }, expect: ["set `autoMinorVersionUpgrade: true`"] },
      { title: "a cluster instance turned off", type: CI, inputs: { autoMinorVersionUpgrade: false }, expect: ["`autoMinorVersionUpgrade: false`"] },
    ],
    unknown: [{ title: "the flag unknown", type: CI, inputs: { autoMinorVersionUpgrade: UNKNOWN } }],
  },
  {
    policy: rds.rdsAuroraMysqlBacktracking,
    controls: "RDS.14",
    pass: [
      { title: "Aurora MySQL with a 24 h window", type: C, inputs: { engine: "aurora-mysql", backtrackWindow: 86400 } },
      { title: "Aurora PostgreSQL (no backtracking)", type: C, inputs: { engine: "aurora-postgresql" } },
      { title: "an Aurora MySQL global cluster member (not supported)", type: C, inputs: { engine: "aurora-mysql", globalClusterIdentifier: "global" } },
    ],
    fail: [
      { title: "Aurora MySQL without a window", type: C, inputs: { engine: "aurora-mysql" }, expect: ["backtracking is off", "`backtrackWindow`"] },
      { title: "(config) a 24 h window when 48 h are required", type: C, inputs: { engine: "aurora-mysql", backtrackWindow: 86400 }, config: { minBacktrackWindowHours: 48 }, expect: ["below the required 172800 s"] },
    ],
    unknown: [{ title: "the window unknown", type: C, inputs: { engine: "aurora-mysql", backtrackWindow: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterCopyTags,
    controls: "RDS.16, RDS.47, RDS.48",
    pass: [{ title: "copyTagsToSnapshot true", type: C, inputs: { engine: "aurora-postgresql", copyTagsToSnapshot: true } }],
    fail: [
      { title: "Aurora PostgreSQL (RDS.47)", type: C, inputs: { engine: "aurora-postgresql" }, expect: ["(RDS.16, RDS.47)", "set `copyTagsToSnapshot: true`"] },
      { title: "Aurora MySQL (RDS.48)", type: C, inputs: { engine: "aurora-mysql", copyTagsToSnapshot: false }, expect: ["(RDS.16, RDS.48)"] },
    ],
    unknown: [{ title: "the flag unknown", type: C, inputs: { engine: "aurora-mysql", copyTagsToSnapshot: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceCopyTags,
    controls: "RDS.17",
    pass: [{ title: "copyTagsToSnapshot true", type: I, inputs: { copyTagsToSnapshot: true } }],
    fail: [{ title: "unset", type: I, inputs: {}, expect: ["set `copyTagsToSnapshot: true`"] }],
    unknown: [{ title: "the flag unknown", type: I, inputs: { copyTagsToSnapshot: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceInVpc,
    controls: "RDS.18",
    pass: [
      { title: "an explicit subnet group", type: I, inputs: { dbSubnetGroupName: "private-db" } },
      { title: "a subnet group that is an aws.rds.SubnetGroup's output, unknown at preview", type: I, inputs: { dbSubnetGroupName: UNKNOWN }, deps: { dbSubnetGroupName: [res("aws:rds/subnetGroup:SubnetGroup", {}, { name: "db-subnets" })] } },
      { title: "a same-region replica (inherits its source's subnet group)", type: I, inputs: { replicateSourceDb: "primary-db" } },
    ],
    fail: [
      { title: "no subnet group", type: I, inputs: {}, expect: ["default VPC", "set `dbSubnetGroupName`"] },
      { title: "a cross-region replica without a subnet group", type: I, inputs: { replicateSourceDb: "arn:aws:rds:us-west-2:111122223333:db:primary" }, expect: ["default VPC"] },
    ],
    unknown: [{ title: "the replica source unknown", type: I, inputs: { replicateSourceDb: UNKNOWN } }, { title: "a subnet group unknown at preview that comes from no subnet group", type: I, inputs: { dbSubnetGroupName: UNKNOWN } }],
  },
  {
    policy: rds.rdsNoDefaultPort,
    controls: "RDS.23",
    pass: [
      { title: "PostgreSQL on 5433", type: I, inputs: { engine: "postgres", port: 5433 } },
      { title: "Aurora MySQL cluster on 3307", type: C, inputs: { engine: "aurora-mysql", port: 3307 } },
      { title: "a replica that does not state its engine", type: I, inputs: { replicateSourceDb: "primary" } },
    ],
    fail: [
      { title: "PostgreSQL without a port", type: I, inputs: { engine: "postgres" }, expect: ["default port 5432", "`port` is unset", "other than 5432"] },
      { title: "Aurora PostgreSQL cluster on 5432", type: C, inputs: { engine: "aurora-postgresql", port: 5432 }, expect: ["default port 5432"] },
      { title: "SQL Server on 1433", type: I, inputs: { engine: "sqlserver-ee", port: 1433 }, expect: ["1433"] },
    ],
    unknown: [{ title: "the port unknown", type: I, inputs: { engine: "mysql", port: UNKNOWN } }],
  },
  {
    policy: rds.rdsClusterCustomAdmin,
    controls: "RDS.24",
    pass: [
      { title: "a custom name", type: C, inputs: { masterUsername: "dbowner" } },
      { title: "no name (restored from a snapshot)", type: C, inputs: { snapshotIdentifier: "s" } },
    ],
    fail: [
      { title: "admin", type: C, inputs: { masterUsername: "admin" }, expect: ['well-known default "admin"', "set `masterUsername`"] },
      { title: "Postgres (case-insensitive)", type: C, inputs: { masterUsername: "Postgres" }, expect: ['"Postgres"'] },
      { title: "(config) a name the organization forbids", type: C, inputs: { masterUsername: "dbowner" }, config: { defaultUsernames: ["dbowner"] }, expect: ['"dbowner"'] },
    ],
    unknown: [{ title: "the name unknown", type: C, inputs: { masterUsername: UNKNOWN } }],
  },
  {
    policy: rds.rdsInstanceCustomAdmin,
    controls: "RDS.25",
    pass: [{ title: "a custom name", type: I, inputs: { username: "ledger_owner" } }],
    fail: [
      { title: "root", type: I, inputs: { username: "root" }, expect: ['"root"', "set `username`"] },
      { title: "(config) a name the organization forbids", type: I, inputs: { username: "ledger_owner" }, config: { defaultUsernames: ["ledger_owner"] }, expect: ['"ledger_owner"'] },
    ],
    unknown: [{ title: "the name unknown", type: I, inputs: { username: UNKNOWN } }],
  },
  {
    policy: rds.rdsProxyRequireTls,
    controls: "RDS.43",
    pass: [{ title: "requireTls true", type: "aws:rds/proxy:Proxy", inputs: { requireTls: true } }],
    fail: [{ title: "requireTls unset", type: "aws:rds/proxy:Proxy", inputs: {}, expect: ["without TLS", "set `requireTls: true`"] }],
    unknown: [{ title: "requireTls unknown", type: "aws:rds/proxy:Proxy", inputs: { requireTls: UNKNOWN } }],
  },
  {
    policy: rds.rdsCustomerManagedKey,
    controls: "BP.RDS.3, BP.Data.2",
    pass: [
      { title: "an internal database without a CMK (out of scope)", type: I, inputs: { tags: { "data-classification": "internal", compliance: "none" } } },
      { title: "a confidential database with a CMK ARN", type: I, inputs: { kmsKeyId: KEY, tags: { "data-classification": "confidential" } } },
      { title: "a restricted cluster whose key is an aws.kms.Key's output (unknown at preview)", type: C, inputs: { kmsKeyId: UNKNOWN, tags: { "data-classification": "restricted" } }, deps: { kmsKeyId: [res("aws:kms/key:Key", {}, { name: "db-key" })] } },
    ],
    fail: [
      { title: "a confidential instance without a key", type: I, inputs: { tags: { "data-classification": "confidential" } }, expect: ["data-classification=confidential", "customer managed aws.kms.Key"] },
      { title: "a HIPAA cluster on the AWS managed key", type: C, inputs: { kmsKeyId: "alias/aws/rds", tags: { "data-classification": "internal", compliance: "fsbp hipaa" } }, expect: ["holds compliance=hipaa data", "alias/aws/rds"] },
      { title: "(config) every database in scope", type: I, inputs: { tags: { "data-classification": "internal" } }, config: { classifiedData: { classifications: ["*"] } }, expect: ["no customer managed key"] },
    ],
    unknown: [
      { title: "the tags unknown", type: I, inputs: { tags: UNKNOWN } },
      { title: "a key unknown at preview that comes from no key", type: C, inputs: { kmsKeyId: UNKNOWN, tags: { "data-classification": "restricted" } } },
    ],
  },
  {
    policy: rds.rdsPerformanceInsightsKms,
    controls: "BP.RDS.4",
    pass: [
      { title: "Performance Insights off", type: I, inputs: {} },
      { title: "Performance Insights with a CMK", type: CI, inputs: { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: KEY } },
    ],
    fail: [
      { title: "Performance Insights without a key", type: I, inputs: { performanceInsightsEnabled: true }, expect: ["without `performanceInsightsKmsKeyId`", "customer managed aws.kms.Key ARN"] },
      { title: "Performance Insights on aws/rds", type: C, inputs: { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: "alias/aws/rds" }, expect: ["AWS managed key alias/aws/rds"] },
    ],
    unknown: [{ title: "the flag unknown", type: I, inputs: { performanceInsightsEnabled: UNKNOWN } }],
  },
]);

describe("policy rds-snapshot-encrypted (RDS.4)", () => {
  const p = rds.rdsSnapshotEncrypted;
  it("passes a snapshot of an encrypted instance (joined by dependency) and one joined by identifier", async () => {
    const db = res(I, { identifier: "orders-db", storageEncrypted: true }, { name: "orders" });
    const s1 = res(SNAP, { dbInstanceIdentifier: UNKNOWN, dbSnapshotIdentifier: "s1" }, { deps: { dbInstanceIdentifier: [db] } });
    const s2 = res(SNAP, { dbInstanceIdentifier: "orders-db", dbSnapshotIdentifier: "s2" });
    expect(await evaluate(p, [db, s1, s2])).to.deep.equal([]);
  });
  it("fails a snapshot of an unencrypted instance, naming the source", async () => {
    const db = res(I, { identifier: "orders-db" }, { name: "orders" });
    const s = res(SNAP, { dbInstanceIdentifier: "orders-db", dbSnapshotIdentifier: "s" }, { name: "nightly", deps: { dbInstanceIdentifier: [db] } });
    expectOne(await evaluate(p, [db, s]), "RDS.4", "nightly", SNAP, "source DB instance orders is not encrypted", "aws.rds.SnapshotCopy");
  });
  it("fails a cluster snapshot of an unencrypted cluster", async () => {
    const c = res(C, { clusterIdentifier: "ledger", engine: "aurora-postgresql" }, { name: "ledger" });
    const s = res(CSNAP, { dbClusterIdentifier: "ledger", dbClusterSnapshotIdentifier: "cs" }, { name: "cs" });
    expectOne(await evaluate(p, [c, s]), "RDS.4", "cs", CSNAP, "source cluster ledger is not encrypted");
  });
  it("passes a copy that sets kmsKeyId, and fails one that copies an unencrypted snapshot without a key", async () => {
    const db = res(I, { identifier: "old-db" }, { name: "old" });
    const s = res(SNAP, { dbInstanceIdentifier: "old-db", dbSnapshotIdentifier: "raw" }, { name: "raw", deps: { dbInstanceIdentifier: [db] } });
    const good = res(COPY, { sourceDbSnapshotIdentifier: "raw", targetDbSnapshotIdentifier: "enc", kmsKeyId: KEY }, { name: "enc" });
    const bad = res(COPY, { sourceDbSnapshotIdentifier: UNKNOWN, targetDbSnapshotIdentifier: "plain" }, { name: "plain", deps: { sourceDbSnapshotIdentifier: [s] } });
    const vs = findings(await evaluate(p, [db, s, good, bad]));
    expect(vs.map((v) => v.message.split("\n").pop()!.split(": ")[0])).to.deep.equal(["[RDS.4] raw (aws:rds/snapshot:Snapshot)", "[RDS.4] plain (aws:rds/snapshotCopy:SnapshotCopy)"]);
    expect(vs[1]!.message).to.include("it copies raw without `kmsKeyId`");
  });
  it("cannot decide when the source's encryption is unknown, or the source is not in the stack", async () => {
    const db = res(I, { identifier: "x", storageEncrypted: UNKNOWN });
    const s = res(SNAP, { dbInstanceIdentifier: "x", dbSnapshotIdentifier: "s" }, { deps: { dbInstanceIdentifier: [db] } });
    expectUndecided(await evaluate(p, [db, s]));
    const external = res(SNAP, { dbInstanceIdentifier: "legacy-db", dbSnapshotIdentifier: "s" });
    const vs = await evaluate(p, [external]);
    expectUndecided(vs);
    expect(vs[0]!.message).to.include("not declared in this stack");
  });
});

describe("policy rds-cluster-multi-az (RDS.15)", () => {
  const p = rds.rdsClusterMultiAz;
  const cluster = () => res(C, { engine: "aurora-postgresql", clusterIdentifier: "ledger" }, { name: "ledger" });
  const member = (c: ReturnType<typeof res>, az?: unknown) => res(CI, { clusterIdentifier: UNKNOWN, ...(az !== undefined ? { availabilityZone: az } : {}) }, { deps: { clusterIdentifier: [c] } });
  it("passes an Aurora cluster with two members placed by RDS, and a Multi-AZ DB cluster", async () => {
    const c = cluster();
    const maz = res(C, { engine: "postgres", dbClusterInstanceClass: "db.r6gd.large" });
    expect(await evaluate(p, [c, member(c), member(c, "eu-west-1b"), maz])).to.deep.equal([]);
  });
  it("fails a cluster with one member", async () => {
    const c = cluster();
    expectOne(await evaluate(p, [c, member(c)]), "RDS.15", "ledger", C, "1 aws.rds.ClusterInstance member", "add aws.rds.ClusterInstance members up to 2");
  });
  it("fails a cluster whose members are all pinned to one AZ", async () => {
    const c = cluster();
    expectOne(await evaluate(p, [c, member(c, "eu-west-1a"), member(c, "eu-west-1a")]), "RDS.15", "ledger", C, "pinned to eu-west-1a");
  });
  it("fails Aurora Serverless v1", async () => {
    expectOne(await evaluate(p, [res(C, { engine: "aurora-mysql", engineMode: "serverless" }, { name: "v1" })]), "RDS.15", "v1", C, "single Availability Zone");
  });
  it("reads minInstances from config", async () => {
    const c = cluster();
    expectOne(await evaluate(p, [c, member(c), member(c)], { minInstances: 3 }), "RDS.15", "ledger", C, "at least 3 are needed");
  });
  it("cannot decide when a member's AZ is unknown", async () => {
    const c = cluster();
    expectUndecided(await evaluate(p, [c, member(c, UNKNOWN), member(c, UNKNOWN)]));
  });
});

describe("policies rds-*-event-subscription (RDS.19, RDS.20, RDS.21)", () => {
  const sub = (inputs: Record<string, unknown>, opts: Parameters<typeof res>[2] = {}) => res(SUB, { snsTopic: "arn:aws:sns:eu-west-1:111122223333:ops", ...inputs }, opts);
  it("RDS.20 passes an instance covered by a db-instance subscription with the critical categories, or with all categories", async () => {
    const db = res(I, { identifier: "orders-db" }, { name: "orders" });
    const member = res(CI, { identifier: "ledger-1" });
    expect(await evaluate(rds.rdsInstanceEventSubscription, [db, member, sub({ sourceType: "db-instance", eventCategories: ["failure", "maintenance", "configuration change", "availability"] })])).to.deep.equal([]);
    expect(await evaluate(rds.rdsInstanceEventSubscription, [db, sub({ sourceType: "db-instance" })])).to.deep.equal([]);
  });
  it("RDS.20 fails an instance with no subscription, and says which categories a partial one lacks", async () => {
    const db = res(I, { identifier: "orders-db" }, { name: "orders" });
    expectOne(await evaluate(rds.rdsInstanceEventSubscription, [db]), "RDS.20", "orders", I, 'sourceType "db-instance"', "maintenance, configuration change, failure");
    const partial = sub({ sourceType: "db-instance", eventCategories: ["maintenance", "configuration change"] }, { name: "ops" });
    expectOne(await evaluate(rds.rdsInstanceEventSubscription, [db, partial]), "RDS.20", "orders", I, "ops lacks failure");
  });
  it("RDS.20 ignores disabled subscriptions and ones scoped to other sources, and accepts one scoped to this instance", async () => {
    const db = res(I, { identifier: "orders-db" }, { name: "orders" });
    const disabled = sub({ sourceType: "db-instance", enabled: false }, { name: "off" });
    const scopedElsewhere = sub({ sourceType: "db-instance", sourceIds: ["other-db"] });
    expectOne(await evaluate(rds.rdsInstanceEventSubscription, [db, disabled, scopedElsewhere]), "RDS.20", "orders", I, "off is disabled");
    const scoped = sub({ sourceType: "db-instance", sourceIds: [UNKNOWN] }, { deps: { sourceIds: [db] } });
    expect(await evaluate(rds.rdsInstanceEventSubscription, [db, scoped])).to.deep.equal([]);
  });
  it("RDS.20 reads the categories from config", async () => {
    const db = res(I, { identifier: "orders-db" });
    expect(await evaluate(rds.rdsInstanceEventSubscription, [db, sub({ sourceType: "db-instance", eventCategories: ["failure"] })], { eventCategories: ["failure"] })).to.deep.equal([]);
  });
  it("RDS.20 cannot decide when a subscription's source type is unknown", async () => {
    expectUndecided(await evaluate(rds.rdsInstanceEventSubscription, [res(I, {}), sub({ sourceType: UNKNOWN })]));
  });
  it("RDS.19 checks clusters against db-cluster subscriptions", async () => {
    const c = res(C, { engine: "aurora-mysql", clusterIdentifier: "ledger" }, { name: "ledger" });
    expect(await evaluate(rds.rdsClusterEventSubscription, [c, sub({ sourceType: "db-cluster", eventCategories: ["failure", "maintenance"] })])).to.deep.equal([]);
    expectOne(await evaluate(rds.rdsClusterEventSubscription, [c, sub({ sourceType: "db-instance" })]), "RDS.19", "ledger", C, 'sourceType "db-cluster"', "maintenance, failure");
  });
  it("RDS.21 checks DB parameter groups against db-parameter-group subscriptions", async () => {
    const pg = res(PG, { family: "postgres16", name: "orders-pg" }, { name: "orders-pg" });
    expect(await evaluate(rds.rdsParameterGroupEventSubscription, [pg, sub({ sourceType: "db-parameter-group", eventCategories: ["configuration change"] })])).to.deep.equal([]);
    expectOne(await evaluate(rds.rdsParameterGroupEventSubscription, [pg]), "RDS.21", "orders-pg", PG, "configuration change");
  });
});

describe("policy rds-backup-plan-coverage (RDS.26)", () => {
  const p = rds.rdsBackupPlanCoverage;
  it("passes an instance listed by a selection, a cluster selected by tag, and instances under a wildcard", async () => {
    const db = res(I, { identifier: "orders-db" }, { name: "orders" });
    const c = res(C, { engine: "aurora-mysql", tags: { backup: "daily" } }, { name: "ledger" });
    const byArn = res(SEL, { planId: "p", iamRoleArn: "r", resources: [UNKNOWN] }, { deps: { resources: [db] } });
    const byTag = res(SEL, { planId: "p", iamRoleArn: "r", selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(await evaluate(p, [db, c, byArn, byTag])).to.deep.equal([]);
    const wild = res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:rds:*:*:db:*"] });
    expect(await evaluate(p, [res(I, {}), wild])).to.deep.equal([]);
  });
  it("fails a database no selection covers", async () => {
    const db = res(I, {}, { name: "orders" });
    expectOne(await evaluate(p, [db]), "RDS.26", "orders", I, "no aws.backup.Selection", "resources: [orders.arn]");
  });
  it("skips read replicas unless includeReadReplicas, and honours organizationBackupTags", async () => {
    const replica = res(I, { replicateSourceDb: "orders-db" }, { name: "replica" });
    expect(await evaluate(p, [replica])).to.deep.equal([]);
    expectOne(await evaluate(p, [replica], { includeReadReplicas: true }), "RDS.26", "replica", I, "no aws.backup.Selection");
    const tagged = res(I, { tags: { "backup-policy": "org-daily" } });
    expect(await evaluate(p, [tagged], { organizationBackupTags: ["backup-policy=org-daily"] })).to.deep.equal([]);
  });
  it("cannot decide when a selection's resources are unknown", async () => {
    expectUndecided(await evaluate(p, [res(I, {}), res(SEL, { planId: "p", iamRoleArn: "r", resources: UNKNOWN })]));
  });
});

describe("policies rds-*-instance-tls (RDS.38, RDS.39, RDS.41, RDS.44)", () => {
  const pg = (family: string, params: { name: string; value: string }[], name = "custom-pg") => res(PG, { family, name, parameters: params }, { name });
  it("RDS.38 passes PostgreSQL 15+ on the default group (rds.force_ssl defaults to 1) and fails PostgreSQL 14 on it", async () => {
    expect(await evaluate(rds.rdsPostgresInstanceTls, [res(I, { engine: "postgres", engineVersion: "16.4" })])).to.deep.equal([]);
    expect(await evaluate(rds.rdsPostgresInstanceTls, [res(I, { engine: "postgres" })])).to.deep.equal([]);
    expectOne(await evaluate(rds.rdsPostgresInstanceTls, [res(I, { engine: "postgres", engineVersion: "14.10", parameterGroupName: "default.postgres14" }, { name: "old" })]), "RDS.38", "old", I, "default parameter group default.postgres14", "rds.force_ssl");
  });
  it("RDS.38 reads the parameter group in the stack, joined by dependency or by name", async () => {
    const on = pg("postgres14", [{ name: "rds.force_ssl", value: "1" }], "pg-on");
    const off = pg("postgres16", [{ name: "rds.force_ssl", value: "0" }], "pg-off");
    const a = res(I, { engine: "postgres", engineVersion: "14.10", parameterGroupName: "pg-on" });
    const b = res(I, { engine: "postgres", parameterGroupName: UNKNOWN }, { name: "b", deps: { parameterGroupName: [off] } });
    expectOne(await evaluate(rds.rdsPostgresInstanceTls, [on, off, a, b]), "RDS.38", "b", I, "pg-off sets rds.force_ssl to 0");
  });
  it("RDS.38 cannot decide for a parameter group declared elsewhere or a version unknown at preview", async () => {
    expectUndecided(await evaluate(rds.rdsPostgresInstanceTls, [res(I, { engine: "postgres", parameterGroupName: "shared-pg" })]));
    expectUndecided(await evaluate(rds.rdsPostgresInstanceTls, [res(I, { engine: "postgres", engineVersion: UNKNOWN })]));
  });
  it("RDS.39 requires require_secure_transport for MySQL", async () => {
    expectOne(await evaluate(rds.rdsMysqlInstanceTls, [res(I, { engine: "mysql" }, { name: "shop" })]), "RDS.39", "shop", I, "require_secure_transport is off");
    const group = pg("mysql8.0", [{ name: "require_secure_transport", value: "ON" }]);
    expect(await evaluate(rds.rdsMysqlInstanceTls, [group, res(I, { engine: "mysql", parameterGroupName: "custom-pg" })])).to.deep.equal([]);
  });
  it("RDS.41 requires rds.force_ssl for SQL Server", async () => {
    expectOne(await evaluate(rds.rdsSqlServerInstanceTls, [res(I, { engine: "sqlserver-se" }, { name: "erp" })]), "RDS.41", "erp", I, "rds.force_ssl is off");
    const group = pg("sqlserver-se-16.0", [{ name: "rds.force_ssl", value: "1" }]);
    expect(await evaluate(rds.rdsSqlServerInstanceTls, [group, res(I, { engine: "sqlserver-se", parameterGroupName: "custom-pg" })])).to.deep.equal([]);
  });
  it("RDS.44 requires require_secure_transport for MariaDB, and ignores other engines", async () => {
    const group = pg("mariadb10.11", [{ name: "require_secure_transport", value: "1" }]);
    const on = res(I, { engine: "mariadb", parameterGroupName: "custom-pg" });
    const empty = pg("mariadb10.11", [], "empty");
    const bare = res(I, { engine: "mariadb", parameterGroupName: UNKNOWN }, { name: "cms", deps: { parameterGroupName: [empty] } });
    const vs = await evaluate(rds.rdsMariadbInstanceTls, [group, empty, on, bare, res(I, { engine: "postgres" })]);
    expect(findings(vs)).to.have.length(1);
    expect(vs[0]!.message).to.include("[RDS.44] cms (aws:rds/instance:Instance)");
  });
});

describe("policy rds-aurora-mysql-audit-logging (RDS.45)", () => {
  const p = rds.rdsAuroraMysqlAuditLogging;
  it("passes an Aurora MySQL cluster whose cluster parameter group sets server_audit_logging=1, and ignores Aurora PostgreSQL", async () => {
    const g = res(CPG, { family: "aurora-mysql8.0", name: "audit", parameters: [{ name: "server_audit_logging", value: "1" }] });
    const c = res(C, { engine: "aurora-mysql", dbClusterParameterGroupName: UNKNOWN }, { deps: { dbClusterParameterGroupName: [g] } });
    expect(await evaluate(p, [g, c, res(C, { engine: "aurora-postgresql" })])).to.deep.equal([]);
  });
  it("fails the default group and a group without the parameter", async () => {
    expectOne(await evaluate(p, [res(C, { engine: "aurora-mysql" }, { name: "shop" })]), "RDS.45", "shop", C, "default cluster parameter group", "server_audit_logging = 1");
    const g = res(CPG, { family: "aurora-mysql8.0", name: "plain", parameters: [] }, { name: "plain" });
    expectOne(await evaluate(p, [g, res(C, { engine: "aurora-mysql", dbClusterParameterGroupName: "plain" }, { name: "shop" })]), "RDS.45", "shop", C, "plain does not set server_audit_logging");
  });
  it("cannot decide when the parameters are unknown", async () => {
    const g = res(CPG, { family: "aurora-mysql8.0", name: "x", parameters: UNKNOWN });
    expectUndecided(await evaluate(p, [g, res(C, { engine: "aurora-mysql", dbClusterParameterGroupName: "x" })]));
  });
});

describe("policy rds-cluster-tls (BP.RDS.2)", () => {
  const p = rds.rdsClusterTls;
  it("passes Aurora PostgreSQL with rds.force_ssl=1 and Aurora MySQL with require_secure_transport=ON", async () => {
    const pgG = res(CPG, { family: "aurora-postgresql16", name: "pg", parameters: [{ name: "rds.force_ssl", value: "1" }] });
    const myG = res(CPG, { family: "aurora-mysql8.0", name: "my", parameters: [{ name: "require_secure_transport", value: "ON" }] });
    expect(await evaluate(p, [pgG, myG, res(C, { engine: "aurora-postgresql", dbClusterParameterGroupName: "pg" }), res(C, { engine: "aurora-mysql", dbClusterParameterGroupName: "my" })])).to.deep.equal([]);
  });
  it("fails an Aurora MySQL cluster on the default group", async () => {
    expectOne(await evaluate(p, [res(C, { engine: "aurora-mysql" }, { name: "shop" })]), "BP.RDS.2", "shop", C, "require_secure_transport is off", 'value: "ON"');
  });
  it("cannot decide for a cluster parameter group declared elsewhere", async () => {
    expectUndecided(await evaluate(p, [res(C, { engine: "aurora-postgresql", dbClusterParameterGroupName: "shared" })]));
  });
});

describe("data-rds notDecidable", () => {
  it("lists RDS.22 with a reason", () => {
    expect(rds.notDecidable["RDS.22"]).to.match(/EC2-Classic/);
  });
});
