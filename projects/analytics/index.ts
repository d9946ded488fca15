/**
 * Workload 5: big-data analytics (seed use case 5). One block per service of the seed, each a
 * component call with this workload's choices; sizes and protections come from the environment
 * profile (shared/profiles.ts) and `environmentDefaults` (config.ts).
 *
 *   producers ──> Kinesis ingest stream ──> Lambda stream-ingest ──> S3 raw zone (events/dt=YYYY-MM-DD/)
 *                                                                ├─> S3 raw zone (dead-letter/, malformed)
 *                                                                └─> DynamoDB sessions, activity logs
 *   S3 raw ──(Glue crawler)──> Glue catalog <──(Glue job raw-to-curated, hourly)──> S3 curated (Parquet)
 *   Athena workgroup (encrypted results, scan limit) ──> catalog tables ──> QuickSight dashboard
 *   Redshift warehouse ──(COPY, IAM role)──> S3 curated
 *   EMR Spark cluster (private, encrypted) ──> S3 raw/curated through the Glue catalog
 *   SageMaker domain (VPC only) ──> S3 curated (training) ──> models bucket ──> model registry
 *   S3 lifecycle: raw ──> Glacier Flexible Retrieval ──> Glacier Deep Archive (the historical archive)
 *
 * The platform stack (StackReference) provides the logs key, the S3 access-log bucket, the alarm
 * topic, the IAM path and boundary of every role, and whether QuickSight is subscribed.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import {
  mfaRole,
  BackupPlan,
  Dashboard,
  quickSightAthenaRole,
  DataLake,
  EncryptedBucket,
  EncryptionKey,
  Function,
  KeyValueTable,
  MlWorkspace,
  PlatformReference,
  SecureVpc,
  SparkCluster,
  Warehouse,
  WorkloadAlarms,
} from "../../components";
import { tlsOnlyQueueStatement } from "../../components/compute/worker-fleet";
import { readPlatformSwitches } from "../../components/platform/platform-switches";
import { KmsDecryptActions, KmsS3WriteActions } from "../../components/security/actions";
import { policyDocument, type PolicyStatement } from "../../components/security/policy-document";
import { withTags } from "../../shared/tags";
import { environmentDefaults, loadAnalyticsConfig, MlInterfaceEndpoints } from "./config";
import { ACTIVITY_TABLE, DEAD_LETTER_PREFIX, RAW_EVENTS_PREFIX, SESSIONS_TABLE } from "./functions/shared/events";
import { grantStatements } from "./functions/warehouse-users/reader";
import { WAREHOUSE_USERS_ENV } from "./functions/warehouse-users/env";
import { eventsDataSet, eventsVisuals, lakeDatabaseName, namedQueries, REPORTING_SCHEMA, WAREHOUSE_READER, warehouseEventsDataSet } from "./reports";

/** Kinesis: what a stream reader needs (Lambda event source mapping). */
const KinesisReadActions = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"];
/** Kinesis: what a producer needs. */
const KinesisWriteActions = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"];

export = async () => {
  const settings = loadAnalyticsConfig();
  const { config, profile, project, stack, region } = settings;
  const context = settings;
  const defaults = environmentDefaults[settings.environment];
  const platform = new PlatformReference(settings.platformStack);
  const { quicksight, rolePlacement } = await readPlatformSwitches(platform, settings.platformStack, "analytics");
  const logsKey = platform.get("logsKeyArn");
  const account = aws.getCallerIdentityOutput().accountId;
  const serverAccessLogs = (bucket: string) => ({ targetBucket: platform.get("accessLogsBucketName"), prefix: `${project}/${stack}/${bucket}/` });
  const tags = (name: string) => withTags(settings.tags, {}, `${project}-${stack}-${name}`);
  // QuickSight reads data-source secrets as this service role (created when the platform turns on
  // QuickSight's Secrets Manager access); it gets the warehouse reader's secret and its key only.
  const quicksightSecretsRole = pulumi.interpolate`arn:aws:iam::${account}:role/service-role/aws-quicksight-secretsmanager-role-v0`;

  // --- KMS: one key for the lake, the stream, the tables, Glue, Athena, Redshift, EMR and SageMaker ---
  const dataKey = new EncryptionKey("analytics", {
    context,
    description: "Analytics: data lake zones, ingest stream, tables, Glue output and logs, Athena results, warehouse, Spark and ML volumes",
    // Glue writes its job and crawler logs encrypted with this key (security configuration).
    servicePrincipals: ["logs"],
    // EMR and SageMaker volumes are created by service-linked roles through EC2.
    viaServices: ["ec2", "sqs", "dynamodb", "kinesis"],
    additionalStatements: quicksight
      ? [
          {
            Sid: "QuickSightDecryptsTheWarehouseReaderSecret",
            Effect: "Allow",
            Principal: { AWS: quicksightSecretsRole },
            Action: ["kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
          },
        ]
      : [],
  });

  // --- VPC: network isolation for the warehouse, the Spark cluster and the ML workspace ---
  // Three AZs in every environment: Redshift Serverless needs subnets in three (NAT stays single in dev).
  const vpc = new SecureVpc("network", {
    context,
    flowLogKey: logsKey,
    availabilityZones: Math.max(3, profile.availabilityZones),
    // Prod reaches AWS APIs without the internet; dev goes through its one NAT gateway (endpoints cost per AZ).
    interfaceEndpoints: defaults.mlEndpointsOnly ? [...MlInterfaceEndpoints, "elasticmapreduce", "glue", "secretsmanager", "ec2", "ssm"] : [],
    rolePlacement,
  });

  // --- S3 + Glacier: raw, curated and results zones; raw is archived to Glacier classes ---
  const zone = (name: string, extra: Partial<ConstructorParameters<typeof EncryptedBucket>[1]> = {}) =>
    new EncryptedBucket(name, { context, kmsKey: dataKey, bucketName: pulumi.interpolate`${project}-${stack}-${name}-${account}`, accessLogs: serverAccessLogs(name), ...extra });
  // S3 Glacier vaults are closed to new customers (December 2025): the historical archive is S3 storage classes.
  const raw = zone("raw", { lifecycle: { archiveAfterDays: config.rawArchiveAfterDays, deepArchiveAfterDays: config.rawDeepArchiveAfterDays } });
  const curated = zone("curated");
  const results = zone("results", { lifecycle: { expireAfterDays: profile.logRetentionDays } });
  // Glue scripts and temporary files, EMR logs, ML artifacts: working files, not data of record.
  const workspace = zone("workspace", { lifecycle: { expireAfterDays: 365, noncurrentExpireAfterDays: 30 } });

  // --- DynamoDB: sessions and activity logs (TTL, PITR, the key) ---
  const sessions = new KeyValueTable("sessions", { context, kmsKey: dataKey, partitionKey: { name: SESSIONS_TABLE.partitionKey, type: "S" }, ttlAttribute: SESSIONS_TABLE.ttlAttribute });
  const activity = new KeyValueTable("activity-logs", {
    context,
    kmsKey: dataKey,
    partitionKey: { name: ACTIVITY_TABLE.partitionKey, type: "S" },
    sortKey: { name: ACTIVITY_TABLE.sortKey, type: "S" },
    ttlAttribute: ACTIVITY_TABLE.ttlAttribute,
  });
  new BackupPlan("backups", { context, kmsKey: dataKey, resources: [sessions.tableArn, activity.tableArn], rolePlacement });

  // --- Kinesis + Lambda: real-time stream processing into the raw zone ---
  const ingest = new aws.kinesis.Stream(
    "ingest",
    {
      encryptionType: "KMS",
      kmsKeyId: dataKey.keyArn,
      retentionPeriod: defaults.ingestRetentionHours,
      streamModeDetails: { streamMode: defaults.ingestStreamMode },
      ...(defaults.ingestStreamMode === "PROVISIONED" ? { shardCount: config.ingestShards } : {}),
      tags: tags("ingest"),
    },
    { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources },
  );
  const streamStatements = (actions: string[]): PolicyStatement[] => [
    { Sid: "UseStream", Effect: "Allow", Action: actions, Resource: ingest.arn },
    { Sid: "UseStreamKey", Effect: "Allow", Action: actions.some((a) => a.startsWith("kinesis:Put")) ? [...KmsS3WriteActions] : [...KmsDecryptActions], Resource: dataKey.keyArn },
  ];
  const ingestFailures = new aws.sqs.Queue("stream-ingest-failures", { kmsMasterKeyId: dataKey.keyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600, tags: tags("stream-ingest-failures") });
  new aws.sqs.QueuePolicy("stream-ingest-failures-tls-only", { queueUrl: ingestFailures.url, policy: policyDocument([tlsOnlyQueueStatement(ingestFailures.arn)]) });
  const streamIngest = new Function("stream-ingest", {
    context,
    kmsKey: dataKey,
    logsKmsKey: logsKey,
    rolePlacement,
    handler: path.join(__dirname, "functions", "stream-ingest", "handler.ts"),
    description: "Validates ingest records, writes them to the raw zone by day (malformed ones to dead-letter/), keeps sessions and activity",
    ...defaults.ingestFunction,
    environment: {
      RAW_BUCKET_NAME: raw.bucketName,
      SESSIONS_TABLE_NAME: sessions.tableName,
      ACTIVITY_TABLE_NAME: activity.tableName,
      SESSIONS_RETENTION_DAYS: String(defaults.retentionDays.sessions),
      ACTIVITY_RETENTION_DAYS: String(defaults.retentionDays.activity),
    },
  });
  const ingestGrants = [
    streamIngest.addToRolePolicy("read-ingest", [
      ...streamStatements(KinesisReadActions),
      { Sid: "RecordFailedBatches", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ingestFailures.arn },
      { Sid: "EncryptFailedBatches", Effect: "Allow", Action: [...KmsS3WriteActions], Resource: dataKey.keyArn },
    ]),
    raw.grantWrite(streamIngest.role, { prefix: RAW_EVENTS_PREFIX }),
    raw.grantWrite(streamIngest.role, { prefix: DEAD_LETTER_PREFIX }),
    sessions.grantReadWriteData(streamIngest.role),
    activity.grantReadWriteData(streamIngest.role),
  ];
  new aws.lambda.EventSourceMapping(
    "stream-ingest",
    {
      functionName: streamIngest.functionArn,
      eventSourceArn: ingest.arn,
      startingPosition: "TRIM_HORIZON",
      ...defaults.ingestConsumer,
      // One batch per shard at a time: chunks are keyed by their first record, so re-deliveries overwrite (ingest.ts).
      parallelizationFactor: 1,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: ingestFailures.arn } },
      tags: tags("stream-ingest"),
    },
    { dependsOn: ingestGrants },
  );

  // --- Glue + Athena: catalog, crawlers, ETL to the curated zone, SQL with encrypted results ---
  const databaseName = lakeDatabaseName(project, stack);
  const lake = new DataLake("lake", {
    context,
    kmsKey: dataKey,
    databaseName,
    crawlerTargets: [
      { name: "raw-events", bucket: raw, prefix: RAW_EVENTS_PREFIX },
      { name: "raw-dead-letter", bucket: raw, prefix: DEAD_LETTER_PREFIX },
    ],
    etlJobs: [
      {
        name: "raw-to-curated",
        scriptPath: path.join(__dirname, "glue", "raw-to-curated.py"),
        description: "Raw events (JSON) to the curated zone as Parquet by day, one row per event id",
        reads: [{ bucket: raw, prefix: RAW_EVENTS_PREFIX }],
        writes: [{ bucket: curated, prefix: "events/" }],
        arguments: { RAW_PATH: pulumi.interpolate`s3://${raw.bucketName}/${RAW_EVENTS_PREFIX}`, CURATED_PATH: pulumi.interpolate`s3://${curated.bucketName}/events/` },
        schedule: "cron(30 * * * ? *)",
      },
    ],
    scriptsBucket: workspace,
    resultsBucket: results,
    bytesScannedCutoffPerQuery: defaults.bytesScannedCutoffPerQuery,
    namedQueries: namedQueries(databaseName),
    rolePlacement,
  });

  // --- Redshift: the data warehouse, loading the curated zone with COPY ---
  const warehouse = new Warehouse("warehouse", {
    context,
    kmsKey: dataKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.privateSubnetIds,
    databaseName: "analytics",
    adminUsername: "warehouse_admin",
    ...(config.warehouseProvisioned !== undefined
      ? { provisioned: config.warehouseProvisioned }
      : { baseCapacity: defaults.warehouse.baseCapacity, maxCapacity: defaults.warehouse.maxCapacity, ...(defaults.warehouse.maxRpuHoursPerDay !== undefined ? { maxRpuHoursPerDay: defaults.warehouse.maxRpuHoursPerDay } : {}) }),
    rolePlacement,
  });
  warehouse.grantLoadFrom(curated, "events/");

  // --- EMR (EC2): Spark and Hadoop processing clusters over the lake ---
  let spark: SparkCluster | undefined;
  if (config.sparkCluster) {
    spark = new SparkCluster("spark", {
      context,
      kmsKey: dataKey,
      vpcId: vpc.vpcId,
      subnetIds: vpc.privateSubnetIds,
      subnetCount: vpc.availabilityZoneCount,
      logsBucket: workspace,
      tlsCertificatesS3Uri: config.sparkTlsCertificatesS3Uri!,
      // Kerberos with a KDC on the cluster; its admin password is the stack's secret config.
      kerberos: { kdcAdminPassword: pulumi.secret(config.sparkKdcAdminPassword!) },
      instanceTypes: config.sparkInstanceTypes,
      size: { coreNodes: defaults.spark.coreNodes, maxTaskNodes: defaults.spark.maxTaskNodes },
      idleTimeoutSeconds: defaults.spark.idleTimeoutSeconds,
      catalogDatabases: [lake.databaseName],
      rolePlacement,
    });
    raw.grantRead(spark.instanceRole);
    curated.grantRead(spark.instanceRole);
    curated.grantWrite(spark.instanceRole);
  }

  // --- SageMaker AI: build, train and deploy models on the curated zone ---
  const ml = new MlWorkspace("ml", {
    context,
    kmsKey: dataKey,
    vpcId: vpc.vpcId,
    vpcCidr: vpc.cidrBlock,
    subnetIds: vpc.privateSubnetIds,
    modelsBucket: workspace,
    reads: [{ bucket: curated }],
    endpointsOnly: defaults.mlEndpointsOnly,
    userProfiles: config.mlUserProfiles,
    rolePlacement,
  });

  // --- IAM: analysts query, data engineers run the pipeline; both from this account with MFA ---
  const humanRole = (name: string, description: string) => mfaRole(name, { description, accountId: account, placement: rolePlacement, tags: tags(name) });
  const analysts = humanRole("analysts", "Analysts: run Athena queries over the lake (read only)");
  lake.grantQuery(analysts);
  const engineers = humanRole("data-engineers", "Data engineers: query the lake, start the ETL job and crawlers, put test events on the ingest stream");
  lake.grantQuery(engineers);
  new aws.iam.RolePolicy("data-engineers-pipeline", {
    role: engineers.name,
    policy: policyDocument([
      ...streamStatements(KinesisWriteActions),
      {
        Sid: "RunPipeline",
        Effect: "Allow",
        Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartCrawler", "glue:GetCrawler", "glue:GetCrawlerMetrics"],
        Resource: [...Object.values(lake.jobs).map((j) => j.arn), ...lake.crawlers.map((c) => c.arn)],
      },
    ]),
  });

  // --- QuickSight: interactive dashboards over Athena and Redshift (only where the platform subscribes) ---
  let eventsDashboardId: pulumi.Output<string> | undefined;
  let warehouseDashboardId: pulumi.Output<string> | undefined;
  let warehouseReaderSecretArn: pulumi.Output<string> | undefined;
  let warehouseUsersDbUser: pulumi.Output<string> | undefined;
  if (quicksight) {
    // QuickSight reads through its own role, allowed only this workgroup, the catalog, the zones and the key.
    const quicksightRole = quickSightAthenaRole("quicksight-athena", { description: "QuickSight: Athena queries over the analytics lake (the dashboards' data source)", account, placement: rolePlacement, tags: tags("quicksight-athena") });
    const grants = lake.grantQuery(quicksightRole);
    const dashboard = new Dashboard(
      "events",
      {
        context,
        adminGroupArn: platform.get("quicksightAdminGroupArn"),
        source: { type: "athena", workGroup: lake.workGroupName, roleArn: quicksightRole.arn },
        dataSet: eventsDataSet(databaseName),
        visuals: eventsVisuals,
        title: "Events and active users",
        rolePlacement,
      },
      { dependsOn: grants },
    );
    eventsDashboardId = dashboard.dashboardId;

    // Redshift: a read-only user of its own (never the admin), made by SQL at deploy time.
    const readerSecret = new aws.secretsmanager.Secret(
      "warehouse-reader",
      {
        name: `${project}/${stack}/warehouse/${WAREHOUSE_READER}`,
        description: `Read-only warehouse user ${WAREHOUSE_READER} (SELECT on schema ${REPORTING_SCHEMA} only), for the QuickSight warehouse dashboard; its password is generated and applied by warehouse-users`,
        kmsKeyId: dataKey.keyArn,
        recoveryWindowInDays: profile.protectStatefulResources ? 30 : 7,
        tags: {
          ...tags("warehouse-reader"),
          "policy-exemption:secretsmanager-secret-rotation":
            "No rotation function for the warehouse reader yet - rotate by putting a new password in the secret and invoking warehouse-users as the README says expires=2027-05-31",
        },
      },
      { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources },
    );
    warehouseReaderSecretArn = readerSecret.arn;
    const users = new Function("warehouse-users", {
      context,
      kmsKey: dataKey,
      logsKmsKey: logsKey,
      rolePlacement,
      handler: path.join(__dirname, "functions", "warehouse-users", "handler.ts"),
      description: `Creates the warehouse's read-only QuickSight user and its grants (Redshift Data API, IAM credentials) at deploy time`,
      memorySize: 256,
      // A Serverless workgroup or a paused cluster may take minutes to answer the first statement.
      timeout: 300,
      // One run at a time (prod; dev's account quota leaves nothing to reserve).
      ...(settings.environment === "prod" ? { reservedConcurrency: 1 } : {}),
      environment: {
        [WAREHOUSE_USERS_ENV.adminUser]: warehouse.adminUsername,
        [WAREHOUSE_USERS_ENV.database]: warehouse.databaseName,
        [WAREHOUSE_USERS_ENV.host]: warehouse.endpoint,
        [WAREHOUSE_USERS_ENV.port]: warehouse.port.apply(String),
        [WAREHOUSE_USERS_ENV.readerSecretArn]: readerSecret.arn,
        [WAREHOUSE_USERS_ENV.reader]: WAREHOUSE_READER,
        [WAREHOUSE_USERS_ENV.schema]: REPORTING_SCHEMA,
        ...(warehouse.mode === "serverless"
          ? { [WAREHOUSE_USERS_ENV.workgroup]: warehouse.workgroup!.workgroupName }
          : { [WAREHOUSE_USERS_ENV.cluster]: warehouse.cluster!.clusterIdentifier }),
      },
    });
    // Serverless runs the SQL as the function's own database user (Warehouse.grantDataApiAdmin).
    warehouseUsersDbUser = warehouse.mode === "serverless" ? pulumi.interpolate`IAMR:${users.roleName}` : pulumi.output(warehouse.adminUsername);
    const userGrants = [
      warehouse.grantDataApiAdmin(users.role),
      users.addToRolePolicy("reader-secret", [
        { Sid: "WriteReaderSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], Resource: readerSecret.arn },
        // GetRandomPassword has no resource to scope to.
        { Sid: "GeneratePasswords", Effect: "Allow", Action: ["secretsmanager:GetRandomPassword"], Resource: "*" },
      ]),
      dataKey.grantEncryptDecrypt(users.role),
    ];
    const readerProvisioned = new aws.lambda.Invocation(
      "warehouse-users",
      {
        functionName: users.functionName,
        input: JSON.stringify({ action: "provision-reader" }),
        // New grants, a new user or another warehouse: the provider invokes again (the function is idempotent).
        triggers: { grants: JSON.stringify(grantStatements({ reader: WAREHOUSE_READER, schema: REPORTING_SCHEMA, tableOwner: warehouse.adminUsername })), warehouse: warehouse.arn },
      },
      // The warehouse's database, not the component: the dashboard adds an ingress rule to the component.
      { dependsOn: [...(warehouse.workgroup ? [warehouse.namespace!, warehouse.workgroup] : [warehouse.cluster!]), ...userGrants] },
    );
    new aws.secretsmanager.SecretPolicy("warehouse-reader-quicksight", {
      secretArn: readerSecret.arn,
      policy: policyDocument([
        { Sid: "QuickSightReadsTheCredentials", Effect: "Allow", Principal: { AWS: quicksightSecretsRole }, Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: readerSecret.arn },
      ]),
    });
    const warehouseDashboard = new Dashboard(
      "warehouse-events",
      {
        context,
        adminGroupArn: platform.get("quicksightAdminGroupArn"),
        source: { type: "redshift", warehouse, credentialsSecretArn: readerSecret.arn, vpcId: vpc.vpcId, subnetIds: vpc.privateSubnetIds },
        dataSet: warehouseEventsDataSet(REPORTING_SCHEMA, config.dashboardRefreshTime),
        visuals: eventsVisuals,
        title: "Events and active users (warehouse)",
        rolePlacement,
      },
      { dependsOn: [readerProvisioned] },
    );
    warehouseDashboardId = warehouseDashboard.dashboardId;
  }

  // --- Alarms: to the platform's alarm topic ---
  const alarms = new WorkloadAlarms("alarms", { context, topicArn: platform.get("alarmTopicArn") });
  alarms.function("stream-ingest", streamIngest.function);
  alarms.kinesisStream("ingest", ingest);
  alarms.deadLetterQueue("stream-ingest-failures", ingestFailures);
  alarms.table("sessions", sessions.table);
  alarms.table("activity-logs", activity.table);
  // Malformed records are kept under dead-letter/, but a rising count means a producer broke its contract.
  new aws.cloudwatch.MetricAlarm("malformed-records", {
    alarmDescription: "Runbook: producers are sending records that fail validation; read s3://<raw>/dead-letter/dt=<today>/ for the reasons and fix the producer.",
    namespace: "Analytics/Ingest",
    metricName: "MalformedRecords",
    dimensions: { service: "stream-ingest" },
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [platform.get("alarmTopicArn")],
    okActions: [platform.get("alarmTopicArn")],
    tags: tags("malformed-records"),
  });

  // --- Outputs ---
  return {
    ingestStreamName: ingest.name,
    ingestStreamArn: ingest.arn,
    rawBucketName: raw.bucketName,
    curatedBucketName: curated.bucketName,
    resultsBucketName: results.bucketName,
    sessionsTableName: sessions.tableName,
    activityTableName: activity.tableName,
    glueDatabaseName: lake.databaseName,
    athenaWorkGroupName: lake.workGroupName,
    etlJobName: lake.jobs["raw-to-curated"]!.name,
    warehouseEndpoint: warehouse.endpoint,
    warehouseAdminSecretArn: warehouse.adminSecretArn,
    warehouseCopyRoleArn: warehouse.copyRole.arn,
    sparkClusterId: spark?.clusterId,
    mlDomainId: ml.domainId,
    mlModelPackageGroupName: ml.modelPackageGroupName,
    mlDeployRoleArn: ml.deployRole.arn,
    analystRoleArn: analysts.arn,
    dataEngineerRoleArn: engineers.arn,
    eventsDashboardId,
    warehouseDashboardId,
    warehouseReaderSecretArn,
    warehouseUsersDbUser,
  };
};
