/**
 * Workload 4: the hospital's electronic health records with IoT devices (seed use case 4, HIPAA).
 * One block per service of the seed, each a component call with this workload's choices; sizes and
 * protections come from the environment profile (shared/profiles.ts) and `environmentDefaults` (config.ts).
 *
 *   bedside devices ══ MQTT/TLS, X.509, one thing each ══> IoT Core ──topic rule──> Lambda ingest-reading
 *       ingest-reading: validate ─> DynamoDB device-readings (TTL) ─> Step Functions integration workflow
 *       workflow: Normalise (FHIR Observations) ─ Store (S3 lake fhir/) ─ Alert (SNS, out of range) ─ start Glue ETL
 *                 failures ─> SQS dead letter (the topic rule's errors too)
 *   S3 lake fhir/ ──(Glue ETL, bookmarks)──> lake curated/ ──(crawlers, catalog)──> Athena ──> QuickSight (2 dashboards)
 *   clinicians' apps ──> API Gateway (WAF; Cognito, MFA) ──> Lambda patient-observations (care-team table) ──> device-readings
 *   other hospitals ══ Direct Connect (MACsec or IPsec) ══ VPC ──> internal ALB ──> EC2 EHR app servers ──> EFS, Aurora records,
 *                                                                                 S3 scanned records (object lock)
 *   CloudHSM cluster (2 AZs) ──> KMS custom key store ──> the patient-data key (prod)     CloudTrail data events on PHI
 *
 * Key custody comes first: with HSMs configured, the patient-data key lives in them, so until the
 * cluster is initialised and its key store connected (README "Key custody"), a `pulumi up` deploys
 * only the network and the cluster and says which manual step is due (output `keyCustody`).
 *
 * The platform stack (StackReference) provides the logs key, the S3 access-log bucket, the alarm
 * topic, the IAM path and boundary of every role, and whether Shield Advanced and QuickSight are on.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import {
  BackupPlan,
  Dashboard,
  quickSightAthenaRole,
  DataLake,
  DirectConnectLink,
  EncryptedBucket,
  EncryptedLogGroup,
  EncryptionKey,
  Function,
  HsmCluster,
  KeyValueTable,
  mfaRole,
  PlatformReference,
  readPlatformSwitches,
  RestApi,
  SecureVpc,
  ServiceRole,
  TransactionalDb,
  WebFirewall,
  Workflow,
  WorkloadAlarms,
} from "../../components";
import { tlsOnlyQueueStatement } from "../../components/compute/worker-fleet";
import { KmsS3WriteActions } from "../../components/security/actions";
import { policyDocument } from "../../components/security/policy-document";
import { cloudTrailDeliveryStatements } from "../../components/storage/log-delivery";
import { withTags } from "../../shared/tags";
import { appServers } from "../app-servers";
import { environmentDefaults, loadHealthRecordsConfig } from "./config";
import { OBSERVATIONS_PREFIX } from "./functions/integration/steps";
import { CARE_TEAM_TABLE, READINGS_TABLE } from "./functions/readings/table";
import { integrationWorkflowDefinition, PIPELINE_PARTITION } from "./integration-workflow";
import { hospitalPerformanceDataSet, hospitalPerformanceVisuals, lakeDatabaseName, namedQueries, publicHealthDataSet, publicHealthVisuals } from "./reports";

/** The VPC's address range (other hospitals route to it over Direct Connect, so it is fixed here). */
const VPC_CIDR = "10.50.0.0/16";
/** The records database's port (TransactionalDb's default, not PostgreSQL's 5432). */
const DB_PORT = 5433;
/** The MQTT topic tree of this stack's devices: `hospital/<stack>/devices/<thing name>/{readings,commands}`. */
const topicRoot = (stack: string) => `hospital/${stack}/devices`;
const CURATED_PREFIX = "curated/vitals/";
/** Tag on every resource that stores or moves patient data. */
const PHI = { "data-category": "phi" };

export = async () => {
  const settings = loadHealthRecordsConfig();
  const { config, profile, project, stack, region } = settings;
  const context = settings;
  const defaults = environmentDefaults[settings.environment];
  const prod = settings.environment === "prod";
  const platform = new PlatformReference(settings.platformStack);
  const { shieldAdvanced, quicksight, rolePlacement } = await readPlatformSwitches(platform, settings.platformStack, "health-records");
  const logsKey = platform.get("logsKeyArn");
  const alarmTopicArn = platform.get("alarmTopicArn");
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  const serverAccessLogs = (bucket: string) => ({ targetBucket: platform.get("accessLogsBucketName"), prefix: `${project}/${stack}/${bucket}/` });
  const tags = (name: string, extra: Record<string, string> = {}) => withTags(settings.tags, extra, `${project}-${stack}-${name}`);

  // --- VPC: isolated networks for patient data (private: servers, functions; isolated: the database, the HSMs) ---
  const vpc = new SecureVpc("network", {
    context,
    cidrBlock: VPC_CIDR,
    flowLogKey: logsKey,
    interfaceEndpoints: defaults.interfaceEndpoints,
    rolePlacement,
  });

  // --- CloudHSM: key custody for patient data (prod: 2 HSMs in 2 AZs; dev: none unless configured) ---
  const hsmCount = config.hsm.hsmCount ?? defaults.hsmCount;
  const custody =
    hsmCount > 0
      ? new HsmCluster("key-custody", {
          context,
          vpcId: vpc.vpcId,
          subnetIds: vpc.isolatedSubnetIds,
          subnetCount: vpc.availabilityZoneCount,
          hsmCount,
          ...(config.hsm.hsmType ? { hsmType: config.hsm.hsmType } : {}),
          ...(config.hsm.keyStore
            ? { keyStore: { trustAnchorCertificate: config.hsm.keyStore.trustAnchorCertificate, kmsUserPassword: pulumi.secret(config.hsmKmsUserPassword!), connected: config.hsm.keyStore.connected } }
            : {}),
          tags: PHI,
        })
      : undefined;
  if (custody && custody.status !== "ready") {
    // The patient-data key must be born in the HSMs: nothing that stores patient data is created before it.
    const next =
      custody.status === "initialise-cluster"
        ? pulumi.interpolate`due: initialise CloudHSM cluster ${custody.clusterId} (README "Key custody", steps 1-4), then set health-records:hsm.keyStore.trustAnchorCertificate and the secret health-records:hsmKmsUserPassword, and run pulumi up again`
        : pulumi.interpolate`due: connect the custom key store (aws kms connect-custom-key-store --custom-key-store-id ${custody.customKeyStoreId!}; wait for CONNECTED), then set health-records:hsm.keyStore.connected true and run pulumi up again`;
    return { keyCustody: next, hsmClusterId: custody.clusterId, hsmSecurityGroupId: custody.securityGroupId, customKeyStoreId: custody.customKeyStoreId ?? "" };
  }

  // --- KMS: the hospital's key; a key of its own for scanned records; the patient-data key (in the HSMs when they exist) ---
  const hospitalKey = new EncryptionKey("hospital", {
    context,
    description: "Hospital data at rest: records database, care-team table, shared files, server volumes, workflow, alerts, dead letters, backups",
    viaServices: ["ec2", "rds", "dynamodb", "secretsmanager", "elasticfilesystem", "sns", "sqs", "states"],
    additionalStatements: Workflow.keyPolicyStatements({ account }),
  });
  const recordsKey = new EncryptionKey("records", { context, description: "Scanned medical records (S3)", viaServices: ["s3"] });
  const patientDataKey = new EncryptionKey("patient-data", {
    context,
    description: custody ? "Patient data (device readings, FHIR lake, query results), in the CloudHSM custom key store" : "Patient data (device readings, FHIR lake, query results)",
    // Glue writes its job and crawler logs encrypted with this key (security configuration).
    servicePrincipals: ["logs"],
    viaServices: ["dynamodb", "s3"],
    ...(custody ? { customKeyStoreId: custody.customKeyStoreId! } : {}),
    tags: PHI,
  });

  // --- Direct Connect: private, encrypted links to other hospitals (off in dev unless configured) ---
  const partnerCidrs = config.directConnect?.partnerCidrs ?? [];
  const privateRouteTables = aws.ec2.getRouteTablesOutput({ vpcId: vpc.vpcId, filters: [{ name: "association.subnet-id", values: vpc.privateSubnetIds }] }).ids;
  const hospitalLink = config.directConnect
    ? new DirectConnectLink("hospital-link", {
        context,
        vpcId: vpc.vpcId,
        attachmentSubnetIds: vpc.privateSubnetIds,
        routeTables: { ids: privateRouteTables, count: vpc.availabilityZoneCount },
        connections: config.directConnect.connections,
        encryption: config.directConnect.encryption,
        ...(config.directConnect.macsecSecretArn ? { macsecSecretArn: config.directConnect.macsecSecretArn } : {}),
        allowedPrefixes: [VPC_CIDR],
        partnerCidrs,
        logsKmsKey: logsKey,
      })
    : undefined;

  // --- S3: scanned medical records (own key, object lock in compliance mode in prod, access logs) ---
  const records = new EncryptedBucket("scanned-records", {
    context,
    kmsKey: recordsKey,
    accessLogs: serverAccessLogs("scanned-records"),
    // After the active-care period scans are rarely read: Glacier Instant Retrieval keeps them one request away.
    lifecycle: { instantArchiveAfterDays: 365 },
    ...(defaults.recordsLock ? { objectLock: { mode: "COMPLIANCE" as const, days: config.recordsRetentionDays! } } : {}),
    tags: PHI,
  });

  // --- EC2 + EFS: EHR app servers behind an internal load balancer, sharing one file system ---
  const { fleet, sharedFiles } = appServers({
    context,
    vpc,
    kmsKey: hospitalKey,
    serverAccessLogs,
    ...(config.appCertificateArn !== undefined ? { certificateArn: config.appCertificateArn } : {}),
    // Clinicians' workstations and services inside the VPC, and other hospitals over Direct Connect.
    albIngressCidrs: [VPC_CIDR, ...partnerCidrs],
    appRoot: "/opt/ehr-app",
    sharedFiles: { path: "/ehr/shared", uid: 1001, gid: 1001 },
    rolePlacement,
  });

  // --- RDS: Aurora PostgreSQL for the medical records (prod: multi-AZ with a reader, 35 days of backups, IAM auth) ---
  const recordsDb = new TransactionalDb("medical-records", {
    context,
    kmsKey: hospitalKey,
    logsKmsKey: logsKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.isolatedSubnetIds,
    databaseName: "ehr",
    port: DB_PORT,
    ...(prod ? { backupRetentionDays: 35 } : {}),
    eventsTopicArn: alarmTopicArn,
    allowFrom: { "app-fleet": fleet.instanceSecurityGroupId, ...(config.databaseAdminSecurityGroupId !== undefined ? { admin: config.databaseAdminSecurityGroupId } : {}) },
    rolePlacement,
    tags: PHI,
  });
  fleet.allowTo("medical-records", recordsDb.securityGroupId, DB_PORT);
  // The app connects as `ehr_app` with an IAM token (the user is created by the app's schema migration, README).
  recordsDb.grantConnect(fleet.instanceRole, "ehr_app");
  // Scans under scans/, their metadata (one JSON object per record: patientId, department, documentType, scannedAt) under index/.
  records.grantRead(fleet.instanceRole);
  records.grantWrite(fleet.instanceRole, { prefix: "scans/" });
  records.grantWrite(fleet.instanceRole, { prefix: "index/" });

  // The app reads its settings under CONFIG_PARAMETER_PATH (app-servers.ts) at start.
  const appSetting = (name: string, value: pulumi.Input<string>, description: string) =>
    new aws.ssm.Parameter(`app-config-${name}`, { name: `/${project}/${stack}/app/config/${name}`, description, type: "String", value, tags: tags(`app-config-${name}`) });
  appSetting("records-bucket", records.bucketName, "Scanned records: scans/ (files) and index/ (one JSON object per record)");
  appSetting("db-endpoint", recordsDb.endpoint, "The medical-records database (IAM authentication as ehr_app)");
  appSetting("db-port", String(DB_PORT), "The medical-records database's port");
  appSetting("db-name", "ehr", "The medical-records database's name");

  // --- DynamoDB: raw device readings (TTL) and the care teams (who may read which patient) ---
  const readings = new KeyValueTable("device-readings", {
    context,
    kmsKey: patientDataKey,
    partitionKey: { name: READINGS_TABLE.partitionKey, type: "S" },
    sortKey: { name: READINGS_TABLE.sortKey, type: "S" },
    ttlAttribute: READINGS_TABLE.ttlAttribute,
    tags: PHI,
  });
  const careTeam = new KeyValueTable("care-team", {
    context,
    kmsKey: hospitalKey,
    partitionKey: { name: CARE_TEAM_TABLE.partitionKey, type: "S" },
    sortKey: { name: CARE_TEAM_TABLE.sortKey, type: "S" },
    ttlAttribute: CARE_TEAM_TABLE.ttlAttribute,
    tags: PHI,
  });
  // The EHR's admission and rota processes (on the app servers) keep the care teams; they read the readings.
  careTeam.grantReadWriteData(fleet.instanceRole);
  appSetting("readings-table", readings.tableName, "Raw device readings by patient (read only)");
  appSetting("care-team-table", careTeam.tableName, "Which clinician may read which patient (the admission and rota processes write it)");
  readings.grantReadData(fleet.instanceRole);
  patientDataKey.grantDecrypt(fleet.instanceRole);

  // --- S3: the readings lake (FHIR Observations, curated Parquet), Athena results, Glue's working files ---
  const zone = (name: string, extra: Partial<ConstructorParameters<typeof EncryptedBucket>[1]> = {}) =>
    new EncryptedBucket(name, { context, kmsKey: patientDataKey, bucketName: pulumi.interpolate`${project}-${stack}-${name}-${account}`, accessLogs: serverAccessLogs(name), tags: PHI, ...extra });
  // The FHIR Observations are part of the medical record: locked like the scans in prod.
  const lakeBucket = zone("readings-lake", defaults.recordsLock ? { objectLock: { mode: "COMPLIANCE" as const, days: config.recordsRetentionDays! } } : {});
  const results = zone("query-results", { lifecycle: { expireAfterDays: profile.logRetentionDays } });
  const workspace = zone("glue-workspace", { lifecycle: { expireAfterDays: 365, noncurrentExpireAfterDays: 30 } });

  // --- SNS + SQS: clinical alerts for out-of-range vitals; the dead letter of readings that could not be integrated ---
  const alerts = new aws.sns.Topic("vital-alerts", { kmsMasterKeyId: hospitalKey.keyArn, tags: tags("vital-alerts", PHI) });
  new aws.sns.TopicPolicy("vital-alerts", {
    arn: alerts.arn,
    policy: policyDocument([
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["sns:Publish", "sns:Subscribe"], Resource: alerts.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ]),
  });
  const deadLetter = new aws.sqs.Queue("readings-dead-letter", { kmsMasterKeyId: hospitalKey.keyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600, tags: tags("readings-dead-letter", PHI) });
  new aws.sqs.QueuePolicy("readings-dead-letter-tls-only", { queueUrl: deadLetter.url, policy: policyDocument([tlsOnlyQueueStatement(deadLetter.arn)]) });

  // --- Glue + Athena: catalog and crawlers over the lake and the records index, the FHIR ETL, SQL with encrypted results ---
  const databaseName = lakeDatabaseName(project, stack);
  const lake = new DataLake("lake", {
    context,
    kmsKey: patientDataKey,
    databaseName,
    crawlerTargets: [
      { name: "fhir-observations", bucket: lakeBucket, prefix: OBSERVATIONS_PREFIX },
      { name: "records-index", bucket: records, prefix: "index/" },
    ],
    etlJobs: [
      {
        name: "observations-to-curated",
        scriptPath: path.join(__dirname, "glue", "observations-to-curated.py"),
        description: "FHIR Observations (JSON) to one row per measured value, Parquet by day (started by the integration workflow at most hourly; nightly)",
        reads: [{ bucket: lakeBucket, prefix: OBSERVATIONS_PREFIX }],
        writes: [{ bucket: lakeBucket, prefix: CURATED_PREFIX }],
        arguments: { OBSERVATIONS_PATH: pulumi.interpolate`s3://${lakeBucket.bucketName}/${OBSERVATIONS_PREFIX}`, CURATED_PATH: pulumi.interpolate`s3://${lakeBucket.bucketName}/${CURATED_PREFIX}` },
        // The nightly run picks up readings of a quiet last hour (bookmarks: nothing twice).
        schedule: "cron(15 2 * * ? *)",
      },
    ],
    scriptsBucket: workspace,
    resultsBucket: results,
    bytesScannedCutoffPerQuery: prod ? 100 * 1024 ** 3 : 10 * 1024 ** 3,
    namedQueries: namedQueries(databaseName),
    rolePlacement,
    tags: PHI,
  });
  // The crawler of the records index reads scanned-record metadata, encrypted with the records key.
  if (lake.crawlerRole) recordsKey.grantDecrypt(lake.crawlerRole);
  const etlJob = lake.jobs["observations-to-curated"]!;

  // --- Lambda: real-time IoT device data (ingest), the workflow's steps, the telemedicine API; all in the VPC ---
  const prefixList = (service: string) => aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${region}.${service}` }).id;
  const awsApiCidr = prod ? VPC_CIDR : "0.0.0.0/0";
  const functionSecurityGroup = (name: string, description: string, needs: { gateways: ("dynamodb" | "s3")[]; awsApis?: boolean }) => {
    const sg = new aws.ec2.SecurityGroup(name, { vpcId: vpc.vpcId, description, tags: tags(name) });
    for (const g of needs.gateways) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-${g}`, { securityGroupId: sg.id, prefixListId: prefixList(g), ipProtocol: "tcp", fromPort: 443, toPort: 443, description: `HTTPS to ${g === "s3" ? "S3" : "DynamoDB"} (gateway endpoint)`, tags: tags(`${name}-to-${g}`) });
    }
    if (needs.awsApis) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-aws-apis`, { securityGroupId: sg.id, cidrIpv4: awsApiCidr, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: prod ? "HTTPS to the VPC's interface endpoints" : "HTTPS to AWS APIs through the NAT gateway", tags: tags(`${name}-to-aws-apis`) });
    }
    return sg;
  };
  const fn = (name: string, handler: string, description: string, sg: aws.ec2.SecurityGroup, environment: Record<string, pulumi.Input<string>>) =>
    new Function(name, {
      context,
      handler: path.join(__dirname, "functions", handler),
      description,
      kmsKey: hospitalKey,
      logsKmsKey: logsKey,
      ...defaults.functions,
      vpc: { subnetIds: vpc.privateSubnetIds, securityGroupIds: [sg.id] },
      environment,
      rolePlacement,
      tags: PHI,
    });

  const normaliseFn = fn("fhir-normalise", "integration/normalise-handler.ts", "Integration workflow: Normalise (a reading to FHIR R4 vital-signs Observations, out-of-range vitals)", functionSecurityGroup("fhir-normalise", "fhir-normalise function: no network access (pure transformation)", { gateways: [] }), {});
  const storeFn = fn(
    "store-observations",
    "integration/store-handler.ts",
    "Integration workflow: StoreObservations (the Observations as NDJSON in the readings lake, by day)",
    functionSecurityGroup("store-observations", "store-observations function: HTTPS to S3 only", { gateways: ["s3"] }),
    { READINGS_BUCKET_NAME: lakeBucket.bucketName },
  );
  lakeBucket.grantWrite(storeFn.role, { prefix: OBSERVATIONS_PREFIX });

  // --- Step Functions: IoT data-integration orchestration (Standard: each reading exactly once) ---
  const readingsTableArn = readings.tableArn;
  const workflow = new Workflow("integration", {
    context,
    kmsKey: hospitalKey,
    logsKmsKey: logsKey,
    definition: pulumi
      .all([normaliseFn.functionArn, storeFn.functionArn, alerts.arn, readings.tableName, etlJob.name, deadLetter.url])
      .apply(([normalise, store, alertTopicArn, readingsTable, etlJobName, deadLetterQueueUrl]) => integrationWorkflowDefinition({ normalise, store, alertTopicArn, readingsTable, etlJobName, deadLetterQueueUrl })),
    invokes: [normaliseFn.functionArn, storeFn.functionArn],
    additionalStatements: [
      { Sid: "AlertClinicians", Effect: "Allow", Action: ["sns:Publish"], Resource: alerts.arn },
      { Sid: "DeadLetterReadings", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: deadLetter.arn },
      // The topic and the queue are encrypted with the hospital key: publishing needs a data key, through those services only.
      { Sid: "EncryptAlertsAndDeadLetters", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: hospitalKey.keyArn, Condition: { StringEquals: { "kms:ViaService": [`sns.${region}.amazonaws.com`, `sqs.${region}.amazonaws.com`] } } },
      // Only the pipeline item: the workflow never touches a patient's readings.
      { Sid: "RecordEtlWindow", Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: readingsTableArn, Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [PIPELINE_PARTITION] } } },
      { Sid: "UsePatientDataKeyForTheTable", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: patientDataKey.keyArn },
      { Sid: "StartEtl", Effect: "Allow", Action: ["glue:StartJobRun"], Resource: etlJob.arn },
    ],
    rolePlacement,
    tags: PHI,
  });

  const ingestFn = fn(
    "ingest-reading",
    "readings/handler.ts",
    "IoT topic rule target: validates a device reading, stores it raw (TTL) and starts the integration workflow",
    functionSecurityGroup("ingest-reading", "ingest-reading function: HTTPS to DynamoDB and Step Functions only", { gateways: ["dynamodb"], awsApis: true }),
    { READINGS_TABLE_NAME: readings.tableName, STATE_MACHINE_ARN: workflow.stateMachineArn, READINGS_RETENTION_DAYS: String(config.readingsRetentionDays) },
  );
  readings.grantWriteData(ingestFn.role);
  workflow.grantStartExecution(ingestFn.role);

  const observationsFn = fn(
    "patient-observations",
    "api/observations-handler.ts",
    "GET /patients/{patientId}/observations: a clinician's patient's recent vitals (FHIR), only for patients on their care team",
    functionSecurityGroup("patient-observations", "patient-observations function: HTTPS to DynamoDB only", { gateways: ["dynamodb"] }),
    { READINGS_TABLE_NAME: readings.tableName, CARE_TEAM_TABLE_NAME: careTeam.tableName },
  );
  readings.grantReadData(observationsFn.role);
  careTeam.grantReadData(observationsFn.role);

  // --- IoT Core: one thing and X.509 certificate per device, one policy scoped by thing name, a topic rule with an error action ---
  const root = topicRoot(stack);
  const iotArn = (what: string) => pulumi.interpolate`arn:${partition}:iot:${region}:${account}:${what}`;
  const thingName = "${iot:Connection.Thing.ThingName}";
  const devicePolicy = new aws.iot.Policy("bedside-device", {
    name: `${project}-${stack}-bedside-device`,
    policy: policyDocument([
      // The client id must be the thing name of the certificate it connects with.
      { Sid: "ConnectAsItsThing", Effect: "Allow", Action: ["iot:Connect"], Resource: iotArn(`client/${thingName}`), Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } } },
      { Sid: "PublishItsReadings", Effect: "Allow", Action: ["iot:Publish"], Resource: iotArn(`topic/${root}/${thingName}/readings`) },
      { Sid: "SubscribeToItsCommands", Effect: "Allow", Action: ["iot:Subscribe"], Resource: iotArn(`topicfilter/${root}/${thingName}/commands`) },
      { Sid: "ReceiveItsCommands", Effect: "Allow", Action: ["iot:Receive"], Resource: iotArn(`topic/${root}/${thingName}/commands`) },
    ]),
    tags: tags("bedside-device"),
  });
  const thingType = new aws.iot.ThingType("bedside-monitor", { name: `${project}-${stack}-bedside-monitor`, properties: { description: "Bedside vital-signs monitor: publishes readings, receives commands" }, tags: tags("bedside-monitor") });
  const generatedKeys: Record<string, pulumi.Output<string>> = {};
  for (const device of config.devices) {
    const thing = new aws.iot.Thing(`device-${device.name}`, { name: device.name, thingTypeName: thingType.name });
    const certificate = new aws.iot.Certificate(`device-${device.name}`, { active: true, ...(device.csr ? { csr: device.csr } : {}) });
    if (!device.csr) generatedKeys[device.name] = pulumi.secret(pulumi.interpolate`${certificate.certificatePem}\n${certificate.privateKey}`);
    new aws.iot.ThingPrincipalAttachment(`device-${device.name}`, { thing: thing.name, principal: certificate.arn });
    new aws.iot.PolicyAttachment(`device-${device.name}`, { policy: devicePolicy.name, target: certificate.arn });
  }
  const ruleErrors = new ServiceRole("readings-rule-errors", { context, service: "iot.amazonaws.com", description: "IoT Core: the readings rule's error action sends failed messages to the dead-letter queue", trustConditions: { StringEquals: { "aws:SourceAccount": account } }, placement: rolePlacement });
  const ruleErrorsGrant = new aws.iam.RolePolicy("readings-rule-errors", {
    role: ruleErrors.roleName,
    policy: policyDocument([
      { Sid: "SendToDeadLetter", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: deadLetter.arn },
      { Sid: "EncryptDeadLetters", Effect: "Allow", Action: [...KmsS3WriteActions], Resource: hospitalKey.keyArn },
    ]),
  });
  const readingsRule = new aws.iot.TopicRule(
    "device-readings",
    {
      name: `${project}_${stack}_device_readings`.replace(/[^A-Za-z0-9_]/g, "_"),
      description: "Bedside readings to the ingest function; the rule adds the authenticated client id, the topic and IoT Core's receive time",
      enabled: true,
      sql: `SELECT *, clientid() AS clientId, topic() AS topic, timestamp() AS receivedAt FROM '${root}/+/readings'`,
      sqlVersion: "2016-03-23",
      lambdas: [{ functionArn: ingestFn.functionArn }],
      errorAction: { sqs: { queueUrl: deadLetter.url, roleArn: ruleErrors.arn, useBase64: false } },
      tags: tags("device-readings", PHI),
    },
    { dependsOn: [ruleErrorsGrant] },
  );
  ingestFn.grantInvoke("iot-readings-rule", { principal: "iot.amazonaws.com", sourceArn: readingsRule.arn, sourceAccount: account });

  // --- Cognito: clinicians sign in with MFA; accounts are created by the hospital, never self-service ---
  const signInPrefix = pulumi.interpolate`${project}-${stack}-${account}`;
  const clinicians = new aws.cognito.UserPool(
    "clinicians",
    {
      name: `${project}-${stack}-clinicians`,
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      mfaConfiguration: "ON",
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: { minimumLength: 14, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 1, passwordHistorySize: 24 },
      userPoolTier: "PLUS",
      userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } },
      accountRecoverySetting: { recoveryMechanisms: [{ name: "admin_only", priority: 1 }] },
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      deletionProtection: profile.deletionProtection ? "ACTIVE" : "INACTIVE",
      tags: tags("clinicians"),
    },
    { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources },
  );
  new aws.cognito.UserPoolDomain("clinicians", { domain: signInPrefix, userPoolId: clinicians.id, managedLoginVersion: 2 });
  new aws.cognito.UserGroup("clinicians", { userPoolId: clinicians.id, name: "clinicians", description: "Clinicians of the telemedicine apps (patient access comes from the care-team table)" });
  const telemedicineClient = new aws.cognito.UserPoolClient("telemedicine-app", {
    userPoolId: clinicians.id,
    name: "telemedicine-app",
    generateSecret: false,
    explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    preventUserExistenceErrors: "ENABLED",
    enableTokenRevocation: true,
    accessTokenValidity: 15,
    idTokenValidity: 15,
    refreshTokenValidity: 8,
    tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "hours" },
  });

  // --- WAF + Shield: web threats on the telemedicine API and the sign-in; DDoS ---
  const apiFirewall = new WebFirewall("api-firewall", {
    context,
    scope: "REGIONAL",
    kmsKey: logsKey,
    shieldAdvanced,
    // Telemedicine apps are HTTP clients by design: Bot Control would block them.
    botControl: "off",
    additionalManagedRuleGroups: ["AWSManagedRulesAnonymousIpList"],
  });
  new aws.wafv2.WebAclAssociation("clinicians-waf", { resourceArn: clinicians.arn, webAclArn: apiFirewall.webAclArn });
  apiFirewall.associate("app-alb", fleet.albArn);
  // Shield Advanced (when the platform subscribes) protects the load balancer; API Gateway and Cognito
  // are covered by Shield Standard and the web ACL's rate rule (README).
  apiFirewall.protect("app-alb", fleet.albArn);

  // --- API Gateway: APIs for telemedicine apps (Cognito-authenticated clinicians) ---
  const telemedicineApi = new RestApi("telemedicine-api", {
    context,
    logsKmsKey: logsKey,
    description: "Telemedicine apps: a patient's recent vital signs (FHIR), for clinicians on the patient's care team",
    routes: [{ path: "/patients/{patientId}/observations", method: "GET", function: observationsFn, authorization: "COGNITO", requestValidator: "params" }],
    cognitoUserPoolArns: [clinicians.arn],
    throttle: defaults.apiThrottle,
    webAclArn: apiFirewall.webAclArn,
  });

  // --- IAM: each role gets what it uses; health professionals (MFA, the platform's groups) assume these ---
  const humanRole = (name: string, description: string) => mfaRole(name, { description, accountId: account, placement: rolePlacement, tags: tags(name) });
  const clinicalAnalysts = humanRole("clinical-analysts", "Clinical analysts: Athena queries over the readings lake (read only)");
  lake.grantQuery(clinicalAnalysts);
  const integrationOperators = humanRole("integration-operators", "Integration operators: the workflow's executions, the dead-letter queue (redrive), the ETL job");
  new aws.iam.RolePolicy("integration-operators", {
    role: integrationOperators.name,
    policy: policyDocument([
      { Sid: "ReadExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:GetExecutionHistory", "states:ListExecutions", "states:DescribeStateMachine", "states:RedriveExecution"], Resource: [workflow.stateMachineArn, workflow.stateMachineArn.apply((a) => `${a.replace(":stateMachine:", ":execution:")}:*`)] },
      { Sid: "DrainDeadLetters", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: deadLetter.arn },
      { Sid: "ReadDeadLetters", Effect: "Allow", Action: ["kms:Decrypt"], Resource: hospitalKey.keyArn, Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } } },
      { Sid: "RunEtl", Effect: "Allow", Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"], Resource: etlJob.arn },
    ]),
  });
  // Redrive: start the workflow again with a dead-lettered reading (the workflow's key, scoped to it).
  workflow.grantStartExecution(integrationOperators);

  // --- QuickSight: public-health and hospital-performance dashboards over Athena (where the platform subscribes) ---
  const dashboards: Dashboard[] = [];
  if (quicksight) {
    // QuickSight reads through its own role: this workgroup, the catalog, the lake and the key, nothing else.
    const quicksightRole = quickSightAthenaRole("quicksight-athena", { description: "QuickSight: Athena queries over the hospital's readings lake (the dashboards' data source)", account, placement: rolePlacement, tags: tags("quicksight-athena") });
    const grants = lake.grantQuery(quicksightRole);
    for (const d of [
      { name: "public-health", title: "Public health: vital signs out of range (de-identified)", dataSet: publicHealthDataSet(databaseName), visuals: publicHealthVisuals },
      { name: "hospital-performance", title: "Hospital performance: device readings integrated", dataSet: hospitalPerformanceDataSet(databaseName), visuals: hospitalPerformanceVisuals },
    ]) {
      const dashboard = new Dashboard(
        d.name,
        { context, adminGroupArn: platform.get("quicksightAdminGroupArn"), source: { type: "athena", workGroup: lake.workGroupName, roleArn: quicksightRole.arn }, dataSet: d.dataSet, visuals: d.visuals, title: d.title, rolePlacement, tags: PHI },
        { dependsOn: grants },
      );
      new aws.quicksight.RefreshSchedule(d.name, {
        dataSetId: dashboard.dataSet.dataSetId,
        scheduleId: `${d.name}-daily`,
        schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: config.dashboardsRefreshTime, timezone: "UTC" } },
      });
      dashboards.push(dashboard);
    }
  }

  // --- Audit: every read and write of PHI objects and table items (CloudTrail data events, this project's trail) ---
  const auditTrailName = `${project}-${stack}-phi-access`;
  const auditTrailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${region}:${account}:trail/${auditTrailName}`;
  const auditLogs = new EncryptedBucket("phi-access-logs", {
    context,
    kmsKey: logsKey,
    bucketName: pulumi.interpolate`${project}-${stack}-phi-access-logs-${account}`,
    accessLogs: serverAccessLogs("phi-access-logs"),
    lifecycle: { ...(defaults.auditRetentionDays > 365 ? { archiveAfterDays: 365 } : {}), expireAfterDays: defaults.auditRetentionDays, noncurrentExpireAfterDays: 30 },
    ...(prod ? { objectLock: { mode: "COMPLIANCE" as const, days: defaults.auditRetentionDays } } : {}),
    policyStatements: (bucket) => cloudTrailDeliveryStatements({ bucketArn: bucket.arn, trailArn: auditTrailArn, account }),
  });
  const auditLogGroup = new EncryptedLogGroup("phi-access", { context, kmsKey: logsKey, logGroupName: `/aws/cloudtrail/${auditTrailName}` });
  const auditDelivery = new ServiceRole("phi-access-delivery", { context, service: "cloudtrail.amazonaws.com", description: `CloudTrail ${auditTrailName} delivers PHI access events to CloudWatch Logs`, placement: rolePlacement });
  const auditDeliveryGrant = auditLogGroup.grantWrite(auditDelivery.role);
  new aws.cloudtrail.Trail(
    "phi-access",
    {
      name: auditTrailName,
      s3BucketName: auditLogs.bucketName,
      kmsKeyId: logsKey,
      // Data events only: the platform's multi-Region trail records every management event once for the account.
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      enableLogFileValidation: true,
      enableLogging: true,
      advancedEventSelectors: [
        {
          name: "PHI objects: scanned records and the readings lake",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWiths: [pulumi.interpolate`${records.arn}/`, pulumi.interpolate`${lakeBucket.arn}/`] },
          ],
        },
        {
          name: "PHI items: device readings and care teams",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::DynamoDB::Table"] },
            { field: "resources.ARN", equals: [readings.tableArn, careTeam.tableArn] },
          ],
        },
      ],
      cloudWatchLogsGroupArn: pulumi.interpolate`${auditLogGroup.arn}:*`,
      cloudWatchLogsRoleArn: auditDelivery.arn,
      tags: tags("phi-access"),
    },
    { protect: profile.protectStatefulResources, dependsOn: [auditLogs.policy, auditDeliveryGrant] },
  );

  // --- AWS Backup: daily recovery points of the records database, the tables and the shared files ---
  const backups = new BackupPlan("backups", { context, kmsKey: hospitalKey, resources: [recordsDb.clusterArn, readings.tableArn, careTeam.tableArn, sharedFiles.fileSystemArn], rolePlacement });

  // --- Alarms: to the platform's on-call topic ---
  const alarms = new WorkloadAlarms("alarms", { context, topicArn: alarmTopicArn });
  for (const f of [ingestFn, normaliseFn, storeFn, observationsFn]) {
    const id = pulumi.resourceName(f);
    alarms.function(id, f.function);
    if (f.deadLetterQueue) alarms.deadLetterQueue(`${id}-dlq`, f.deadLetterQueue);
  }
  alarms.deadLetterQueue("readings-dead-letter", deadLetter, { deadLetterMessages: 0 });
  alarms.restApi("telemedicine-api", { apiName: telemedicineApi.api.name, stageName: telemedicineApi.stage.stageName });
  alarms.database("medical-records", recordsDb);
  alarms.table("device-readings", readings.table);
  alarms.table("care-team", careTeam.table);
  alarms.loadBalancer("app", fleet.loadBalancer);
  alarms.autoScalingGroup("app", fleet.autoScalingGroupName);
  const alarm = (name: string, description: string, metric: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>> }, threshold: number) =>
    new aws.cloudwatch.MetricAlarm(name, {
      alarmDescription: description,
      ...metric,
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [alarmTopicArn],
      okActions: [alarmTopicArn],
      tags: tags(name),
    });
  alarm("rejected-readings", "Runbook: devices are sending readings that fail validation (faulty sensor, wrong clock, old firmware); the ingest-reading log names each problem and the device", { namespace: "HealthRecords/Readings", metricName: "RejectedReadings", dimensions: { service: "ingest-reading" } }, prod ? 10 : 50);
  alarm("integration-failed", "Readings that ended in the dead-letter queue (or failed to reach it): see the execution history and the README runbook", { namespace: "AWS/States", metricName: "ExecutionsFailed", dimensions: { StateMachineArn: workflow.stateMachineArn } }, 0);
  alarm("etl-failed", "The FHIR ETL job failed: the curated zone and the dashboards are behind (Glue job run history)", { namespace: "Glue", metricName: "glue.driver.aggregate.numFailedTasks", dimensions: { JobName: etlJob.name, JobRunId: "ALL", Type: "count" } }, 0);

  // --- Outputs ---
  return {
    keyCustody: custody ? "complete: the patient-data key is in the CloudHSM custom key store" : "not used: no HSMs in this stack (health-records:hsm.hsmCount)",
    hsmClusterId: custody?.clusterId ?? "",
    customKeyStoreId: custody?.customKeyStoreId ?? "",
    patientDataKeyArn: patientDataKey.keyArn,
    iotReadingsTopic: `${root}/<thing name>/readings`,
    iotDataEndpoint: aws.iot.getEndpointOutput({ endpointType: "iot:Data-ATS" }).endpointAddress,
    deviceNames: config.devices.map((d) => d.name),
    // Only for devices without a CSR (dev simulators): certificate and private key, PEM. `pulumi stack output --show-secrets`.
    generatedDeviceCredentials: pulumi.secret(generatedKeys),
    telemedicineApiUrl: telemedicineApi.invokeUrl,
    userPoolId: clinicians.id,
    telemedicineAppClientId: telemedicineClient.id,
    readingsTableName: readings.tableName,
    careTeamTableName: careTeam.tableName,
    integrationStateMachineArn: workflow.stateMachineArn,
    readingsDeadLetterQueueUrl: deadLetter.url,
    vitalAlertsTopicArn: alerts.arn,
    scannedRecordsBucketName: records.bucketName,
    readingsLakeBucketName: lakeBucket.bucketName,
    glueDatabaseName: lake.databaseName,
    athenaWorkGroupName: lake.workGroupName,
    etlJobName: etlJob.name,
    medicalRecordsEndpoint: recordsDb.endpoint,
    medicalRecordsMasterSecretArn: recordsDb.masterUserSecretArn,
    appLoadBalancerDnsName: fleet.albDnsName,
    directConnectGatewayId: hospitalLink?.gatewayId ?? "",
    directConnectEncryption: hospitalLink?.encryption ?? "off",
    phiAccessTrailName: auditTrailName,
    backupVaultName: backups.vaultName,
    clinicalAnalystsRoleArn: clinicalAnalysts.arn,
    integrationOperatorsRoleArn: integrationOperators.arn,
    dashboardIds: dashboards.map((d) => d.dashboardId),
    shieldProtected: shieldAdvanced,
  };
};
