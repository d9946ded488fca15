import { expect } from "chai";
import * as an from "../../policy-packs/aws-compliance/policies/data-analytics";
import { evaluate, res, UNKNOWN } from "../helpers/policy";
import { expectOne, expectUndecided, runSpecs } from "./data-table";

const EMR = "aws:emr/cluster:Cluster";
const EMRSC = "aws:emr/securityConfiguration:SecurityConfiguration";
const BPA = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration";
const SUBNET = "aws:ec2/subnet:Subnet";
const WG = "aws:athena/workgroup:Workgroup";
const JOB = "aws:glue/job:Job";
const GSC = "aws:glue/securityConfiguration:SecurityConfiguration";
const DCE = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings";
const STREAM = "aws:kinesis/stream:Stream";
const FH = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const NB = "aws:sagemaker/notebookInstance:NotebookInstance";
const EPC = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const MODEL = "aws:sagemaker/model:Model";
const DOMAIN = "aws:sagemaker/domain:Domain";
const SFN = "aws:sfn/stateMachine:StateMachine";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const fullEmrConfig = {
  EncryptionConfiguration: {
    EnableAtRestEncryption: true,
    EnableInTransitEncryption: true,
    AtRestEncryptionConfiguration: {
      S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: KEY },
      LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY, EnableEbsEncryption: true },
    },
    InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://certs/emr.zip" } },
  },
};

runSpecs([
  {
    policy: an.emrAtRestEncryption,
    controls: "EMR.3",
    pass: [
      { title: "S3 and local disk (EBS) encryption, JSON string", type: EMRSC, inputs: { configuration: JSON.stringify(fullEmrConfig) } },
      { title: "the same document given as an object", type: EMRSC, inputs: { configuration: fullEmrConfig } },
      {
        title: "(config) local disk without EBS when requireEbsEncryption is false",
        type: EMRSC,
        inputs: { configuration: JSON.stringify({ EncryptionConfiguration: { EnableAtRestEncryption: true, AtRestEncryptionConfiguration: { S3EncryptionConfiguration: { EncryptionMode: "SSE-S3" }, LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY } } } }) },
        config: { requireEbsEncryption: false },
      },
    ],
    fail: [
      { title: "at-rest encryption off", type: EMRSC, inputs: { configuration: JSON.stringify({ EncryptionConfiguration: { EnableAtRestEncryption: false, EnableInTransitEncryption: true } }) }, expect: ["EnableAtRestEncryption", "set `EnableAtRestEncryption: true`"] },
      {
        title: "local disk without EBS (default requires it)",
        type: EMRSC,
        inputs: { configuration: JSON.stringify({ EncryptionConfiguration: { EnableAtRestEncryption: true, AtRestEncryptionConfiguration: { S3EncryptionConfiguration: { EncryptionMode: "SSE-S3" }, LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY } } } }) },
        expect: ["EnableEbsEncryption"],
      },
      { title: "not JSON", type: EMRSC, inputs: { configuration: "{not json" }, expect: ["not a JSON security configuration"] },
    ],
    unknown: [{ title: "the document unknown", type: EMRSC, inputs: { configuration: UNKNOWN } }],
  },
  {
    policy: an.emrInTransitEncryption,
    controls: "EMR.4",
    pass: [{ title: "TLS with PEM certificates", type: EMRSC, inputs: { configuration: JSON.stringify(fullEmrConfig) } }],
    fail: [
      { title: "in-transit encryption off", type: EMRSC, inputs: { configuration: JSON.stringify({ EncryptionConfiguration: { EnableInTransitEncryption: false } }) }, expect: ["EnableInTransitEncryption", "TLSCertificateConfiguration"] },
      { title: "on without certificates", type: EMRSC, inputs: { configuration: JSON.stringify({ EncryptionConfiguration: { EnableInTransitEncryption: true } }) }, expect: ["no `InTransitEncryptionConfiguration.TLSCertificateConfiguration`"] },
    ],
    unknown: [{ title: "the document unknown", type: EMRSC, inputs: { configuration: UNKNOWN } }],
  },
  {
    policy: an.emrClusterSecurityConfiguration,
    controls: "BP.EMR.1",
    pass: [{ title: "a security configuration (an aws.emr.SecurityConfiguration's output, unknown at preview)", type: EMR, inputs: { securityConfiguration: UNKNOWN }, deps: { securityConfiguration: [res("aws:emr/securityConfiguration:SecurityConfiguration", {}, { name: "emr-sec" })] } }],
    unknown: [{ title: "a security configuration unknown at preview that comes from no security configuration", type: EMR, inputs: { securityConfiguration: UNKNOWN } }],
    fail: [{ title: "none", type: EMR, inputs: {}, expect: ["no security configuration", "set `securityConfiguration`"] }],
  },
  {
    policy: an.emrClusterKerberos,
    controls: "BP.EMR.2",
    pass: [{ title: "Kerberos attributes", type: EMR, inputs: { kerberosAttributes: { realm: "EC2.INTERNAL", kdcAdminPassword: UNKNOWN } } }],
    fail: [{ title: "no Kerberos", type: EMR, inputs: {}, expect: ["`kerberosAttributes` is unset"] }],
  },
  {
    policy: an.athenaWorkgroupEncrypted,
    controls: "Athena.1",
    pass: [
      { title: "SSE_KMS results, enforced by default", type: WG, inputs: { configuration: { resultConfiguration: { outputLocation: UNKNOWN, encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: UNKNOWN } } } } },
      { title: "managed query results", type: WG, inputs: { configuration: { managedQueryResultsConfiguration: { enabled: true } } } },
      { title: "SSE_S3 when KMS is not required", type: WG, inputs: { configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_S3" } } } } },
    ],
    fail: [
      { title: "no configuration", type: WG, inputs: {}, expect: ["query results are not encrypted", 'encryptionOption: "SSE_KMS"'] },
      { title: "clients may override", type: WG, inputs: { configuration: { enforceWorkgroupConfiguration: false, resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_S3" } } } }, expect: ["`configuration.enforceWorkgroupConfiguration: false`"] },
      { title: "(config) SSE_S3 when KMS is required", type: WG, inputs: { configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_S3" } } } }, config: { requireKms: true }, expect: ["use SSE_S3, not KMS"] },
    ],
    unknown: [{ title: "the option unknown", type: WG, inputs: { configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: UNKNOWN } } } } }],
  },
  {
    policy: an.athenaWorkgroupMetrics,
    controls: "Athena.4",
    pass: [{ title: "a configuration block (metrics default true)", type: WG, inputs: { configuration: { enforceWorkgroupConfiguration: true } } }],
    fail: [
      { title: "no configuration block", type: WG, inputs: {}, expect: ["no `configuration` block", "publishCloudwatchMetricsEnabled: true"] },
      { title: "metrics off", type: WG, inputs: { configuration: { publishCloudwatchMetricsEnabled: false } }, expect: ["`configuration.publishCloudwatchMetricsEnabled: false`"] },
    ],
    unknown: [{ title: "the flag unknown", type: WG, inputs: { configuration: { publishCloudwatchMetricsEnabled: UNKNOWN } } }],
  },
  {
    policy: an.glueMlTransformEncrypted,
    controls: "Glue.3",
    pass: [],
    fail: [{ title: "any aws.glue.MLTransform (no TransformEncryption input)", type: "aws:glue/mLTransform:MLTransform", inputs: { roleArn: "r", parameters: { transformType: "FIND_MATCHES" } }, expect: ["cannot set TransformEncryption", "MLUserDataEncryptionMode: SSE-KMS"] }],
  },
  {
    policy: an.glueSparkJobVersion,
    controls: "Glue.4",
    pass: [
      { title: "Glue 4.0", type: JOB, inputs: { command: { scriptLocation: "s3://x" }, glueVersion: "4.0" } },
      { title: "a Python shell job on 1.0 (not Spark)", type: JOB, inputs: { command: { name: "pythonshell", scriptLocation: "s3://x" }, glueVersion: "1.0" } },
      { title: "(config) Glue 2.0 when 2.0 is the minimum", type: JOB, inputs: { command: { name: "glueetl", scriptLocation: "s3://x" }, glueVersion: "2.0" }, config: { minGlueVersion: "2.0" } },
    ],
    fail: [
      { title: "Glue 2.0", type: JOB, inputs: { command: { name: "glueetl", scriptLocation: "s3://x" }, glueVersion: "2.0" }, expect: ["Glue 2.0, below the supported 3.0", 'set `glueVersion` to "3.0" or later'] },
      { title: "no version (0.9)", type: JOB, inputs: { command: { name: "gluestreaming", scriptLocation: "s3://x" } }, expect: ["Glue 0.9"] },
    ],
    unknown: [{ title: "the version unknown", type: JOB, inputs: { command: { scriptLocation: "s3://x" }, glueVersion: UNKNOWN } }],
  },
  {
    policy: an.glueSecurityConfigurationEncrypted,
    controls: "BP.Glue.1",
    pass: [
      {
        title: "S3, CloudWatch and bookmarks encrypted",
        type: GSC,
        inputs: { encryptionConfiguration: { s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: UNKNOWN }, cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: UNKNOWN }, jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: UNKNOWN } } },
      },
    ],
    fail: [
      {
        title: "CloudWatch and bookmarks disabled",
        type: GSC,
        inputs: { encryptionConfiguration: { s3Encryption: { s3EncryptionMode: "SSE-S3" }, cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" }, jobBookmarksEncryption: {} } },
        expect: ["encryption is off for cloudwatchEncryption, jobBookmarksEncryption", 'jobBookmarksEncryptionMode: "CSE-KMS"'],
      },
    ],
    unknown: [{ title: "a mode unknown", type: GSC, inputs: { encryptionConfiguration: { s3Encryption: { s3EncryptionMode: UNKNOWN } } } }],
  },
  {
    policy: an.glueJobSecurityConfiguration,
    controls: "BP.Glue.2",
    pass: [
      { title: "a job with a security configuration", type: JOB, inputs: { securityConfiguration: "glue-enc" } },
      { title: "a crawler with one (an aws.glue.SecurityConfiguration's output)", type: "aws:glue/crawler:Crawler", inputs: { securityConfiguration: UNKNOWN }, deps: { securityConfiguration: [res("aws:glue/securityConfiguration:SecurityConfiguration", {}, { name: "glue-sec" })] } },
    ],
    fail: [
      { title: "a job without", type: JOB, inputs: {}, expect: ["set `securityConfiguration`"] },
      { title: "a dev endpoint without", type: "aws:glue/devEndpoint:DevEndpoint", inputs: {}, expect: ["no `securityConfiguration`"] },
    ],
    unknown: [{ title: "a security configuration unknown at preview that comes from none", type: "aws:glue/crawler:Crawler", inputs: { securityConfiguration: UNKNOWN } }],
  },
  {
    policy: an.kinesisStreamEncrypted,
    controls: "Kinesis.1",
    pass: [{ title: "KMS with a key", type: STREAM, inputs: { encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" } }],
    fail: [
      { title: "unset (default NONE)", type: STREAM, inputs: {}, expect: ["not encrypted", 'set `encryptionType: "KMS"`'] },
      { title: "KMS without a key", type: STREAM, inputs: { encryptionType: "KMS" }, expect: ["no `kmsKeyId`"] },
    ],
    unknown: [{ title: "the type unknown", type: STREAM, inputs: { encryptionType: UNKNOWN } }],
  },
  {
    policy: an.kinesisStreamRetention,
    controls: "Kinesis.3",
    pass: [
      { title: "7 days", type: STREAM, inputs: { retentionPeriod: 168 } },
      { title: "(config) 48 h when 48 h are required", type: STREAM, inputs: { retentionPeriod: 48 }, config: { minRetentionHours: 48 } },
    ],
    fail: [
      { title: "unset (default 24 h)", type: STREAM, inputs: {}, expect: ["24 hours (unset, default 24)", "set `retentionPeriod: 168`"] },
      { title: "48 h", type: STREAM, inputs: { retentionPeriod: 48 }, expect: ["48 hours, below the required 168"] },
    ],
    unknown: [{ title: "the retention unknown", type: STREAM, inputs: { retentionPeriod: UNKNOWN } }],
  },
  {
    policy: an.kinesisStreamCustomerManagedKey,
    controls: "BP.Kinesis.1, BP.Data.2",
    pass: [
      { title: "an internal stream on the AWS managed key", type: STREAM, inputs: { encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis", tags: { "data-classification": "internal" } } },
      { title: "a restricted stream on a CMK", type: STREAM, inputs: { encryptionType: "KMS", kmsKeyId: KEY, tags: { "data-classification": "restricted" } } },
    ],
    fail: [
      { title: "a HIPAA stream on alias/aws/kinesis", type: STREAM, inputs: { encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis", tags: { compliance: "hipaa" } }, expect: ["compliance=hipaa", "alias/aws/kinesis"] },
      { title: "(config) every stream in scope", type: STREAM, inputs: { tags: {} }, config: { classifiedData: { classifications: ["*"] } }, expect: ["no customer managed key"] },
    ],
    unknown: [{ title: "tags unknown", type: STREAM, inputs: { tags: UNKNOWN } }],
  },
  {
    policy: an.firehoseEncrypted,
    controls: "DataFirehose.1",
    pass: [
      { title: "SSE with a CMK", type: FH, inputs: { destination: "extended_s3", serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: UNKNOWN } } },
      { title: "a Kinesis-sourced stream (encrypted by its source)", type: FH, inputs: { destination: "extended_s3", kinesisSourceConfiguration: { kinesisStreamArn: UNKNOWN, roleArn: UNKNOWN } } },
      { title: "AWS owned key for internal data", type: FH, inputs: { destination: "extended_s3", serverSideEncryption: { enabled: true }, tags: { "data-classification": "internal" } } },
      { title: "AWS owned key for restricted data (the key is confidential-data-cmk's finding)", type: FH, inputs: { destination: "extended_s3", serverSideEncryption: { enabled: true }, tags: { "data-classification": "restricted" } } },
    ],
    fail: [
      { title: "no SSE", type: FH, inputs: { destination: "extended_s3" }, expect: ["server-side encryption is off", 'keyType: "CUSTOMER_MANAGED_CMK"'] },
    ],
    unknown: [{ title: "SSE enabled unknown", type: FH, inputs: { destination: "extended_s3", serverSideEncryption: { enabled: UNKNOWN } } }],
  },
  {
    policy: an.sagemakerNotebookNoDirectInternet,
    controls: "SageMaker.1",
    pass: [{ title: "Disabled", type: NB, inputs: { directInternetAccess: "Disabled", subnetId: UNKNOWN } }],
    fail: [{ title: "unset (default Enabled)", type: NB, inputs: {}, expect: ["default Enabled", 'set `directInternetAccess: "Disabled"`'] }],
    unknown: [{ title: "unknown", type: NB, inputs: { directInternetAccess: UNKNOWN } }],
  },
  {
    policy: an.sagemakerNotebookInVpc,
    controls: "SageMaker.2",
    pass: [{ title: "a subnet (an aws.ec2.Subnet's output)", type: NB, inputs: { subnetId: UNKNOWN }, deps: { subnetId: [res("aws:ec2/subnet:Subnet", {}, { name: "private-a" })] } }],
    unknown: [{ title: "a subnet unknown at preview that comes from no subnet", type: NB, inputs: { subnetId: UNKNOWN } }],
    fail: [{ title: "no subnet", type: NB, inputs: {}, expect: ["not in a VPC", "set `subnetId`"] }],
  },
  {
    policy: an.sagemakerNotebookNoRoot,
    controls: "SageMaker.3",
    pass: [{ title: "Disabled", type: NB, inputs: { rootAccess: "Disabled" } }],
    fail: [{ title: "unset (default Enabled)", type: NB, inputs: {}, expect: ["root access", 'set `rootAccess: "Disabled"`'] }],
    unknown: [{ title: "unknown", type: NB, inputs: { rootAccess: UNKNOWN } }],
  },
  {
    policy: an.sagemakerEndpointInstanceCount,
    controls: "SageMaker.4",
    pass: [
      { title: "two instances, plus a serverless variant", type: EPC, inputs: { productionVariants: [{ variantName: "main", initialInstanceCount: 2, instanceType: "ml.m5.large" }, { variantName: "sls", serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 } }] } },
      { title: "(config) one instance when one is enough", type: EPC, inputs: { productionVariants: [{ variantName: "main", initialInstanceCount: 1 }] }, config: { minInstanceCount: 1 } },
    ],
    fail: [{ title: "one instance", type: EPC, inputs: { productionVariants: [{ variantName: "main", initialInstanceCount: 1 }] }, expect: ["main (1)", "`initialInstanceCount: 2`"] }],
    unknown: [{ title: "a count unknown", type: EPC, inputs: { productionVariants: [{ variantName: "main", initialInstanceCount: UNKNOWN }] } }],
  },
  {
    policy: an.sagemakerModelNetworkIsolation,
    controls: "SageMaker.5",
    pass: [{ title: "isolated", type: MODEL, inputs: { executionRoleArn: "r", enableNetworkIsolation: true } }],
    fail: [{ title: "not isolated", type: MODEL, inputs: { executionRoleArn: "r" }, expect: ["set `enableNetworkIsolation: true`"] }],
    unknown: [{ title: "unknown", type: MODEL, inputs: { enableNetworkIsolation: UNKNOWN } }],
  },
  {
    policy: an.sagemakerNotebookPlatform,
    controls: "SageMaker.8",
    pass: [
      { title: "AL2023", type: NB, inputs: { platformIdentifier: "notebook-al2023-v1" } },
      { title: "(config) an older platform the organization still supports", type: NB, inputs: { platformIdentifier: "notebook-al2-v2" }, config: { supportedPlatforms: ["notebook-al2-v2"] } },
    ],
    fail: [
      { title: "unset", type: NB, inputs: {}, expect: ["`platformIdentifier` is not set", "notebook-al2023-v1"] },
      { title: "AL1", type: NB, inputs: { platformIdentifier: "notebook-al1-v1" }, expect: ["notebook-al1-v1, which is not a supported platform"] },
    ],
    unknown: [{ title: "unknown", type: NB, inputs: { platformIdentifier: UNKNOWN } }],
  },
  {
    policy: an.sagemakerStorageKms,
    controls: "BP.SageMaker.1",
    pass: [
      { title: "a notebook with a key", type: NB, inputs: { kmsKeyId: KEY } },
      { title: "a domain with a key (an aws.kms.Key's output)", type: DOMAIN, inputs: { kmsKeyId: UNKNOWN }, deps: { kmsKeyId: [res("aws:kms/key:Key", {}, { name: "ml-key" })] } },
    ],
    fail: [
      { title: "a notebook without", type: NB, inputs: {}, expect: ["`kmsKeyId` is unset", "customer managed aws.kms.Key"] },
      { title: "a domain without", type: DOMAIN, inputs: {}, expect: ["`kmsKeyId` is unset"] },
    ],
    unknown: [{ title: "a key unknown at preview that comes from no key", type: DOMAIN, inputs: { kmsKeyId: UNKNOWN } }],
  },
  {
    policy: an.sagemakerEndpointConfigKms,
    controls: "BP.SageMaker.2",
    pass: [{ title: "a key", type: EPC, inputs: { kmsKeyArn: KEY, productionVariants: [] } }],
    fail: [{ title: "no key", type: EPC, inputs: { productionVariants: [] }, expect: ["`kmsKeyArn` is unset"] }],
  },
  {
    policy: an.sagemakerNotebookImdsv2,
    controls: "BP.SageMaker.3",
    pass: [{ title: "IMDSv2", type: NB, inputs: { instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" } } }],
    fail: [{ title: "unset (default 1)", type: NB, inputs: {}, expect: ["IMDSv1 is allowed", 'minimumInstanceMetadataServiceVersion: "2"'] }],
    unknown: [{ title: "unknown", type: NB, inputs: { instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: UNKNOWN } } }],
  },
  {
    policy: an.sagemakerDomainVpcOnly,
    controls: "BP.SageMaker.4",
    pass: [{ title: "VpcOnly", type: DOMAIN, inputs: { appNetworkAccessType: "VpcOnly" } }],
    fail: [{ title: "unset (default PublicInternetOnly)", type: DOMAIN, inputs: {}, expect: ["PublicInternetOnly", 'set `appNetworkAccessType: "VpcOnly"`'] }],
    unknown: [{ title: "unknown", type: DOMAIN, inputs: { appNetworkAccessType: UNKNOWN } }],
  },
  {
    policy: an.stepFunctionsLogging,
    controls: "StepFunctions.1",
    pass: [
      { title: "ERROR to a log group", type: SFN, inputs: { definition: "{}", roleArn: "r", loggingConfiguration: { level: "ERROR", logDestination: UNKNOWN } }, deps: { loggingConfiguration: [res("aws:cloudwatch/logGroup:LogGroup", {}, { name: "sfn-logs" })] } },
      { title: "(config) FATAL when FATAL is the minimum", type: SFN, inputs: { loggingConfiguration: { level: "FATAL", logDestination: "arn:aws:logs:eu-west-1:111122223333:log-group:sfn:*" } }, config: { minimumLevel: "FATAL" } },
    ],
    fail: [
      { title: "no logging", type: SFN, inputs: {}, expect: ["execution logging is off", "`logDestination`"] },
      { title: "FATAL below ERROR", type: SFN, inputs: { loggingConfiguration: { level: "FATAL", logDestination: "arn:x:*" } }, expect: ["FATAL, below the required ERROR"] },
      { title: "a level without a destination", type: SFN, inputs: { loggingConfiguration: { level: "ALL" } }, expect: ["no destination"] },
      { title: "(config) execution data required", type: SFN, inputs: { loggingConfiguration: { level: "ALL", logDestination: "arn:x:*" } }, config: { requireExecutionData: true }, expect: ["includeExecutionData: true"] },
    ],
    unknown: [{ title: "the level unknown", type: SFN, inputs: { loggingConfiguration: { level: UNKNOWN } } }, { title: "a log destination unknown at preview that comes from no log group", type: SFN, inputs: { definition: "{}", roleArn: "r", loggingConfiguration: { level: "ERROR", logDestination: UNKNOWN } } }],
  },
  {
    policy: an.stepFunctionsTracing,
    controls: "BP.StepFunctions.1",
    pass: [{ title: "tracing on", type: SFN, inputs: { tracingConfiguration: { enabled: true } } }],
    fail: [{ title: "no tracing", type: SFN, inputs: {}, expect: ["X-Ray tracing is off", "`tracingConfiguration: { enabled: true }`"] }],
    unknown: [{ title: "unknown", type: SFN, inputs: { tracingConfiguration: { enabled: UNKNOWN } } }],
  },
]);

describe("policy emr-primary-node-no-public-ip (EMR.1)", () => {
  const p = an.emrPrimaryNoPublicIp;
  it("passes a cluster in a private subnet (by dependency, or by id)", async () => {
    const subnet = res(SUBNET, { vpcId: "v", cidrBlock: "10.0.1.0/24" });
    const c = res(EMR, { ec2Attributes: { subnetId: UNKNOWN, instanceProfile: UNKNOWN } }, { deps: { ec2Attributes: [subnet] } });
    expect(await evaluate(p, [subnet, c])).to.deep.equal([]);
    const byId = res(SUBNET, { id: "subnet-0abc", mapPublicIpOnLaunch: false }, { outputs: { id: "subnet-0abc" } });
    expect(await evaluate(p, [byId, res(EMR, { ec2Attributes: { subnetIds: ["subnet-0abc"], instanceProfile: "p" } })])).to.deep.equal([]);
  });
  it("fails a cluster in a subnet that maps public IPs, and one with no subnet (default VPC)", async () => {
    const subnet = res(SUBNET, { mapPublicIpOnLaunch: true }, { name: "public-a" });
    const c = res(EMR, { ec2Attributes: { subnetId: UNKNOWN, instanceProfile: "p" } }, { name: "spark", deps: { ec2Attributes: [subnet] } });
    expectOne(await evaluate(p, [subnet, c]), "EMR.1", "spark", EMR, "public-a assigns public IPs", "private subnet");
    expectOne(await evaluate(p, [res(EMR, {}, { name: "bare" })]), "EMR.1", "bare", EMR, "default VPC's default subnet");
  });
  it("cannot decide when the subnet is not in the stack or its setting is unknown", async () => {
    expectUndecided(await evaluate(p, [res(EMR, { ec2Attributes: { subnetId: "subnet-external", instanceProfile: "p" } })]));
    const subnet = res(SUBNET, { mapPublicIpOnLaunch: UNKNOWN });
    expectUndecided(await evaluate(p, [subnet, res(EMR, { ec2Attributes: { subnetId: UNKNOWN } }, { deps: { ec2Attributes: [subnet] } })]));
  });
});

describe("policy emr-block-public-access (EMR.2)", () => {
  const p = an.emrBlockPublicAccess;
  it("passes a configuration that blocks public rules with only port 22 excepted", async () => {
    expect(await evaluate(p, [res(BPA, { blockPublicSecurityGroupRules: true, permittedPublicSecurityGroupRuleRanges: [{ minRange: 22, maxRange: 22 }] })])).to.deep.equal([]);
  });
  it("fails a configuration that does not block, or permits more ports", async () => {
    expectOne(await evaluate(p, [res(BPA, { blockPublicSecurityGroupRules: false }, { name: "bpa" })]), "EMR.2", "bpa", BPA, "block public access is off");
    expectOne(await evaluate(p, [res(BPA, { blockPublicSecurityGroupRules: true, permittedPublicSecurityGroupRuleRanges: [{ minRange: 8080, maxRange: 8081 }] }, { name: "bpa" })]), "EMR.2", "bpa", BPA, "8080-8081");
  });
  it("takes permittedPorts and requireInStack from config", async () => {
    expect(await evaluate(p, [res(BPA, { blockPublicSecurityGroupRules: true, permittedPublicSecurityGroupRuleRanges: [{ minRange: 8443, maxRange: 8443 }] })], { permittedPorts: [22, 8443] })).to.deep.equal([]);
    expect(await evaluate(p, [res(EMR, {})])).to.deep.equal([]);
    expectOne(await evaluate(p, [res(EMR, {}, { name: "spark" })], { requireInStack: true }), "EMR.2", "spark", EMR, "declares no aws.emr.BlockPublicAccessConfiguration");
  });
  it("cannot decide when the setting is unknown", async () => {
    expectUndecided(await evaluate(p, [res(BPA, { blockPublicSecurityGroupRules: UNKNOWN })]));
  });
});

describe("policy glue-data-catalog-encrypted (BP.Glue.3)", () => {
  const p = an.glueDataCatalogEncrypted;
  const settings = (atRest: string, pw: boolean) => ({ dataCatalogEncryptionSettings: { encryptionAtRest: { catalogEncryptionMode: atRest, sseAwsKmsKeyId: UNKNOWN }, connectionPasswordEncryption: { returnConnectionPasswordEncrypted: pw, awsKmsKeyId: UNKNOWN } } });
  it("passes SSE-KMS with encrypted connection passwords", async () => {
    expect(await evaluate(p, [res(DCE, settings("SSE-KMS", true))])).to.deep.equal([]);
  });
  it("fails a disabled catalog encryption and clear-text passwords", async () => {
    expectOne(await evaluate(p, [res(DCE, settings("DISABLED", false), { name: "catalog" })]), "BP.Glue.3", "catalog", DCE, "catalogEncryptionMode DISABLED", "returned in clear");
  });
  it("with requireInStack, fails catalog databases of a stack without the settings", async () => {
    const db = res("aws:glue/catalogDatabase:CatalogDatabase", { name: "lake" }, { name: "lake" });
    expect(await evaluate(p, [db])).to.deep.equal([]);
    expectOne(await evaluate(p, [db], { requireInStack: true }), "BP.Glue.3", "lake", "aws:glue/catalogDatabase:CatalogDatabase", "declares no aws.glue.DataCatalogEncryptionSettings");
  });
  it("cannot decide when the mode is unknown", async () => {
    expectUndecided(await evaluate(p, [res(DCE, settings(UNKNOWN, true))]));
  });
});

describe("data-analytics notDecidable", () => {
  it("has no undecidable analytics control", () => {
    expect(an.notDecidable).to.deep.equal({});
  });
});

describe("policy glue-ml-transform-encrypted (Glue.3): the compliant path", () => {
  it("accepts a transform only through an exemption with a reason, reported as EXEMPTED", async () => {
    const t = res("aws:glue/mLTransform:MLTransform", { roleArn: "r", parameters: { transformType: "FIND_MATCHES" } }, { name: "dedupe" });
    const vs = await evaluate(an.glueMlTransformEncrypted, [t], { exemptions: [{ resource: "urn:pulumi:test::test::aws:glue/mLTransform:MLTransform::dedupe", expires: "2099-12-31", reason: "no PII in the inputs; migrate to CloudFormation by Q3 (DATA-17)" }] });
    expect(vs).to.have.length(1);
    expect(vs[0]!.message).to.match(/^EXEMPTED \[Glue\.3\] dedupe/);
    expect(vs[0]!.enforcementLevel).to.equal("advisory");
  });
  it("does not touch other Glue resources", async () => {
    expect(await evaluate(an.glueMlTransformEncrypted, [res(JOB, { command: { scriptLocation: "s3://x" } })])).to.deep.equal([]);
  });
});
