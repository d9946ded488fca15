/**
 * The analytics components under Pulumi's mocks: DataLake, Warehouse, SparkCluster, MlWorkspace.
 * Secure defaults, dev/prod differences, grants, and the errors bad arguments get.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as path from "node:path";
import { DataLake, type DataLakeArgs } from "../../components/analytics/data-lake";
import { MlWorkspace, type MlWorkspaceArgs } from "../../components/analytics/ml-workspace";
import { defaultKerberosRealm, EmrManagedPolicyTag, SparkCluster, type SparkClusterArgs } from "../../components/analytics/spark-cluster";
import { Warehouse, type WarehouseArgs } from "../../components/analytics/warehouse";
import { isWildcardAction } from "../../components/security/policy-document";
import { EncryptedBucket } from "../../components/storage/encrypted-bucket";
import { MockRecorder, setupMocks, statement, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const SUBNETS = ["subnet-0a", "subnet-0b", "subnet-0c"];
/** The message a constructor throws (every problem is in one message). */
function thrown(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the constructor to throw");
}

const SCRIPT = path.join(__dirname, "..", "..", "projects", "analytics", "glue", "raw-to-curated.py");

describe("analytics components", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  const bucket = (name: string, env: "dev" | "prod" = "dev") => new EncryptedBucket(name, { context: testContext(env), kmsKey: KEY_ARN });
  const allowActions = (policy: unknown) => statementsOf(policy).filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action].flat());

  describe("DataLake", () => {
    function lake(args: Partial<DataLakeArgs> = {}, env: "dev" | "prod" = "dev") {
      const raw = bucket("raw", env);
      const curated = bucket("curated", env);
      const results = bucket("results", env);
      const scripts = bucket("scripts", env);
      const l = new DataLake("lake", {
        context: testContext(env),
        kmsKey: KEY_ARN,
        crawlerTargets: [{ name: "raw-events", bucket: raw, prefix: "events/" }],
        etlJobs: [{ name: "to-curated", scriptPath: SCRIPT, description: "raw to curated", reads: [{ bucket: raw, prefix: "events/" }], writes: [{ bucket: curated, prefix: "events/" }], schedule: "cron(30 * * * ? *)" }],
        scriptsBucket: scripts,
        resultsBucket: results,
        namedQueries: [{ name: "count", description: "count", query: "SELECT 1" }],
        ...args,
      });
      return { l, raw, curated, results, scripts };
    }

    it("encrypts everything Glue writes with the key: S3 output, CloudWatch logs, job bookmarks", async () => {
      lake();
      await mocks.settle();
      const enc = mocks.one("aws:glue/securityConfiguration:SecurityConfiguration").inputs.encryptionConfiguration;
      expect(enc.s3Encryption).to.deep.equal({ s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN });
      expect(enc.cloudwatchEncryption).to.deep.equal({ cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN });
      expect(enc.jobBookmarksEncryption).to.deep.equal({ jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY_ARN });
    });

    it("crawls new date folders only, logs schema changes, runs with the security configuration", async () => {
      lake();
      await mocks.settle();
      const c = mocks.one("aws:glue/crawler:Crawler").inputs;
      expect(c.databaseName).to.equal("test_dev");
      expect(c.securityConfiguration).to.equal(mocks.one("aws:glue/securityConfiguration:SecurityConfiguration").inputs.name);
      expect(c.recrawlPolicy).to.deep.equal({ recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" });
      expect(c.schemaChangePolicy).to.deep.equal({ updateBehavior: "LOG", deleteBehavior: "LOG" });
      expect(c.s3Targets[0].path).to.match(/^s3:\/\/.+\/events\/$/);
    });

    it("runs the ETL job from the uploaded script with bookmarks, the security configuration and a schedule", async () => {
      lake();
      await mocks.settle();
      const job = mocks.one("aws:glue/job:Job").inputs;
      expect(job.glueVersion).to.equal("5.0");
      expect(job.securityConfiguration).to.be.a("string").and.not.equal("");
      expect(job.defaultArguments).to.include({ "--job-bookmark-option": "job-bookmark-enable", "--enable-metrics": "true", "--DATABASE_NAME": "test_dev" });
      const script = mocks.one("aws:s3/bucketObjectv2:BucketObjectv2").inputs;
      expect(job.command.scriptLocation).to.equal(`s3://${script.bucket}/${script.key}`);
      expect(script.serverSideEncryption).to.equal("aws:kms");
      expect(mocks.one("aws:glue/trigger:Trigger").inputs).to.deep.include({ type: "SCHEDULED", schedule: "cron(30 * * * ? *)" });
      // The job's role may write only the curated prefix it was given, and no wildcard action.
      const roleName = mocks.ofType("aws:iam/role:Role").find((r) => r.name === "lake-to-curated")!.name;
      const writes = mocks.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith(`${roleName}-curated-write`));
      expect(writes).to.have.length(1);
      expect(statement(writes[0]!.inputs.policy, "WriteObjects").Resource).to.match(/\/events\/\*$/);
      for (const p of mocks.ofType("aws:iam/rolePolicy:RolePolicy").filter((x) => x.name.startsWith(roleName))) for (const a of allowActions(p.inputs.policy)) expect(isWildcardAction(a), a).to.equal(false);
    });

    it("enforces encrypted Athena results with the key, metrics and a scan limit", async () => {
      lake({ bytesScannedCutoffPerQuery: 1024 ** 3 });
      await mocks.settle();
      const wg = mocks.one("aws:athena/workgroup:Workgroup").inputs;
      expect(wg.configuration).to.deep.include({ enforceWorkgroupConfiguration: true, publishCloudwatchMetricsEnabled: true, bytesScannedCutoffPerQuery: 1024 ** 3 });
      expect(wg.configuration.resultConfiguration.encryptionConfiguration).to.deep.equal({ encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN });
      expect(wg.forceDestroy).to.equal(true);
      expect(mocks.one("aws:athena/namedQuery:NamedQuery").inputs).to.deep.include({ database: "test_dev", query: "SELECT 1" });
    });

    it("keeps the workgroup's history in prod (no force destroy)", async () => {
      lake({}, "prod");
      await mocks.settle();
      expect(mocks.one("aws:athena/workgroup:Workgroup").inputs.forceDestroy).to.equal(false);
    });

    it("grantQuery gives Athena in this workgroup, catalog reads, the crawled and curated prefixes (not the rest of their buckets) and the results prefix", async () => {
      const { l } = lake();
      const analyst = new aws.iam.Role("analyst", { assumeRolePolicy: "{}" });
      l.grantQuery(analyst);
      await mocks.settle();
      const query = mocks.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "analyst-lake-query")!;
      expect(statement(query.inputs.policy, "RunQueries").Resource).to.match(/^arn:aws:athena:/);
      expect(statement(query.inputs.policy, "ReadCatalog").Action).to.not.include("glue:CreateTable");
      const names = mocks.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("analyst-")).map((p) => p.name).sort();
      expect(names).to.have.length(5);
      expect(names).to.include.members(["analyst-lake-query", "analyst-results-read-athena", "analyst-results-write-athena"]);
      const reads = mocks.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => /^analyst-(raw|curated)-read/.test(p.name));
      expect(reads).to.have.length(2);
      for (const r of reads) {
        expect(statement(r.inputs.policy, "ReadObjects").Resource).to.match(/\/events\/\*$/);
        expect(statement(r.inputs.policy, "ListBucket").Condition).to.deep.equal({ StringLike: { "s3:prefix": ["events/*"] } });
      }
    });

    it("refuses a bad database name, a tiny scan limit, a missing script and jobs without a scripts bucket, all at once", () => {
      const raw = bucket("raw2");
      const results = bucket("results2");
      {
        const message = thrown(() => new DataLake("bad", {
            context: testContext("dev"),
            kmsKey: KEY_ARN,
            databaseName: "Bad-Name",
            bytesScannedCutoffPerQuery: 1000,
            etlJobs: [{ name: "j", scriptPath: "/nope.py", description: "x", reads: [{ bucket: raw }], writes: [{ bucket: raw }] }],
            resultsBucket: results,
          }));
        expect(message).to.match(/databaseName = "Bad-Name"/);
        expect(message).to.match(/bytesScannedCutoffPerQuery = 1000/);
        expect(message).to.match(/scriptPath = "\/nope.py": no such file/);
        expect(message).to.match(/scriptsBucket is required with etlJobs/);
      }
    });
  });

  describe("Warehouse", () => {
    const base = (env: "dev" | "prod" = "dev"): WarehouseArgs => ({ context: testContext(env), kmsKey: KEY_ARN, vpcId: "vpc-0a", subnetIds: SUBNETS });

    it("serverless: encrypted with the key, private, enhanced VPC routing, TLS, audit logs, managed admin secret", async () => {
      new Warehouse("warehouse", { ...base(), maxRpuHoursPerDay: 8 });
      await mocks.settle();
      const ns = mocks.one("aws:redshiftserverless/namespace:Namespace").inputs;
      expect(ns).to.deep.include({ kmsKeyId: KEY_ARN, manageAdminPassword: true, adminPasswordSecretKmsKeyId: KEY_ARN, dbName: "warehouse" });
      expect(ns.adminUsername.value ?? ns.adminUsername).to.equal("warehouse_admin");
      expect(ns.logExports).to.have.members(["userlog", "connectionlog", "useractivitylog"]);
      const copyRole = mocks.ofType("aws:iam/role:Role").find((r) => r.name === "warehouse-copy")!;
      expect(ns.iamRoles).to.have.length(1);
      expect(statementsOf(copyRole.inputs.assumeRolePolicy)[0].Principal.Service).to.equal("redshift.amazonaws.com");
      const wg = mocks.one("aws:redshiftserverless/workgroup:Workgroup").inputs;
      expect(wg).to.deep.include({ publiclyAccessible: false, enhancedVpcRouting: true, baseCapacity: 8, maxCapacity: 64, port: 5440 });
      expect(wg.subnetIds).to.deep.equal(SUBNETS);
      expect(wg.configParameters).to.deep.include({ parameterKey: "require_ssl", parameterValue: "true" });
      expect(mocks.one("aws:redshiftserverless/usageLimit:UsageLimit").inputs).to.deep.include({ usageType: "serverless-compute", amount: 8, period: "daily", breachAction: "deactivate" });
      expect(mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).to.have.length(0);
    });

    it("is protected in prod, and has no daily limit unless asked", async () => {
      new Warehouse("warehouse", base("prod"));
      await mocks.settle();
      for (const t of ["aws:redshiftserverless/namespace:Namespace", "aws:redshiftserverless/workgroup:Workgroup"]) expect(mocks.one(t)).to.deep.include({ protect: true, retainOnDelete: true });
      expect(mocks.ofType("aws:redshiftserverless/usageLimit:UsageLimit")).to.have.length(0);
    });

    it("provisioned: encrypted, private, multi-AZ in prod, TLS parameter group, CloudWatch audit logging, final snapshot, pause/resume", async () => {
      new Warehouse("warehouse", { ...base("prod"), provisioned: { nodeType: "ra3.xlplus", nodes: 2, pauseSchedule: "cron(0 22 * * ? *)", resumeSchedule: "cron(0 6 * * ? *)" } });
      await mocks.settle();
      const c = mocks.one("aws:redshift/cluster:Cluster");
      expect(c.inputs).to.deep.include({ encrypted: "true", kmsKeyId: KEY_ARN, publiclyAccessible: false, enhancedVpcRouting: true, multiAz: true, manageMasterPassword: true, skipFinalSnapshot: false, numberOfNodes: 2, masterUsername: "warehouse_admin" });
      expect(c.protect).to.equal(true);
      expect(mocks.one("aws:redshift/parameterGroup:ParameterGroup").inputs.parameters).to.deep.include({ name: "require_ssl", value: "true" });
      expect(mocks.one("aws:redshift/logging:Logging").inputs).to.deep.include({ logDestinationType: "cloudwatch" });
      expect(mocks.ofType("aws:redshift/scheduledAction:ScheduledAction").map((a) => a.inputs.schedule).sort()).to.deep.equal(["cron(0 22 * * ? *)", "cron(0 6 * * ? *)"]);
    });

    it("grantDataApiAdmin, Serverless: the Data API and GetCredentials on this workgroup only, results of its own statements only, no secret", async () => {
      const w = new Warehouse("warehouse", base());
      const role = new aws.iam.Role("provisioner", { assumeRolePolicy: "{}" });
      w.grantDataApiAdmin(role);
      await mocks.settle();
      const policy = mocks.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "provisioner-warehouse-data-api-admin")!.inputs.policy;
      const wgArn = await new Promise<string>((r) => w.workgroup!.arn.apply(r));
      expect(await new Promise<string>((r) => w.arn.apply(r))).to.equal(wgArn);
      expect(statement(policy, "RunStatements")).to.deep.include({ Action: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], Resource: wgArn });
      expect(statement(policy, "TemporaryCredentials")).to.deep.include({ Action: ["redshift-serverless:GetCredentials"], Resource: wgArn });
      expect(statement(policy, "OwnStatementsOnly").Condition).to.deep.equal({ StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } });
      const actions = allowActions(policy);
      expect(actions.filter((a) => a.startsWith("secretsmanager:") || a === "redshift:GetClusterCredentials")).to.deep.equal([]);
      expect(await new Promise((r) => w.dataApiTarget.apply(r))).to.deep.equal({ workgroupName: "test-dev-warehouse" });
    });

    it("grantDataApiAdmin, provisioned: temporary credentials for the admin user of this cluster and database only", async () => {
      const w = new Warehouse("warehouse", { ...base(), provisioned: { nodeType: "ra3.xlplus", nodes: 1 } });
      const role = new aws.iam.Role("provisioner", { assumeRolePolicy: "{}" });
      w.grantDataApiAdmin(role);
      await mocks.settle();
      const policy = mocks.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "provisioner-warehouse-data-api-admin")!.inputs.policy;
      const clusterArn = await new Promise<string>((r) => w.arn.apply(r));
      const id = await new Promise<string>((r) => w.cluster!.clusterIdentifier.apply(r));
      expect(statement(policy, "RunStatements").Resource).to.equal(clusterArn);
      expect(statement(policy, "AdminTemporaryCredentials")).to.deep.include({
        Action: ["redshift:GetClusterCredentials"],
        Resource: [`arn:aws:redshift:us-east-1:123456789012:dbuser:${id}/warehouse_admin`, `arn:aws:redshift:us-east-1:123456789012:dbname:${id}/warehouse`],
      });
      expect(allowActions(policy).filter((a) => a.startsWith("secretsmanager:") || a.startsWith("redshift-serverless:"))).to.deep.equal([]);
    });

    it("grantLoadFrom lets COPY read one prefix; allowFrom opens the port to one security group", async () => {
      const w = new Warehouse("warehouse", base());
      const curated = bucket("curated");
      w.grantLoadFrom(curated, "events/");
      w.allowFrom("bi", "sg-0bi");
      await mocks.settle();
      const read = mocks.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "warehouse-copy-curated-read-events")!;
      expect(statement(read.inputs.policy, "ReadObjects").Resource).to.match(/\/events\/\*$/);
      expect(mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs).to.deep.include({ fromPort: 5440, toPort: 5440, referencedSecurityGroupId: "sg-0bi" });
    });

    it("refuses fewer than three subnets for serverless, the default admin name and database, and bad capacity, all at once", () => {
      {
        const message = thrown(() => new Warehouse("bad", { ...base(), subnetIds: SUBNETS.slice(0, 2), adminUsername: "awsuser", databaseName: "dev", baseCapacity: 12 }));
        expect(message).to.match(/subnetIds has 2 subnet\(s\): Redshift Serverless needs subnets in at least three availability zones/);
        expect(message).to.match(/adminUsername = "awsuser"/);
        expect(message).to.match(/databaseName = "dev"/);
        expect(message).to.match(/baseCapacity = 12/);
      }
      {
        const message = thrown(() => new Warehouse("bad2", { ...base("prod"), provisioned: { nodeType: "ra3.xlplus", nodes: 1, pauseSchedule: "cron(0 22 * * ? *)" } }));
        expect(message).to.match(/a multi-AZ \(prod\) cluster needs at least 2 nodes/);
        expect(message).to.match(/pauseSchedule and provisioned.resumeSchedule go together/);
      }
    });
  });

  describe("SparkCluster", () => {
    const base = (env: "dev" | "prod" = "dev"): SparkClusterArgs => ({
      context: testContext(env),
      kmsKey: KEY_ARN,
      vpcId: "vpc-0a",
      subnetIds: SUBNETS,
      subnetCount: 3,
      logsBucket: bucket(`logs-${env}`, env),
      tlsCertificatesS3Uri: "s3://certs-bucket/emr/certs.zip",
      size: { coreNodes: 2, maxTaskNodes: 6 },
      kerberos: { kdcAdminPassword: "kdc-admin-test-password" },
    });

    it("encrypts S3 data, local disks, EBS and traffic with the key and TLS, and requires IMDSv2", async () => {
      new SparkCluster("spark", base());
      await mocks.settle();
      const doc = JSON.parse(mocks.one("aws:emr/securityConfiguration:SecurityConfiguration").inputs.configuration);
      expect(doc.EncryptionConfiguration).to.deep.include({ EnableAtRestEncryption: true, EnableInTransitEncryption: true });
      expect(doc.EncryptionConfiguration.AtRestEncryptionConfiguration.S3EncryptionConfiguration).to.deep.equal({ EncryptionMode: "SSE-KMS", AwsKmsKey: KEY_ARN });
      expect(doc.EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration).to.deep.equal({ EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY_ARN, EnableEbsEncryption: true });
      expect(doc.EncryptionConfiguration.InTransitEncryptionConfiguration.TLSCertificateConfiguration).to.deep.equal({ CertificateProviderType: "PEM", S3Object: "s3://certs-bucket/emr/certs.zip" });
      expect(doc.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion).to.equal(2);
      const cluster = mocks.one("aws:emr/cluster:Cluster").inputs;
      expect(cluster.securityConfiguration).to.equal(mocks.one("aws:emr/securityConfiguration:SecurityConfiguration").inputs.name);
      expect(cluster.logEncryptionKmsKeyId).to.equal(KEY_ARN);
      expect(cluster.ec2Attributes.subnetIds).to.deep.equal(SUBNETS);
    });

    it("authenticates with Kerberos: a cluster-dedicated KDC in the security configuration, the realm from the region, the admin password as a secret", async () => {
      new SparkCluster("spark", base());
      await mocks.settle();
      const doc = JSON.parse(mocks.one("aws:emr/securityConfiguration:SecurityConfiguration").inputs.configuration);
      expect(doc.AuthenticationConfiguration).to.deep.equal({ KerberosConfiguration: { Provider: "ClusterDedicatedKdc", ClusterDedicatedKdcConfiguration: { TicketLifetimeInHours: 24 } } });
      // Registered as a secret (encrypted in the state, masked in the CLI's output), with the realm.
      const attributes = mocks.one("aws:emr/cluster:Cluster").inputs.kerberosAttributes;
      expect(attributes).to.deep.equal({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: { realm: "EC2.INTERNAL", kdcAdminPassword: "kdc-admin-test-password" } });
      expect(defaultKerberosRealm("eu-west-1")).to.equal("EU-WEST-1.COMPUTE.INTERNAL");
    });

    it("refuses a cluster without a KDC admin password, a lower-case realm and a ticket longer than a day", () => {
      const message = thrown(() => new SparkCluster("nokdc", { ...base(), kerberos: { kdcAdminPassword: "", realm: "ec2.internal", ticketLifetimeHours: 48 } }));
      expect(message).to.include("kerberos.kdcAdminPassword is required: the cluster-dedicated KDC's admin password, from a secret");
      expect(message).to.include('kerberos.realm = "ec2.internal": must be upper-case');
      expect(message).to.include("kerberos.ticketLifetimeHours = 48: must be a whole number of hours from 1 to 24");
    });

    it("dev: terminates itself after an idle hour, no termination protection; prod: stays up, protected", async () => {
      new SparkCluster("spark", base("dev"));
      await mocks.settle();
      expect(mocks.one("aws:emr/cluster:Cluster").inputs).to.deep.include({ autoTerminationPolicy: { idleTimeout: 3600 }, terminationProtection: false });
      mocks.reset();
      new SparkCluster("spark-prod", base("prod"));
      await mocks.settle();
      const prod = mocks.one("aws:emr/cluster:Cluster").inputs;
      expect(prod.autoTerminationPolicy).to.equal(undefined);
      expect(prod.terminationProtection).to.equal(true);
    });

    it("primary and core on demand, task nodes on Spot, managed scaling grows only the Spot task fleet", async () => {
      new SparkCluster("spark", base());
      await mocks.settle();
      const c = mocks.one("aws:emr/cluster:Cluster").inputs;
      expect(c.masterInstanceFleet.targetOnDemandCapacity).to.equal(1);
      expect(c.coreInstanceFleet.targetOnDemandCapacity).to.equal(2);
      const task = mocks.one("aws:emr/instanceFleet:InstanceFleet").inputs;
      expect(task.launchSpecifications.spotSpecifications[0].allocationStrategy).to.equal("price-capacity-optimized");
      const limits = mocks.one("aws:emr/managedScalingPolicy:ManagedScalingPolicy").inputs.computeLimits[0];
      expect(limits).to.deep.include({ unitType: "InstanceFleetUnits", minimumCapacityUnits: 3, maximumCapacityUnits: 9, maximumOndemandCapacityUnits: 3, maximumCoreCapacityUnits: 2 });
    });

    it("tags its subnets and security groups for AmazonEMRServicePolicy_v2, and lets the nodes read only the certificates object", async () => {
      new SparkCluster("spark", base());
      await mocks.settle();
      const tags = mocks.ofType("aws:ec2/tag:Tag");
      expect(tags).to.have.length(3);
      for (const t of tags) expect(t.inputs).to.deep.include({ key: EmrManagedPolicyTag.key, value: "true" });
      for (const sg of mocks.ofType("aws:ec2/securityGroup:SecurityGroup")) expect(sg.inputs.tags[EmrManagedPolicyTag.key]).to.equal("true");
      expect(mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2");
      const cluster = mocks.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "spark-instances-spark-cluster")!;
      expect(statement(cluster.inputs.policy, "ReadTlsCertificates").Resource).to.equal("arn:aws:s3:::certs-bucket/emr/certs.zip");
    });

    it("refuses a missing certificates zip, an old release, auto-termination in prod, all at once", () => {
      {
        const message = thrown(() => new SparkCluster("bad", { ...base("prod"), tlsCertificatesS3Uri: "", releaseLabel: "emr-5.36.0", idleTimeoutSeconds: 600 }));
        expect(message).to.match(/tlsCertificatesS3Uri = "": must be s3:\/\/<bucket>\/<key>\.zip/);
        expect(message).to.match(/releaseLabel = "emr-5.36.0"/);
        expect(message).to.match(/prod clusters stay up/);
      }
    });
  });

  describe("MlWorkspace", () => {
    const base = (env: "dev" | "prod" = "dev"): MlWorkspaceArgs => ({
      context: testContext(env),
      kmsKey: KEY_ARN,
      vpcId: "vpc-0a",
      vpcCidr: "10.0.0.0/16",
      subnetIds: SUBNETS,
      modelsBucket: bucket(`models-${env}`, env),
      reads: [{ bucket: bucket(`curated-${env}`, env) }],
    });

    it("is a VPC-only domain encrypted with the key, apps stop when idle", async () => {
      new MlWorkspace("ml", base());
      await mocks.settle();
      const d = mocks.one("aws:sagemaker/domain:Domain").inputs;
      expect(d).to.deep.include({ appNetworkAccessType: "VpcOnly", kmsKeyId: KEY_ARN, authMode: "IAM" });
      expect(d.subnetIds).to.deep.equal(SUBNETS);
      expect(d.defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement.idleSettings).to.deep.include({ lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 60 });
      expect(d.retentionPolicy).to.deep.equal({ homeEfsFileSystem: "Delete" });
    });

    it("prod: retains the home file system, protected; HTTPS egress stays in the VPC with endpointsOnly", async () => {
      new MlWorkspace("ml", { ...base("prod"), endpointsOnly: true });
      await mocks.settle();
      const d = mocks.one("aws:sagemaker/domain:Domain");
      expect(d.inputs.retentionPolicy).to.deep.equal({ homeEfsFileSystem: "Retain" });
      expect(d).to.deep.include({ protect: true, retainOnDelete: true });
      const https = mocks.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").find((r) => r.inputs.fromPort === 443)!;
      expect(https.inputs.cidrIpv4).to.equal("10.0.0.0/16");
    });

    it("the execution role reads the granted zone and writes only models/ and training/; endpoint configs only with the key", async () => {
      new MlWorkspace("ml", base());
      await mocks.settle();
      const policies = mocks.ofType("aws:iam/rolePolicy:RolePolicy");
      const writes = policies.filter((p) => p.name.startsWith("ml-execution-models-dev-write")).map((p) => statement(p.inputs.policy, "WriteObjects").Resource);
      expect(writes).to.have.length(2);
      expect(writes.some((r: string) => r.endsWith("/models/*"))).to.equal(true);
      expect(writes.some((r: string) => r.endsWith("/training/*"))).to.equal(true);
      expect(policies.some((p) => p.name === "ml-execution-curated-dev-read")).to.equal(true);
      const deploy = policies.find((p) => p.name === "ml-deploy-ml-deploy")!;
      expect(statement(deploy.inputs.policy, "EncryptedEndpointConfigs").Condition).to.deep.equal({ StringEquals: { "sagemaker:VolumeKmsKey": KEY_ARN } });
      expect(statement(deploy.inputs.policy, "Deploy").Action).to.not.include("sagemaker:CreateEndpointConfig");
      for (const p of policies) for (const a of allowActions(p.inputs.policy)) expect(isWildcardAction(a), `${p.name}: ${a}`).to.equal(false);
      expect(mocks.ofType("aws:sagemaker/modelPackageGroup:ModelPackageGroup")).to.have.length(1);
    });

    it("refuses a bad idle timeout, a bad user name and an empty read list, all at once", () => {
      {
        const message = thrown(() => new MlWorkspace("bad", { ...base(), idleTimeoutMinutes: 5, userProfiles: ["no spaces"], reads: [] }));
        expect(message).to.match(/idleTimeoutMinutes = 5/);
        expect(message).to.match(/userProfiles: "no spaces"/);
        expect(message).to.match(/reads is empty/);
      }
    });
  });
});
