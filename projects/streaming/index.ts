/**
 * Workload 2: HD/4K video on demand (seed use case 2). One block per service of the seed, each a
 * component call with this workload's choices; sizes and protections come from the environment
 * profile (shared/profiles.ts) and `environmentDefaults` (config.ts).
 *
 *   studios ──> S3 uploads ──(event)──> Lambda on-upload ──> DynamoDB videos, SQS jobs
 *   SQS jobs ──> EC2 transcoding workers (ASG on queue depth, Spot, 0 in dev) ──ffmpeg HLS──> S3 renditions
 *   S3 renditions ──(master manifest event)──> Lambda on-rendition-complete ──> DynamoDB, SNS new content
 *   viewers ──> CloudFront (WAF, signed URLs/cookies, origin shield in prod) ──> S3 renditions (OAC)
 *   app backend ──> Lambda entitlement (function URL, IAM; users table) ──> CloudFront signed cookies
 *   players ──> Lambda player-events (function URL, IAM, CORS) ──> Kinesis view events
 *   Kinesis ──> Lambda views-consumer ──> DynamoDB view counters, exactly once per event (recommendations)
 *   Kinesis ──> Firehose ──> S3 view-events lake ──> Glue/Athena ──> QuickSight audience report
 *   S3 lifecycle: originals ──> Glacier Deep Archive; renditions ──> Intelligent-Tiering (instant tiers only)
 *
 * The platform stack (StackReference) provides the logs key, the S3 access-log bucket, the alarm
 * topic, the IAM path and boundary of every role, and whether QuickSight is subscribed (platform.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { createHash } from "node:crypto";
import {
  mfaRole,
  BackupPlan,
  CdnSite,
  cloudFrontLogDeliveryBucketStatement,
  cloudFrontLogDeliveryKeyStatement,
  CloudFrontOriginAccess,
  Dashboard,
  EncryptedBucket,
  EncryptionKey,
  Function,
  KeyValueTable,
  PlatformReference,
  SecureVpc,
  WebFirewall,
  WorkloadAlarms,
  bundleHandler,
} from "../../components";
import { tlsOnlyQueueStatement, WorkerFleet } from "../../components/compute/worker-fleet";
import { grantToRole, policyDocument, type PolicyStatement } from "../../components/security/policy-document";
import { KmsDecryptActions, KmsS3WriteActions } from "../../components/security/actions";
import { withTags } from "../../shared/tags";
import { environmentDefaults, loadStreamingConfig } from "./config";
import { readPlatformSwitches } from "../../components/platform/platform-switches";
import { USERS_TABLE, VIDEOS_TABLE } from "./functions/shared/tables";
import { COUNTED_EVENTS_TABLE } from "./functions/views-consumer/views-consumer";
import { audienceDataSet, audienceVisuals, viewEventsGlueColumns } from "./audience-report";
import { DebianAmiParameter, transcoderUserData } from "./workers/transcoder/boot";

/** Kinesis: what a stream reader needs (Lambda event source mapping, Firehose). */
const KinesisReadActions = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"];
/** Kinesis: what a producer needs. */
const KinesisWriteActions = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary"];

export = async () => {
  const settings = loadStreamingConfig();
  const { config, profile, project, stack } = settings;
  const context = settings;
  const defaults = environmentDefaults[settings.environment];
  const prod = settings.environment === "prod";
  const platform = new PlatformReference(settings.platformStack);
  const { quicksight, rolePlacement } = await readPlatformSwitches(platform, settings.platformStack, "streaming");
  const logsKey = platform.get("logsKeyArn");
  const account = aws.getCallerIdentityOutput().accountId;
  const serverAccessLogs = (bucket: string) => ({ targetBucket: platform.get("accessLogsBucketName"), prefix: `${project}/${stack}/${bucket}/` });
  const tags = (name: string) => withTags(settings.tags, {}, `${project}-${stack}-${name}`);
  const fn = (name: string) => path.join(__dirname, "functions", name, "handler.ts");

  // --- KMS: the streaming key encrypts the videos in S3 (and the queues, tables, stream, topic) ---
  const originAccess = new CloudFrontOriginAccess();
  const streamingKey = new EncryptionKey("streaming", {
    context,
    description: "Video streaming: uploads, renditions, metadata tables, job queues, view events, new-content topic",
    // EC2 (worker volumes, through Auto Scaling's service-linked role) and the services that use the key for this account's callers.
    viaServices: ["ec2", "sqs", "dynamodb", "kinesis", "sns", "firehose"],
    // CloudFront decrypts renditions (OAC) and its log delivery encrypts access logs.
    additionalStatements: [originAccess.keyDecryptStatement(), cloudFrontLogDeliveryKeyStatement({ account })],
  });

  // --- VPC: none in the seed for streaming, but the transcoding workers need private subnets ---
  // (no public IPs on instances: AutoScaling.5/EC2.9) with NAT egress for package repositories and
  // free S3/DynamoDB gateway endpoints, so multi-GB video transfers never pay NAT data charges.
  const vpc = new SecureVpc("network", {
    context,
    flowLogKey: logsKey,
    // Prod: Session Manager, SQS and Logs stay inside the VPC. Dev: none (USD 7.30 a month per
    // endpoint and AZ would duplicate the NAT gateway, which reaches the same APIs).
    interfaceEndpoints: defaults.interfaceEndpoints,
    rolePlacement,
  });

  // --- S3 + Glacier: originals (Deep Archive after N days) and renditions (archive when unwatched) ---
  const uploadsName = pulumi.interpolate`${project}-${stack}-uploads-${account}`;
  const renditionsName = pulumi.interpolate`${project}-${stack}-renditions-${account}`;
  // Functions first: the buckets' notifications name them (and wait for their permissions).
  const dataFunctionDefaults = { context, kmsKey: streamingKey, logsKmsKey: logsKey, rolePlacement };

  // --- DynamoDB: video metadata (GSI by status and date) and user info ---
  const videos = new KeyValueTable("videos", {
    context,
    kmsKey: streamingKey,
    partitionKey: { name: VIDEOS_TABLE.partitionKey, type: "S" },
    globalSecondaryIndexes: [
      {
        name: VIDEOS_TABLE.statusIndex.name,
        partitionKey: { name: VIDEOS_TABLE.statusIndex.partitionKey, type: "S" },
        sortKey: { name: VIDEOS_TABLE.statusIndex.sortKey, type: "S" },
      },
    ],
  });
  const users = new KeyValueTable("users", { context, kmsKey: streamingKey, partitionKey: { name: USERS_TABLE.partitionKey, type: "S" } });
  // Daily recovery points of both tables (DynamoDB.4), beside their point-in-time recovery.
  new BackupPlan("backups", { context, kmsKey: streamingKey, resources: [videos.tableArn, users.tableArn], rolePlacement });

  // --- EC2: transcoding workers, an Auto Scaling group on SQS queue depth (with a DLQ) ---
  // The worker (workers/transcoder) is bundled like the functions and published to the artifacts
  // bucket; each instance installs ffmpeg and Node.js at boot and runs it (workers/transcoder/boot.ts).
  const workerBundle = bundleHandler(path.join(__dirname, "workers", "transcoder", "main.ts"), { target: "node20", runtime: "node", sourcemap: "inline" });
  const workerBundleSha256 = createHash("sha256").update(workerBundle.code).digest("hex");
  const artifacts = new EncryptedBucket("artifacts", { context, kmsKey: streamingKey, accessLogs: serverAccessLogs("artifacts") });
  const workerObject = new aws.s3.BucketObjectv2("transcoder-worker", {
    bucket: artifacts.bucketName,
    key: `transcoder/${workerBundleSha256}.js`,
    content: workerBundle.code,
    contentType: "application/javascript",
    tags: tags("transcoder-worker"),
  });
  const workerSettingsName = `/${project}/${stack}/transcoder/settings`;
  const transcoders = new WorkerFleet("transcoders", {
    context,
    network: vpc,
    kmsKey: streamingKey,
    instanceTypes: config.transcoderInstanceTypes,
    targetBacklogPerInstance: config.transcoderBacklogPerInstance,
    queue: defaults.transcodeJobs,
    minSize: config.transcoderMinInstances ?? defaults.transcoders.minInstances,
    spot: { onDemandBaseCapacity: config.transcoderOnDemandBaseCapacity ?? defaults.transcoders.onDemandBaseCapacity, onDemandPercentageAboveBaseCapacity: config.transcoderOnDemandPercentAboveBase },
    amiParameter: config.transcoderAmiParameter ?? DebianAmiParameter,
    userData: transcoderUserData({ region: settings.region, settingsParameter: workerSettingsName, bundleSha256: workerBundleSha256, installPackages: config.transcoderAmiParameter === undefined }),
    rolePlacement,
  });

  // Failed launches and terminations reach on-call through EventBridge (Auto Scaling's own SNS
  // notifications publish as its service-linked role, which cannot use the platform topic's key).
  const fleetFailures = new aws.cloudwatch.EventRule("transcoders-failures", {
    description: "The transcoding fleet failed to launch or terminate an instance",
    eventPattern: pulumi.jsonStringify({
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"],
      detail: { AutoScalingGroupName: [transcoders.autoScalingGroupName] },
    }),
    tags: tags("transcoders-failures"),
  });
  new aws.cloudwatch.EventTarget("transcoders-failures", { rule: fleetFailures.name, arn: platform.get("alarmTopicArn") });

  // --- Lambda: upload events and new-content notifications ---
  const newContent = new aws.sns.Topic("new-content", {
    displayName: "New content",
    kmsMasterKeyId: streamingKey.keyArn,
    tags: tags("new-content"),
  });
  const onUpload = new Function("on-upload", {
    ...dataFunctionDefaults,
    handler: fn("on-upload"),
    description: "S3 upload: registers the video (UPLOADED) and queues its transcoding job",
    ...defaults.functions.onUpload,
    environment: { VIDEOS_TABLE_NAME: videos.tableName, JOB_QUEUE_URL: transcoders.queueUrl },
  });
  const onRenditionComplete = new Function("on-rendition-complete", {
    ...dataFunctionDefaults,
    handler: fn("on-rendition-complete"),
    description: "Master manifest written: marks the video PUBLISHED and announces it on the new-content topic",
    ...defaults.functions.onRenditionComplete,
    environment: { VIDEOS_TABLE_NAME: videos.tableName, NEW_CONTENT_TOPIC_ARN: newContent.arn },
  });
  const uploadPermission = onUpload.grantInvoke("uploads", { principal: "s3.amazonaws.com", sourceArn: pulumi.interpolate`arn:aws:s3:::${uploadsName}`, sourceAccount: account });
  const renditionPermission = onRenditionComplete.grantInvoke("renditions", {
    principal: "s3.amazonaws.com",
    sourceArn: pulumi.interpolate`arn:aws:s3:::${renditionsName}`,
    sourceAccount: account,
  });
  // The notification must wait for the permission (S3 checks it): the ARN output carries the dependency.
  const afterPermission = (f: Function, p: aws.lambda.Permission) => pulumi.all([f.functionArn, p.id]).apply(([arn]) => arn);

  const uploads = new EncryptedBucket("uploads", {
    context,
    kmsKey: streamingKey,
    bucketName: uploadsName,
    accessLogs: serverAccessLogs("uploads"),
    // The seed's Glacier job for originals: kept for re-transcoding, rarely read.
    lifecycle: config.originalsDeepArchiveAfterDays !== undefined ? { deepArchiveAfterDays: config.originalsDeepArchiveAfterDays } : {},
    notifications: { eventbridge: true, lambdaFunctions: [{ lambdaFunctionArn: afterPermission(onUpload, uploadPermission), events: ["s3:ObjectCreated:*"] }] },
  });
  const renditions = new EncryptedBucket("renditions", {
    context,
    kmsKey: streamingKey,
    bucketName: renditionsName,
    accessLogs: serverAccessLogs("renditions"),
    policyStatements: (bucket) => [originAccess.bucketReadStatement(bucket.arn)],
    // "Not watched for N days" is an access pattern, which only Intelligent-Tiering sees: every
    // rendition enters it at once; unwatched 30 days it costs as Infrequent Access, unwatched 90
    // days as Archive Instant Access (Glacier Instant Retrieval pricing). Every one of those tiers
    // still serves GETs in milliseconds. The opt-in Archive Access / Deep Archive Access tiers are
    // deliberately not enabled: CloudFront would get 403 InvalidObjectState mid-stream for a
    // rendition that needs a restore, so a served bucket never uses them.
    lifecycle: { intelligentTieringAfterDays: 0 },
    notifications: {
      eventbridge: true,
      lambdaFunctions: [{ lambdaFunctionArn: afterPermission(onRenditionComplete, renditionPermission), events: ["s3:ObjectCreated:*"], filterSuffix: "master.m3u8" }],
    },
  });

  // --- CloudFront: low-latency delivery, signed URLs/cookies for premium content ---
  // A viewer asks for a segment every few seconds: counting segments per IP would block a few
  // dozen viewers behind one carrier-grade NAT. Segments are cached and cheap; what is costly per
  // request is a manifest (short TTL, reaches the origin). So the rate limit counts manifests only,
  // sized for a few hundred viewers per address, and Bot Control (billed per request) skips segments.
  const segmentSuffixes = [".ts", ".m4s", ".mp4", ".aac", ".vtt"];
  const edgeFirewall = new WebFirewall("edge-firewall", {
    context,
    scope: "CLOUDFRONT",
    kmsKey: logsKey,
    rateLimit: config.cdnManifestRateLimit,
    rateLimitOnly: { endsWith: [".m3u8", ".mpd"] },
    botControlSkips: { endsWith: segmentSuffixes },
  });
  const cdnLogs = new EncryptedBucket("cdn-logs", {
    context,
    kmsKey: streamingKey,
    accessLogs: serverAccessLogs("cdn-logs"),
    lifecycle: { expireAfterDays: profile.logRetentionDays },
    policyStatements: (bucket) => [cloudFrontLogDeliveryBucketStatement({ bucketArn: bucket.arn, account })],
  });
  const cdn = new CdnSite("delivery", {
    context,
    originBucket: renditions,
    originAccess,
    webAcl: edgeFirewall,
    accessLogs: { bucket: cdnLogs },
    defaultRootObject: "index.html",
    ...(config.cdnCertificateArn !== undefined ? { certificateArn: config.cdnCertificateArn, aliases: config.deliveryDomainNames } : {}),
    signedUrls: { publicKeyPem: config.signingPublicKeyPem!, requireOnDefault: true },
    cors: { allowOrigins: config.playerOrigins!, allowCredentials: true },
    cacheBehaviors: [
      // Segments never change once written: cache long, do not re-compress video.
      ...["*.ts", "*.m4s", "*.mp4"].map((pathPattern) => ({ pathPattern, defaultTtlSeconds: defaults.cache.segmentTtlSeconds, requireSignedUrls: true, compress: false })),
      // Manifests change while a title is (re)published: short TTL.
      ...["*.m3u8", "*.mpd"].map((pathPattern) => ({ pathPattern, defaultTtlSeconds: defaults.cache.manifestTtlSeconds, requireSignedUrls: true })),
    ],
    originShieldRegion: defaults.originShield ? settings.region : false,
  });

  // The bucket answers CORS too (a player reading it through a presigned URL or a second origin).
  new aws.s3.BucketCorsConfiguration("renditions-cors", {
    bucket: renditions.bucketName,
    corsRules: [{ allowedOrigins: config.playerOrigins!, allowedMethods: ["GET", "HEAD"], allowedHeaders: ["Range", "Origin"], exposeHeaders: ["Content-Length", "Content-Range", "ETag"], maxAgeSeconds: 600 }],
  });

  // --- Browser playback: an entitlement function turns a paid viewer into signed cookies ---
  // The private half of this stack's signing key lives in this secret (the adopter puts it there
  // once: aws secretsmanager put-secret-value --secret-id <signingKeySecretArn> --secret-string file://private.pem).
  const signingKey = new aws.secretsmanager.Secret("signing-private-key", {
    description: "Private half of this stack's CloudFront signing key (PEM); its public half is streaming:signingPublicKeyPem",
    kmsKeyId: streamingKey.keyArn,
    recoveryWindowInDays: prod ? 30 : 7,
    // No rotation function: an exemption in the streaming pack-config overlay says why.
    tags: tags("signing-private-key"),
  }, { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources });
  const entitlement = new Function("entitlement", {
    ...dataFunctionDefaults,
    handler: fn("entitlement"),
    description: "Signed cookies for one video to a viewer with an active subscription (called by the application backend)",
    ...defaults.functions.entitlement,
    environment: {
      USERS_TABLE_NAME: users.tableName,
      VIDEOS_TABLE_NAME: videos.tableName,
      DELIVERY_ORIGIN: pulumi.interpolate`https://${config.deliveryDomainNames?.[0] ?? cdn.domainName}`,
      KEY_PAIR_ID: cdn.signingPublicKeyId!,
      SIGNING_KEY_SECRET_ARN: signingKey.arn,
      COOKIE_TTL_SECONDS: String(config.signedCookieTtlSeconds),
      ...(config.signedCookieDomain !== undefined ? { COOKIE_DOMAIN: config.signedCookieDomain } : {}),
    },
  });
  entitlement.addToRolePolicy("read-signing-key", [
    { Sid: "ReadSigningKey", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: signingKey.arn },
    { Sid: "DecryptSigningKey", Effect: "Allow", Action: [...KmsDecryptActions], Resource: streamingKey.keyArn },
  ]);
  // Only the application backend calls it (it authenticated the viewer): IAM auth, no CORS.
  const entitlementUrl = new aws.lambda.FunctionUrl("entitlement", { functionName: entitlement.functionName, authorizationType: "AWS_IAM" });

  // --- Kinesis: viewing events in real time (for recommendations) ---
  const viewEvents = new aws.kinesis.Stream("view-events", {
    encryptionType: "KMS",
    kmsKeyId: streamingKey.keyArn,
    retentionPeriod: config.viewEventRetentionHours ?? defaults.viewEventRetentionHours,
    streamModeDetails: { streamMode: defaults.viewEventStreamMode },
    ...(defaults.viewEventStreamMode === "PROVISIONED" ? { shardCount: config.viewEventShards ?? defaults.viewEventShards } : {}),
    tags: tags("view-events"),
  }, { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources });
  const streamStatements = (actions: string[]): PolicyStatement[] => [
    { Sid: "UseStream", Effect: "Allow", Action: actions, Resource: viewEvents.arn },
    { Sid: "UseStreamKey", Effect: "Allow", Action: actions.some((a) => a.startsWith("kinesis:Put")) ? [...KmsS3WriteActions] : [...KmsDecryptActions], Resource: streamingKey.keyArn },
  ];

  const playerEvents = new Function("player-events", {
    ...dataFunctionDefaults,
    handler: fn("player-events"),
    description: "Player viewing events (batches) into the Kinesis stream, with per-event failures",
    ...defaults.functions.playerEvents,
    environment: { VIEW_EVENTS_STREAM_ARN: viewEvents.arn },
  });
  playerEvents.addToRolePolicy("put-view-events", streamStatements(KinesisWriteActions));
  // Players sign requests with temporary credentials (e.g. a Cognito identity pool role allowed lambda:InvokeFunctionUrl).
  const playerEventsUrl = new aws.lambda.FunctionUrl("player-events", {
    functionName: playerEvents.functionName,
    authorizationType: "AWS_IAM",
    // Browsers post from the players' origins, signing with SigV4 (temporary credentials).
    cors: {
      allowOrigins: config.playerOrigins!,
      allowMethods: ["POST"],
      allowHeaders: ["content-type", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"],
      maxAge: 600,
    },
  });

  const viewsFailures = new aws.sqs.Queue("views-consumer-failures", {
    kmsMasterKeyId: streamingKey.keyArn,
    kmsDataKeyReusePeriodSeconds: 300,
    messageRetentionSeconds: 1_209_600,
    tags: tags("views-consumer-failures"),
  });
  new aws.sqs.QueuePolicy("views-consumer-failures-tls-only", { queueUrl: viewsFailures.url, policy: policyDocument([tlsOnlyQueueStatement(viewsFailures.arn)]) });
  // One marker per counted event, written in the same transaction as the counter: exact counts
  // under any parallelization factor, re-delivery or producer retry (views-consumer.ts).
  const viewEventRetentionHours = config.viewEventRetentionHours ?? defaults.viewEventRetentionHours;
  const countedViewEvents = new KeyValueTable("counted-view-events", {
    context,
    kmsKey: streamingKey,
    partitionKey: { name: COUNTED_EVENTS_TABLE.partitionKey, type: "S" },
    ttlAttribute: COUNTED_EVENTS_TABLE.ttlAttribute,
    // Not in the backup plan: an exemption in the streaming pack-config overlay says why.
  });
  const viewsConsumer = new Function("views-consumer", {
    ...dataFunctionDefaults,
    handler: fn("views-consumer"),
    description: "Counts views per video from the Kinesis stream into DynamoDB (exactly once per event)",
    ...defaults.functions.viewsConsumer,
    environment: {
      VIDEOS_TABLE_NAME: videos.tableName,
      COUNTED_EVENTS_TABLE_NAME: countedViewEvents.tableName,
      // Markers outlive every re-delivery: the stream's retention plus a day.
      MARKER_TTL_SECONDS: String((viewEventRetentionHours + 24) * 3600),
    },
  });
  const consumerReads = viewsConsumer.addToRolePolicy("read-view-events", [
    ...streamStatements(KinesisReadActions),
    { Sid: "RecordFailedBatches", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: viewsFailures.arn },
    { Sid: "EncryptFailedBatches", Effect: "Allow", Action: [...KmsS3WriteActions], Resource: streamingKey.keyArn },
  ]);
  new aws.lambda.EventSourceMapping(
    "views-consumer",
    {
      functionName: viewsConsumer.functionArn,
      eventSourceArn: viewEvents.arn,
      startingPosition: "TRIM_HORIZON",
      ...defaults.viewsConsumer,
      bisectBatchOnFunctionError: true,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: viewsFailures.arn } },
      tags: tags("views-consumer"),
    },
    { dependsOn: [consumerReads] },
  );

  // --- QuickSight: audience and video performance report (only where the platform subscribes) ---
  // View events land in S3 through Firehose in both environments (the lake recommendations read);
  // the Glue table, Athena workgroup and dashboard exist only when the platform reports QuickSight
  // active, decided from the platform's state before any resource is registered (platform.ts).
  const lake = new EncryptedBucket("view-events-lake", { context, kmsKey: streamingKey, accessLogs: serverAccessLogs("view-events-lake") });
  const firehoseRole = new aws.iam.Role("view-events-delivery", {
    description: "Firehose: reads the view-events stream, writes the view-events lake",
    path: rolePlacement.path,
    ...(rolePlacement.permissionsBoundaryArn !== undefined ? { permissionsBoundary: rolePlacement.permissionsBoundaryArn } : {}),
    assumeRolePolicy: policyDocument([
      { Sid: "FirehoseAssumesRole", Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": account } } },
    ]),
    tags: tags("view-events-delivery"),
  });
  const firehoseReads = grantToRole(viewEvents, "view-events", firehoseRole, "read", streamStatements(KinesisReadActions));
  const firehoseWrites = lake.grantWrite(firehoseRole);
  const delivery = new aws.kinesis.FirehoseDeliveryStream(
    "view-events",
    {
      destination: "extended_s3",
      kinesisSourceConfiguration: { kinesisStreamArn: viewEvents.arn, roleArn: firehoseRole.arn },
      extendedS3Configuration: {
        roleArn: firehoseRole.arn,
        bucketArn: lake.arn,
        kmsKeyArn: streamingKey.keyArn,
        prefix: "view-events/dt=!{timestamp:yyyy-MM-dd}/",
        errorOutputPrefix: "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
        compressionFormat: "GZIP",
      },
      tags: tags("view-events-delivery"),
    },
    { dependsOn: [firehoseReads, firehoseWrites] },
  );

  let audienceDashboardId: pulumi.Output<string> | undefined;
  if (quicksight) {
    const databaseName = `${project}_${stack}_audience`.replace(/-/g, "_");
    const catalog = new aws.glue.CatalogDatabase("audience", { name: databaseName, description: "Viewing events for the audience report", tags: tags("audience") });
    const viewEventsTable = new aws.glue.CatalogTable("view-events", {
      databaseName: catalog.name,
      name: "view_events",
      tableType: "EXTERNAL_TABLE",
      parameters: { classification: "json", "projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd", "projection.dt.range": "2025-01-01,NOW", "storage.location.template": pulumi.interpolate`s3://${lake.bucketName}/view-events/dt=\${dt}/` },
      partitionKeys: [{ name: "dt", type: "string" }],
      storageDescriptor: {
        location: pulumi.interpolate`s3://${lake.bucketName}/view-events/`,
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
        columns: viewEventsGlueColumns,
      },
    });
    const results = new EncryptedBucket("athena-results", { context, kmsKey: streamingKey, accessLogs: serverAccessLogs("athena-results"), lifecycle: { expireAfterDays: profile.logRetentionDays } });
    const workGroup = new aws.athena.Workgroup("audience", {
      name: `${project}-${stack}-audience`,
      forceDestroy: !prod,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        resultConfiguration: { outputLocation: pulumi.interpolate`s3://${results.bucketName}/`, encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: streamingKey.keyArn } },
      },
      tags: tags("audience"),
    });
    // QuickSight reads through its own role for this source: the lake (and its key), the Glue
    // table, the workgroup, and the results bucket where Athena writes what QuickSight reads back.
    const quicksightRole = new aws.iam.Role("audience-quicksight", {
      description: "QuickSight's role for the audience report's Athena data source",
      path: rolePlacement.path,
      ...(rolePlacement.permissionsBoundaryArn !== undefined ? { permissionsBoundary: rolePlacement.permissionsBoundaryArn } : {}),
      assumeRolePolicy: policyDocument([
        { Sid: "QuickSightAssumesRole", Effect: "Allow", Principal: { Service: "quicksight.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } },
      ]),
      tags: tags("audience-quicksight"),
    });
    lake.grantRead(quicksightRole, { prefix: "view-events/" });
    results.grantRead(quicksightRole);
    results.grantWrite(quicksightRole, { aclCheck: true });
    const region = settings.region;
    grantToRole(workGroup, "audience-workgroup", quicksightRole, "query", [
      {
        Sid: "QueryAudienceWorkgroup",
        Effect: "Allow",
        Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"],
        Resource: workGroup.arn,
      },
      {
        Sid: "ReadAudienceCatalog",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        Resource: [
          pulumi.interpolate`arn:aws:glue:${region}:${account}:catalog`,
          pulumi.interpolate`arn:aws:glue:${region}:${account}:database/${catalog.name}`,
          pulumi.interpolate`arn:aws:glue:${region}:${account}:table/${catalog.name}/${viewEventsTable.name}`,
        ],
      },
    ]);
    const dashboard = new Dashboard("audience", {
      context,
      adminGroupArn: platform.get("quicksightAdminGroupArn"),
      source: { type: "athena", workGroup: workGroup.name, roleArn: quicksightRole.arn },
      dataSet: audienceDataSet(databaseName),
      visuals: audienceVisuals,
      title: "Audience and video performance",
      rolePlacement,
    });
    // The data set is SPICE (imported): refresh it daily, or the report shows the first import forever.
    new aws.quicksight.RefreshSchedule("audience-daily", {
      dataSetId: dashboard.dataSet.dataSetId,
      scheduleId: "daily-full-refresh",
      schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "02:00", timezone: "UTC" } },
    });
    audienceDashboardId = dashboard.dashboardId;
  }

  // What the worker reads at start (no secrets: names and the ladder).
  const workerSettings = new aws.ssm.Parameter("transcoder-settings", {
    name: workerSettingsName,
    type: "String",
    description: "Transcoding worker settings (workers/transcoder/main.ts)",
    value: pulumi.jsonStringify({
      queueUrl: transcoders.queueUrl,
      renditionsBucket: renditions.bucketName,
      autoScalingGroupName: transcoders.autoScalingGroupName,
      visibilityTimeoutSeconds: defaults.transcodeJobs.visibilityTimeoutSeconds,
      segmentSeconds: config.transcodeSegmentSeconds,
      ladder: config.transcodeRenditions,
      workerBundle: pulumi.interpolate`s3://${workerObject.bucket}/${workerObject.key}`,
    }),
    tags: tags("transcoder-settings"),
  });

  // --- IAM: what each role uses, through the components' grant methods ---
  // Workers: read originals, write renditions (and read them: HeadObject finds a finished job),
  // read their own bundle and settings.
  uploads.grantRead(transcoders.instanceRole);
  renditions.grantWrite(transcoders.instanceRole);
  renditions.grantRead(transcoders.instanceRole);
  artifacts.grantRead(transcoders.instanceRole, { prefix: "transcoder/" });
  grantToRole(workerSettings, "transcoder-settings", transcoders.instanceRole, "read", [
    { Sid: "ReadWorkerSettings", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: workerSettings.arn },
  ]);
  videos.grantReadWriteData(onUpload.role);
  transcoders.grantSendJobs(onUpload.role);
  videos.grantReadWriteData(onRenditionComplete.role);
  onRenditionComplete.addToRolePolicy("publish-new-content", [
    { Sid: "PublishNewContent", Effect: "Allow", Action: ["sns:Publish"], Resource: newContent.arn },
    { Sid: "EncryptNewContent", Effect: "Allow", Action: [...KmsS3WriteActions], Resource: streamingKey.keyArn },
  ]);
  videos.grantReadWriteData(viewsConsumer.role);
  // users: written by the subscription/billing system (administrators' role here), read by entitlement.
  users.grantReadData(entitlement.role);
  videos.grantReadData(entitlement.role);
  countedViewEvents.grantReadWriteData(viewsConsumer.role);

  // Developers and administrators of this project's resources: assumed from this account with MFA.
  const humanRole = (name: string, description: string) => mfaRole(name, { description, accountId: account, placement: rolePlacement, tags: tags(name) });
  const developers = humanRole("developers", "Streaming developers: read videos, metadata and view events");
  uploads.grantRead(developers);
  renditions.grantRead(developers);
  videos.grantReadData(developers);
  users.grantReadData(developers);
  grantToRole(viewEvents, "view-events", developers, "read", streamStatements(KinesisReadActions));
  const administrators = humanRole("administrators", "Streaming administrators: manage videos, metadata and transcoding jobs");
  uploads.grantRead(administrators);
  uploads.grantWrite(administrators);
  renditions.grantRead(administrators);
  renditions.grantWrite(administrators);
  videos.grantReadWriteData(administrators);
  users.grantReadWriteData(administrators);
  transcoders.grantSendJobs(administrators);
  grantToRole(viewEvents, "view-events", administrators, "read", streamStatements(KinesisReadActions));

  // --- Alarms: to the platform's alarm topic, each with its runbook ---
  // Prod watches everything. Dev watches the dead-letter queues only (lost work; USD 0.10 a month
  // each, inside CloudWatch's free 10 alarms): the rest would page on test noise.
  const alarms = new WorkloadAlarms("alarms", { context, topicArn: platform.get("alarmTopicArn") });
  const functions = { "on-upload": onUpload, "on-rendition-complete": onRenditionComplete, "player-events": playerEvents, "views-consumer": viewsConsumer, entitlement };
  if (transcoders.deadLetterQueueName) alarms.deadLetterQueue("transcode-jobs", transcoders.deadLetterQueueName);
  alarms.deadLetterQueue("views-consumer-failures", viewsFailures);
  for (const [name, f] of Object.entries(functions)) if (f.deadLetterQueue) alarms.deadLetterQueue(`${name}-events`, f.deadLetterQueue);
  if (prod) {
    for (const [name, f] of Object.entries(functions)) alarms.function(name, f.functionName);
    // A job waits for a worker at most while the fleet scales out (about 5 minutes) plus one job's length.
    alarms.queueAge("transcode-jobs", transcoders.queueName, { queueAgeSeconds: defaults.transcodeJobs.visibilityTimeoutSeconds });
    alarms.autoScalingGroup("transcoders", transcoders.autoScalingGroupName);
    alarms.kinesisStream("view-events", viewEvents);
    alarms.distribution("delivery", { id: cdn.distributionId });
    alarms.table("videos", videos.tableName);
    alarms.table("users", users.tableName);
    alarms.table("counted-view-events", countedViewEvents.tableName);
  }

  // --- Outputs ---
  return {
    deliveryDomainName: cdn.domainName,
    deliveryDistributionId: cdn.distributionId,
    signingKeyGroupId: cdn.keyGroupId,
    uploadsBucketName: uploads.bucketName,
    renditionsBucketName: renditions.bucketName,
    videosTableName: videos.tableName,
    usersTableName: users.tableName,
    transcodeQueueUrl: transcoders.queueUrl,
    transcodeDeadLetterQueueArn: transcoders.deadLetterQueueArn,
    viewEventsStreamArn: viewEvents.arn,
    viewEventsDeliveryName: delivery.name,
    region: settings.region,
    playerEventsUrl: playerEventsUrl.functionUrl,
    playerEventsFunctionName: playerEvents.functionName,
    entitlementUrl: entitlementUrl.functionUrl,
    signingKeySecretArn: signingKey.arn,
    newContentTopicArn: newContent.arn,
    developerRoleArn: developers.arn,
    administratorRoleArn: administrators.arn,
    audienceDashboardId,
  };
};
