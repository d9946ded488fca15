/**
 * Workload 3: the digital bank behind a mobile app (seed use case 3). One block per service of the
 * seed, each a component call with this workload's choices; sizes and protections come from the
 * environment profile (shared/profiles.ts) and `environmentDefaults` (config.ts).
 *
 *   mobile app ──> API Gateway (WAF; Cognito, MFA) ──> Lambda start-transfer ──> Step Functions transfer workflow
 *   partners ──> custom domain (mutual TLS) ──> API Gateway (WAF; API keys meter) ──> Lambda partner-credit ──┘
 *   workflow: Validate ─ FraudCheck ─ ReserveFunds ─ PostToLedger ─ RecordHistory ─ Notify (compensation: release)
 *                 └────────── Aurora ledger ──────────┘        DynamoDB history      SNS
 *   partner data centres ══ Direct Connect (MACsec or IPsec) ══ VPC ──> internal ALB ──> EC2 app servers ──> EFS
 *   QuickSight ──> Aurora ledger (read-only user)     AWS Backup ──> Aurora, DynamoDB     S3 documents (object lock)
 *
 * The platform stack (StackReference) provides the logs key, the S3 access-log bucket, the alarm
 * topic, the IAM path and boundary of every role, and whether Shield Advanced and QuickSight are on.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import {
  BackupPlan,
  Dashboard,
  DirectConnectLink,
  EncryptedBucket,
  EncryptionKey,
  Function,
  KeyValueTable,
  PlatformReference,
  readPlatformSwitches,
  RestApi,
  SecureVpc,
  TransactionalDb,
  WebFirewall,
  Workflow,
} from "../../components";
import { WorkloadAlarms } from "../../components/observability/workload-alarms";
import { policyDocument } from "../../components/security/policy-document";
import { withTags } from "../../shared/tags";
import { appServers } from "../app-servers";
import { environmentDefaults, loadBankingConfig } from "./config";
import { ACTIVITY_TABLE } from "./functions/start-transfer/start-transfer";
import { HISTORY_TABLE } from "./functions/transfer/history";
import { financialDataSet, financialVisuals, usageDataSet, usageVisuals } from "./reports";
import { transferWorkflowDefinition } from "./transfer-workflow";

/** The VPC's address range (partners route to it over Direct Connect, so it is fixed here, not defaulted). */
const VPC_CIDR = "10.40.0.0/16";

export = async () => {
  const settings = loadBankingConfig();
  const { config, profile, project, stack, region } = settings;
  const context = settings;
  const defaults = environmentDefaults[settings.environment];
  const prod = settings.environment === "prod";
  const platform = new PlatformReference(settings.platformStack);
  const { shieldAdvanced, quicksight, rolePlacement } = await readPlatformSwitches(platform, settings.platformStack, "banking");
  const logsKey = platform.get("logsKeyArn");
  const alarmTopicArn = platform.get("alarmTopicArn");
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  const serverAccessLogs = (bucket: string) => ({ targetBucket: platform.get("accessLogsBucketName"), prefix: `${project}/${stack}/${bucket}/` });
  const tags = (name: string) => withTags(settings.tags, {}, `${project}-${stack}-${name}`);

  // --- VPC: isolated networks for bank data (private: servers, functions; isolated: the ledger) ---
  const vpc = new SecureVpc("network", {
    context,
    cidrBlock: VPC_CIDR,
    flowLogKey: logsKey,
    // prod: every AWS API the functions and servers call through an interface endpoint (nothing over
    // the internet); dev: through its NAT gateway (endpoints would cost more than dev's budget).
    interfaceEndpoints: defaults.interfaceEndpoints,
    rolePlacement,
  });

  // --- KMS: the bank's key (ledger, tables, files, volumes, workflow, topic) and a key of its own for documents ---
  const bankKey = new EncryptionKey("bank", {
    context,
    description: "Bank data at rest: ledger, activity and history tables, shared files, server volumes, transfer workflow, notifications, backups",
    viaServices: ["ec2", "rds", "dynamodb", "secretsmanager", "elasticfilesystem", "sns", "states"],
    additionalStatements: Workflow.keyPolicyStatements({ account }),
  });
  const documentsKey = new EncryptionKey("documents", {
    context,
    description: "Customer documents and transaction receipts (S3)",
    viaServices: ["s3"],
  });

  // --- Direct Connect: private, encrypted links to partner banks' data centres (off in dev unless configured) ---
  const partnerCidrs = config.directConnect?.partnerCidrs ?? [];
  const privateRouteTables = aws.ec2.getRouteTablesOutput({ vpcId: vpc.vpcId, filters: [{ name: "association.subnet-id", values: vpc.privateSubnetIds }] }).ids;
  const partnerLink = config.directConnect
    ? new DirectConnectLink("partner-link", {
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

  // --- S3: customer documents and transaction receipts (object lock, compliance mode, in prod) ---
  const documents = new EncryptedBucket("documents", {
    context,
    kmsKey: documentsKey,
    accessLogs: serverAccessLogs("documents"),
    ...(defaults.documentLock ? { objectLock: { mode: "COMPLIANCE" as const, days: config.documentRetentionDays! } } : {}),
  });

  // --- EC2 + EFS: app servers behind an internal load balancer (no public ALB: customers come
  // through API Gateway), running the release their parameter names, sharing one file system ---
  const { fleet, sharedFiles } = appServers({
    context,
    vpc,
    kmsKey: bankKey,
    serverAccessLogs,
    ...(config.appCertificateArn !== undefined ? { certificateArn: config.appCertificateArn } : {}),
    // Staff and services inside the VPC, and the partner banks over Direct Connect.
    albIngressCidrs: [VPC_CIDR, ...partnerCidrs],
    appRoot: "/opt/bank-app",
    sharedFiles: { path: "/bank/shared", uid: 1001, gid: 1001 },
    rolePlacement,
  });

  // --- RDS: Aurora PostgreSQL for accounts and the ledger (prod: multi-AZ, 35 days of backups, IAM auth) ---
  const ledger = new TransactionalDb("ledger", {
    context,
    kmsKey: bankKey,
    logsKmsKey: logsKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.isolatedSubnetIds,
    databaseName: "bank",
    ...(prod ? { backupRetentionDays: 35 } : {}),
    eventsTopicArn: alarmTopicArn,
    ...(config.databaseAdminSecurityGroupId !== undefined ? { allowFrom: { admin: config.databaseAdminSecurityGroupId } } : {}),
    rolePlacement,
  });

  // --- DynamoDB: activity logs (expire) and transaction history (kept), streams on, PITR, the bank's key ---
  const activity = new KeyValueTable("activity-log", {
    context,
    kmsKey: bankKey,
    partitionKey: { name: ACTIVITY_TABLE.partitionKey, type: "S" },
    sortKey: { name: ACTIVITY_TABLE.sortKey, type: "S" },
    ttlAttribute: ACTIVITY_TABLE.ttlAttribute,
    stream: "NEW_IMAGE",
  });
  const history = new KeyValueTable("transaction-history", {
    context,
    kmsKey: bankKey,
    partitionKey: { name: HISTORY_TABLE.partitionKey, type: "S" },
    sortKey: { name: HISTORY_TABLE.sortKey, type: "S" },
    stream: "NEW_AND_OLD_IMAGES",
  });

  // --- SNS: customer notifications (the mobile push service subscribes) ---
  const notifications = new aws.sns.Topic("notifications", { kmsMasterKeyId: bankKey.keyArn, tags: tags("notifications") });
  new aws.sns.TopicPolicy("notifications", {
    arn: notifications.arn,
    policy: policyDocument([
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["sns:Publish", "sns:Subscribe"], Resource: notifications.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ]),
  });

  // --- Lambda: real-time transactions (the workflow's steps, the API's handlers), all in the VPC ---
  const dynamodbPrefixList = aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${region}.dynamodb` }).id;
  // prod reaches AWS APIs through the interface endpoints (inside the VPC); dev through its NAT gateway.
  const awsApiCidr = prod ? VPC_CIDR : "0.0.0.0/0";
  const functionSecurityGroup = (name: string, description: string, needs: { dynamodb?: boolean; awsApis?: boolean; ledger?: boolean }) => {
    const sg = new aws.ec2.SecurityGroup(name, { vpcId: vpc.vpcId, description, tags: tags(name) });
    if (needs.dynamodb) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-dynamodb`, { securityGroupId: sg.id, prefixListId: dynamodbPrefixList, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: "HTTPS to DynamoDB (gateway endpoint)", tags: tags(`${name}-to-dynamodb`) });
    }
    if (needs.awsApis) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-aws-apis`, { securityGroupId: sg.id, cidrIpv4: awsApiCidr, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: prod ? "HTTPS to the VPC's interface endpoints" : "HTTPS to AWS APIs through the NAT gateway", tags: tags(`${name}-to-aws-apis`) });
    }
    if (needs.ledger) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-ledger`, { securityGroupId: sg.id, referencedSecurityGroupId: ledger.securityGroupId, ipProtocol: "tcp", fromPort: ledger.port, toPort: ledger.port, description: "PostgreSQL to the ledger", tags: tags(`${name}-to-ledger`) });
      ledger.allowFrom(name, sg.id);
    }
    return sg;
  };
  const inVpc = (sg: aws.ec2.SecurityGroup) => ({ subnetIds: vpc.privateSubnetIds, securityGroupIds: [sg.id] });
  const fn = (name: string, handler: string, description: string, sg: aws.ec2.SecurityGroup, environment: Record<string, pulumi.Input<string>>, sizing: { memorySize: number; timeout: number; reservedConcurrency?: number }, extra: Partial<{ bundleExternal: string[] }> = {}) =>
    new Function(name, { context, handler: path.join(__dirname, "functions", handler), description, kmsKey: bankKey, logsKmsKey: logsKey, ...sizing, vpc: inVpc(sg), environment, rolePlacement, ...extra });

  const ledgerDbUser = "transfers";
  const ledgerFn = fn(
    "transfer-ledger",
    "transfer/ledger-handler.ts",
    "Transfer workflow: Validate, ReserveFunds, PostToLedger, ReleaseReservation (Aurora ledger, one transaction each, idempotent)",
    functionSecurityGroup("transfer-ledger", "transfer-ledger function: PostgreSQL to the ledger only", { ledger: true }),
    {
      DB_HOST: ledger.endpoint,
      DB_PORT: ledger.port.apply(String),
      DB_USER: ledgerDbUser,
      DB_NAME: ledger.databaseName,
      // Node 20+ Lambda runtimes no longer trust the RDS CAs by default; the runtime ships them here.
      NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
    },
    defaults.steps,
    { bundleExternal: ["pg-native"] },
  );
  const fraudFn = fn(
    "fraud-check",
    "transfer/fraud-check-handler.ts",
    "Transfer workflow: FraudCheck (limits per transfer and per 24 hours, from the transaction history)",
    functionSecurityGroup("fraud-check", "fraud-check function: HTTPS to DynamoDB only", { dynamodb: true }),
    { HISTORY_TABLE_NAME: history.tableName, FRAUD_MAX_SINGLE_CENTS: String(config.fraudLimits.maxSingleCents), FRAUD_MAX_DAILY_CENTS: String(config.fraudLimits.maxDailyCents) },
    { memorySize: defaults.steps.memorySize, timeout: defaults.steps.timeout },
  );
  const historyFn = fn(
    "record-history",
    "transfer/record-history-handler.ts",
    "Transfer workflow: RecordHistory (the debit and the credit in the transaction-history table)",
    functionSecurityGroup("record-history", "record-history function: HTTPS to DynamoDB only", { dynamodb: true }),
    { HISTORY_TABLE_NAME: history.tableName },
    { memorySize: defaults.steps.memorySize, timeout: defaults.steps.timeout },
  );
  const notifyFn = fn(
    "notify",
    "transfer/notify-handler.ts",
    "Transfer workflow: Notify (the customer, through the notifications topic)",
    functionSecurityGroup("notify", "notify function: HTTPS to SNS only", { awsApis: true }),
    { NOTIFICATIONS_TOPIC_ARN: notifications.arn },
    { memorySize: defaults.steps.memorySize, timeout: defaults.steps.timeout },
  );

  // --- Step Functions: the transfer workflow (Standard: exactly once), logged in full, traced, the bank's key ---
  const workflow = new Workflow("transfers", {
    context,
    kmsKey: bankKey,
    logsKmsKey: logsKey,
    definition: pulumi
      .all([ledgerFn.functionArn, fraudFn.functionArn, historyFn.functionArn, notifyFn.functionArn])
      .apply(([ledger, fraudCheck, recordHistory, notify]) => transferWorkflowDefinition({ ledger, fraudCheck, recordHistory, notify })),
    invokes: [ledgerFn.functionArn, fraudFn.functionArn, historyFn.functionArn, notifyFn.functionArn],
    rolePlacement,
  });

  const starterEnv = { STATE_MACHINE_ARN: workflow.stateMachineArn, ACTIVITY_TABLE_NAME: activity.tableName, ACTIVITY_RETENTION_DAYS: String(config.activityRetentionDays) };
  const startTransfer = fn(
    "start-transfer",
    "start-transfer/handler.ts",
    "POST /transfers: starts the transfer workflow for the signed-in customer, once per Idempotency-Key",
    functionSecurityGroup("start-transfer", "start-transfer function: HTTPS to Step Functions and DynamoDB only", { dynamodb: true, awsApis: true }),
    starterEnv,
    defaults.startTransfer,
  );
  const partnerCredit = config.partnerApi
    ? fn(
        "partner-credit",
        "start-transfer/partner-handler.ts",
        "POST /partners/credits: a partner bank (mutual TLS) credits a customer from its settlement account",
        functionSecurityGroup("partner-credit", "partner-credit function: HTTPS to Step Functions and DynamoDB only", { dynamodb: true, awsApis: true }),
        { ...starterEnv, PARTNERS: config.partnerApi.partners.join(",") },
        { memorySize: defaults.startTransfer.memorySize, timeout: defaults.startTransfer.timeout },
      )
    : undefined;

  // --- Cognito: customers sign in with MFA (TOTP or passkeys; no SMS), threat protection enforced ---
  const signInPrefix = pulumi.interpolate`${project}-${stack}-${account}`;
  const signInDomain = pulumi.interpolate`${signInPrefix}.auth.${region}.amazoncognito.com`;
  const userPool = new aws.cognito.UserPool("customers", {
    name: `${project}-${stack}-customers`,
    usernameAttributes: ["email"],
    autoVerifiedAttributes: ["email"],
    mfaConfiguration: "ON",
    softwareTokenMfaConfiguration: { enabled: true },
    // Passkeys are bound to the user pool's domain (below); user verification (biometrics or PIN) required.
    webAuthnConfiguration: { userVerification: "required", relyingPartyId: signInDomain },
    signInPolicy: { allowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] },
    passwordPolicy: { minimumLength: 14, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 1, passwordHistorySize: 24 },
    // Threat protection (adaptive authentication, compromised credentials) needs the Plus tier.
    userPoolTier: "PLUS",
    userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } },
    accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
    adminCreateUserConfig: { allowAdminCreateUserOnly: false },
    deletionProtection: profile.deletionProtection ? "ACTIVE" : "INACTIVE",
    tags: tags("customers"),
  }, { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources });
  new aws.cognito.UserPoolDomain("customers", { domain: signInPrefix, userPoolId: userPool.id, managedLoginVersion: 2 });
  const appClient = new aws.cognito.UserPoolClient("mobile-app", {
    userPoolId: userPool.id,
    name: "mobile-app",
    generateSecret: false,
    explicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    preventUserExistenceErrors: "ENABLED",
    enableTokenRevocation: true,
    accessTokenValidity: 15,
    idTokenValidity: 15,
    refreshTokenValidity: 12,
    tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "hours" },
  });

  // --- WAF + Shield: web threats on the APIs and the sign-in; DDoS ---
  const apiFirewall = new WebFirewall("api-firewall", {
    context,
    scope: "REGIONAL",
    kmsKey: logsKey,
    shieldAdvanced,
    // Mobile and partner clients are HTTP libraries by design: Bot Control would block them.
    botControl: "off",
    additionalManagedRuleGroups: ["AWSManagedRulesAnonymousIpList"],
  });
  new aws.wafv2.WebAclAssociation("customers-waf", { resourceArn: userPool.arn, webAclArn: apiFirewall.webAclArn });
  // The internal load balancer is reached by partner networks over Direct Connect: the same rules apply.
  apiFirewall.associate("app-alb", fleet.albArn);
  // Shield Advanced (when the platform subscribes) protects what it can here: the load balancer.
  // API Gateway's regional endpoints and Cognito are covered by Shield Standard and the web ACL's
  // rate rule; Shield Advanced cannot protect them directly (README).
  apiFirewall.protect("app-alb", fleet.albArn);

  // --- API Gateway: the mobile app (Cognito) and partners (mutual TLS; API keys only meter) ---
  const transferRequest = {
    $schema: "http://json-schema.org/draft-04/schema#",
    title: "Transfer",
    type: "object",
    required: ["sourceAccountId", "destinationAccountId", "amount", "currency"],
    properties: {
      sourceAccountId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
      destinationAccountId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
      amount: { type: "string", pattern: "^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,2})?$" },
      currency: { type: "string", pattern: "^[A-Z]{3}$" },
      reference: { type: "string", maxLength: 140 },
    },
    additionalProperties: false,
  };
  const mobileApi = new RestApi("mobile-api", {
    context,
    logsKmsKey: logsKey,
    description: "The bank's mobile app: transfers for the signed-in customer (Cognito, MFA)",
    routes: [{ path: "/transfers", method: "POST", function: startTransfer, authorization: "COGNITO", requestModel: transferRequest }],
    cognitoUserPoolArns: [userPool.arn],
    throttle: defaults.apiThrottle,
    webAclArn: apiFirewall.webAclArn,
  });
  let partnerApi: RestApi | undefined;
  let partnerDomain: aws.apigateway.DomainName | undefined;
  if (config.partnerApi && partnerCredit) {
    const { properties, required } = transferRequest;
    const { sourceAccountId: _payer, ...creditProperties } = properties;
    partnerApi = new RestApi("partner-api", {
      context,
      logsKmsKey: logsKey,
      description: "Partner banks: credits to customers' accounts (mutual TLS on the custom domain; API keys for usage plans)",
      routes: [
        {
          path: "/partners/credits",
          method: "POST",
          function: partnerCredit,
          // Authentication is the client certificate, verified on the domain below; the key meters the plan.
          authorization: "NONE",
          apiKeyRequired: true,
          requestModel: { ...transferRequest, title: "Credit", properties: creditProperties, required: required.filter((r) => r !== "sourceAccountId") },
        },
      ],
      throttle: defaults.apiThrottle,
      usagePlans: [{ name: "partners", partners: config.partnerApi.partners, ...defaults.partnerPlan }],
      webAclArn: apiFirewall.webAclArn,
      // Only the mutual-TLS domain reaches it: the default endpoint cannot ask for client certificates.
      disableExecuteApiEndpoint: true,
    });
    partnerDomain = new aws.apigateway.DomainName("partner-api", {
      domainName: config.partnerApi.domainName,
      regionalCertificateArn: config.partnerApi.certificateArn,
      endpointConfiguration: { types: "REGIONAL" },
      securityPolicy: "TLS_1_2",
      mutualTlsAuthentication: { truststoreUri: config.partnerApi.truststoreUri, ...(config.partnerApi.truststoreVersion ? { truststoreVersion: config.partnerApi.truststoreVersion } : {}) },
      tags: tags("partner-api"),
    });
    new aws.apigateway.BasePathMapping("partner-api", { domainName: partnerDomain.domainName, restApi: partnerApi.restApiId, stageName: partnerApi.stage.stageName });
  }

  // --- IAM: each role gets what it uses; people with MFA (the platform's groups) assume the operators' role ---
  ledger.grantConnect(ledgerFn.role, ledgerDbUser);
  history.grantReadData(fraudFn.role);
  history.grantWriteData(historyFn.role);
  bankKey.grantEncryptDecrypt(notifyFn.role);
  new aws.iam.RolePolicy("notify-publish", {
    role: notifyFn.role.name,
    policy: policyDocument([{ Sid: "PublishNotifications", Effect: "Allow", Action: ["sns:Publish"], Resource: notifications.arn }]),
  });
  for (const starter of [startTransfer, partnerCredit]) {
    if (!starter) continue;
    workflow.grantStartExecution(starter.role);
    activity.grantWriteData(starter.role);
  }
  documents.grantRead(fleet.instanceRole);
  documents.grantWrite(fleet.instanceRole, { prefix: "documents/" });
  documents.grantWrite(fleet.instanceRole, { prefix: "receipts/" });
  history.grantReadData(fleet.instanceRole);
  activity.grantReadData(fleet.instanceRole);
  const operators = new aws.iam.Role("operators", {
    description: "Bank operators: read transfers, their history and the activity log; assumed only with MFA",
    path: rolePlacement.path ?? "/",
    ...(rolePlacement.permissionsBoundaryArn !== undefined ? { permissionsBoundary: rolePlacement.permissionsBoundaryArn } : {}),
    maxSessionDuration: 3600,
    assumeRolePolicy: policyDocument([
      {
        Sid: "AccountPrincipalsWithRecentMfa",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
        Action: "sts:AssumeRole",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
      },
    ]),
    tags: tags("operators"),
  });
  new aws.iam.RolePolicy("operators-read", {
    role: operators.name,
    policy: policyDocument([
      { Sid: "ReadTransfers", Effect: "Allow", Action: ["states:DescribeExecution", "states:GetExecutionHistory", "states:ListExecutions", "states:DescribeStateMachine"], Resource: [workflow.stateMachineArn, workflow.stateMachineArn.apply((a) => `${a.replace(":stateMachine:", ":execution:")}:*`)] },
    ]),
  });
  history.grantReadData(operators);
  activity.grantReadData(operators);
  bankKey.grantDecrypt(operators);

  // --- QuickSight: usage and financial reports over the ledger, as a read-only database user ---
  // The `reporting` role's password (schema.sql): generated once, kept in its own secret (the bank's key).
  const reportingSecret = new aws.secretsmanager.Secret("reporting-db-credentials", {
    description: "The ledger's read-only `reporting` user, for the QuickSight reports",
    kmsKeyId: bankKey.keyArn,
    tags: {
      ...tags("reporting-db-credentials"),
      "policy-exemption:secretsmanager-secret-rotation":
        "A rotation function for the read-only reporting user is not built yet - rotate by hand with ALTER ROLE and put-secret-value as the README says expires=2027-03-31",
    },
  });
  new aws.secretsmanager.SecretVersion(
    "reporting-db-credentials",
    { secretId: reportingSecret.id, secretString: pulumi.secret(JSON.stringify({ username: "reporting", password: randomBytes(24).toString("base64url") })) },
    // Generated at creation only; rotate it by hand with the database role (README).
    { ignoreChanges: ["secretString"] },
  );
  const reports = quicksight
    ? [
        { name: "financial-report", title: "Financial report", dataSet: financialDataSet, visuals: financialVisuals },
        { name: "usage-report", title: "Usage report", dataSet: usageDataSet, visuals: usageVisuals },
      ].map((r) => {
        const dashboard = new Dashboard(r.name, {
          context,
          adminGroupArn: platform.get("quicksightAdminGroupArn"),
          source: { type: "aurora-postgresql", database: ledger, credentialsSecretArn: reportingSecret.arn, vpcId: vpc.vpcId, subnetIds: vpc.privateSubnetIds },
          dataSet: r.dataSet,
          visuals: r.visuals,
          title: r.title,
          rolePlacement,
        });
        new aws.quicksight.RefreshSchedule(r.name, {
          dataSetId: dashboard.dataSet.dataSetId,
          scheduleId: `${r.name}-daily`,
          schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: config.reportsRefreshTime, timezone: "UTC" } },
        });
        return dashboard;
      })
    : [];

  // --- AWS Backup: daily recovery points of the ledger and the tables ---
  const backups = new BackupPlan("backups", { context, kmsKey: bankKey, resources: [ledger.clusterArn, activity.tableArn, history.tableArn], rolePlacement });

  // --- Alarms: to the platform's on-call topic ---
  const alarms = new WorkloadAlarms("alarms", { context, topicArn: alarmTopicArn });
  for (const f of [ledgerFn, fraudFn, historyFn, notifyFn, startTransfer, ...(partnerCredit ? [partnerCredit] : [])]) {
    const id = pulumi.resourceName(f);
    alarms.function(id, f.function);
    if (f.deadLetterQueue) alarms.deadLetterQueue(`${id}-dlq`, f.deadLetterQueue);
  }
  alarms.restApi("mobile-api", { apiName: mobileApi.api.name, stageName: mobileApi.stage.stageName });
  if (partnerApi) alarms.restApi("partner-api", { apiName: partnerApi.api.name, stageName: partnerApi.stage.stageName });
  alarms.database("ledger", ledger);
  alarms.table("activity-log", activity.table);
  alarms.table("transaction-history", history.table);
  alarms.loadBalancer("app", fleet.loadBalancer);
  alarms.autoScalingGroup("app", fleet.autoScalingGroupName);
  // Any transfer that ends failed other than by a customer-facing rejection shows here too; the
  // compensation-failed case needs a person (README runbook).
  new aws.cloudwatch.MetricAlarm("transfers-failed", {
    alarmDescription: "Transfer executions failed, timed out or were aborted (Compensated and CompensationFailed included): see the execution history",
    namespace: "AWS/States",
    metricName: "ExecutionsFailed",
    dimensions: { StateMachineArn: workflow.stateMachineArn },
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: prod ? 5 : 20,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [alarmTopicArn],
    okActions: [alarmTopicArn],
    tags: tags("transfers-failed"),
  });

  // --- Outputs ---
  return {
    mobileApiUrl: mobileApi.invokeUrl,
    partnerApiDomainName: config.partnerApi?.domainName ?? "",
    // Point the partner domain's DNS (CNAME or alias) at this name.
    partnerApiRegionalDomainName: partnerDomain?.regionalDomainName ?? "",
    partnerApiKeyIds: partnerApi?.apiKeyIds ?? {},
    userPoolId: userPool.id,
    mobileAppClientId: appClient.id,
    transferStateMachineArn: workflow.stateMachineArn,
    transferLogGroupName: workflow.logGroupName,
    ledgerEndpoint: ledger.endpoint,
    ledgerMasterSecretArn: ledger.masterUserSecretArn,
    reportingSecretArn: reportingSecret.arn,
    activityTableName: activity.tableName,
    historyTableName: history.tableName,
    documentsBucketName: documents.bucketName,
    appLoadBalancerDnsName: fleet.albDnsName,
    sharedFileSystemId: sharedFiles.fileSystemId,
    notificationsTopicArn: notifications.arn,
    operatorsRoleArn: operators.arn,
    directConnectGatewayId: partnerLink?.gatewayId ?? "",
    directConnectEncryption: partnerLink?.encryption ?? "off",
    backupVaultName: backups.vaultName,
    reportDashboardArns: reports.map((d) => d.dashboardArn),
    shieldProtected: shieldAdvanced,
  };
};
