/**
 * A Redshift data warehouse in private subnets: Redshift Serverless (namespace + workgroup) by
 * default, or a provisioned RA3 cluster when `provisioned` is given. Either way: encrypted with the
 * given key, not publicly accessible, enhanced VPC routing (COPY/UNLOAD traffic stays on the VPC
 * and its S3 gateway endpoint), TLS required, audit logging, an admin password managed by Secrets
 * Manager, and an IAM role that `COPY` uses to load from the lake (`grantLoadFrom`).
 *
 * | setting                   | serverless (default)                              | provisioned                                   | control            |
 * |---------------------------|---------------------------------------------------|-----------------------------------------------|--------------------|
 * | encryption                | namespace `kmsKeyId`                              | `encrypted`, `kmsKeyId`                       | Redshift.10, BP    |
 * | network                   | private subnets (3 AZs), own SG without ingress, port 5440   | subnet group, own SG without ingress          | Redshift.1         |
 * | public access             | `publiclyAccessible: false`                       | `publiclyAccessible: false`                   | Redshift.1         |
 * | enhanced VPC routing      | on                                                | on                                            | Redshift.7         |
 * | TLS                       | `require_ssl` true                                | parameter group `require_ssl` true            | Redshift.2         |
 * | audit logs                | user, connection, user-activity logs to CloudWatch| `aws.redshift.Logging` to CloudWatch + param  | Redshift.4, .9     |
 * | admin                     | custom user name, password in Secrets Manager      | same                                          | Redshift.8         |
 * | database name             | custom                                            | custom                                        | Redshift.16        |
 * | capacity                  | base RPUs; max RPU-hours per day (usage limit)    | node type and count; pause/resume schedule    |                    |
 * | snapshots                 | recovery points (automatic)                       | automated, retention from the profile         | Redshift.3         |
 * | prod                      | protect + retainOnDelete                          | + final snapshot, multi-AZ                    |                    |
 *
 * Redshift Serverless needs subnets in at least three availability zones (AWS's requirement):
 * give three or more `subnetIds`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, throwIfProblems } from "../security/policy-document";
import type { EncryptedBucket } from "../storage/encrypted-bucket";

/** A provisioned cluster instead of Redshift Serverless. */
export interface ProvisionedWarehouse {
  /** Node type, e.g. `ra3.xlplus`. Required. */
  nodeType: string;
  /** Nodes, 1 to 128 (2 or more for multi-AZ). Required. */
  nodes: number;
  /** Pause the cluster on this cron schedule (`cron(...)`, UTC), and resume on `resumeSchedule`. Default: always on. */
  pauseSchedule?: string;
  /** Resume schedule, with `pauseSchedule`. */
  resumeSchedule?: string;
}

export interface WarehouseArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The key that encrypts the warehouse (and the admin secret). Required. */
  kmsKey: KeyReference;
  /** The VPC. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets (three AZs or more for serverless). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The first database's name. Default: `warehouse`. */
  databaseName?: string;
  /** The admin user's name (not `awsuser`, Redshift.8). Default: `warehouse_admin`. */
  adminUsername?: string;
  /** Serverless base capacity in RPUs (8 to 512, in steps of 8; 4 where the region allows). Default: 8. */
  baseCapacity?: number;
  /** Serverless maximum RPUs. Default: 8 x base capacity, at most 512. */
  maxCapacity?: number;
  /** Serverless RPU-hours per day before queries are stopped (cost guard). Default: none. */
  maxRpuHoursPerDay?: number;
  /** A provisioned cluster instead of Serverless. Default: Serverless. */
  provisioned?: ProvisionedWarehouse;
  /** The port clients connect to (serverless: 5431-5455 or 8191-8215). Default: 5440 (not the well-known 5439, BP.Redshift.3). */
  port?: number;
  /** IAM path and permissions boundary of the COPY role. Default: `/`, none. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED_ADMIN_NAMES = ["awsuser", "admin", "administrator", "rdsadmin", "root"];

export class Warehouse extends pulumi.ComponentResource {
  /** The security group of the warehouse (no ingress until `allowFrom`). */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The role `COPY ... IAM_ROLE default` uses to read the lake. */
  readonly copyRole: aws.iam.Role;
  /** Host name clients connect to. */
  readonly endpoint: pulumi.Output<string>;
  /** Port. */
  readonly port: pulumi.Output<number>;
  readonly databaseName: string;
  /** Secrets Manager secret of the admin password (managed by Redshift). */
  readonly adminSecretArn: pulumi.Output<string>;
  readonly namespace: aws.redshiftserverless.Namespace | undefined;
  readonly workgroup: aws.redshiftserverless.Workgroup | undefined;
  readonly cluster: aws.redshift.Cluster | undefined;
  /** Serverless or provisioned. */
  readonly mode: "serverless" | "provisioned";
  /** The admin user's name (its password is only in `adminSecretArn`). */
  readonly adminUsername: string;
  /** How the Redshift Data API addresses this warehouse: `{ WorkgroupName }` or `{ ClusterIdentifier }`. */
  readonly dataApiTarget: pulumi.Output<{ workgroupName: string } | { clusterIdentifier: string }>;
  /** The ARN `redshift-data:ExecuteStatement` is allowed on (the workgroup or the cluster). */
  readonly arn: pulumi.Output<string>;

  private readonly componentName: string;
  private readonly portNumber: number;
  private readonly ruleTags: Record<string, string>;

  constructor(name: string, args: WarehouseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:analytics:Warehouse", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const databaseName = args.databaseName ?? "warehouse";
    const adminUsername = args.adminUsername ?? "warehouse_admin";
    const base = args.baseCapacity ?? 8;
    const max = args.maxCapacity ?? Math.min(512, base * 8);
    const p = args.provisioned;
    const port = args.port ?? 5440;

    const problems: string[] = [];
    if (!NAME.test(databaseName) || databaseName === "dev") problems.push(`databaseName = "${databaseName}": must be 1 to 63 lower-case letters, digits or underscores, starting with a letter, and not the default "dev" (Redshift.16)`);
    if (!NAME.test(adminUsername) || RESERVED_ADMIN_NAMES.includes(adminUsername)) problems.push(`adminUsername = "${adminUsername}": must be 1 to 63 lower-case letters, digits or underscores and not a default name (${RESERVED_ADMIN_NAMES.join(", ")}; Redshift.8)`);
    if (p === undefined) {
      if (!Number.isInteger(base) || base < 4 || base > 512 || (base > 4 && base % 8 !== 0)) problems.push(`baseCapacity = ${base}: must be 4, or 8 to 512 in steps of 8 (RPUs)`);
      if (!Number.isInteger(max) || max < base || max > 512) problems.push(`maxCapacity = ${max}: must be a whole number of RPUs from baseCapacity (${base}) to 512`);
      if (args.maxRpuHoursPerDay !== undefined && (!Number.isInteger(args.maxRpuHoursPerDay) || args.maxRpuHoursPerDay < 1)) problems.push(`maxRpuHoursPerDay = ${args.maxRpuHoursPerDay}: must be a whole number >= 1`);
      if (Array.isArray(args.subnetIds) && args.subnetIds.length < 3) problems.push(`subnetIds has ${args.subnetIds.length} subnet(s): Redshift Serverless needs subnets in at least three availability zones`);
    } else {
      if (!/^(ra3|dc2)\.[a-z0-9]+$/.test(p.nodeType)) problems.push(`provisioned.nodeType = "${p.nodeType}": must be an RA3 (or DC2) node type such as ra3.xlplus`);
      if (!Number.isInteger(p.nodes) || p.nodes < 1 || p.nodes > 128) problems.push(`provisioned.nodes = ${p.nodes}: must be a whole number from 1 to 128`);
      if (profile.multiAz && p.nodes < 2) problems.push(`provisioned.nodes = ${p.nodes}: a multi-AZ (prod) cluster needs at least 2 nodes`);
      if ((p.pauseSchedule === undefined) !== (p.resumeSchedule === undefined)) problems.push("provisioned.pauseSchedule and provisioned.resumeSchedule go together: a paused cluster must resume");
      if (args.maxRpuHoursPerDay !== undefined) problems.push("maxRpuHoursPerDay applies to Serverless only: drop it with provisioned");
    }
    const serverlessPort = (port >= 5431 && port <= 5455) || (port >= 8191 && port <= 8215);
    if (!Number.isInteger(port) || (p === undefined ? !serverlessPort : port < 1115 || port > 65535)) problems.push(`port = ${port}: must be ${p === undefined ? "5431-5455 or 8191-8215 (Redshift Serverless)" : "1115-65535"}`);
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`Warehouse ${name}`, problems);

    this.componentName = name;
    this.portNumber = port;
    this.databaseName = databaseName;
    this.adminUsername = adminUsername;
    this.ruleTags = withTags(context.tags, args.tags ?? {});
    this.mode = p === undefined ? "serverless" : "provisioned";
    const tags = withTags(context.tags, args.tags ?? {});
    const keyArn = keyArnOf(args.kmsKey);
    const stateful = (o: pulumi.CustomResourceOptions = {}) => statefulOptions(context, { parent: this, ...o });
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-warehouse`,
      { vpcId: args.vpcId, description: `Redshift warehouse of ${physicalName(context, name)}: no ingress until a client is allowed`, revokeRulesOnDelete: true, tags: withTags(context.tags, args.tags ?? {}, physicalName(context, `${name}-warehouse`)) },
      { parent: this },
    );
    // Enhanced VPC routing sends COPY/UNLOAD through the VPC: HTTPS out to S3 (gateway endpoint) and AWS APIs.
    new aws.vpc.SecurityGroupEgressRule(`${name}-warehouse-https`, { securityGroupId: this.securityGroup.id, description: "HTTPS to S3 and AWS APIs (COPY, UNLOAD, KMS)", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", tags }, { parent: this });

    this.copyRole = serviceRole(this, `${name}-copy`, {
      context,
      service: "redshift.amazonaws.com",
      description: `COPY and UNLOAD of ${physicalName(context, name)}: reads the data lake zones it is granted`,
      placement: args.rolePlacement,
      trustConditions: { StringEquals: { "aws:SourceAccount": account } },
    });

    if (p === undefined) {
      const namespaceName = physicalName(context, name, 64);
      this.namespace = new aws.redshiftserverless.Namespace(
        name,
        {
          namespaceName,
          dbName: databaseName,
          adminUsername,
          manageAdminPassword: true,
          adminPasswordSecretKmsKeyId: keyArn,
          kmsKeyId: keyArn,
          iamRoles: [this.copyRole.arn],
          defaultIamRoleArn: this.copyRole.arn,
          logExports: ["userlog", "connectionlog", "useractivitylog"],
          tags,
        },
        stateful(),
      );
      // Serverless sends these logs to CloudWatch Logs only; Redshift creates the log groups itself
      // (pre-creating them would race with it), so their retention is set after the first deploy
      // (README, analytics "After the first pulumi up").
      this.workgroup = new aws.redshiftserverless.Workgroup(
        name,
        {
          workgroupName: physicalName(context, name, 64),
          namespaceName: this.namespace.namespaceName,
          baseCapacity: base,
          maxCapacity: max,
          publiclyAccessible: false,
          enhancedVpcRouting: true,
          port,
          subnetIds: args.subnetIds,
          securityGroupIds: [this.securityGroup.id],
          configParameters: [
            { parameterKey: "require_ssl", parameterValue: "true" },
            { parameterKey: "enable_user_activity_logging", parameterValue: "true" },
            { parameterKey: "max_query_execution_time", parameterValue: "14400" },
          ],
          tags,
        },
        stateful(),
      );
      if (args.maxRpuHoursPerDay !== undefined) {
        new aws.redshiftserverless.UsageLimit(name, { resourceArn: this.workgroup.arn, usageType: "serverless-compute", amount: args.maxRpuHoursPerDay, period: "daily", breachAction: "deactivate" }, { parent: this });
      }
      this.cluster = undefined;
      this.endpoint = this.workgroup.endpoints.apply((e) => e?.[0]?.address ?? "");
      this.port = pulumi.output(port);
      this.adminSecretArn = this.namespace.adminPasswordSecretArn;
      this.arn = this.workgroup.arn;
      this.dataApiTarget = this.workgroup.workgroupName.apply((workgroupName) => ({ workgroupName }));
    } else {
      const subnetGroup = new aws.redshift.SubnetGroup(name, { name: physicalName(context, name, 255), subnetIds: args.subnetIds, description: `Private subnets of ${physicalName(context, name)}`, tags }, { parent: this });
      const parameters = new aws.redshift.ParameterGroup(
        name,
        {
          name: physicalName(context, name, 255),
          family: "redshift-2.0",
          description: "TLS required, user activity logged",
          parameters: [
            { name: "require_ssl", value: "true" },
            { name: "enable_user_activity_logging", value: "true" },
          ],
          tags,
        },
        { parent: this },
      );
      this.cluster = new aws.redshift.Cluster(
        name,
        {
          clusterIdentifier: physicalName(context, name, 63),
          nodeType: p.nodeType,
          clusterType: p.nodes > 1 ? "multi-node" : "single-node",
          ...(p.nodes > 1 ? { numberOfNodes: p.nodes } : {}),
          databaseName,
          masterUsername: adminUsername,
          manageMasterPassword: true,
          masterPasswordSecretKmsKeyId: keyArn,
          encrypted: "true",
          kmsKeyId: keyArn,
          publiclyAccessible: false,
          enhancedVpcRouting: true,
          multiAz: profile.multiAz,
          port,
          clusterSubnetGroupName: subnetGroup.name,
          clusterParameterGroupName: parameters.name,
          vpcSecurityGroupIds: [this.securityGroup.id],
          iamRoles: [this.copyRole.arn],
          defaultIamRoleArn: this.copyRole.arn,
          automatedSnapshotRetentionPeriod: profile.backupRetentionDays,
          allowVersionUpgrade: true,
          skipFinalSnapshot: !profile.finalSnapshot,
          ...(profile.finalSnapshot ? { finalSnapshotIdentifier: physicalName(context, `${name}-final`, 255) } : {}),
          tags,
        },
        stateful(),
      );
      new aws.redshift.Logging(name, { clusterIdentifier: this.cluster.clusterIdentifier, logDestinationType: "cloudwatch", logExports: ["connectionlog", "userlog", "useractivitylog"] }, { parent: this });
      if (p.pauseSchedule !== undefined && p.resumeSchedule !== undefined) {
        const scheduler = serviceRole(this, `${name}-scheduler`, { context, service: "scheduler.redshift.amazonaws.com", description: `Pauses and resumes ${physicalName(context, name)}`, placement: args.rolePlacement });
        new aws.iam.RolePolicy(
          `${name}-scheduler`,
          {
            role: scheduler.name,
            policy: pulumi.jsonStringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "PauseResume", Effect: "Allow", Action: ["redshift:PauseCluster", "redshift:ResumeCluster"], Resource: this.cluster.arn }],
            }),
          },
          { parent: this },
        );
        for (const [what, schedule] of [["pause", p.pauseSchedule], ["resume", p.resumeSchedule]] as const) {
          new aws.redshift.ScheduledAction(
            `${name}-${what}`,
            {
              name: physicalName(context, `${name}-${what}`, 60),
              schedule,
              iamRole: scheduler.arn,
              targetAction: what === "pause" ? { pauseCluster: { clusterIdentifier: this.cluster.clusterIdentifier } } : { resumeCluster: { clusterIdentifier: this.cluster.clusterIdentifier } },
            },
            { parent: this },
          );
        }
      }
      this.namespace = undefined;
      this.workgroup = undefined;
      this.endpoint = this.cluster.dnsName;
      this.port = pulumi.output(port);
      this.adminSecretArn = this.cluster.masterPasswordSecretArn;
      this.arn = this.cluster.arn;
      this.dataApiTarget = this.cluster.clusterIdentifier.apply((clusterIdentifier) => ({ clusterIdentifier }));
    }

    this.registerOutputs({ endpoint: this.endpoint, port: this.port, adminSecretArn: this.adminSecretArn, copyRoleArn: this.copyRole.arn });
  }

  /** Let `COPY` (and Redshift Spectrum) read a lake bucket, under a prefix if given. */
  grantLoadFrom(bucket: EncryptedBucket, prefix?: string): aws.iam.RolePolicy {
    return bucket.grantRead(this.copyRole, prefix !== undefined ? { prefix } : {});
  }

  /**
   * Let a role run SQL as an administrator through the Redshift Data API, with temporary
   * credentials from IAM and never the admin secret:
   * - provisioned: `redshift:GetClusterCredentials` for the admin user on this cluster and
   *   database only (the Data API call names `DbUser`), so the SQL runs as the admin user;
   * - Serverless: `redshift-serverless:GetCredentials` on this workgroup; the SQL runs as the
   *   role's own database user `IAMR:<role name>`, which an administrator must once make a
   *   superuser (`ALTER USER "IAMR:<role name>" CREATEUSER`): Serverless maps no IAM identity to
   *   the admin user (README, analytics "After it").
   * Statement results are readable only by the identity that ran them.
   */
  grantDataApiAdmin(role: aws.iam.Role): aws.iam.RolePolicy {
    const ownStatements = { Sid: "OwnStatementsOnly", Effect: "Allow" as const, Action: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"], Resource: "*", Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } } };
    const run = { Sid: "RunStatements", Effect: "Allow" as const, Action: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], Resource: this.arn };
    if (this.mode === "serverless") {
      return grantToRole(this, this.componentName, role, "data-api-admin", [run, { Sid: "TemporaryCredentials", Effect: "Allow", Action: ["redshift-serverless:GetCredentials"], Resource: this.arn }, ownStatements]);
    }
    const prefix = this.arn.apply((arn) => arn.replace(/:cluster:[^:]+$/, ""));
    const cluster = this.cluster!.clusterIdentifier;
    return grantToRole(this, this.componentName, role, "data-api-admin", [
      run,
      {
        Sid: "AdminTemporaryCredentials",
        Effect: "Allow",
        Action: ["redshift:GetClusterCredentials"],
        Resource: [pulumi.interpolate`${prefix}:dbuser:${cluster}/${this.adminUsername}`, pulumi.interpolate`${prefix}:dbname:${cluster}/${this.databaseName}`],
      },
      ownStatements,
    ]);
  }

  /** Allow clients in a security group to connect on the warehouse port. */
  allowFrom(name: string, securityGroupId: pulumi.Input<string>, description = "Clients of the warehouse"): aws.vpc.SecurityGroupIngressRule {
    return new aws.vpc.SecurityGroupIngressRule(
      `${this.componentName}-from-${name}`,
      { securityGroupId: this.securityGroup.id, description, ipProtocol: "tcp", fromPort: this.portNumber, toPort: this.portNumber, referencedSecurityGroupId: securityGroupId, tags: this.ruleTags },
      { parent: this },
    );
  }
}
