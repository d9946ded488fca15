/**
 * Aurora PostgreSQL Serverless v2 for transactions, secure and durable by default:
 *
 * | setting              | default                                                        | control        |
 * |----------------------|----------------------------------------------------------------|----------------|
 * | engine               | aurora-postgresql 16.6, provisioned mode, `db.serverless`      |                |
 * | capacity             | the profile's ACU range; dev min 0 pauses after 5 idle minutes |                |
 * | instances            | 1 writer + the profile's readers (prod: 1, another AZ)         | RDS.15         |
 * | storage              | encrypted with the given KMS key                               | RDS.27, BP.RDS.3 |
 * | master user          | `app_admin` (not postgres/admin), password managed by Secrets  | RDS.24         |
 * |                      | Manager and encrypted with the key                             |                |
 * | port                 | 5433 (not the engine default 5432)                             | RDS.23         |
 * | authentication       | IAM database authentication on                                 | RDS.12         |
 * | network              | isolated subnets; SG allows the port only from named SGs       | RDS.2          |
 * | TLS                  | cluster parameter group `rds.force_ssl = 1`                    | BP.RDS.2       |
 * | logs                 | `postgresql` exported to a KMS-encrypted log group with the    | RDS.37         |
 * |                      | profile's retention; connections and disconnections logged     |                |
 * | backups              | the profile's retention (dev 7, prod 35; prod >= 14 enforced)  | BP.RDS.1       |
 * | deletion             | the profile's deletion protection and final snapshot;          | RDS.7          |
 * |                      | tags copied to snapshots                                       | RDS.16/.47     |
 * | monitoring           | Performance Insights (KMS) and Enhanced Monitoring (60 s)      | RDS.6, BP.RDS.4|
 * | upgrades             | automatic minor version upgrades                               | RDS.35         |
 * | events               | cluster and instance events to `eventsTopicArn` (prod: required)| RDS.19/.20    |
 * | prod                 | protect + retainOnDelete on the cluster and its instances      |                |
 *
 * After AWS applies a minor upgrade, set `engineVersion` to the running version (the cluster's
 * `engineVersionActual`) so that the program does not try to go back.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { EncryptedLogGroup } from "../observability/log-group";
import { KmsDecryptActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, PolicyStatement, throwIfProblems } from "../security/policy-document";

/** Usernames the master user must not have (RDS.24: the well-known defaults). */
export const DefaultDatabaseUsernames = ["postgres", "admin", "root", "administrator", "rdsadmin", "master", "sa", "user"] as const;

/** The smallest prod backup retention (issue 5: 14+ days in prod). */
export const MinProdBackupRetentionDays = 14;

export interface TransactionalDbArgs {
  /** The stack's context (tags, profile: capacity, readers, backups, protections). Required. */
  context: BlueprintContext;
  /** KMS key for storage, the master secret and Performance Insights. Required. */
  kmsKey: KeyReference;
  /** KMS key for the exported PostgreSQL log group; its policy must allow the `logs` service principal. Default: `kmsKey`. */
  logsKmsKey?: KeyReference;
  /** The VPC of the database's security group. Required. */
  vpcId: pulumi.Input<string>;
  /** Isolated subnets (no route to the internet), two or more AZs: `vpc.isolatedSubnetIds`. Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Name of the database created with the cluster. Default: `app`. */
  databaseName?: string;
  /** Master username (not a well-known default, RDS.24). Default: `app_admin`. */
  masterUsername?: string;
  /** Aurora PostgreSQL engine version (16.3+ for scaling to 0 ACU). Default: `16.6`. */
  engineVersion?: string;
  /** Port (not 5432, RDS.23). Default: 5433. */
  port?: number;
  /** Aurora Serverless v2 capacity in ACUs. Default: the profile's `databaseMinCapacity`/`databaseMaxCapacity`. */
  capacity?: { min?: number; max?: number };
  /** Seconds idle before a 0-ACU cluster pauses, 300 to 86400. Default: 300 (only when the minimum is 0). */
  secondsUntilAutoPause?: number;
  /** Reader instances beside the writer. Default: the profile's `databaseReaders` (prod: at least 1). */
  readers?: number;
  /** Days to keep automated backups, 1 to 35 (prod: at least 14). Default: the profile's `backupRetentionDays`. */
  backupRetentionDays?: number;
  /** Days to keep Performance Insights data: 7 (free) or a multiple of 31 up to 731. Default: 7. */
  performanceInsightsRetentionDays?: number;
  /** Security groups allowed to reach the port, by name (more with `allowFrom`). Default: none. */
  allowFrom?: Record<string, pulumi.Input<string>>;
  /**
   * SNS topic for the cluster's and instances' maintenance, failure and configuration events
   * (RDS.19/.20), e.g. the platform's `alarmTopicArn`; an encrypted topic's key must let
   * `events.rds.amazonaws.com` use it. Default: none; required in prod.
   */
  eventsTopicArn?: pulumi.Input<string>;
  /** Path and permissions boundary of the Enhanced Monitoring role. Default: `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class TransactionalDb extends pulumi.ComponentResource {
  readonly cluster: aws.rds.Cluster;
  /** The writer instance, then the readers. */
  readonly instances: readonly aws.rds.ClusterInstance[];
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterIdentifier: pulumi.Output<string>;
  /** The writer endpoint. */
  readonly endpoint: pulumi.Output<string>;
  /** The load-balanced reader endpoint (the writer when there are no readers). */
  readonly readerEndpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** The cluster's resource id (`cluster-...`), used in `rds-db:connect` ARNs. */
  readonly clusterResourceId: pulumi.Output<string>;
  /** The Secrets Manager secret RDS manages for the master user. */
  readonly masterUserSecretArn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** The database created with the cluster. */
  readonly databaseName: string;
  /** The master username. */
  readonly masterUsername: string;
  /** The ARN of the key that encrypts storage and the secret. */
  readonly kmsKeyArn: pulumi.Output<string>;

  private readonly componentName: string;
  private readonly context: BlueprintContext;
  private readonly portNumber: number;
  private readonly allowed = new Set<string>();
  private readonly childTags: Record<string, string>;

  constructor(name: string, args: TransactionalDbArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:data:TransactionalDb", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const databaseName = args.databaseName ?? "app";
    const masterUsername = args.masterUsername ?? "app_admin";
    const engineVersion = args.engineVersion ?? "16.6";
    const port = args.port ?? 5433;
    const minCapacity = args.capacity?.min ?? profile.databaseMinCapacity;
    const maxCapacity = args.capacity?.max ?? profile.databaseMaxCapacity;
    const secondsUntilAutoPause = args.secondsUntilAutoPause ?? 300;
    const readers = args.readers ?? profile.databaseReaders;
    const backupRetentionDays = args.backupRetentionDays ?? profile.backupRetentionDays;
    const piRetention = args.performanceInsightsRetentionDays ?? 7;
    const prod = profile.environment === "prod";

    const problems: string[] = [];
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(databaseName)) problems.push(`databaseName = "${databaseName}": a letter, then up to 62 letters, digits or _`);
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(masterUsername)) problems.push(`masterUsername = "${masterUsername}": a letter, then up to 62 letters, digits or _`);
    if ((DefaultDatabaseUsernames as readonly string[]).includes(masterUsername.toLowerCase())) problems.push(`masterUsername = "${masterUsername}" is a well-known default (RDS.24): choose your own, e.g. app_admin`);
    const major = /^(\d+)\.(\d+)$/.exec(engineVersion);
    if (!major) problems.push(`engineVersion = "${engineVersion}": must be <major>.<minor>, e.g. 16.6`);
    if (!Number.isInteger(port) || port < 1150 || port > 65535) problems.push(`port = ${port}: must be a whole number from 1150 to 65535`);
    if (port === 5432 && prod) problems.push("port = 5432 is the PostgreSQL default, not allowed in prod (RDS.23): use another, e.g. 5433");
    if (!(minCapacity >= 0 && minCapacity <= 256 && Number.isInteger(minCapacity * 2))) problems.push(`capacity.min = ${minCapacity}: must be 0 to 256 in steps of 0.5`);
    if (!(maxCapacity >= 1 && maxCapacity <= 256 && Number.isInteger(maxCapacity * 2))) problems.push(`capacity.max = ${maxCapacity}: must be 1 to 256 in steps of 0.5`);
    if (minCapacity > maxCapacity) problems.push(`capacity.min (${minCapacity}) must be <= capacity.max (${maxCapacity})`);
    if (minCapacity === 0 && major && (Number(major[1]) < 16 ? true : Number(major[1]) === 16 && Number(major[2]) < 3)) {
      problems.push(`capacity.min 0 (auto-pause) needs Aurora PostgreSQL 16.3 or later; engineVersion is ${engineVersion}`);
    }
    if (!Number.isInteger(secondsUntilAutoPause) || secondsUntilAutoPause < 300 || secondsUntilAutoPause > 86400) problems.push(`secondsUntilAutoPause = ${secondsUntilAutoPause}: must be 300 to 86400`);
    if (!Number.isInteger(readers) || readers < 0 || readers > 15) problems.push(`readers = ${readers}: must be a whole number from 0 to 15`);
    if (profile.multiAz && readers < 1) problems.push(`readers = ${readers}: the ${profile.environment} profile runs across AZs; give at least 1 reader as the failover target (RDS.15)`);
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 1 || backupRetentionDays > 35) problems.push(`backupRetentionDays = ${backupRetentionDays}: must be 1 to 35`);
    else if (prod && backupRetentionDays < MinProdBackupRetentionDays) problems.push(`backupRetentionDays = ${backupRetentionDays}: prod keeps at least ${MinProdBackupRetentionDays} days of backups`);
    if (!(piRetention === 7 || (Number.isInteger(piRetention) && piRetention % 31 === 0 && piRetention <= 713) || piRetention === 731)) {
      problems.push(`performanceInsightsRetentionDays = ${piRetention}: must be 7, a multiple of 31 up to 713, or 731`);
    }
    if (prod && args.eventsTopicArn === undefined) problems.push("eventsTopicArn is required in prod: failover, failure and maintenance events must reach someone (RDS.19, RDS.20); pass the platform's alarmTopicArn");
    if (Array.isArray(args.subnetIds) && args.subnetIds.length < 2) problems.push(`subnetIds has ${args.subnetIds.length} subnet(s): an RDS subnet group needs subnets in at least two AZs`);
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`TransactionalDb ${name}`, problems);

    this.componentName = name;
    this.context = context;
    this.portNumber = port;
    this.databaseName = databaseName;
    this.masterUsername = masterUsername;
    this.childTags = withTags(context.tags, args.tags ?? {});
    const clusterIdentifier = physicalName(context, name, 63);
    const family = `aurora-postgresql${major![1]}`;
    const keyArn = pulumi.output(keyArnOf(args.kmsKey));
    this.kmsKeyArn = keyArn;
    const tags = (suffix?: string) => withTags(context.tags, args.tags ?? {}, suffix ? `${clusterIdentifier}-${suffix}` : clusterIdentifier);
    const stateful = (o: pulumi.CustomResourceOptions = {}) => statefulOptions(context, { parent: this, ...o });

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `Aurora cluster ${clusterIdentifier}: port ${port} from named security groups only`,
        // No egress: the database only answers connections (security groups are stateful).
        tags: tags("sg"),
      },
      { parent: this },
    );

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: `${clusterIdentifier}-subnets`, description: `Isolated subnets of ${clusterIdentifier}`, subnetIds: args.subnetIds, tags: tags("subnets") },
      { parent: this },
    );

    const parameterGroup = new aws.rds.ClusterParameterGroup(
      `${name}-params`,
      {
        name: `${clusterIdentifier}-${family}`,
        family,
        description: `TLS-only, connection logging: ${clusterIdentifier}`,
        parameters: [
          { name: "rds.force_ssl", value: "1" },
          { name: "log_connections", value: "1" },
          { name: "log_disconnections", value: "1" },
        ],
        tags: tags("params"),
      },
      { parent: this },
    );

    // RDS would create this group itself, unencrypted and kept forever; created here first, it is
    // encrypted and expires with the profile's retention.
    const logGroup = new EncryptedLogGroup(
      `${name}-postgresql-logs`,
      { context, kmsKey: args.logsKmsKey ?? args.kmsKey, logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`, tags: args.tags },
      { parent: this },
    );

    const monitoringRole = serviceRole(this, `${name}-monitoring`, {
      context,
      service: "monitoring.rds.amazonaws.com",
      description: `Enhanced Monitoring of ${clusterIdentifier}`,
      placement: args.rolePlacement,
    });
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const monitoringPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-monitoring-policy`,
      { role: monitoringRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole` },
      { parent: this },
    );

    this.cluster = new aws.rds.Cluster(
      name,
      {
        clusterIdentifier,
        engine: "aurora-postgresql",
        engineMode: "provisioned",
        engineVersion,
        databaseName,
        masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: keyArn,
        port,
        storageEncrypted: true,
        kmsKeyId: keyArn,
        iamDatabaseAuthenticationEnabled: true,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [this.securityGroup.id],
        dbClusterParameterGroupName: parameterGroup.name,
        serverlessv2ScalingConfiguration: {
          minCapacity,
          maxCapacity,
          ...(minCapacity === 0 ? { secondsUntilAutoPause } : {}),
        },
        backupRetentionPeriod: backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: profile.deletionProtection,
        skipFinalSnapshot: !profile.finalSnapshot,
        ...(profile.finalSnapshot ? { finalSnapshotIdentifier: `${clusterIdentifier}-final` } : {}),
        enabledCloudwatchLogsExports: ["postgresql"],
        autoMinorVersionUpgrade: true,
        tags: tags(),
      },
      stateful({ dependsOn: [logGroup] }),
    );

    const instances: aws.rds.ClusterInstance[] = [];
    for (let i = 0; i <= readers; i++) {
      const role = i === 0 ? "writer" : `reader-${i}`;
      instances.push(
        new aws.rds.ClusterInstance(
          `${name}-${role}`,
          {
            identifier: `${clusterIdentifier.slice(0, 63 - role.length - 1)}-${role}`,
            clusterIdentifier: this.cluster.id,
            engine: "aurora-postgresql",
            engineVersion: this.cluster.engineVersion,
            instanceClass: "db.serverless",
            dbSubnetGroupName: subnetGroup.name,
            publiclyAccessible: false,
            // Readers in tier 0-1 scale with the writer, so a failover lands on a warm instance.
            promotionTier: i === 0 ? 0 : 1,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: keyArn,
            performanceInsightsRetentionPeriod: piRetention,
            monitoringInterval: 60,
            monitoringRoleArn: monitoringRole.arn,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
            tags: tags(role),
          },
          stateful({ dependsOn: [monitoringPolicy] }),
        ),
      );
    }
    this.instances = instances;

    if (args.eventsTopicArn !== undefined) {
      new aws.rds.EventSubscription(
        `${name}-cluster-events`,
        {
          name: `${clusterIdentifier}-cluster-events`,
          snsTopic: args.eventsTopicArn,
          sourceType: "db-cluster",
          sourceIds: [this.cluster.clusterIdentifier],
          eventCategories: ["failover", "failure", "maintenance", "notification"],
          enabled: true,
          tags: tags("cluster-events"),
        },
        { parent: this },
      );
      new aws.rds.EventSubscription(
        `${name}-instance-events`,
        {
          name: `${clusterIdentifier}-instance-events`,
          snsTopic: args.eventsTopicArn,
          sourceType: "db-instance",
          sourceIds: instances.map((i) => i.identifier),
          eventCategories: ["availability", "configuration change", "failover", "failure", "maintenance", "recovery"],
          enabled: true,
          tags: tags("instance-events"),
        },
        { parent: this },
      );
    }

    for (const [source, sgId] of Object.entries(args.allowFrom ?? {})) this.allowFrom(source, sgId);

    this.clusterArn = this.cluster.arn;
    this.clusterIdentifier = this.cluster.clusterIdentifier;
    this.endpoint = this.cluster.endpoint;
    this.readerEndpoint = this.cluster.readerEndpoint;
    this.port = this.cluster.port;
    this.clusterResourceId = this.cluster.clusterResourceId;
    this.masterUserSecretArn = this.cluster.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");
    this.securityGroupId = this.securityGroup.id;
    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterIdentifier: this.clusterIdentifier,
      endpoint: this.endpoint,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      clusterResourceId: this.clusterResourceId,
      masterUserSecretArn: this.masterUserSecretArn,
      securityGroupId: this.securityGroupId,
    });
  }

  /** Let members of security group `securityGroupId` connect to the database port. `name` names the rule. */
  allowFrom(name: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
    throwIfProblems(`TransactionalDb ${this.componentName}.allowFrom`, [
      ...(/^[a-z0-9][a-z0-9-]*$/.test(name) ? [] : [`name "${name}": lower-case letters, digits and -`]),
      ...(this.allowed.has(name) ? [`name "${name}" is already allowed`] : []),
    ]);
    this.allowed.add(name);
    return new aws.vpc.SecurityGroupIngressRule(
      `${this.componentName}-from-${name}`,
      {
        securityGroupId: this.securityGroup.id,
        description: `PostgreSQL from ${name}`,
        ipProtocol: "tcp",
        fromPort: this.portNumber,
        toPort: this.portNumber,
        referencedSecurityGroupId: securityGroupId,
        tags: this.childTags,
      },
      { parent: this },
    );
  }

  /**
   * Let a role connect as database user `dbUser` with an IAM auth token (`rds-db:connect`). The
   * user must exist with `GRANT rds_iam TO <dbUser>`. Never the master user: give the
   * application its own least-privileged role.
   */
  grantConnect(role: aws.iam.Role, dbUser: string): aws.iam.RolePolicy {
    const problems: string[] = [];
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(dbUser)) problems.push(`dbUser "${dbUser}": a letter or _, then up to 62 letters, digits or _`);
    if (dbUser === this.masterUsername) problems.push(`dbUser "${dbUser}" is the master user: connect as a least-privileged application role`);
    throwIfProblems(`TransactionalDb ${this.componentName}.grantConnect`, problems);
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const statement: PolicyStatement = {
      Sid: "ConnectWithIamToken",
      Effect: "Allow",
      Action: ["rds-db:connect"],
      Resource: pulumi.interpolate`arn:${partition}:rds-db:${this.context.region}:${account}:dbuser:${this.clusterResourceId}/${dbUser}`,
    };
    return grantToRole(this, this.componentName, role, `connect-${dbUser.toLowerCase().replace(/_/g, "-")}`, [statement]);
  }

  /** Let a role read the master user's secret (and decrypt it with the key, through Secrets Manager only). */
  grantReadSecret(role: aws.iam.Role): aws.iam.RolePolicy {
    const statements: PolicyStatement[] = [
      { Sid: "ReadMasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: this.masterUserSecretArn },
      {
        Sid: "DecryptMasterSecret",
        Effect: "Allow",
        Action: [...KmsDecryptActions],
        Resource: this.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${this.context.region}.amazonaws.com` } },
      },
    ];
    return grantToRole(this, this.componentName, role, "read-secret", statements);
  }
}
