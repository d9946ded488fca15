/**
 * Workload 1: the global e-commerce shop (seed use case 1). One block per service of the seed, in
 * its order, each a component call with this workload's choices; sizes and protections come from
 * the environment profile (shared/profiles.ts) and `environmentDefaults` (config.ts).
 *
 *   viewers ──> CloudFront (WAF, Shield) ──> S3 product media (OAC)
 *                     └── /api/* ──> ALB (CloudFront only, WAF, Shield) ──> EC2 fleet ──> EFS
 *   apps, partners ──> API Gateway (WAF) ──> Lambda checkout ──> Aurora orders, DynamoDB carts
 *   EventBridge schedule ──> Lambda expire-carts ──> DynamoDB carts
 *   QuickSight ──> Aurora (reader)          AWS Backup ──> Aurora, DynamoDB
 *
 * The platform stack (StackReference) provides the logs key, the S3 access-log bucket, the alarm
 * topic, the IAM path and permissions boundary of every role, and whether Shield Advanced and
 * QuickSight are subscribed (see platform.ts for why those are awaited).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import {
  albAccessLogsBucketStatements,
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
  RestApi,
  SecureVpc,
  SharedFileSystem,
  TransactionalDb,
  WebFirewall,
  ViewerAddressHeader,
  WebFleet,
  WorkloadAlarms,
} from "../../components";
import { withTags } from "../../shared/tags";
import { environmentDefaults, loadEcommerceConfig } from "./config";
import { fleetUserData } from "./fleet-user-data";
import { CARTS_TABLE, IDEMPOTENCY_TABLE } from "./functions/carts-table";
import { readPlatformSwitches } from "../../components/platform/platform-switches";
import { salesDataSet, salesVisuals } from "./sales-dashboard";
import { PARTNER_CHECKOUT_SCOPE } from "./functions/checkout/validation";
import { DefaultRoles, schemaVersion } from "./functions/db-migrate/migrate";

/**
 * The storefront application's contract with the edge: where its media, login and sign-up live
 * (the prod web ACL inspects the login and sign-up posts; CloudFront serves media from S3).
 */
const storefrontPaths = {
  media: "/media/",
  login: "/api/account/login",
  signUpPage: "/account/sign-up",
  signUp: "/api/account/sign-up",
} as const;

export = async () => {
  const settings = loadEcommerceConfig();
  const { config, profile, project, stack, region } = settings;
  const context = settings;
  const defaults = environmentDefaults[settings.environment];
  const platform = new PlatformReference(settings.platformStack);
  const { shieldAdvanced, quicksight, rolePlacement } = await readPlatformSwitches(platform, settings.platformStack, "ecommerce");
  const logsKey = platform.get("logsKeyArn");
  const account = aws.getCallerIdentityOutput().accountId;
  const serverAccessLogs = (bucket: string) => ({ targetBucket: platform.get("accessLogsBucketName"), prefix: `${project}/${stack}/${bucket}/` });
  const tags = (name: string) => withTags(settings.tags, {}, `${project}-${stack}-${name}`);
  const prod = settings.environment === "prod";
  // QuickSight reads data-source secrets as this service role (created when the platform turns on
  // QuickSight's Secrets Manager access); it gets the sales reader's secret and its key, nothing else.
  const quicksightSecretsRole = pulumi.interpolate`arn:aws:iam::${account}:role/service-role/aws-quicksight-secretsmanager-role-v0`;

  // --- VPC: isolated networks (public: ALB and NAT; private: servers, functions; isolated: Aurora) ---
  const vpc = new SecureVpc("network", {
    context,
    flowLogKey: logsKey,
    // What the private subnets call besides S3 and DynamoDB (free gateway endpoints): Session
    // Manager for the servers (no SSH, no bastion), and CloudWatch Logs for their agent. Dev has
    // none: four endpoints in two AZs would cost about USD 58 a month, more than the NAT gateway
    // that carries the same calls (README "Dev costs").
    interfaceEndpoints: defaults.interfaceEndpoints,
    rolePlacement,
  });

  // --- KMS: one key per data class (the platform's logs key encrypts the log groups) ---
  const dataKey = new EncryptionKey("data", {
    context,
    description: "E-commerce data at rest: orders, sessions, carts, shared files, server volumes, function environments, backups",
    // Services that use the key on the account's behalf (Auto Scaling's EBS volumes, Aurora and its managed secret, DynamoDB).
    viaServices: ["ec2", "rds", "dynamodb", "secretsmanager"],
    additionalStatements: quicksight
      ? [
          {
            Sid: "QuickSightDecryptsTheSalesReaderSecret",
            Effect: "Allow",
            Principal: { AWS: quicksightSecretsRole },
            Action: ["kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
          },
        ]
      : [],
  });
  // A global-table replica is encrypted with a key of its own region.
  const replicaKey =
    config.replicaRegion === undefined
      ? undefined
      : new EncryptionKey("data-replica", { context, region: config.replicaRegion, description: `E-commerce sessions and carts replicated to ${config.replicaRegion}`, viaServices: ["dynamodb"] });
  const originAccess = new CloudFrontOriginAccess();
  const edgeKey = new EncryptionKey("edge", {
    context,
    description: "Product media, the promo-video archive and CloudFront access logs",
    additionalStatements: [originAccess.keyDecryptStatement(), cloudFrontLogDeliveryKeyStatement({ account })],
  });

  // --- S3: product images and promo videos (CloudFront origin), and the archive of past promo videos ---
  const media = new EncryptedBucket("media", {
    context,
    kmsKey: edgeKey,
    accessLogs: serverAccessLogs("media"),
    policyStatements: (bucket) => [originAccess.bucketReadStatement(bucket.arn)],
  });
  // Objects in Glacier classes cannot be served (CloudFront would get 403 InvalidObjectState), so
  // the archive tiers apply to a bucket of their own: the back office copies ended campaigns' videos here.
  const promoArchive = new EncryptedBucket("promo-archive", { context, kmsKey: edgeKey, accessLogs: serverAccessLogs("promo-archive"), lifecycle: defaults.promoArchive });

  // --- CloudFront + WAF + Shield: global delivery, web threats and bots, DDoS ---
  const edgeFirewall = new WebFirewall("edge-firewall", {
    context,
    scope: "CLOUDFRONT",
    kmsKey: logsKey,
    shieldAdvanced,
    // Anonymizing proxies are a fraud signal for a shop. Prod adds what bots do to shops: targeted
    // Bot Control (scrapers, scalpers that evade the common signatures), account takeover
    // prevention on the login path and fake-account prevention on sign-up (the storefront's
    // contract: storefrontPaths). Dev runs none of them (priced per request).
    additionalManagedRuleGroups: ["AWSManagedRulesAnonymousIpList"],
    botControl: prod ? "TARGETED" : "off",
    ...(prod
      ? {
          accountTakeover: { loginPath: storefrontPaths.login, payloadType: "JSON" as const, usernameField: "/email", passwordField: "/password" },
          accountCreation: {
            registrationPagePath: storefrontPaths.signUpPage,
            creationPath: storefrontPaths.signUp,
            payloadType: "JSON" as const,
            usernameField: "/email",
            passwordField: "/password",
            emailField: "/email",
          },
        }
      : {}),
  });
  const cdnLogs = new EncryptedBucket("cdn-logs", {
    context,
    kmsKey: edgeKey,
    accessLogs: serverAccessLogs("cdn-logs"),
    lifecycle: { expireAfterDays: profile.logRetentionDays },
    policyStatements: (bucket) => [cloudFrontLogDeliveryBucketStatement({ bucketArn: bucket.arn, account })],
  });
  // The application origin is the fleet's load balancer (next block); its name is resolved there.
  const [albDnsName, resolveAlbDnsName] = pulumi.deferredOutput<string>();
  // The storefront (the fleet) answers `/` and every page and API path; the media bucket serves only
  // /media/* (object keys under media/), cached for a day.
  const site = new CdnSite("storefront", {
    context,
    originBucket: media,
    originAccess,
    // Over HTTPS by the name the ALB's certificate covers; a dev stack without one reaches the ALB over HTTP.
    appOrigin:
      config.originDomainName !== undefined
        ? { domainName: config.originDomainName, protocolPolicy: "https-only", serveDefault: true }
        : { domainName: albDnsName, protocolPolicy: "http-only", serveDefault: true },
    cacheBehaviors: [{ pathPattern: `${storefrontPaths.media}*`, defaultTtlSeconds: 86_400, maxTtlSeconds: 31_536_000 }],
    webAcl: edgeFirewall,
    accessLogs: { bucket: cdnLogs },
    ...(config.cdnCertificateArn !== undefined ? { certificateArn: config.cdnCertificateArn, aliases: config.siteDomainNames } : {}),
  });
  edgeFirewall.protect("storefront", site.distributionArn);
  if (config.hostedZoneId !== undefined) {
    for (const name of config.siteDomainNames) {
      for (const type of ["A", "AAAA"]) {
        new aws.route53.Record(`site-${name}-${type.toLowerCase()}`, {
          zoneId: config.hostedZoneId,
          name,
          type,
          aliases: [{ name: site.domainName, zoneId: site.hostedZoneId, evaluateTargetHealth: false }],
        });
      }
    }
  }

  // --- EC2: web and app servers, in private subnets behind an ALB that only CloudFront reaches ---
  const albLogs = new EncryptedBucket("alb-logs", {
    context,
    encryption: "s3-managed",
    accessLogs: serverAccessLogs("alb-logs"),
    lifecycle: { expireAfterDays: profile.logRetentionDays },
    policyStatements: (bucket) => albAccessLogsBucketStatements({ bucketArn: bucket.arn, region }),
    // ELB delivers access logs only with SSE-S3: the pack's customer-managed-key rule knows log targets.
  });
  const boot = {
    region,
    // The storefront application's contract with the load balancer.
    appPort: 8080,
    healthCheckPath: "/healthz",
    fileSystemIdParameter: `/${project}/${stack}/shared-files/file-system-id`,
    accessPointIdParameter: `/${project}/${stack}/shared-files/access-point-id`,
    mountPath: "/srv/shared",
    // The application (fleet-user-data.ts, README "Deploying the storefront"): which release runs,
    // and where it reads its settings (the parameters under storefront/config/, below).
    releaseParameter: `/${project}/${stack}/storefront/release`,
    appRoot: "/opt/storefront",
    appEnvironment: { AWS_REGION: region, CONFIG_PARAMETER_PATH: `/${project}/${stack}/storefront/config/` },
  };
  const fleet = new WebFleet("web", {
    context,
    network: vpc,
    kmsKey: dataKey,
    ...(config.albCertificateArn !== undefined ? { certificateArn: config.albCertificateArn } : {}),
    accessLogs: { bucket: albLogs },
    albIngress: "cloudfront",
    appPort: boot.appPort,
    healthCheckPath: boot.healthCheckPath,
    ...(defaults.fleetInstanceTypes !== undefined ? { instanceTypes: defaults.fleetInstanceTypes } : {}),
    userData: fleetUserData(boot),
    rolePlacement,
  });
  resolveAlbDnsName(fleet.albDnsName);
  // The ALB accepts only CloudFront's origin-facing addresses, but so does every other
  // distribution: a REGIONAL web ACL re-checks whatever arrives (ELB.16). Every request comes
  // through CloudFront, whose viewer-request function writes the viewer's real address into
  // ViewerAddressHeader (overwriting anything the client sent): the rate rule counts that, not the
  // first X-Forwarded-For entry, which the client writes. Bot Control already ran at the edge.
  const originFirewall = new WebFirewall("origin-firewall", {
    context,
    scope: "REGIONAL",
    kmsKey: logsKey,
    shieldAdvanced,
    rateLimitKey: "FORWARDED_IP",
    forwardedIpHeader: ViewerAddressHeader,
    botControl: "off",
  });
  originFirewall.associate("alb", fleet.albArn);
  originFirewall.protect("alb", fleet.albArn);
  // Failed launches and terminations reach on-call through EventBridge: Auto Scaling's own SNS
  // notifications publish as its service-linked role, which has no use of the platform topic's
  // customer managed key (EventBridge does).
  const fleetFailures = new aws.cloudwatch.EventRule("web-fleet-failures", {
    description: "The web fleet failed to launch or terminate an instance",
    eventPattern: pulumi.jsonStringify({
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"],
      detail: { AutoScalingGroupName: [fleet.autoScalingGroupName] },
    }),
    tags: tags("web-fleet-failures"),
  });
  new aws.cloudwatch.EventTarget("web-fleet-failures", { rule: fleetFailures.name, arn: platform.get("alarmTopicArn") });
  if (config.hostedZoneId !== undefined && config.originDomainName !== undefined) {
    new aws.route53.Record("origin", {
      zoneId: config.hostedZoneId,
      name: config.originDomainName,
      type: "A",
      aliases: [{ name: fleet.albDnsName, zoneId: fleet.albZoneId, evaluateTargetHealth: true }],
    });
  }

  // Storefront releases (fleet-user-data.ts step 3): versioned, read by the fleet only. The release
  // parameter starts as "none" (the placeholder answers); the deploy pipeline of the application
  // sets it, so the program never overwrites it (ignoreChanges on its value).
  const releases = new EncryptedBucket("releases", { context, kmsKey: dataKey, accessLogs: serverAccessLogs("releases") });
  releases.grantRead(fleet.instanceRole, { prefix: "storefront/" });
  dataKey.grantDecrypt(fleet.instanceRole);
  new aws.ssm.Parameter(
    "storefront-release",
    {
      name: boot.releaseParameter,
      description: "The storefront release the web fleet runs: s3://<releases bucket>/storefront/<file>.tar.gz <sha256>, or none",
      type: "String",
      value: "none",
      tags: tags("storefront-release"),
    },
    { ignoreChanges: ["value"] },
  );

  // --- EFS: the file system the servers share (mounted at boot over TLS with IAM: fleet-user-data.ts) ---
  const sharedFiles = new SharedFileSystem("shared-files", {
    context,
    kmsKey: dataKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.privateSubnetIds,
    accessPoints: [{ name: "app", path: "/shop/shared", posixUser: { uid: 1001, gid: 1001 } }],
    allowFrom: { "web-fleet": fleet.instanceSecurityGroupId },
  });
  fleet.allowTo("shared-files", sharedFiles.securityGroupId, 2049);
  new aws.ssm.Parameter("shared-files-id", {
    name: boot.fileSystemIdParameter,
    description: "The web fleet mounts this EFS file system at boot",
    type: "String",
    value: sharedFiles.fileSystemId,
    tags: tags("shared-files-id"),
  });
  new aws.ssm.Parameter("shared-files-access-point", {
    name: boot.accessPointIdParameter,
    description: "The access point the web fleet mounts the shared file system through",
    type: "String",
    value: sharedFiles.accessPointIds.apply((ids) => ids.app!),
    tags: tags("shared-files-access-point"),
  });

  // --- RDS: Aurora PostgreSQL for orders (transactional data) ---
  // Not 5432 (RDS.23); every security group rule below names it.
  const ordersPort = 5433;
  const orders = new TransactionalDb("orders", {
    context,
    kmsKey: dataKey,
    logsKmsKey: logsKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.isolatedSubnetIds,
    databaseName: "shop",
    port: ordersPort,
    // Failover, failure and maintenance events reach the platform's on-call topic (RDS.19/.20).
    eventsTopicArn: platform.get("alarmTopicArn"),
    // Administrators apply the schema and create the checkout's role from here (README).
    ...(config.databaseAdminSecurityGroupId !== undefined ? { allowFrom: { admin: config.databaseAdminSecurityGroupId } } : {}),
    rolePlacement,
  });

  // --- DynamoDB: user sessions (TTL) and shopping carts, replicated to a second region in prod ---
  const replicas = replicaKey !== undefined ? { [config.replicaRegion!]: replicaKey.keyArn } : undefined;
  const sessions = new KeyValueTable("sessions", { context, kmsKey: dataKey, partitionKey: { name: "sessionId", type: "S" }, ttlAttribute: "expiresAt", replicas });
  const carts = new KeyValueTable("carts", { context, kmsKey: dataKey, partitionKey: { name: CARTS_TABLE.partitionKey, type: "S" }, ttlAttribute: CARTS_TABLE.ttlAttribute, replicas });
  // The checkout's Powertools idempotency records (the database is the lasting guard).
  const idempotency = new KeyValueTable("checkout-idempotency", {
    context,
    kmsKey: dataKey,
    partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: "S" },
    ttlAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
  });

  // --- Lambda: real-time transactions (checkout) and task automation (expire abandoned carts) ---
  // The database users (created by db-migrate, below): the checkout and the fleet connect with IAM
  // tokens, the sales dashboard with a password kept in its own secret.
  const checkoutDbUser = DefaultRoles.checkout;
  // Both functions run in the private subnets; each may only reach DynamoDB (gateway endpoint)
  // and, for the checkout, the orders database.
  const dynamodbPrefixList = aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${region}.dynamodb` }).id;
  const functionSecurityGroup = (name: string, description: string) => {
    const sg = new aws.ec2.SecurityGroup(name, { vpcId: vpc.vpcId, description, tags: tags(name) });
    new aws.vpc.SecurityGroupEgressRule(`${name}-to-dynamodb`, {
      securityGroupId: sg.id,
      prefixListId: dynamodbPrefixList,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to DynamoDB through its gateway endpoint",
      tags: tags(`${name}-to-dynamodb`),
    });
    return sg;
  };
  const checkoutSg = functionSecurityGroup("checkout", "checkout function: PostgreSQL to the orders database and HTTPS to DynamoDB only");
  new aws.vpc.SecurityGroupEgressRule("checkout-to-orders", {
    securityGroupId: checkoutSg.id,
    referencedSecurityGroupId: orders.securityGroupId,
    ipProtocol: "tcp",
    fromPort: orders.port,
    toPort: orders.port,
    description: "PostgreSQL to the orders database",
    tags: tags("checkout-to-orders"),
  });
  orders.allowFrom("checkout", checkoutSg.id);
  const checkout = new Function("checkout", {
    context,
    handler: path.join(__dirname, "functions", "checkout", "handler.ts"),
    description: "POST /orders: checks out a cart into one order in Aurora, once per Idempotency-Key, and clears the cart",
    kmsKey: dataKey,
    logsKmsKey: logsKey,
    ...defaults.checkout,
    // pg loads pg-native only if it is installed; leaving it out keeps the bundle small.
    bundleExternal: ["pg-native"],
    vpc: { subnetIds: vpc.privateSubnetIds, securityGroupIds: [checkoutSg.id] },
    environment: {
      DB_HOST: orders.endpoint,
      DB_PORT: orders.port.apply(String),
      DB_USER: checkoutDbUser,
      DB_NAME: orders.databaseName,
      // Node 20+ Lambda runtimes no longer trust the RDS CAs by default; the runtime ships them here.
      NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
      CARTS_TABLE_NAME: carts.tableName,
      IDEMPOTENCY_TABLE_NAME: idempotency.tableName,
    },
    rolePlacement,
  });
  // --- The orders database's migration, run by the program during each deploy that changes it ---
  // One function, two jobs (functions/db-migrate): the schema, roles and grants, applied in one
  // transaction as the master user whenever the schema version changes (an aws.lambda.Invocation:
  // a failure fails the deploy); and the rotation of the sales reader's secret.
  const salesReaderSecret = new aws.secretsmanager.Secret(
    "sales-reader",
    {
      name: `${project}/${stack}/orders/sales-reader`,
      description: `Read-only database user ${DefaultRoles.reader} of the orders database (sales dashboard); its password is set and rotated by db-migrate`,
      kmsKeyId: dataKey.keyArn,
      recoveryWindowInDays: prod ? 30 : 7,
      tags: tags("sales-reader"),
    },
    { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources },
  );
  const migrateSg = new aws.ec2.SecurityGroup("db-migrate", { vpcId: vpc.vpcId, description: "db-migrate function: PostgreSQL to the orders database, HTTPS to Secrets Manager", tags: tags("db-migrate") });
  new aws.vpc.SecurityGroupEgressRule("db-migrate-to-orders", {
    securityGroupId: migrateSg.id,
    referencedSecurityGroupId: orders.securityGroupId,
    ipProtocol: "tcp",
    fromPort: ordersPort,
    toPort: ordersPort,
    description: "PostgreSQL to the orders database",
    tags: tags("db-migrate-to-orders"),
  });
  new aws.vpc.SecurityGroupEgressRule("db-migrate-to-secrets-manager", {
    securityGroupId: migrateSg.id,
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
    description: "HTTPS to the Secrets Manager API (through the NAT gateway; an interface endpoint would cost more than the calls)",
    tags: tags("db-migrate-to-secrets-manager"),
  });
  orders.allowFrom("db-migrate", migrateSg.id);
  const dbMigrate = new Function("db-migrate", {
    context,
    handler: path.join(__dirname, "functions", "db-migrate", "handler.ts"),
    description: "Applies the orders schema, roles and grants at deploy time; rotates the sales reader's secret",
    kmsKey: dataKey,
    logsKmsKey: logsKey,
    memorySize: 256,
    // Long enough for a paused dev cluster to resume and the migration to run.
    timeout: 120,
    // One migration or rotation at a time (prod; dev's account quota leaves nothing to reserve).
    ...(prod ? { reservedConcurrency: 1 } : {}),
    bundleExternal: ["pg-native"],
    vpc: { subnetIds: vpc.privateSubnetIds, securityGroupIds: [migrateSg.id] },
    environment: {
      DB_HOST: orders.endpoint,
      DB_PORT: String(ordersPort),
      DB_NAME: orders.databaseName,
      MASTER_SECRET_ARN: orders.masterUserSecretArn,
      READER_SECRET_ARN: salesReaderSecret.arn,
      CHECKOUT_DB_USER: DefaultRoles.checkout,
      STOREFRONT_DB_USER: DefaultRoles.storefront,
      READER_DB_USER: DefaultRoles.reader,
      NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
    },
    rolePlacement,
  });
  const migrateGrants = [
    orders.grantReadSecret(dbMigrate.role),
    new aws.iam.RolePolicy("db-migrate-role-sales-reader-secret", {
      role: dbMigrate.role.name,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteAndRotateReaderSecret",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
            Resource: salesReaderSecret.arn,
          },
          // GetRandomPassword has no resource to scope to.
          { Sid: "GeneratePasswords", Effect: "Allow", Action: ["secretsmanager:GetRandomPassword"], Resource: "*" },
        ],
      }),
    }),
    dataKey.grantEncryptDecrypt(dbMigrate.role),
  ];
  const migration = new aws.lambda.Invocation(
    "db-migrate",
    {
      functionName: dbMigrate.functionName,
      // A new schema version is a new input: the provider invokes again, and the function refuses
      // to run when its bundled schema is not this one.
      input: JSON.stringify({ action: "migrate", schemaVersion: schemaVersion() }),
      triggers: { schemaVersion: schemaVersion(), roles: JSON.stringify(DefaultRoles) },
    },
    { dependsOn: [orders, ...migrateGrants] },
  );
  const rotationPermission = dbMigrate.grantInvoke("secrets-manager", { principal: "secretsmanager.amazonaws.com", sourceArn: salesReaderSecret.arn });
  new aws.secretsmanager.SecretRotation(
    "sales-reader",
    {
      secretId: salesReaderSecret.id,
      rotationLambdaArn: dbMigrate.functionArn,
      rotationRules: { automaticallyAfterDays: 30 },
      // The migration gave it its first value.
      rotateImmediately: false,
    },
    { dependsOn: [migration, rotationPermission] },
  );

  const expireCarts = new Function("expire-carts", {
    context,
    handler: path.join(__dirname, "functions", "expire-carts", "handler.ts"),
    description: `Deletes carts untouched for ${config.cartMaxAgeDays} days (scheduled)`,
    kmsKey: dataKey,
    logsKmsKey: logsKey,
    ...defaults.expireCarts,
    vpc: { subnetIds: vpc.privateSubnetIds, securityGroupIds: [functionSecurityGroup("expire-carts", "expire-carts function: HTTPS to DynamoDB only").id] },
    environment: { CARTS_TABLE_NAME: carts.tableName, CART_MAX_AGE_DAYS: String(config.cartMaxAgeDays) },
    rolePlacement,
  });
  const expirySchedule = new aws.cloudwatch.EventRule("expire-carts", {
    description: "Runs expire-carts",
    scheduleExpression: config.expireCartsSchedule,
    tags: tags("expire-carts"),
  });
  new aws.cloudwatch.EventTarget("expire-carts", { rule: expirySchedule.name, arn: expireCarts.functionArn });
  expireCarts.grantInvoke("schedule", { principal: "events.amazonaws.com", sourceArn: expirySchedule.arn });

  // --- Cognito: who checks out. Shoppers sign in to the user pool (the mobile app sends their ID
  // token); partners get an app client each and the OAuth client-credentials grant (an access token
  // with the orders/checkout scope). The checkout takes the customer from the verified token's claims
  // (functions/checkout/validation.ts), never from the request body; API keys only meter partners.
  const customers = new aws.cognito.UserPool(
    "customers",
    {
      name: `${project}-${stack}-customers`,
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      // Shoppers choose MFA (TOTP) themselves; adaptive authentication (threat protection) asks for
      // it when a sign-in looks risky. Staff never sign in here: they use IAM with MFA.
      mfaConfiguration: "OPTIONAL",
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 3 },
      accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
      // Threat protection (compromised credentials, adaptive authentication): enforced in prod,
      // audit-only in dev; priced per active user, so an idle dev pool costs nothing.
      userPoolTier: "PLUS",
      userPoolAddOns: { advancedSecurityMode: prod ? "ENFORCED" : "AUDIT", advancedSecurityAdditionalFlows: { customAuthMode: prod ? "ENFORCED" : "AUDIT" } },
      deletionProtection: prod ? "ACTIVE" : "INACTIVE",
      tags: tags("customers"),
    },
    { protect: profile.protectStatefulResources, retainOnDelete: profile.protectStatefulResources },
  );
  const ordersScope = new aws.cognito.ResourceServer("orders-api", {
    userPoolId: customers.id,
    identifier: "orders",
    name: "Order API",
    scopes: [{ scopeName: "checkout", scopeDescription: "Check out the partner's own carts" }],
  });
  const checkoutScope = pulumi.interpolate`${ordersScope.identifier}/checkout`;
  // The token endpoint partners call (https://<domain>.auth.<region>.amazoncognito.com/oauth2/token).
  const authDomain = new aws.cognito.UserPoolDomain("auth", { userPoolId: customers.id, domain: pulumi.interpolate`${project}-${stack}-${account}` });
  const mobileClient = new aws.cognito.UserPoolClient("mobile-app", {
    userPoolId: customers.id,
    name: "mobile-app",
    generateSecret: false,
    explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    preventUserExistenceErrors: "ENABLED",
    enableTokenRevocation: true,
    idTokenValidity: 60,
    accessTokenValidity: 60,
    refreshTokenValidity: 30,
    tokenValidityUnits: { idToken: "minutes", accessToken: "minutes", refreshToken: "days" },
  });
  const partnerClients = Object.fromEntries(
    config.partners.map((partner) => [
      partner,
      new aws.cognito.UserPoolClient(`partner-${partner}`, {
        userPoolId: customers.id,
        name: `partner-${partner}`,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["client_credentials"],
        allowedOauthScopes: [checkoutScope],
        supportedIdentityProviders: ["COGNITO"],
        accessTokenValidity: 60,
        tokenValidityUnits: { accessToken: "minutes" },
        enableTokenRevocation: true,
      }),
    ]),
  );

  // --- API Gateway: the order API for the mobile apps (Cognito ID token) and partners (OAuth client credentials + API key for their usage plan) ---
  const orderRequest = {
    $schema: "http://json-schema.org/draft-04/schema#",
    title: "Checkout",
    type: "object",
    required: ["cartId", "currency"],
    properties: {
      cartId: { type: "string", minLength: 1, maxLength: 128 },
      currency: { type: "string", pattern: "^[A-Z]{3}$" },
    },
    additionalProperties: false,
  };
  // Mobile and partner clients are HTTP libraries by design: Bot Control would block them. The
  // rate rule leaves room for a partner's plan (see config.ts).
  const apiFirewall = defaults.apiFirewall ? new WebFirewall("api-firewall", { context, scope: "REGIONAL", kmsKey: logsKey, botControl: "off", rateLimit: defaults.apiWafRateLimit }) : undefined;
  const api = new RestApi("orders-api", {
    context,
    logsKmsKey: logsKey,
    description: "Orders for the mobile apps (Cognito sign-in) and partners (OAuth client credentials; API keys for usage plans)",
    cognitoUserPoolArns: [customers.arn],
    routes: [
      { path: "/orders", method: "POST", function: checkout, authorization: "COGNITO", requestModel: orderRequest },
      { path: "/partners/orders", method: "POST", function: checkout, authorization: "COGNITO", authorizationScopes: [PARTNER_CHECKOUT_SCOPE], apiKeyRequired: true, requestModel: orderRequest },
    ],
    throttle: defaults.apiThrottle,
    usagePlans: [{ name: "partners", partners: config.partners, ...defaults.partnerPlan }],
    ...(apiFirewall ? { webAclArn: apiFirewall.webAclArn } : {}),
  });

  // The storefront's settings, read at start from CONFIG_PARAMETER_PATH (plain values, no secrets:
  // the database takes IAM tokens).
  const storefrontSettings: Record<string, pulumi.Input<string>> = {
    "db-host": orders.endpoint,
    "db-port": String(ordersPort),
    "db-name": orders.databaseName,
    "db-user": DefaultRoles.storefront,
    "sessions-table": sessions.tableName,
    "carts-table": carts.tableName,
    "media-bucket": media.bucketName,
    "user-pool-id": customers.id,
  };
  for (const [key, value] of Object.entries(storefrontSettings)) {
    new aws.ssm.Parameter(`storefront-config-${key}`, {
      name: `${boot.appEnvironment.CONFIG_PARAMETER_PATH}${key}`,
      description: `Storefront setting ${key}`,
      type: "String",
      value,
      tags: tags(`storefront-config-${key}`),
    });
  }

  // --- IAM: each role gets what it uses, through the components' grant methods ---
  media.grantRead(fleet.instanceRole);
  media.grantWrite(fleet.instanceRole, { prefix: "media/products/" });
  media.grantWrite(fleet.instanceRole, { prefix: "media/promos/" });
  promoArchive.grantWrite(fleet.instanceRole);
  sharedFiles.grantMount(fleet.instanceRole, "app");
  sessions.grantReadWriteData(fleet.instanceRole);
  carts.grantReadWriteData(fleet.instanceRole);
  carts.grantReadWriteData(checkout.role);
  idempotency.grantReadWriteData(checkout.role);
  orders.grantConnect(checkout.role, checkoutDbUser);
  // The storefront reads order history as its own IAM-authenticated user (created by db-migrate).
  orders.allowFrom("web-fleet", fleet.instanceSecurityGroupId);
  fleet.allowTo("orders", orders.securityGroupId, ordersPort);
  orders.grantConnect(fleet.instanceRole, DefaultRoles.storefront);
  carts.grantReadWriteData(expireCarts.role);

  // --- QuickSight: the sales dashboard, where the platform subscribes to QuickSight ---
  if (quicksight) {
    new aws.secretsmanager.SecretPolicy("sales-reader-quicksight", {
      secretArn: salesReaderSecret.arn,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "QuickSightReadsTheCredentials",
            Effect: "Allow",
            Principal: { AWS: quicksightSecretsRole },
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: salesReaderSecret.arn,
          },
        ],
      }),
    });
  }
  const dashboard = quicksight
    ? new Dashboard("sales", {
        context,
        adminGroupArn: platform.get("quicksightAdminGroupArn"),
        source: {
          type: "aurora-postgresql",
          database: orders,
          vpcId: vpc.vpcId,
          subnetIds: vpc.privateSubnetIds,
          // The read-only user's own secret (db-migrate sets and rotates it), never the master's.
          credentialsSecretArn: salesReaderSecret.arn,
        },
        dataSet: salesDataSet,
        visuals: salesVisuals,
        title: "Sales",
        rolePlacement,
      })
    : undefined;

  // --- AWS Backup: daily recovery points of the orders database and the tables (RDS.26, DynamoDB.4) ---
  const backups = new BackupPlan("backups", {
    context,
    kmsKey: dataKey,
    resources: [orders.clusterArn, sessions.tableArn, carts.tableArn, idempotency.tableArn],
    rolePlacement,
  });

  // --- Alarms: to the platform's on-call topic, each with its runbook (components/observability/workload-alarms.ts) ---
  // Dev keeps the ones that cost nothing in practice (dead-letter queues: failures nobody would
  // otherwise see); prod adds every service's health.
  const alarms = new WorkloadAlarms("alarms", { context, topicArn: platform.get("alarmTopicArn") });
  const functions = { checkout, "expire-carts": expireCarts, "db-migrate": dbMigrate };
  for (const [name, f] of Object.entries(functions)) if (f.deadLetterQueue) alarms.deadLetterQueue(`${name}-failures`, f.deadLetterQueue);
  if (prod) {
    for (const [name, f] of Object.entries(functions)) alarms.function(name, f.functionName);
    alarms.loadBalancer("storefront", fleet.loadBalancer);
    alarms.autoScalingGroup("web", fleet.autoScalingGroupName);
    alarms.restApi("orders-api", { apiName: api.api.name, stageName: api.stage.stageName });
    alarms.distribution("storefront", { id: site.distributionId });
    alarms.database("orders", { clusterIdentifier: orders.clusterIdentifier });
    alarms.table("sessions", sessions.tableName);
    alarms.table("carts", carts.tableName);
    alarms.table("checkout-idempotency", idempotency.tableName);
  }

  // --- Outputs ---
  return {
    storefrontDomainName: site.domainName,
    storefrontDistributionId: site.distributionId,
    siteDomainNames: config.siteDomainNames,
    apiUrl: api.invokeUrl,
    ordersUrl: pulumi.interpolate`${api.invokeUrl}/orders`,
    partnerOrdersUrl: pulumi.interpolate`${api.invokeUrl}/partners/orders`,
    customerUserPoolId: customers.id,
    mobileAppClientId: mobileClient.id,
    // Partners: their app client id (the secret: `aws cognito-idp describe-user-pool-client`), the token endpoint, and their API key id.
    partnerClientIds: Object.fromEntries(Object.entries(partnerClients).map(([p, c]) => [p, c.id])),
    tokenEndpoint: pulumi.interpolate`https://${authDomain.domain}.auth.${region}.amazoncognito.com/oauth2/token`,
    partnerApiKeyIds: api.apiKeyIds,
    mediaBucketName: media.bucketName,
    promoArchiveBucketName: promoArchive.bucketName,
    loadBalancerDnsName: fleet.albDnsName,
    sharedFileSystemId: sharedFiles.fileSystemId,
    ordersDbEndpoint: orders.endpoint,
    ordersDbReaderEndpoint: orders.readerEndpoint,
    ordersDbMasterSecretArn: orders.masterUserSecretArn,
    sessionsTableName: sessions.tableName,
    cartsTableName: carts.tableName,
    idempotencyTableName: idempotency.tableName,
    tableReplicaRegions: config.replicaRegion !== undefined ? [config.replicaRegion] : [],
    checkoutFunctionName: checkout.functionName,
    expireCartsFunctionName: expireCarts.functionName,
    backupVaultName: backups.vaultName,
    shieldProtected: shieldAdvanced,
    salesDashboardArn: dashboard?.dashboardArn ?? "",
  };
};
