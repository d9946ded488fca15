/**
 * The analytics project (workload 5), planned offline for dev and prod: zero mandatory violations,
 * each of the seed's 14 services present in prod doing its job (wired: triggers, permissions, the
 * right ARNs), and the dev/prod differences.
 */
import { expect } from "chai";
import { parseStackConfig } from "../../shared/config";
import { analyticsDefinition } from "../../projects/analytics/config";
import { isWildcardAction } from "../../components/security/policy-document";
import { ofType, PlanJson, runPlan } from "../helpers/plan";

type Resource = PlanJson["resources"][number];
const statements = (doc: string): any[] => JSON.parse(doc).Statement;

function one(plan: PlanJson, type: string, name?: string): Resource {
  const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` ${name}` : ""} in ${plan.stack}, found ${found.length}`);
  return found[0]!;
}
const policyOf = (plan: PlanJson, name: string) => one(plan, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy as string;
const byUrn = (plan: PlanJson, urn: string) => plan.resources.find((r) => r.urn === urn)!;

describe("analytics project", function () {
  this.timeout(240_000);
  const plans = {} as Record<"dev" | "prod", PlanJson>;

  before(() => {
    for (const stack of ["dev", "prod"] as const) {
      const r = runPlan("projects/analytics", stack);
      expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
      plans[stack] = r.json!;
    }
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: plans with zero mandatory violations`, () => {
      expect(plans[stack].violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
    });

    it(`${stack}: no IAM policy allows a wildcard action`, () => {
      for (const p of ofType(plans[stack], "aws:iam/rolePolicy:RolePolicy")) {
        for (const s of statements(p.inputs.policy).filter((x) => x.Effect === "Allow")) for (const a of [s.Action].flat()) expect(isWildcardAction(a), `${p.name}: ${a}`).to.equal(false);
      }
    });

    it(`${stack}: nothing of its own faces the internet (no load balancer, distribution, public API or public warehouse)`, () => {
      const plan = plans[stack];
      expect(ofType(plan, "aws:lb/loadBalancer:LoadBalancer", "aws:cloudfront/distribution:Distribution", "aws:apigateway/restApi:RestApi", "aws:lambda/functionUrl:FunctionUrl")).to.deep.equal([]);
      expect(one(plan, "aws:redshiftserverless/workgroup:Workgroup").inputs.publiclyAccessible).to.equal(false);
    });
  }

  describe("prod: the seed's 14 services, each doing its job", () => {
    const plan = () => plans.prod;

    it("Kinesis + Lambda: the ingest stream (KMS) triggers stream-ingest with partial-batch failures and an on-failure queue", () => {
      const stream = one(plan(), "aws:kinesis/stream:Stream", "ingest");
      expect(stream.inputs).to.deep.include({ encryptionType: "KMS", shardCount: 4, retentionPeriod: 168 });
      expect(stream.inputs.streamModeDetails).to.deep.equal({ streamMode: "PROVISIONED" });
      const mapping = one(plan(), "aws:lambda/eventSourceMapping:EventSourceMapping", "stream-ingest");
      const fn = one(plan(), "aws:lambda/function:Function", "stream-ingest");
      expect(mapping.propertyDependencies.eventSourceArn).to.include(stream.urn);
      expect(mapping.propertyDependencies.functionName).to.include(fn.urn);
      expect(mapping.inputs).to.deep.include({ functionResponseTypes: ["ReportBatchItemFailures"], parallelizationFactor: 1, startingPosition: "TRIM_HORIZON" });
      const dlq = one(plan(), "aws:sqs/queue:Queue", "stream-ingest-failures");
      expect(mapping.propertyDependencies.destinationConfig).to.include(dlq.urn);
      const env = fn.inputs.environment.variables;
      expect(Object.keys(env).sort()).to.deep.equal(["ACTIVITY_RETENTION_DAYS", "ACTIVITY_TABLE_NAME", "NODE_OPTIONS", "RAW_BUCKET_NAME", "SESSIONS_RETENTION_DAYS", "SESSIONS_TABLE_NAME"]);
      // It may read the stream, and write only the two raw prefixes.
      expect(statements(policyOf(plan(), "stream-ingest-role-stream-ingest-read-ingest")).find((s) => s.Sid === "UseStream").Action).to.include("kinesis:GetRecords");
      const writes = ofType(plan(), "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("stream-ingest-role-raw-write"));
      expect(writes.map((p) => statements(p.inputs.policy).find((s) => s.Sid === "WriteObjects").Resource).map((r: string) => r.split("/").slice(1).join("/")).sort()).to.deep.equal(["dead-letter/*", "events/*"]);
    });

    it("S3 + Glacier: raw, curated, results and workspace zones under the project key; raw goes to Glacier then Deep Archive (storage classes, no vault)", () => {
      const key = one(plan(), "aws:kms/key:Key", "analytics");
      expect(key.inputs.enableKeyRotation).to.equal(true);
      for (const zone of ["raw", "curated", "results", "workspace"]) {
        const sse = one(plan(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${zone}-encryption`);
        expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("aws:kms");
        expect(sse.propertyDependencies.rules).to.include(key.urn);
      }
      const rules = one(plan(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "raw-lifecycle").inputs.rules;
      const transitions = rules.flatMap((r: any) => r.transitions ?? []).map((t: any) => `${t.storageClass}@${t.days}`);
      expect(transitions).to.include.members(["GLACIER@90", "DEEP_ARCHIVE@365"]);
      expect(ofType(plan(), "aws:glacier/vault:Vault")).to.deep.equal([]);
    });

    it("DynamoDB: sessions and activity logs with TTL, point-in-time recovery and the key, written by the ingest function", () => {
      for (const t of ["sessions", "activity-logs"]) {
        const table = one(plan(), "aws:dynamodb/table:Table", t);
        expect(table.inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
        expect(table.inputs.pointInTimeRecovery.enabled).to.equal(true);
        expect(table.inputs.serverSideEncryption.enabled).to.equal(true);
        expect(table.protect).to.equal(true);
      }
      expect(ofType(plan(), "aws:iam/rolePolicy:RolePolicy").some((p) => p.name.startsWith("stream-ingest") && p.name.endsWith("-sessions-read-write"))).to.equal(true);
      expect(ofType(plan(), "aws:iam/rolePolicy:RolePolicy").some((p) => p.name.startsWith("stream-ingest") && p.name.endsWith("-activity-logs-read-write"))).to.equal(true);
    });

    it("Glue: crawlers over the raw zone, the raw-to-curated job from the repository's script, all under the encrypting security configuration", () => {
      const config = one(plan(), "aws:glue/securityConfiguration:SecurityConfiguration");
      const crawlers = ofType(plan(), "aws:glue/crawler:Crawler");
      expect(crawlers.map((c) => c.name).sort()).to.deep.equal(["lake-raw-dead-letter", "lake-raw-events"]);
      for (const c of crawlers) expect(c.inputs.securityConfiguration).to.equal(config.inputs.name);
      const job = one(plan(), "aws:glue/job:Job", "lake-raw-to-curated");
      expect(job.inputs.securityConfiguration).to.equal(config.inputs.name);
      expect(job.inputs.defaultArguments["--RAW_PATH"]).to.match(/^s3:\/\/analytics-prod-raw-\d{12}\/events\/$/);
      expect(job.inputs.defaultArguments["--CURATED_PATH"]).to.match(/^s3:\/\/analytics-prod-curated-\d{12}\/events\/$/);
      expect(one(plan(), "aws:s3/bucketObjectv2:BucketObjectv2", "lake-raw-to-curated-script").inputs.key).to.equal("glue/raw-to-curated/raw-to-curated.py");
      expect(one(plan(), "aws:glue/trigger:Trigger").inputs.actions[0].jobName).to.equal(job.inputs.name);
    });

    it("Athena: an enforced workgroup with KMS-encrypted results, a 100 GiB scan limit and the saved queries", () => {
      const wg = one(plan(), "aws:athena/workgroup:Workgroup");
      expect(wg.inputs.configuration).to.deep.include({ enforceWorkgroupConfiguration: true, bytesScannedCutoffPerQuery: 100 * 1024 ** 3 });
      expect(wg.inputs.configuration.resultConfiguration.encryptionConfiguration.encryptionOption).to.equal("SSE_KMS");
      expect(wg.inputs.configuration.resultConfiguration.outputLocation).to.match(/^s3:\/\/analytics-prod-results-\d{12}\/athena\/$/);
      expect(ofType(plan(), "aws:athena/namedQuery:NamedQuery").map((q) => q.inputs.name).sort()).to.deep.equal(["daily-active-users", "dead-letters-per-day", "events-per-day-and-type"]);
    });

    it("Redshift: a private, encrypted Serverless warehouse whose default role may COPY from the curated zone", () => {
      const ns = one(plan(), "aws:redshiftserverless/namespace:Namespace");
      const wg = one(plan(), "aws:redshiftserverless/workgroup:Workgroup");
      expect(wg.inputs).to.deep.include({ publiclyAccessible: false, enhancedVpcRouting: true, baseCapacity: 32 });
      expect(wg.inputs.subnetIds).to.have.length(3);
      const copyRole = one(plan(), "aws:iam/role:Role", "warehouse-copy");
      expect(ns.propertyDependencies.defaultIamRoleArn).to.include(copyRole.urn);
      expect(statements(policyOf(plan(), "warehouse-copy-curated-read-events")).find((s) => s.Sid === "ReadObjects").Resource).to.match(/analytics-prod-curated-\d{12}\/events\/\*$/);
      expect(ofType(plan(), "aws:redshiftserverless/usageLimit:UsageLimit")).to.deep.equal([]);
    });

    it("EMR (EC2): a Spark cluster in private subnets, encrypted by its security configuration, always on with Spot task nodes", () => {
      const cluster = one(plan(), "aws:emr/cluster:Cluster");
      expect(cluster.inputs.applications).to.deep.equal(["Hadoop", "Spark"]);
      expect(cluster.inputs.securityConfiguration).to.equal(one(plan(), "aws:emr/securityConfiguration:SecurityConfiguration").inputs.name);
      expect(cluster.inputs.terminationProtection).to.equal(true);
      expect(cluster.inputs.autoTerminationPolicy).to.equal(undefined);
      // Kerberos with a KDC on the cluster (BP.EMR.2, no exemption): its admin password is the stack's secret config.
      expect(cluster.inputs.kerberosAttributes.realm).to.equal("EC2.INTERNAL");
      expect(cluster.inputs.kerberosAttributes.kdcAdminPassword).to.be.a("string").and.have.length.greaterThan(11);
      const security = JSON.parse(one(plan(), "aws:emr/securityConfiguration:SecurityConfiguration").inputs.configuration);
      expect(security.AuthenticationConfiguration.KerberosConfiguration.Provider).to.equal("ClusterDedicatedKdc");
      for (const stack of ["dev", "prod"] as const) expect(plans[stack].exemptions.map((e) => e.policy)).not.to.include("emr-cluster-kerberos");
      const vpc = one(plan(), "awsx:ec2:Vpc");
      expect(cluster.propertyDependencies.ec2Attributes).to.include(vpc.urn);
      expect(one(plan(), "aws:emr/instanceFleet:InstanceFleet").inputs.launchSpecifications.spotSpecifications).to.have.length(1);
      // Its nodes read the raw and curated zones and write only the curated one.
      const names = ofType(plan(), "aws:iam/rolePolicy:RolePolicy").map((p) => p.name).filter((n) => n.startsWith("spark-instances-"));
      expect(names).to.include.members(["spark-instances-raw-read", "spark-instances-curated-read", "spark-instances-curated-write"]);
      expect(names).to.not.include("spark-instances-raw-write");
    });

    it("SageMaker: a VPC-only domain with the key, reaching AWS through interface endpoints, training on the curated zone", () => {
      const domain = one(plan(), "aws:sagemaker/domain:Domain");
      expect(domain.inputs.appNetworkAccessType).to.equal("VpcOnly");
      expect(domain.propertyDependencies.kmsKeyId).to.include(one(plan(), "aws:kms/key:Key", "analytics").urn);
      const endpoints = ofType(plan(), "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => String(e.inputs.serviceName).split(".").slice(3).join("."));
      expect(endpoints).to.include.members(["sagemaker.api", "sagemaker.runtime", "sts", "logs", "kms"]);
      expect(ofType(plan(), "aws:iam/rolePolicy:RolePolicy").some((p) => p.name === "ml-execution-curated-read")).to.equal(true);
      expect(ofType(plan(), "aws:sagemaker/modelPackageGroup:ModelPackageGroup")).to.have.length(1);
    });

    it("QuickSight: an events dashboard over the Athena workgroup through a role allowed only that workgroup", () => {
      const source = ofType(plan(), "aws:quicksight/dataSource:DataSource").find((s) => s.inputs.type === "ATHENA")!;
      const role = one(plan(), "aws:iam/role:Role", "quicksight-athena");
      expect(source.propertyDependencies.parameters).to.include.members([one(plan(), "aws:athena/workgroup:Workgroup").urn, role.urn]);
      const query = statements(policyOf(plan(), "quicksight-athena-lake-query"));
      expect(query.find((s) => s.Sid === "RunQueries").Action).to.include("athena:StartQueryExecution");
      expect(ofType(plan(), "aws:cloudcontrol/resource:Resource").length).to.be.greaterThan(0);
    });

    it("QuickSight over Redshift: a data source on the workgroup through a VPC connection in the private subnets, as the read-only reader (its own secret), SPICE refreshed daily", () => {
      const source = ofType(plan(), "aws:quicksight/dataSource:DataSource").find((s) => s.inputs.type === "REDSHIFT")!;
      const workgroup = one(plan(), "aws:redshiftserverless/workgroup:Workgroup");
      const namespace = one(plan(), "aws:redshiftserverless/namespace:Namespace");
      const readerSecret = one(plan(), "aws:secretsmanager/secret:Secret", "warehouse-reader");
      expect(source.inputs.parameters.redshift).to.deep.include({ database: "analytics", port: 5440 });
      expect(source.inputs.sslProperties).to.deep.equal({ disableSsl: false });
      expect(source.propertyDependencies.parameters).to.deep.equal([workgroup.urn]);
      expect(source.propertyDependencies.credentials).to.deep.equal([readerSecret.urn]);
      expect(source.propertyDependencies.credentials).not.to.include(namespace.urn);
      const connection = one(plan(), "aws:quicksight/vpcConnection:VpcConnection", "warehouse-events-vpc-connection");
      expect(source.propertyDependencies.vpcConnectionProperties).to.deep.equal([connection.urn]);
      // QuickSight's network interfaces go into the warehouse's own (private) subnets.
      expect(connection.inputs.subnetIds).to.have.length(3).and.deep.equal(workgroup.inputs.subnetIds);
      // The warehouse SG admits the dashboard's own SG, on the warehouse port, and nothing else.
      const quicksightSg = one(plan(), "aws:ec2/securityGroup:SecurityGroup", "warehouse-events-quicksight");
      const warehouseSg = one(plan(), "aws:ec2/securityGroup:SecurityGroup", "warehouse-warehouse");
      const into = ofType(plan(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.propertyDependencies.securityGroupId?.includes(warehouseSg.urn));
      expect(into.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.propertyDependencies.referencedSecurityGroupId])).to.deep.equal([[5440, 5440, [quicksightSg.urn]]]);
      const refresh = one(plan(), "aws:quicksight/refreshSchedule:RefreshSchedule", "warehouse-events-daily");
      expect(refresh.inputs.schedule).to.deep.equal({ refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "05:00", timezone: "UTC" } });
      const dataSet = ofType(plan(), "aws:quicksight/dataSet:DataSet").find((d) => refresh.propertyDependencies.dataSetId?.includes(d.urn))!;
      expect(dataSet.inputs.importMode).to.equal("SPICE");
      expect(dataSet.inputs.physicalTableMaps[0].customSql.sqlQuery).to.include('FROM "reporting"."events"');
      // QuickSight's Secrets Manager role reads the reader's secret, and decrypts it through Secrets Manager only.
      const secretPolicy = statements(one(plan(), "aws:secretsmanager/secretPolicy:SecretPolicy", "warehouse-reader-quicksight").inputs.policy);
      expect(secretPolicy.map((x) => [x.Principal.AWS, x.Action])).to.deep.equal([["arn:aws:iam::123456789012:role/service-role/aws-quicksight-secretsmanager-role-v0", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]]]);
    });

    it("the reader is made at deploy by warehouse-users (an aws.lambda.Invocation) with IAM credentials: no access to the admin secret, its own secret only", () => {
      const fn = one(plan(), "aws:lambda/function:Function", "warehouse-users");
      const invocation = one(plan(), "aws:lambda/invocation:Invocation", "warehouse-users");
      expect(invocation.propertyDependencies.functionName).to.include(fn.urn);
      expect(JSON.parse(invocation.inputs.input)).to.deep.equal({ action: "provision-reader" });
      const grants = JSON.parse(invocation.inputs.triggers.grants) as string[];
      expect(grants.filter((g) => g.startsWith("GRANT"))).to.deep.equal(['GRANT USAGE ON SCHEMA "reporting" TO "quicksight_reader"', 'GRANT SELECT ON ALL TABLES IN SCHEMA "reporting" TO "quicksight_reader"']);
      // It runs after the warehouse and its own permissions exist; the dashboard after it.
      const workgroup = one(plan(), "aws:redshiftserverless/workgroup:Workgroup");
      const deps = invocation.dependencies ?? [];
      expect(deps).to.include(workgroup.urn);
      expect(deps).to.include(one(plan(), "aws:iam/rolePolicy:RolePolicy", "warehouse-users-role-warehouse-data-api-admin").urn);
      const env = fn.inputs.environment.variables;
      expect(env).to.deep.include({ WAREHOUSE_WORKGROUP: "analytics-prod-warehouse", WAREHOUSE_DATABASE: "analytics", WAREHOUSE_ADMIN_USER: "warehouse_admin", READER_USER: "quicksight_reader", REPORTING_SCHEMA: "reporting" });
      expect(fn.propertyDependencies.environment).to.include(one(plan(), "aws:secretsmanager/secret:Secret", "warehouse-reader").urn);
      expect(fn.propertyDependencies.environment).not.to.include(one(plan(), "aws:redshiftserverless/namespace:Namespace").urn);
      const policies = ofType(plan(), "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("warehouse-users-role-"));
      const secretStatements = policies.flatMap((p) => statements(p.inputs.policy)).filter((x) => [x.Action].flat().some((a: string) => a.startsWith("secretsmanager:")));
      expect(secretStatements.map((x) => x.Sid).sort()).to.deep.equal(["GeneratePasswords", "WriteReaderSecret"]);
      expect(secretStatements.find((x) => x.Sid === "GeneratePasswords").Action).to.deep.equal(["secretsmanager:GetRandomPassword"]);
      expect(secretStatements.find((x) => x.Sid === "WriteReaderSecret").Resource).to.equal(env.READER_SECRET_ARN);
      const dataApi = statements(policyOf(plan(), "warehouse-users-role-warehouse-data-api-admin"));
      expect(dataApi.find((x) => x.Sid === "TemporaryCredentials").Action).to.deep.equal(["redshift-serverless:GetCredentials"]);
      expect(one(plan(), "aws:secretsmanager/secret:Secret", "warehouse-reader")).to.deep.include({ protect: true });
    });

    it("VPC + IAM + KMS: three AZs, MFA-only human roles, one rotating key for every store", () => {
      expect(byUrn(plan(), one(plan(), "awsx:ec2:Vpc").urn).inputs.numberOfAvailabilityZones ?? byUrn(plan(), one(plan(), "awsx:ec2:Vpc").urn).inputs.availabilityZoneNames?.length ?? 3).to.equal(3);
      for (const r of ["analysts", "data-engineers"]) {
        expect(statements(one(plan(), "aws:iam/role:Role", r).inputs.assumeRolePolicy)[0].Condition).to.deep.equal({ Bool: { "aws:MultiFactorAuthPresent": "true" } });
      }
      expect(ofType(plan(), "aws:kms/key:Key").map((k) => k.name)).to.deep.equal(["analytics"]);
    });

    it("Alarms: the ingest function, stream age, failure queue, tables and malformed records page the platform topic", () => {
      const alarms = ofType(plan(), "aws:cloudwatch/metricAlarm:MetricAlarm");
      const metrics = alarms.map((a) => a.inputs.metricName ?? a.inputs.metricQueries?.map((q: any) => q.metric?.metricName).join("+"));
      expect(metrics).to.include.members(["Errors", "Throttles", "GetRecords.IteratorAgeMilliseconds", "ApproximateNumberOfMessagesVisible", "MalformedRecords"]);
      for (const a of alarms) expect(a.inputs.alarmActions, a.name).to.have.length(1);
    });
  });

  describe("dev differs from prod", () => {
    it("on-demand stream, a daily RPU-hour limit, a self-terminating Spark cluster, no interface endpoints, nothing protected, no dashboard", () => {
      const dev = plans.dev;
      expect(one(dev, "aws:kinesis/stream:Stream", "ingest").inputs.streamModeDetails).to.deep.equal({ streamMode: "ON_DEMAND" });
      expect(one(dev, "aws:redshiftserverless/usageLimit:UsageLimit").inputs).to.deep.include({ amount: 8, period: "daily" });
      expect(one(dev, "aws:redshiftserverless/workgroup:Workgroup").inputs.baseCapacity).to.equal(8);
      expect(one(dev, "aws:emr/cluster:Cluster").inputs.autoTerminationPolicy).to.deep.equal({ idleTimeout: 3600 });
      expect(ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")).to.deep.equal([]);
      expect(dev.resources.filter((r) => r.protect).map((r) => r.type)).to.deep.equal([]);
      expect(ofType(dev, "aws:quicksight/dataSource:DataSource", "aws:lambda/invocation:Invocation", "aws:secretsmanager/secret:Secret")).to.deep.equal([]);
      expect(one(dev, "aws:athena/workgroup:Workgroup").inputs.configuration.bytesScannedCutoffPerQuery).to.equal(1024 ** 3);
    });
  });

  describe("config", () => {
    const parse = (stack: string, raw: Record<string, string>) =>
      parseStackConfig(analyticsDefinition, { project: "analytics", stack, organization: "organization", raw: { "aws:region": "us-east-1", "analytics:owner": "team-data", ...raw } });

    it("a stack with the Spark cluster on and no certificates zip or KDC admin password fails, naming the keys and the pulumi config set commands", () => {
      const r = parse("dev", {});
      expect(r.problems.map((p) => p.key)).to.deep.equal(["analytics:sparkTlsCertificatesS3Uri", "analytics:sparkKdcAdminPassword"]);
      expect(r.problems[0]!.allowed).to.include("pulumi config set analytics:sparkTlsCertificatesS3Uri s3://<bucket>/<key>.zip");
      expect(r.problems[1]!.allowed).to.include("pulumi config set --secret analytics:sparkKdcAdminPassword <password>");
      expect(parse("dev", { "analytics:sparkCluster": "false" }).problems).to.deep.equal([]);
      expect(parse("dev", { "analytics:sparkTlsCertificatesS3Uri": "s3://certs/emr.zip", "analytics:sparkKdcAdminPassword": "a-long-enough-password" }).problems).to.deep.equal([]);
    });

    it("a KDC admin password shorter than 12 characters is refused, naming the key", () => {
      const r = parse("dev", { "analytics:sparkTlsCertificatesS3Uri": "s3://certs/emr.zip", "analytics:sparkKdcAdminPassword": "short" });
      expect([...new Set(r.problems.map((p) => p.key))]).to.deep.equal(["analytics:sparkKdcAdminPassword"]);
      expect(r.problems[0]!.allowed).to.match(/at least 12 characters/);
    });

    it("the dashboard refresh time must be HH:MM", () => {
      const r = parse("dev", { "analytics:sparkCluster": "false", "analytics:dashboardRefreshTime": "5am" });
      expect(r.problems.map((p) => p.key)).to.deep.equal(["analytics:dashboardRefreshTime"]);
      expect(r.problems[0]!.allowed).to.include("HH:MM");
    });

    it("prod needs shards; Deep Archive must follow Glacier by 90 days; a provisioned warehouse pauses and resumes together", () => {
      const r = parse("prod", {
        "analytics:sparkTlsCertificatesS3Uri": "s3://certs/emr.zip",
        "analytics:sparkKdcAdminPassword": "a-long-enough-password",
        "analytics:rawArchiveAfterDays": "90",
        "analytics:rawDeepArchiveAfterDays": "120",
        "analytics:warehouseProvisioned": JSON.stringify({ nodeType: "ra3.xlplus", nodes: 2, pauseSchedule: "cron(0 22 * * ? *)" }),
      });
      expect(r.problems.map((p) => p.key).sort()).to.deep.equal(["analytics:ingestShards", "analytics:rawDeepArchiveAfterDays", "analytics:warehouseProvisioned.resumeSchedule"]);
      expect(r.problems.find((p) => p.key === "analytics:rawDeepArchiveAfterDays")!.allowed).to.include("at least rawArchiveAfterDays + 90 (180)");
    });
  });
});
