import { expect } from "chai";
import * as rs from "../../policy-packs/aws-compliance/policies/data-redshift";
import { evaluate, findings, res, undecided, UNKNOWN } from "../helpers/policy";
import { expectOne, expectUndecided, runSpecs } from "./data-table";

const RC = "aws:redshift/cluster:Cluster";
const RPG = "aws:redshift/parameterGroup:ParameterGroup";
const LOG = "aws:redshift/logging:Logging";
const NS = "aws:redshiftserverless/namespace:Namespace";
const WG = "aws:redshiftserverless/workgroup:Workgroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

runSpecs([
  {
    policy: rs.redshiftClusterNotPublic,
    controls: "Redshift.1",
    pass: [{ title: "publiclyAccessible unset (v7 default false)", type: RC, inputs: { nodeType: "ra3.xlplus" } }],
    fail: [{ title: "a public cluster", type: RC, inputs: { publiclyAccessible: true }, expect: ["`publiclyAccessible: true`", "set `publiclyAccessible: false`"] }],
    unknown: [{ title: "publiclyAccessible unknown", type: RC, inputs: { publiclyAccessible: UNKNOWN } }],
  },
  {
    policy: rs.redshiftAutomatedSnapshots,
    controls: "Redshift.3",
    pass: [{ title: "7 days", type: RC, inputs: { automatedSnapshotRetentionPeriod: 7 } }],
    fail: [
      { title: "unset (default 1)", type: RC, inputs: {}, expect: ["1 day(s) (unset, default 1)", "set `automatedSnapshotRetentionPeriod: 7`"] },
      { title: "snapshots off", type: RC, inputs: { automatedSnapshotRetentionPeriod: 0 }, expect: ["automated snapshots are off"] },
      { title: "(config) 7 days when 14 are required", type: RC, inputs: { automatedSnapshotRetentionPeriod: 7 }, config: { minRetentionDays: 14 }, expect: ["below the required 14"] },
    ],
    unknown: [{ title: "retention unknown", type: RC, inputs: { automatedSnapshotRetentionPeriod: UNKNOWN } }],
  },
  {
    policy: rs.redshiftVersionUpgrade,
    controls: "Redshift.6",
    pass: [{ title: "unset (default true)", type: RC, inputs: {} }],
    fail: [{ title: "turned off", type: RC, inputs: { allowVersionUpgrade: false }, expect: ["`allowVersionUpgrade: false`", "set `allowVersionUpgrade: true`"] }],
    unknown: [{ title: "the flag unknown", type: RC, inputs: { allowVersionUpgrade: UNKNOWN } }],
  },
  {
    policy: rs.redshiftEnhancedVpcRouting,
    controls: "Redshift.7",
    pass: [{ title: "on", type: RC, inputs: { enhancedVpcRouting: true } }],
    fail: [{ title: "unset", type: RC, inputs: {}, expect: ["enhanced VPC routing is off", "set `enhancedVpcRouting: true`"] }],
    unknown: [{ title: "the flag unknown", type: RC, inputs: { enhancedVpcRouting: UNKNOWN } }],
  },
  {
    policy: rs.redshiftCustomAdmin,
    controls: "Redshift.8",
    pass: [
      { title: "a custom name", type: RC, inputs: { masterUsername: "warehouse_admin" } },
      { title: "no name (restored from a snapshot)", type: RC, inputs: { snapshotIdentifier: "s" } },
    ],
    fail: [
      { title: "awsuser", type: RC, inputs: { masterUsername: "awsuser" }, expect: ['"awsuser"', "set `masterUsername`"] },
      { title: "(config) a name the organization forbids", type: RC, inputs: { masterUsername: "warehouse_admin" }, config: { defaultUsernames: ["warehouse_admin"] }, expect: ['"warehouse_admin"'] },
    ],
    unknown: [{ title: "the name unknown", type: RC, inputs: { masterUsername: UNKNOWN } }],
  },
  {
    policy: rs.redshiftCustomDatabaseName,
    controls: "Redshift.9",
    pass: [
      { title: "a custom name", type: RC, inputs: { databaseName: "analytics" } },
      { title: "restored from a snapshot", type: RC, inputs: { snapshotIdentifier: "s" } },
    ],
    fail: [
      { title: "unset (default dev)", type: RC, inputs: {}, expect: ['default "dev"', "set `databaseName`"] },
      { title: "dev", type: RC, inputs: { databaseName: "dev" }, expect: ['the default "dev"'] },
    ],
    unknown: [{ title: "the name unknown", type: RC, inputs: { databaseName: UNKNOWN } }],
  },
  {
    policy: rs.redshiftEncrypted,
    controls: "Redshift.10",
    pass: [
      { title: "unset (v7 default true)", type: RC, inputs: {} },
      { title: 'encrypted "true" with a key', type: RC, inputs: { encrypted: "true", kmsKeyId: KEY } },
    ],
    fail: [
      { title: 'encrypted "false" (a string in v7)', type: RC, inputs: { encrypted: "false" }, expect: ["`encrypted: false`", "set `encrypted: true`"] },
      { title: "encrypted false (boolean)", type: RC, inputs: { encrypted: false }, expect: ["not encrypted"] },
    ],
    unknown: [{ title: "encrypted unknown", type: RC, inputs: { encrypted: UNKNOWN } }],
  },
  {
    policy: rs.redshiftMultiAz,
    controls: "Redshift.18",
    pass: [{ title: "multiAz true", type: RC, inputs: { nodeType: "ra3.4xlarge", multiAz: true } }],
    fail: [
      { title: "an RA3 cluster without multiAz", type: RC, inputs: { nodeType: "ra3.4xlarge" }, expect: ["single Availability Zone", "set `multiAz: true`"] },
      { title: "a DC2 cluster (needs RA3)", type: RC, inputs: { nodeType: "dc2.large" }, expect: ["RA3 `nodeType` (the cluster uses dc2.large)"] },
    ],
    unknown: [{ title: "multiAz unknown", type: RC, inputs: { multiAz: UNKNOWN } }],
  },
  {
    policy: rs.redshiftInVpc,
    controls: "BP.Redshift.2",
    pass: [{ title: "a subnet group (an aws.redshift.SubnetGroup's output, unknown at preview)", type: RC, inputs: { clusterSubnetGroupName: UNKNOWN }, deps: { clusterSubnetGroupName: [res("aws:redshift/subnetGroup:SubnetGroup", {}, { name: "wh-subnets" })] } }],
    unknown: [{ title: "a subnet group unknown at preview that comes from no subnet group", type: RC, inputs: { clusterSubnetGroupName: UNKNOWN } }],
    fail: [{ title: "no subnet group", type: RC, inputs: {}, expect: ["default VPC", "set `clusterSubnetGroupName`"] }],
  },
  {
    policy: rs.redshiftNonDefaultPort,
    controls: "BP.Redshift.3",
    pass: [
      { title: "a cluster on 5440", type: RC, inputs: { port: 5440 } },
      { title: "a workgroup on 5441", type: WG, inputs: { port: 5441 } },
    ],
    fail: [
      { title: "a cluster without a port", type: RC, inputs: {}, expect: ["default port 5439", "`port` is unset"] },
      { title: "a workgroup on 5439", type: WG, inputs: { port: 5439 }, expect: ["other than 5439"] },
    ],
    unknown: [{ title: "the port unknown", type: RC, inputs: { port: UNKNOWN } }],
  },
  {
    policy: rs.redshiftCustomerManagedKey,
    controls: "BP.Redshift.4, BP.Data.2",
    pass: [
      { title: "an internal cluster on the default key", type: RC, inputs: { tags: { "data-classification": "internal" } } },
      { title: "a PCI cluster with a CMK", type: RC, inputs: { kmsKeyId: KEY, tags: { compliance: "pci-dss" } } },
    ],
    fail: [
      { title: "a restricted namespace without a key", type: NS, inputs: { namespaceName: "n", tags: { "data-classification": "restricted" } }, expect: ["data-classification=restricted", "customer managed aws.kms.Key"] },
      { title: "a confidential cluster on aws/redshift", type: RC, inputs: { kmsKeyId: "alias/aws/redshift", tags: { "data-classification": "confidential" } }, expect: ["alias/aws/redshift"] },
      { title: "(config) every data store in scope", type: RC, inputs: { tags: {} }, config: { classifiedData: { classifications: ["*"] } }, expect: ["no customer managed key"] },
    ],
    unknown: [{ title: "the classification tag unknown", type: RC, inputs: { tags: { "data-classification": UNKNOWN } } }],
  },
  {
    policy: rs.redshiftServerlessEnhancedVpcRouting,
    controls: "RedshiftServerless.1",
    pass: [{ title: "on", type: WG, inputs: { enhancedVpcRouting: true } }],
    fail: [{ title: "unset", type: WG, inputs: {}, expect: ["set `enhancedVpcRouting: true`"] }],
    unknown: [{ title: "the flag unknown", type: WG, inputs: { enhancedVpcRouting: UNKNOWN } }],
  },
  {
    policy: rs.redshiftServerlessRequireSsl,
    controls: "RedshiftServerless.2",
    pass: [{ title: "require_ssl true (another parameter unknown at preview)", type: WG, inputs: { configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }, { parameterKey: "max_query_execution_time", parameterValue: UNKNOWN }] } }],
    fail: [
      { title: "no configParameters", type: WG, inputs: {}, expect: ["does not set require_ssl", 'parameterKey: "require_ssl"'] },
      { title: "require_ssl false", type: WG, inputs: { configParameters: [{ parameterKey: "require_ssl", parameterValue: "false" }] }, expect: ["sets require_ssl to false"] },
    ],
    unknown: [{ title: "a parameter value unknown", type: WG, inputs: { configParameters: [{ parameterKey: "require_ssl", parameterValue: UNKNOWN }] } }],
  },
  {
    policy: rs.redshiftServerlessNotPublic,
    controls: "RedshiftServerless.3",
    pass: [{ title: "unset (default false)", type: WG, inputs: {} }],
    fail: [{ title: "public", type: WG, inputs: { publiclyAccessible: true }, expect: ["set `publiclyAccessible: false`"] }],
    unknown: [{ title: "the flag unknown", type: WG, inputs: { publiclyAccessible: UNKNOWN } }],
  },
  {
    policy: rs.redshiftServerlessCustomAdmin,
    controls: "RedshiftServerless.5",
    pass: [
      { title: "a custom name", type: NS, inputs: { adminUsername: "lake_admin" } },
      { title: "no admin user", type: NS, inputs: {} },
    ],
    fail: [
      { title: "admin", type: NS, inputs: { adminUsername: "admin" }, expect: ['"admin"', "set `adminUsername`"] },
      { title: "(config) a name the organization forbids", type: NS, inputs: { adminUsername: "lake_admin" }, config: { defaultUsernames: ["lake_admin"] }, expect: ['"lake_admin"'] },
    ],
    unknown: [{ title: "the name unknown", type: NS, inputs: { adminUsername: UNKNOWN } }],
  },
  {
    policy: rs.redshiftServerlessLogExports,
    controls: "RedshiftServerless.6",
    pass: [{ title: "connection and user logs", type: NS, inputs: { logExports: ["connectionlog", "userlog"] } }],
    fail: [
      { title: "no exports", type: NS, inputs: {}, expect: ["connectionlog, userlog", "`logExports`"] },
      { title: "(config) user activity logs required too", type: NS, inputs: { logExports: ["connectionlog", "userlog"] }, config: { requiredLogExports: ["connectionlog", "userlog", "useractivitylog"] }, expect: ["useractivitylog"] },
    ],
    unknown: [{ title: "the export list unknown", type: NS, inputs: { logExports: UNKNOWN } }],
  },
  {
    policy: rs.redshiftServerlessCustomDatabaseName,
    controls: "RedshiftServerless.7",
    pass: [{ title: "a custom name", type: NS, inputs: { dbName: "lake" } }],
    fail: [
      { title: "unset (default dev)", type: NS, inputs: {}, expect: ['default "dev"', "set `dbName`"] },
      { title: "dev", type: NS, inputs: { dbName: "dev" }, expect: ['the default "dev"'] },
    ],
    unknown: [{ title: "the name unknown", type: NS, inputs: { dbName: UNKNOWN } }],
  },
]);

describe("policy redshift-require-tls (Redshift.2)", () => {
  const p = rs.redshiftRequireTls;
  const group = (params: { name: string; value: string }[], name = "wh-params") => res(RPG, { family: "redshift-1.0", name, parameters: params }, { name });
  it("passes a cluster whose parameter group (by dependency or by name) sets require_ssl=true", async () => {
    const g = group([{ name: "require_ssl", value: "true" }]);
    const byDep = res(RC, { clusterParameterGroupName: UNKNOWN }, { deps: { clusterParameterGroupName: [g] } });
    const byName = res(RC, { clusterParameterGroupName: "wh-params" });
    expect(await evaluate(p, [g, byDep, byName])).to.deep.equal([]);
  });
  it("passes a cluster on the default parameter group (require_ssl is true there for clusters created since January 2025)", async () => {
    expect(findings(await evaluate(p, [res(RC, {}, { name: "wh" })]))).to.deep.equal([]);
    expect(findings(await evaluate(p, [res(RC, { clusterParameterGroupName: "default.redshift-2.0" }, { name: "wh" })]))).to.deep.equal([]);
  });
  it("fails a group that leaves require_ssl false", async () => {
    const g = group([{ name: "require_ssl", value: "false" }]);
    expectOne(await evaluate(p, [g, res(RC, { clusterParameterGroupName: "wh-params" }, { name: "wh" })]), "Redshift.2", "wh", RC, "wh-params sets require_ssl to false");
  });
  it("cannot decide for a parameter group declared elsewhere", async () => {
    expectUndecided(await evaluate(p, [res(RC, { clusterParameterGroupName: "shared-params" })]));
  });
});

describe("policy redshift-user-activity-logging (BP.Redshift.1)", () => {
  const p = rs.redshiftUserActivityLogging;
  it("passes with enable_user_activity_logging=true and fails without", async () => {
    const on = res(RPG, { family: "redshift-1.0", name: "on", parameters: [{ name: "enable_user_activity_logging", value: "true" }] });
    expect(await evaluate(p, [on, res(RC, { clusterParameterGroupName: "on" })])).to.deep.equal([]);
    expectOne(await evaluate(p, [res(RC, {}, { name: "wh" })]), "BP.Redshift.1", "wh", RC, "enable_user_activity_logging is false");
  });
  it("cannot decide when the group's parameters are unknown", async () => {
    const g = res(RPG, { family: "redshift-1.0", name: "g", parameters: [UNKNOWN] });
    expectUndecided(await evaluate(p, [g, res(RC, { clusterParameterGroupName: "g" })]));
  });
});

describe("policy redshift-audit-logging (Redshift.4)", () => {
  const p = rs.redshiftAuditLogging;
  it("passes a cluster with an aws.redshift.Logging to S3 or CloudWatch (v7 has no inline logging)", async () => {
    const c = res(RC, { clusterIdentifier: "wh" }, { name: "wh" });
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "audit-logs" });
    const s3 = res(LOG, { clusterIdentifier: UNKNOWN, logDestinationType: "s3", bucketName: UNKNOWN }, { deps: { clusterIdentifier: [c], bucketName: [bucket] } });
    expect(await evaluate(p, [c, bucket, s3])).to.deep.equal([]);
    // A bucket name unknown at preview that comes from no bucket cannot be told.
    await undecided(p, [c, res(LOG, { clusterIdentifier: UNKNOWN, logDestinationType: "s3", bucketName: UNKNOWN }, { deps: { clusterIdentifier: [c] } })]);
    const cw = res(LOG, { clusterIdentifier: "wh", logDestinationType: "cloudwatch", logExports: ["connectionlog", "userlog", "useractivitylog"] });
    expect(await evaluate(p, [c, cw])).to.deep.equal([]);
  });
  it("fails a cluster without logging, and one whose CloudWatch logging exports nothing", async () => {
    const c = res(RC, { clusterIdentifier: "wh" }, { name: "wh" });
    expectOne(await evaluate(p, [c]), "Redshift.4", "wh", RC, "no aws.redshift.Logging points at the cluster", "clusterIdentifier");
    const cw = res(LOG, { clusterIdentifier: "wh", logDestinationType: "cloudwatch" }, { name: "cw" });
    expectOne(await evaluate(p, [c, cw]), "Redshift.4", "wh", RC, "cw sends to CloudWatch but exports no logs");
  });
  it("cannot decide when the logging destination is unknown", async () => {
    const c = res(RC, { clusterIdentifier: "wh" });
    expectUndecided(await evaluate(p, [c, res(LOG, { clusterIdentifier: "wh", logDestinationType: UNKNOWN })]));
  });
});

describe("policy redshift-restricted-ingress (Redshift.15)", () => {
  const p = rs.redshiftRestrictedIngress;
  const cluster = (sg: ReturnType<typeof res>, port?: number) => res(RC, { vpcSecurityGroupIds: [UNKNOWN], ...(port ? { port } : {}) }, { name: "wh", deps: { vpcSecurityGroupIds: [sg] } });
  it("passes groups open only to private CIDRs or on other ports, and a cluster with no groups (VPC default group)", async () => {
    const sg = res(SG, { ingress: [{ protocol: "tcp", fromPort: 5439, toPort: 5439, cidrBlocks: ["10.0.0.0/16"] }, { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(await evaluate(p, [sg, cluster(sg)])).to.deep.equal([]);
    expect(await evaluate(p, [res(RC, {})])).to.deep.equal([]);
  });
  it("decides a group whose other rules reference security groups unknown at preview", async () => {
    const sg = res(SG, { ingress: [{ protocol: "tcp", fromPort: 5439, toPort: 5439, securityGroups: [UNKNOWN] }, { protocol: UNKNOWN, fromPort: UNKNOWN, toPort: UNKNOWN, cidrBlocks: ["10.1.0.0/16"] }] });
    expect(await evaluate(p, [sg, cluster(sg)])).to.deep.equal([]);
  });
  it("fails an inline rule open to the world on the cluster port", async () => {
    const sg = res(SG, { ingress: [{ protocol: "tcp", fromPort: 5000, toPort: 6000, cidrBlocks: ["0.0.0.0/0"] }] }, { name: "wh-sg" });
    expectOne(await evaluate(p, [sg, cluster(sg)]), "Redshift.15", "wh", RC, "wh-sg allows ingress from the internet on port 5439");
  });
  it("fails a side rule (aws.vpc.SecurityGroupIngressRule, ::/0) on a custom port, and an all-protocol aws.ec2.SecurityGroupRule", async () => {
    const sg = res(SG, {}, { name: "wh-sg" });
    const v6 = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 5440, toPort: 5440, cidrIpv6: "::/0" }, { name: "v6", deps: { securityGroupId: [sg] } });
    expectOne(await evaluate(p, [sg, v6, cluster(sg, 5440)]), "Redshift.15", "wh", RC, "(v6)");
    const sg2 = res(SG, {}, { name: "wh-sg2" });
    const all = res("aws:ec2/securityGroupRule:SecurityGroupRule", { type: "ingress", securityGroupId: UNKNOWN, protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { name: "all", deps: { securityGroupId: [sg2] } });
    expectOne(await evaluate(p, [sg2, all, cluster(sg2)]), "Redshift.15", "wh", RC, "(all)");
  });
  it("cannot decide for groups declared elsewhere or rules with unknown CIDRs", async () => {
    expectUndecided(await evaluate(p, [res(RC, { vpcSecurityGroupIds: ["sg-0123456789abcdef0"] })]));
    const sg = res(SG, { ingress: [{ protocol: "tcp", fromPort: 5439, toPort: 5439, cidrBlocks: [UNKNOWN] }] });
    expectUndecided(await evaluate(p, [sg, cluster(sg)]));
  });
});

describe("data-redshift notDecidable", () => {
  it("has no undecidable Redshift control", () => {
    expect(rs.notDecidable).to.deep.equal({});
  });
});
