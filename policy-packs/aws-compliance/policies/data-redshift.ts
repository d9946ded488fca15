/**
 * Redshift provisioned clusters and Redshift Serverless (FSBP Redshift.*, RedshiftServerless.*, and
 * our own BP.Redshift.* rules): public access, TLS through parameter groups, snapshots, audit
 * logging (`aws:redshift/logging:Logging`: v7 removed the cluster's inline `logging` block), version
 * upgrades, enhanced VPC routing, default admin names, database names and ports, encryption,
 * security-group ingress on the cluster port, Multi-AZ.
 *
 * v7 facts: `aws:redshift/cluster:Cluster` defaults `encrypted` to true (the input is a string in
 * 7.48) and `publiclyAccessible` to false; absent values pass those rules.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { identifiersOf, includesCi, isFalse, isSet, known, knownNumber, knownStrings, parameterOn, parameterValue, referencedBy, refersTo, TD } from "../lib/tokens-data";
import { isAwsManagedKeyRef } from "../lib/tokens-storage";
import { referenceIsSet, referencePolicy, SOURCES, undecidableIfUntraced, untracedPointers } from "../lib/references";
import { containsUnknown, asArray, get, isUnknown, raw, undecidable } from "../lib/values";
import { classifiedBecause } from "../lib/classification";

const REDSHIFT_DEFAULT_PORT = 5439;

// ---------------------------------------------------------------------------------------------
// Provisioned clusters
// ---------------------------------------------------------------------------------------------

export const redshiftClusterNotPublic = resourcePolicy(
  {
    name: "redshift-cluster-not-public",
    description: "Redshift clusters must not be publicly accessible.",
    severity: "critical",
    controls: ["Redshift.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `publiclyAccessible: false` (or leave it unset; the v7 default is false) on the aws.redshift.Cluster.",
    resourceTypes: TD.redshiftCluster,
  },
  ({ props, fail }) => {
    // Absent passes: v7 defaults publiclyAccessible to false.
    if (props.publiclyAccessible === true) fail("the cluster is publicly accessible (`publiclyAccessible: true`)", "set `publiclyAccessible: false`");
  },
);

/** The cluster parameter group a cluster uses: in the stack, a default one, or undecidable. */
function clusterParameterGroup(c: PolicyResource, groups: readonly PolicyResource[]): { group?: PolicyResource; name?: string } {
  const { targets, value } = referencedBy(c, "clusterParameterGroupName", groups, ["name"]);
  if (targets.length > 0) return { group: targets[0]! };
  if (isUnknown(value)) undecidable("clusterParameterGroupName");
  if (value === undefined || value === null || value === "") return {};
  const name = String(value);
  if (name.toLowerCase().startsWith("default.")) return { name };
  undecidable(`clusterParameterGroupName (parameter group "${name}" is not declared in this stack)`);
}

export const redshiftRequireTls = stackPolicy(
  {
    name: "redshift-require-tls",
    description: "Redshift clusters must require TLS for connections (`require_ssl = true` in their parameter group).",
    severity: "medium",
    controls: ["Redshift.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Create an aws.redshift.ParameterGroup with `{ name: \"require_ssl\", value: \"true\" }` and set it as the aws.redshift.Cluster's `clusterParameterGroupName`.",
  },
  ({ forEach, ofType, fail }) => {
    forEach(TD.redshiftCluster, (c) => {
      const pg = clusterParameterGroup(c, ofType(TD.redshiftParameterGroup));
      // The default parameter group of clusters created since January 2025 has require_ssl true.
      if (!pg.group) return;
      const v = parameterValue(pg.group, "require_ssl");
      if (!parameterOn(v)) fail(c, `its parameter group ${pg.group.name} ${v === undefined ? "does not set require_ssl (default false)" : `sets require_ssl to ${v}`}`, `set \`{ name: "require_ssl", value: "true" }\` in ${pg.group.name}'s \`parameters\``);
    });
  },
);

export const redshiftUserActivityLogging = stackPolicy(
  {
    name: "redshift-user-activity-logging",
    description: "Redshift clusters must log user activity (`enable_user_activity_logging = true` in their parameter group) so audit logs include every query.",
    severity: "medium",
    controls: ["BP.Redshift.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `{ name: \"enable_user_activity_logging\", value: \"true\" }` in the cluster's aws.redshift.ParameterGroup, and turn on audit logging with an aws.redshift.Logging.",
  },
  ({ forEach, ofType, fail }) => {
    forEach(TD.redshiftCluster, (c) => {
      const pg = clusterParameterGroup(c, ofType(TD.redshiftParameterGroup));
      if (!pg.group) {
        fail(c, `the cluster uses the default parameter group${pg.name ? ` ${pg.name}` : ""}, where enable_user_activity_logging is false`, 'set `clusterParameterGroupName` to an aws.redshift.ParameterGroup with `{ name: "enable_user_activity_logging", value: "true" }`');
        return;
      }
      const v = parameterValue(pg.group, "enable_user_activity_logging");
      if (!parameterOn(v)) fail(c, `its parameter group ${pg.group.name} ${v === undefined ? "does not set enable_user_activity_logging (default false)" : `sets enable_user_activity_logging to ${v}`}`, `set \`{ name: "enable_user_activity_logging", value: "true" }\` in ${pg.group.name}'s \`parameters\``);
    });
  },
);

export const redshiftAutomatedSnapshots = resourcePolicy(
  {
    name: "redshift-automated-snapshots",
    description: "Redshift clusters must keep automated snapshots for at least the configured number of days.",
    severity: "medium",
    controls: ["Redshift.3"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `automatedSnapshotRetentionPeriod` on the aws.redshift.Cluster to at least minRetentionDays (7 by default; up to 35).",
    resourceTypes: TD.redshiftCluster,
    config: {
      minRetentionDays: { type: "number", description: "Minimum automated snapshot retention, in days.", default: 7 },
    },
  },
  ({ props, config, fail }) => {
    const min = Number(config.minRetentionDays ?? 7);
    const days = knownNumber(props, "automatedSnapshotRetentionPeriod", 1);
    if (days < min) {
      fail(
        days === 0 ? "automated snapshots are off (`automatedSnapshotRetentionPeriod: 0`)" : `automated snapshots are kept ${days} day(s)${isSet(props, "automatedSnapshotRetentionPeriod") ? "" : " (unset, default 1)"}, below the required ${min}`,
        `set \`automatedSnapshotRetentionPeriod: ${min}\` or more`,
      );
    }
  },
);

export const redshiftAuditLogging = stackPolicy(
  {
    name: "redshift-audit-logging",
    description: "Redshift clusters must have audit logging on, through an aws.redshift.Logging resource (v7 removed the cluster's inline `logging` input).",
    severity: "medium",
    controls: ["Redshift.4"],
    frameworks: ["FSBP"],
    remediationSteps:
      'Add an aws.redshift.Logging with `clusterIdentifier` = the cluster\'s id and either `logDestinationType: "s3"` with `bucketName`, or `logDestinationType: "cloudwatch"` with `logExports` (connectionlog, userlog, useractivitylog).',
  },
  ({ forEach, ofType, fail }) => {
    const loggings = ofType(TD.redshiftLogging);
    forEach(TD.redshiftCluster, (c) => {
      const mine = loggings.filter((l) => refersTo(l, "clusterIdentifier", c, ["clusterIdentifier"]));
      if (mine.length === 0) {
        undecidableIfUntraced(c, untracedPointers(loggings, "clusterIdentifier", TD.redshiftCluster), "clusterIdentifier");
        fail(c, "audit logging is off: no aws.redshift.Logging points at the cluster", "add an aws.redshift.Logging with `clusterIdentifier` set to the cluster and a `logDestinationType` (s3 with `bucketName`, or cloudwatch with `logExports`)");
        return;
      }
      for (const l of mine) {
        const dest = known(l.props, "logDestinationType");
        if (dest === "cloudwatch") {
          if (knownStrings(l.props, "logExports").length === 0) fail(c, `its aws.redshift.Logging ${l.name} sends to CloudWatch but exports no logs`, "set `logExports` (connectionlog, userlog, useractivitylog)");
        } else if (!referenceIsSet(l, "bucketName", SOURCES.bucket)) {
          fail(c, `its aws.redshift.Logging ${l.name} has no destination (no \`bucketName\` for s3)`, 'set `bucketName` (with `logDestinationType: "s3"`) or `logDestinationType: "cloudwatch"` with `logExports`');
        }
      }
    });
  },
);

export const redshiftVersionUpgrade = resourcePolicy(
  {
    name: "redshift-version-upgrade",
    description: "Redshift clusters must allow automatic major version upgrades during the maintenance window.",
    severity: "medium",
    controls: ["Redshift.6"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `allowVersionUpgrade: true` (or leave it unset; the default is true) on the aws.redshift.Cluster.",
    resourceTypes: TD.redshiftCluster,
  },
  ({ props, fail }) => {
    // Absent passes: the default is true.
    if (props.allowVersionUpgrade === false) fail("automatic version upgrades are off (`allowVersionUpgrade: false`)", "set `allowVersionUpgrade: true`");
  },
);

export const redshiftEnhancedVpcRouting = resourcePolicy(
  {
    name: "redshift-enhanced-vpc-routing",
    description: "Redshift clusters must use enhanced VPC routing, so COPY/UNLOAD traffic stays in the VPC.",
    severity: "medium",
    controls: ["Redshift.7"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `enhancedVpcRouting: true` on the aws.redshift.Cluster (and give the VPC an S3 gateway endpoint or NAT route).",
    resourceTypes: TD.redshiftCluster,
  },
  ({ props, fail }) => {
    if (props.enhancedVpcRouting !== true) fail("enhanced VPC routing is off (`enhancedVpcRouting` is not true; default false)", "set `enhancedVpcRouting: true`");
  },
);

export const redshiftCustomAdmin = resourcePolicy(
  {
    name: "redshift-custom-admin-username",
    description: "Redshift clusters must not use the default admin username (awsuser).",
    severity: "medium",
    controls: ["Redshift.8"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `masterUsername` on the aws.redshift.Cluster to a custom name (not awsuser). It cannot change after creation: create a new cluster (e.g. from a snapshot) with a new name.",
    resourceTypes: TD.redshiftCluster,
    config: {
      defaultUsernames: { type: "array", items: { type: "string" }, description: "Admin usernames that must not be used (Redshift.8 names awsuser, the console's default).", default: ["awsuser"] },
    },
  },
  ({ props, config, fail }) => {
    const u = props.masterUsername;
    // Absent: a cluster restored from a snapshot keeps the snapshot's admin user.
    if (typeof u === "string" && includesCi(config.defaultUsernames, u)) fail(`the admin username is the well-known default "${u}"`, "set `masterUsername` to a custom name");
  },
);

export const redshiftCustomDatabaseName = resourcePolicy(
  {
    name: "redshift-custom-database-name",
    description: "Redshift clusters must not use the default database name (dev).",
    severity: "medium",
    controls: ["Redshift.9"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `databaseName` on the aws.redshift.Cluster to a custom name (the default is dev).",
    resourceTypes: TD.redshiftCluster,
  },
  ({ props, fail }) => {
    const db = props.databaseName;
    if (typeof db === "string") {
      if (db.toLowerCase() === "dev") fail('the database name is the default "dev"', "set `databaseName` to a custom name");
      return;
    }
    // Absent: the default "dev", unless the cluster is restored from a snapshot (which keeps its database).
    if (!isSet(props, "snapshotIdentifier") && !isSet(props, "snapshotArn")) fail('`databaseName` is not set, so the default "dev" is used', "set `databaseName` to a custom name");
  },
);

export const redshiftEncrypted = resourcePolicy(
  {
    name: "redshift-cluster-encrypted",
    description: "Redshift clusters must be encrypted at rest with KMS.",
    severity: "medium",
    controls: ["Redshift.10"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Leave `encrypted` at its v7 default (true) or set it to true, with `kmsKeyId` for a customer managed key, on the aws.redshift.Cluster.",
    resourceTypes: TD.redshiftCluster,
  },
  ({ props, fail }) => {
    // Absent passes: v7 defaults `encrypted` to true (AWS managed aws/redshift key when no kmsKeyId).
    if (isFalse(props.encrypted)) fail("the cluster is not encrypted (`encrypted: false`)", "set `encrypted: true` (and `kmsKeyId`)");
  },
);

type Ingress = { from: unknown; to: unknown; protocol: unknown; cidrs: unknown[]; source: string };

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/**
 * True if a rule admits the internet on `port`. Only what decides that must be known: an unknown
 * CIDR stops the check, and so does an unknown protocol or port range on a rule open to the world.
 */
function ingressOpenToWorld(rule: Ingress, port: number): boolean {
  if (rule.cidrs.some(isUnknown)) undecidable(`${rule.source} (CIDR blocks)`);
  if (!rule.cidrs.some((c) => OPEN_CIDRS.includes(String(c)))) return false;
  if ([rule.protocol, rule.from, rule.to].some(isUnknown)) undecidable(`${rule.source} (protocol or ports)`);
  const protocol = String(rule.protocol).toLowerCase();
  if (["-1", "all"].includes(protocol)) return true;
  if (!["tcp", "6"].includes(protocol)) return false;
  const from = rule.from === undefined ? 0 : Number(rule.from);
  const to = rule.to === undefined ? 65535 : Number(rule.to);
  return from <= port && port <= to;
}

/** The ingress rules of a security group: inline `ingress` blocks and side rules that point at it. */
function ingressRules(sg: PolicyResource, sideRules: readonly PolicyResource[]): Ingress[] {
  const out: Ingress[] = [];
  const inline = get(sg.props, "ingress");
  if (isUnknown(inline)) undecidable(`${sg.name}.ingress`);
  asArray(raw(inline) as unknown[]).forEach((i, n) => {
    if (isUnknown(i)) undecidable(`${sg.name}.ingress.${n}`);
    const r = raw(i) as Record<string, unknown>;
    const cidrs = [r.cidrBlocks, r.ipv6CidrBlocks].flatMap((l) => (isUnknown(l) ? [l] : asArray(raw(l) as unknown[])));
    out.push({ from: r.fromPort, to: r.toPort, protocol: r.protocol, cidrs, source: `${sg.name} ingress` });
  });
  for (const side of sideRules.filter((s) => refersTo(s, "securityGroupId", sg, []))) {
    if (side.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
      if (known(side.props, "type") !== "ingress") continue;
      const cidrs = ["cidrBlocks", "ipv6CidrBlocks"].flatMap((k) => {
        const l = get(side.props, k);
        return isUnknown(l) ? [l] : asArray(raw(l) as unknown[]);
      });
      out.push({ from: get(side.props, "fromPort"), to: get(side.props, "toPort"), protocol: get(side.props, "protocol"), cidrs, source: side.name });
    } else {
      const cidrs = [get(side.props, "cidrIpv4"), get(side.props, "cidrIpv6")].filter((c) => c !== undefined && c !== null);
      out.push({ from: get(side.props, "fromPort"), to: get(side.props, "toPort"), protocol: get(side.props, "ipProtocol"), cidrs, source: side.name });
    }
  }
  return out;
}

export const redshiftRestrictedIngress = stackPolicy(
  {
    name: "redshift-restricted-ingress",
    description: "The security groups of a Redshift cluster must not allow ingress from 0.0.0.0/0 or ::/0 on the cluster port.",
    severity: "high",
    controls: ["Redshift.15"],
    frameworks: ["FSBP"],
    remediationSteps:
      "Remove the 0.0.0.0/0 / ::/0 rules on the cluster port from the aws.ec2.SecurityGroup (inline `ingress`) or its aws.vpc.SecurityGroupIngressRule / aws.ec2.SecurityGroupRule; allow the application's security group or CIDR instead.",
  },
  ({ forEach, ofType, fail }) => {
    const groups = ofType(TD.securityGroup);
    const sideRules = ofType(TD.securityGroupIngress);
    forEach(TD.redshiftCluster, (c) => {
      const port = knownNumber(c.props, "port", REDSHIFT_DEFAULT_PORT);
      const ids = get(c.props, "vpcSecurityGroupIds");
      const { targets } = referencedBy(c, "vpcSecurityGroupIds", groups, []);
      const listed = isUnknown(ids) ? [] : asArray(raw(ids) as unknown[]);
      // No security groups: the VPC's default group, which admits only its own members.
      if (targets.length === 0 && listed.length === 0 && !isUnknown(ids)) return;
      if (targets.length === 0) undecidable("vpcSecurityGroupIds (the security groups are not declared in this stack)");
      let failed = false;
      for (const sg of targets) {
        const open = ingressRules(sg, sideRules).filter((r) => ingressOpenToWorld(r, port));
        if (open.length > 0) {
          failed = true;
          fail(c, `security group ${sg.name} allows ingress from the internet on port ${port} (${open.map((r) => r.source).join(", ")})`, `restrict the ${open.map((r) => r.source).join(", ")} rule(s) to known CIDRs or security groups`);
        }
      }
      // Literal ids of groups declared elsewhere cannot be inspected.
      const ownIds = new Set(targets.flatMap((t) => identifiersOf(t, [])));
      const external = listed.filter((v) => typeof v === "string" && !isUnknown(v) && !ownIds.has(v));
      if (!failed && external.length > 0) undecidable(`vpcSecurityGroupIds (${external.join(", ")} not declared in this stack)`);
    });
  },
);

export const redshiftMultiAz = resourcePolicy(
  {
    name: "redshift-multi-az",
    description: "Redshift clusters must be deployed in multiple Availability Zones (RA3 node types).",
    severity: "medium",
    controls: ["Redshift.18"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `multiAz: true` on the aws.redshift.Cluster (requires an RA3 `nodeType`).",
    resourceTypes: TD.redshiftCluster,
  },
  ({ props, fail }) => {
    if (props.multiAz === true) return;
    const nodeType = String(props.nodeType ?? "");
    fail("the cluster runs in a single Availability Zone (`multiAz` is not true; default false)", nodeType.toLowerCase().startsWith("ra3") ? "set `multiAz: true`" : `set \`multiAz: true\` on an RA3 \`nodeType\` (the cluster uses ${nodeType})`);
  },
);

export const redshiftInVpc = referencePolicy(
  {
    name: "redshift-cluster-subnet-group",
    description: "Redshift clusters must run in a VPC of the program's choosing (an explicit cluster subnet group), not the default VPC.",
    severity: "high",
    controls: ["BP.Redshift.2"],
    frameworks: ["Blueprints"],
    remediationSteps: "Create an aws.redshift.SubnetGroup over private subnets and set it as the aws.redshift.Cluster's `clusterSubnetGroupName`.",
    resourceTypes: TD.redshiftCluster,
  },
  ({ fail, ref }) => {
    if (!ref("clusterSubnetGroupName", ["aws:redshift/subnetGroup:SubnetGroup"])) fail("no `clusterSubnetGroupName` is set, so the cluster goes into the default VPC", "set `clusterSubnetGroupName` to an aws.redshift.SubnetGroup over private subnets");
  },
);

export const redshiftNonDefaultPort = resourcePolicy(
  {
    name: "redshift-non-default-port",
    description: "Redshift clusters and Redshift Serverless workgroups must not listen on the default port 5439.",
    severity: "low",
    controls: ["BP.Redshift.3"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `port` on the aws.redshift.Cluster / aws.redshiftserverless.Workgroup to a value other than 5439 (clusters: 1150-65535; serverless: 5431-5455 or 8191-8215), and open it in the security group.",
    resourceTypes: [...TD.redshiftCluster, ...TD.redshiftServerlessWorkgroup],
  },
  ({ props, fail }) => {
    const port = knownNumber(props, "port", REDSHIFT_DEFAULT_PORT);
    if (port === REDSHIFT_DEFAULT_PORT) fail(`it listens on the default port ${REDSHIFT_DEFAULT_PORT}${isSet(props, "port") ? "" : " (`port` is unset)"}`, `set \`port\` to a value other than ${REDSHIFT_DEFAULT_PORT}`);
  },
);

export const redshiftCustomerManagedKey = referencePolicy(
  {
    name: "redshift-customer-managed-key",
    description: "Redshift clusters and Serverless namespaces holding classified data (the pack-wide `classifiedData` setting: confidential/restricted or PCI/HIPAA, by tag) must be encrypted with a customer managed KMS key.",
    severity: "high",
    controls: ["BP.Redshift.4", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kmsKeyId` to the ARN of a customer managed aws.kms.Key (not alias/aws/redshift) on the aws.redshift.Cluster / aws.redshiftserverless.Namespace.",
    resourceTypes: [...TD.redshiftCluster, ...TD.redshiftServerlessNamespace],
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
    if (typeof key !== "string" || key === "") fail(`the data store ${holds} but has no customer managed key (\`kmsKeyId\` unset: AWS managed key)`, "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
    else if (isAwsManagedKeyRef(key, "redshift")) fail(`the data store ${holds} but uses the AWS managed key ${key}`, "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
  },
);

// ---------------------------------------------------------------------------------------------
// Redshift Serverless
// ---------------------------------------------------------------------------------------------

export const redshiftServerlessEnhancedVpcRouting = resourcePolicy(
  {
    name: "redshift-serverless-enhanced-vpc-routing",
    description: "Redshift Serverless workgroups must use enhanced VPC routing.",
    severity: "medium",
    controls: ["RedshiftServerless.1"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `enhancedVpcRouting: true` on the aws.redshiftserverless.Workgroup.",
    resourceTypes: TD.redshiftServerlessWorkgroup,
  },
  ({ props, fail }) => {
    if (props.enhancedVpcRouting !== true) fail("enhanced VPC routing is off (`enhancedVpcRouting` is not true; default false)", "set `enhancedVpcRouting: true`");
  },
);

export const redshiftServerlessRequireSsl = resourcePolicy(
  {
    name: "redshift-serverless-require-ssl",
    description: "Redshift Serverless workgroups must require SSL for connections (`require_ssl` config parameter true).",
    severity: "medium",
    controls: ["RedshiftServerless.2"],
    frameworks: ["FSBP"],
    remediationSteps: 'Add `{ parameterKey: "require_ssl", parameterValue: "true" }` to `configParameters` on the aws.redshiftserverless.Workgroup.',
    resourceTypes: TD.redshiftServerlessWorkgroup,
  },
  ({ props, fail }) => {
    const params = get(props, "configParameters");
    if (isUnknown(params)) undecidable("configParameters");
    const entries = asArray(raw(params) as any[]).map((p, i) => {
      const e = raw(p);
      if (isUnknown(e) || isUnknown(e?.parameterKey)) undecidable(`configParameters.${i}`);
      return e;
    });
    const entry = entries.find((p) => typeof p?.parameterKey === "string" && p.parameterKey.toLowerCase() === "require_ssl");
    if (entry && isUnknown(entry.parameterValue)) undecidable("configParameters.require_ssl");
    if (!entry) fail("`configParameters` does not set require_ssl, so TLS is not required", 'add `{ parameterKey: "require_ssl", parameterValue: "true" }` to `configParameters`');
    else if (!parameterOn(String(entry.parameterValue))) fail(`\`configParameters\` sets require_ssl to ${entry.parameterValue}`, 'set `{ parameterKey: "require_ssl", parameterValue: "true" }`');
  },
);

export const redshiftServerlessNotPublic = resourcePolicy(
  {
    name: "redshift-serverless-not-public",
    description: "Redshift Serverless workgroups must not be publicly accessible.",
    severity: "high",
    controls: ["RedshiftServerless.3"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `publiclyAccessible: false` (or leave it unset; the default is false) on the aws.redshiftserverless.Workgroup.",
    resourceTypes: TD.redshiftServerlessWorkgroup,
  },
  ({ props, fail }) => {
    // Absent passes: the default is false.
    if (props.publiclyAccessible === true) fail("the workgroup is publicly accessible (`publiclyAccessible: true`)", "set `publiclyAccessible: false`");
  },
);

export const redshiftServerlessCustomAdmin = resourcePolicy(
  {
    name: "redshift-serverless-custom-admin-username",
    description: "Redshift Serverless namespaces must not use the default admin username (admin).",
    severity: "medium",
    controls: ["RedshiftServerless.5"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `adminUsername` on the aws.redshiftserverless.Namespace to a custom name (not admin).",
    resourceTypes: TD.redshiftServerlessNamespace,
    config: {
      defaultUsernames: { type: "array", items: { type: "string" }, description: "Admin usernames that must not be used.", default: ["admin", "awsuser"] },
    },
  },
  ({ props, config, fail }) => {
    const u = props.adminUsername;
    // Absent: the namespace is created without admin credentials (IAM/Identity Center access only).
    if (typeof u === "string" && includesCi(config.defaultUsernames, u)) fail(`the admin username is the well-known default "${u}"`, "set `adminUsername` to a custom name");
  },
);

export const redshiftServerlessLogExports = resourcePolicy(
  {
    name: "redshift-serverless-log-exports",
    description: "Redshift Serverless namespaces must export their connection and user logs to CloudWatch Logs.",
    severity: "medium",
    controls: ["RedshiftServerless.6"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `logExports` on the aws.redshiftserverless.Namespace to include connectionlog and userlog (and useractivitylog for query auditing).",
    resourceTypes: TD.redshiftServerlessNamespace,
    config: {
      requiredLogExports: { type: "array", items: { type: "string" }, description: "Log types the namespace must export.", default: ["connectionlog", "userlog"] },
    },
  },
  ({ props, config, fail }) => {
    const exports = knownStrings(props, "logExports");
    const missing = ((config.requiredLogExports as string[]) ?? []).filter((l) => !includesCi(exports, l));
    if (missing.length > 0) fail(`logs ${missing.join(", ")} are not exported to CloudWatch Logs`, `add ${missing.map((m) => `"${m}"`).join(", ")} to \`logExports\``);
  },
);

export const redshiftServerlessCustomDatabaseName = resourcePolicy(
  {
    name: "redshift-serverless-custom-database-name",
    description: "Redshift Serverless namespaces must not use the default database name (dev).",
    severity: "medium",
    controls: ["RedshiftServerless.7"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `dbName` on the aws.redshiftserverless.Namespace to a custom name (the default is dev).",
    resourceTypes: TD.redshiftServerlessNamespace,
  },
  ({ props, fail }) => {
    const db = props.dbName;
    if (db === undefined) fail('`dbName` is not set, so the default "dev" is used', "set `dbName` to a custom name");
    else if (typeof db === "string" && db.toLowerCase() === "dev") fail('the database name is the default "dev"', "set `dbName` to a custom name");
  },
);

export const policies = [
  redshiftClusterNotPublic,
  redshiftRequireTls,
  redshiftAutomatedSnapshots,
  redshiftAuditLogging,
  redshiftVersionUpgrade,
  redshiftEnhancedVpcRouting,
  redshiftCustomAdmin,
  redshiftCustomDatabaseName,
  redshiftEncrypted,
  redshiftRestrictedIngress,
  redshiftMultiAz,
  redshiftServerlessEnhancedVpcRouting,
  redshiftServerlessRequireSsl,
  redshiftServerlessNotPublic,
  redshiftServerlessCustomAdmin,
  redshiftServerlessLogExports,
  redshiftServerlessCustomDatabaseName,
  redshiftUserActivityLogging,
  redshiftInVpc,
  redshiftNonDefaultPort,
  redshiftCustomerManagedKey,
];

/** Every Redshift / Redshift Serverless control of the catalog is decidable at preview. */
export const notDecidable: Record<string, string> = {};
