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
  WebFleet,
} from "../../components";
import { withTags } from "../../shared/tags";
import { environmentDefaults, loadEcommerceConfig } from "./config";
import { fleetUserData } from "./fleet-user-data";
import { CARTS_TABLE, IDEMPOTENCY_TABLE } from "./functions/carts-table";
import { readPlatformSwitches } from "../../components/platform/platform-switches";
import { salesDataSet, salesVisuals } from "./sales-dashboard";

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

  // --- VPC: isolated networks (public: ALB and NAT; private: servers, functions; isolated: Aurora) ---
  const vpc = new SecureVpc("network", {
    context,
    flowLogKey: logsKey,
    // What the private subnets call besides S3 and DynamoDB (free gateway endpoints): Session
    // Manager for the servers (no SSH, no bastion), and CloudWatch Logs for their agent.
    interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages", "ec2", "logs"],
    rolePlacement,
  });

  // --- KMS: one key per data class (the platform's logs key encrypts the log groups) ---
  const dataKey = new EncryptionKey("data", {
    context,
    description: "E-commerce data at rest: orders, sessions, carts, shared files, server volumes, function environments, backups",
    // Services that use the key on the account's behalf (Auto Scaling's EBS volumes, Aurora and its managed secret, DynamoDB).
    viaServices: ["ec2", "rds", "dynamodb", "secretsmanager"],
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
    // Bot Control (prod) comes with the component; anonymizing proxies are a fraud signal for a shop.
    additionalManagedRuleGroups: ["AWSManagedRulesAnonymousIpList"],
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
  const site = new CdnSite("storefront", {
    context,
    originBucket: media,
    originAccess,
    // Over HTTPS by the name the ALB's certificate covers; a dev stack without one reaches the ALB over HTTP.
    appOrigin:
      config.originDomainName !== undefined
        ? { domainName: config.originDomainName, protocolPolicy: "https-only", pathPatterns: ["/api/*"] }
        : { domainName: albDnsName, protocolPolicy: "http-only", pathPatterns: ["/api/*"] },
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
    userData: fleetUserData(boot),
    rolePlacement,
  });
  resolveAlbDnsName(fleet.albDnsName);
  // The ALB accepts only CloudFront's origin-facing addresses, but so does every other
  // distribution: a REGIONAL web ACL re-checks whatever arrives (ELB.16). Every request comes
  // through CloudFront, so the rate rule keys on the viewer address it forwards; Bot Control
  // already ran at the edge.
  const originFirewall = new WebFirewall("origin-firewall", { context, scope: "REGIONAL", kmsKey: logsKey, shieldAdvanced, rateLimitKey: "FORWARDED_IP", botControl: "off" });
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
  const orders = new TransactionalDb("orders", {
    context,
    kmsKey: dataKey,
    logsKmsKey: logsKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.isolatedSubnetIds,
    databaseName: "shop",
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
  const checkoutDbUser = "checkout";
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

  // --- API Gateway: the order API for the mobile apps (IAM, SigV4) and partners (API keys, usage plan) ---
  const orderRequest = {
    $schema: "http://json-schema.org/draft-04/schema#",
    title: "Checkout",
    type: "object",
    required: ["cartId", "customerId", "currency"],
    properties: {
      cartId: { type: "string", minLength: 1, maxLength: 128 },
      customerId: { type: "string", minLength: 1, maxLength: 128 },
      currency: { type: "string", pattern: "^[A-Z]{3}$" },
    },
    additionalProperties: false,
  };
  // Mobile and partner clients are HTTP libraries by design: Bot Control would block them. The
  // rate rule leaves room for a partner's plan (see config.ts).
  const apiFirewall = new WebFirewall("api-firewall", { context, scope: "REGIONAL", kmsKey: logsKey, botControl: "off", rateLimit: defaults.apiWafRateLimit });
  const api = new RestApi("orders-api", {
    context,
    logsKmsKey: logsKey,
    description: "Orders for the mobile apps (IAM) and partners (API keys)",
    routes: [
      { path: "/orders", method: "POST", function: checkout, authorization: "AWS_IAM", requestModel: orderRequest },
      { path: "/partners/orders", method: "POST", function: checkout, authorization: "NONE", apiKeyRequired: true, requestModel: orderRequest },
    ],
    throttle: defaults.apiThrottle,
    usagePlans: [{ name: "partners", partners: config.partners, ...defaults.partnerPlan }],
    webAclArn: apiFirewall.webAclArn,
  });

  // --- IAM: each role gets what it uses, through the components' grant methods ---
  media.grantRead(fleet.instanceRole);
  media.grantWrite(fleet.instanceRole, { prefix: "products/" });
  media.grantWrite(fleet.instanceRole, { prefix: "promos/" });
  promoArchive.grantWrite(fleet.instanceRole);
  sharedFiles.grantMount(fleet.instanceRole, "app");
  sessions.grantReadWriteData(fleet.instanceRole);
  carts.grantReadWriteData(fleet.instanceRole);
  carts.grantReadWriteData(checkout.role);
  idempotency.grantReadWriteData(checkout.role);
  orders.grantConnect(checkout.role, checkoutDbUser);
  carts.grantReadWriteData(expireCarts.role);

  // --- QuickSight: the sales dashboard, where the platform subscribes to QuickSight ---
  const dashboard = quicksight
    ? new Dashboard("sales", {
        context,
        adminGroupArn: platform.get("quicksightAdminGroupArn"),
        source: {
          type: "aurora-postgresql",
          database: orders,
          vpcId: vpc.vpcId,
          subnetIds: vpc.privateSubnetIds,
          ...(config.dashboardCredentialsSecretArn !== undefined ? { credentialsSecretArn: config.dashboardCredentialsSecretArn } : {}),
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

  // --- Outputs ---
  return {
    storefrontDomainName: site.domainName,
    storefrontDistributionId: site.distributionId,
    siteDomainNames: config.siteDomainNames,
    apiUrl: api.invokeUrl,
    // What the mobile apps' IAM identity needs `execute-api:Invoke` on.
    mobileOrdersRouteArn: pulumi.interpolate`${api.executionArn}/${api.stage.stageName}/POST/orders`,
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
