/**
 * Analytics and ML (FSBP EMR.*, Athena.*, Glue.*, Kinesis.*, SageMaker.*, StepFunctions.1, and our
 * own BP.* rules for Glue, Kinesis Firehose, SageMaker and Step Functions): public IPs and block
 * public access for EMR, encryption at rest and in transit in EMR/Glue security configurations,
 * Athena workgroup encryption and metrics, Glue versions and catalog encryption, Kinesis stream
 * encryption and retention, SageMaker notebook/endpoint/model hardening, Step Functions logging and
 * tracing.
 */
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { identifiersOf, includesCi, isSet, isTrue, known, knownNumber, TD } from "../lib/tokens-data";
import { isAwsManagedKeyRef } from "../lib/tokens-storage";
import { referencePolicy, SOURCES } from "../lib/references";
import { containsUnknown, asArray, get, isUnknown, parseJson, raw, undecidable } from "../lib/values";
import { classifiedBecause, cmkControls, highWhenClassified, holding } from "../lib/classification";

// ---------------------------------------------------------------------------------------------
// EMR
// ---------------------------------------------------------------------------------------------

export const emrPrimaryNoPublicIp = stackPolicy(
  {
    name: "emr-primary-node-no-public-ip",
    description: "EMR cluster nodes (the primary node included) must launch in subnets that do not assign public IP addresses.",
    severity: "high",
    controls: ["EMR.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Set `ec2Attributes.subnetId` (or `subnetIds`) on the aws.emr.Cluster to private subnets: aws.ec2.Subnet with `mapPublicIpOnLaunch` false (the default), reaching S3 through a VPC endpoint or NAT.",
  },
  ({ forEach, ofType, fail }) => {
    const subnets = ofType(TD.subnet);
    forEach(TD.emrCluster, (c) => {
      const one = get(c.props, "ec2Attributes.subnetId");
      const many = get(c.props, "ec2Attributes.subnetIds");
      if (isUnknown(get(c.props, "ec2Attributes"))) undecidable("ec2Attributes");
      const values = [one, ...asArray(isUnknown(many) ? [many] : (raw(many) as unknown[]))].filter((v) => v !== undefined && v !== null && v !== "");
      if (values.length === 0) {
        fail(c, "no `ec2Attributes.subnetId` is set, so the cluster launches in the default VPC's default subnet, which assigns public IPs", "set `ec2Attributes.subnetId` to a private aws.ec2.Subnet (`mapPublicIpOnLaunch` false)");
        return;
      }
      const deps = new Set((c.propertyDependencies?.["ec2Attributes"] ?? []).map((d) => d.urn));
      const literal = values.filter((v): v is string => typeof v === "string" && !isUnknown(v));
      const used = subnets.filter((s) => deps.has(s.urn) || identifiersOf(s, []).some((id) => literal.includes(id)));
      if (used.length === 0) undecidable("ec2Attributes.subnetId (the subnet is not declared in this stack)");
      for (const s of used) {
        if (known(s.props, "mapPublicIpOnLaunch") === true) fail(c, `its subnet ${s.name} assigns public IPs on launch (\`mapPublicIpOnLaunch: true\`), so the primary node gets a public IP`, `launch the cluster in a private subnet, or set \`mapPublicIpOnLaunch: false\` on ${s.name}`);
      }
    });
  },
);

export const emrBlockPublicAccess = stackPolicy(
  {
    name: "emr-block-public-access",
    description:
      "EMR block public access (an account/region setting) must block public security-group rules, with no permitted port ranges beyond the configured ones. Checked on the aws.emr.BlockPublicAccessConfiguration the stack declares; with requireInStack, a stack with EMR clusters must declare it.",
    severity: "critical",
    controls: ["EMR.2"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      "Declare an aws.emr.BlockPublicAccessConfiguration with `blockPublicSecurityGroupRules: true` and `permittedPublicSecurityGroupRuleRanges` limited to permittedPorts (22 by default), in this stack or the account's baseline stack.",
    config: {
      permittedPorts: { type: "array", items: { type: "number" }, description: "Ports that may be excepted from block public access.", default: [22] },
      requireInStack: { type: "boolean", description: "Fail EMR clusters of a stack that does not declare the block public access configuration (set it where the account baseline lives in the same stack).", default: false },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const permitted = ((config.permittedPorts as number[]) ?? []).map(Number);
    forEach(TD.emrBlockPublicAccess, (b) => {
      if (known(b.props, "blockPublicSecurityGroupRules") !== true) {
        fail(b, "block public access is off (`blockPublicSecurityGroupRules` is not true)", "set `blockPublicSecurityGroupRules: true`");
        return;
      }
      const ranges = asArray(known(b.props, "permittedPublicSecurityGroupRuleRanges") as any[]).map((r) => raw(r));
      const extra = ranges.filter((r) => {
        for (let p = Number(r.minRange); p <= Number(r.maxRange); p++) if (!permitted.includes(p)) return true;
        return false;
      });
      if (extra.length > 0) fail(b, `it permits public security-group rules on ${extra.map((r) => (r.minRange === r.maxRange ? `${r.minRange}` : `${r.minRange}-${r.maxRange}`)).join(", ")}`, `limit \`permittedPublicSecurityGroupRuleRanges\` to ports ${permitted.join(", ") || "(none)"}`);
    });
    if (config.requireInStack === true && ofType(TD.emrBlockPublicAccess).length === 0) {
      forEach(TD.emrCluster, (c) => fail(c, "this stack runs EMR but declares no aws.emr.BlockPublicAccessConfiguration", "declare an aws.emr.BlockPublicAccessConfiguration with `blockPublicSecurityGroupRules: true`"));
    }
  },
);

/** The EMR security configuration JSON document; undecidable when unknown. */
function emrSecurityDoc(props: unknown): any {
  const doc = parseJson(get(props, "configuration"));
  if (isUnknown(doc)) undecidable("configuration");
  return doc;
}

export const emrAtRestEncryption = resourcePolicy(
  {
    name: "emr-security-configuration-at-rest",
    description: "EMR security configurations must encrypt data at rest: S3 (EMRFS) and local disks, EBS volumes included.",
    severity: "medium",
    controls: ["EMR.3"],
    frameworks: ["FSBP"],
    remediationSteps:
      'In the aws.emr.SecurityConfiguration `configuration` JSON set `EncryptionConfiguration.EnableAtRestEncryption: true` with `AtRestEncryptionConfiguration.S3EncryptionConfiguration` (e.g. SSE-KMS) and `LocalDiskEncryptionConfiguration` (`EncryptionKeyProviderType: "AwsKms"`, `EnableEbsEncryption: true`).',
    resourceTypes: TD.emrSecurityConfiguration,
    config: {
      requireEbsEncryption: { type: "boolean", description: "Also require `LocalDiskEncryptionConfiguration.EnableEbsEncryption: true`.", default: true },
    },
  },
  ({ props, config, fail }) => {
    const doc = emrSecurityDoc(props);
    if (!doc || typeof doc !== "object") {
      fail("`configuration` is not a JSON security configuration", "set `configuration` to a JSON document with an EncryptionConfiguration");
      return;
    }
    const enc = doc.EncryptionConfiguration ?? {};
    if (!isTrue(enc.EnableAtRestEncryption)) {
      fail("encryption at rest is off (`EncryptionConfiguration.EnableAtRestEncryption` is not true)", "set `EnableAtRestEncryption: true` with S3 and local disk encryption in `AtRestEncryptionConfiguration`");
      return;
    }
    const rest = enc.AtRestEncryptionConfiguration ?? {};
    const gaps: string[] = [];
    if (!rest.S3EncryptionConfiguration) gaps.push("no `S3EncryptionConfiguration` (EMRFS data in S3)");
    if (!rest.LocalDiskEncryptionConfiguration) gaps.push("no `LocalDiskEncryptionConfiguration` (local disks)");
    else if (config.requireEbsEncryption !== false && !isTrue(rest.LocalDiskEncryptionConfiguration.EnableEbsEncryption)) gaps.push("`LocalDiskEncryptionConfiguration.EnableEbsEncryption` is not true (EBS volumes)");
    if (gaps.length > 0) fail(`encryption at rest is incomplete: ${gaps.join("; ")}`, "add the missing block(s) to `AtRestEncryptionConfiguration`");
  },
);

export const emrInTransitEncryption = resourcePolicy(
  {
    name: "emr-security-configuration-in-transit",
    description: "EMR security configurations must encrypt data in transit (TLS certificates configured).",
    severity: "medium",
    controls: ["EMR.4"],
    frameworks: ["FSBP"],
    remediationSteps:
      "In the aws.emr.SecurityConfiguration `configuration` JSON set `EncryptionConfiguration.EnableInTransitEncryption: true` with `InTransitEncryptionConfiguration.TLSCertificateConfiguration` (PEM certificates in S3 or a custom provider).",
    resourceTypes: TD.emrSecurityConfiguration,
  },
  ({ props, fail }) => {
    const doc = emrSecurityDoc(props);
    if (!doc || typeof doc !== "object") {
      fail("`configuration` is not a JSON security configuration", "set `configuration` to a JSON document with an EncryptionConfiguration");
      return;
    }
    const enc = doc.EncryptionConfiguration ?? {};
    if (!isTrue(enc.EnableInTransitEncryption)) fail("encryption in transit is off (`EncryptionConfiguration.EnableInTransitEncryption` is not true)", "set `EnableInTransitEncryption: true` with `InTransitEncryptionConfiguration.TLSCertificateConfiguration`");
    else if (!enc.InTransitEncryptionConfiguration?.TLSCertificateConfiguration) fail("in-transit encryption has no `InTransitEncryptionConfiguration.TLSCertificateConfiguration`", "add a `TLSCertificateConfiguration` (PEM or custom certificate provider)");
  },
);

export const emrClusterSecurityConfiguration = referencePolicy(
  {
    name: "emr-cluster-security-configuration",
    description: "EMR clusters must use a security configuration (the only way to turn on EMR encryption at rest and in transit).",
    severity: "medium",
    controls: ["BP.EMR.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Create an aws.emr.SecurityConfiguration with at-rest and in-transit encryption and set its name as the aws.emr.Cluster's `securityConfiguration`.",
    resourceTypes: TD.emrCluster,
  },
  ({ fail, ref }) => {
    if (!ref("securityConfiguration", ["aws:emr/securityConfiguration:SecurityConfiguration"])) fail("the cluster uses no security configuration, so it has no encryption at rest or in transit", "set `securityConfiguration` to an aws.emr.SecurityConfiguration's name");
  },
);

export const emrClusterKerberos = resourcePolicy(
  {
    name: "emr-cluster-kerberos",
    description: "EMR clusters should authenticate users and services with Kerberos (HIPAA/PCI conformance packs: emr-kerberos-enabled).",
    severity: "medium",
    controls: ["BP.EMR.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kerberosAttributes` (realm, KDC admin password from a secret) on the aws.emr.Cluster, and a KerberosConfiguration in its security configuration's AuthenticationConfiguration.",
    resourceTypes: TD.emrCluster,
  },
  ({ props, fail }) => {
    if (!isSet(props, "kerberosAttributes")) fail("Kerberos authentication is not configured (`kerberosAttributes` is unset)", "set `kerberosAttributes` and a KerberosConfiguration in the security configuration");
  },
);

// ---------------------------------------------------------------------------------------------
// Athena
// ---------------------------------------------------------------------------------------------

export const athenaWorkgroupEncrypted = resourcePolicy(
  {
    name: "athena-workgroup-encrypted",
    description: "Athena workgroups must encrypt query results at rest and enforce that setting on clients.",
    severity: "medium",
    controls: ["Athena.1"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      'On the aws.athena.Workgroup set `configuration.resultConfiguration.encryptionConfiguration.encryptionOption` ("SSE_KMS" with `kmsKeyArn`, or "SSE_S3"/"CSE_KMS"), or use managed query results, and keep `configuration.enforceWorkgroupConfiguration` true.',
    resourceTypes: TD.athenaWorkgroup,
    config: {
      requireKms: { type: "boolean", description: "Require KMS (SSE_KMS or CSE_KMS) rather than SSE_S3.", default: false },
    },
  },
  ({ props, config, fail }) => {
    const option = known(props, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption");
    const managed = known(props, "configuration.managedQueryResultsConfiguration.enabled") === true;
    if (!managed && (typeof option !== "string" || option === "")) {
      fail("query results are not encrypted (no `configuration.resultConfiguration.encryptionConfiguration.encryptionOption`)", 'set `encryptionOption: "SSE_KMS"` with `kmsKeyArn` in `configuration.resultConfiguration.encryptionConfiguration`');
      return;
    }
    if (config.requireKms === true && !managed && !["SSE_KMS", "CSE_KMS"].includes(String(option).toUpperCase())) {
      fail(`query results use ${option}, not KMS`, 'set `encryptionOption: "SSE_KMS"` with `kmsKeyArn`');
      return;
    }
    // Absent passes: enforceWorkgroupConfiguration defaults to true.
    if (known(props, "configuration.enforceWorkgroupConfiguration") === false) fail("clients may override the workgroup's encryption (`configuration.enforceWorkgroupConfiguration: false`)", "set `configuration.enforceWorkgroupConfiguration: true`");
  },
);

export const athenaWorkgroupMetrics = resourcePolicy(
  {
    name: "athena-workgroup-metrics",
    description: "Athena workgroups must publish query metrics to CloudWatch.",
    severity: "medium",
    controls: ["Athena.4"],
    frameworks: ["FSBP"],
    remediationSteps: "Give the aws.athena.Workgroup a `configuration` block with `publishCloudwatchMetricsEnabled: true` (the default inside the block).",
    resourceTypes: TD.athenaWorkgroup,
  },
  ({ props, fail }) => {
    const cfg = get(props, "configuration");
    if (isUnknown(cfg)) undecidable("configuration");
    if (cfg === undefined || cfg === null) {
      fail("the workgroup has no `configuration` block, so CloudWatch metrics are not turned on", "add `configuration: { publishCloudwatchMetricsEnabled: true, ... }`");
      return;
    }
    // Inside the block the default is true.
    if (known(props, "configuration.publishCloudwatchMetricsEnabled") === false) fail("CloudWatch metrics are off (`configuration.publishCloudwatchMetricsEnabled: false`)", "set `configuration.publishCloudwatchMetricsEnabled: true`");
  },
);

// ---------------------------------------------------------------------------------------------
// Glue
// ---------------------------------------------------------------------------------------------

export const glueMlTransformEncrypted = resourcePolicy(
  {
    name: "glue-ml-transform-encrypted",
    description: "Glue machine learning transforms must encrypt user data at rest. The @pulumi/aws v7 MLTransform has no input for TransformEncryption, so a transform it creates is unencrypted.",
    severity: "medium",
    controls: ["Glue.3"],
    frameworks: ["FSBP"],
    remediationSteps:
      "Create the transform where TransformEncryption can be set (an aws.cloudformation.Stack with AWS::Glue::MLTransform `TransformEncryption.MLUserDataEncryption.MLUserDataEncryptionMode: SSE-KMS` and a KMS key), or record an exemption with the reason and a date to revisit.",
    resourceTypes: TD.glueMlTransform,
  },
  ({ fail }) => {
    fail("aws.glue.MLTransform cannot set TransformEncryption, so the transform's user data is not encrypted with KMS", "create the transform through CloudFormation (AWS::Glue::MLTransform with `TransformEncryption.MLUserDataEncryption.MLUserDataEncryptionMode: SSE-KMS`) or exempt it with a reason");
  },
);

function glueVersionBelow(v: string, min: string): boolean {
  const a = v.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

export const glueSparkJobVersion = resourcePolicy(
  {
    name: "glue-spark-job-supported-version",
    description: "Glue Spark jobs (glueetl, gluestreaming) must run on a supported Glue version (at least minGlueVersion).",
    severity: "medium",
    controls: ["Glue.4"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `glueVersion` on the aws.glue.Job to a supported version (e.g. "4.0" or "5.0"; at least minGlueVersion).',
    resourceTypes: TD.glueJob,
    config: {
      minGlueVersion: { type: "string", description: "Oldest supported Glue version for Spark jobs.", default: "3.0" },
    },
  },
  ({ props, config, fail }) => {
    const command = known(props, "command.name") ?? "glueetl";
    if (!["glueetl", "gluestreaming"].includes(String(command))) return; // Python shell and Ray jobs are not Spark jobs
    const min = String(config.minGlueVersion ?? "3.0");
    const version = props.glueVersion;
    if (version === undefined) fail(`\`glueVersion\` is not set, so the job runs on Glue 0.9 (below ${min})`, `set \`glueVersion\` to "${min}" or later`);
    else if (glueVersionBelow(String(version), min)) fail(`the Spark job runs on Glue ${version}, below the supported ${min}`, `set \`glueVersion\` to "${min}" or later`);
  },
);

export const glueSecurityConfigurationEncrypted = resourcePolicy(
  {
    name: "glue-security-configuration-encrypted",
    description: "Glue security configurations must encrypt S3 data, CloudWatch logs and job bookmarks.",
    severity: "medium",
    controls: ["BP.Glue.1"],
    frameworks: ["Blueprints"],
    remediationSteps:
      'On the aws.glue.SecurityConfiguration set `encryptionConfiguration.s3Encryption.s3EncryptionMode: "SSE-KMS"`, `cloudwatchEncryption.cloudwatchEncryptionMode: "SSE-KMS"` and `jobBookmarksEncryption.jobBookmarksEncryptionMode: "CSE-KMS"`, each with `kmsKeyArn`.',
    resourceTypes: TD.glueSecurityConfiguration,
  },
  ({ props, fail }) => {
    const parts: [string, string][] = [
      ["s3Encryption.s3EncryptionMode", "SSE-KMS"],
      ["cloudwatchEncryption.cloudwatchEncryptionMode", "SSE-KMS"],
      ["jobBookmarksEncryption.jobBookmarksEncryptionMode", "CSE-KMS"],
    ];
    const off = parts.filter(([path]) => {
      const mode = known(props, `encryptionConfiguration.${path}`);
      return typeof mode !== "string" || mode.toUpperCase() === "DISABLED";
    });
    if (off.length > 0) fail(`encryption is off for ${off.map(([p]) => p.split(".")[0]).join(", ")}`, off.map(([p, v]) => `set \`encryptionConfiguration.${p}: "${v}"\``).join(", "));
  },
);

export const glueJobSecurityConfiguration = referencePolicy(
  {
    name: "glue-job-security-configuration",
    description: "Glue jobs, crawlers and development endpoints must use a security configuration (encryption of S3 output, logs and bookmarks).",
    severity: "medium",
    controls: ["BP.Glue.2"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `securityConfiguration` on the aws.glue.Job / aws.glue.Crawler / aws.glue.DevEndpoint to an aws.glue.SecurityConfiguration's name.",
    resourceTypes: [...TD.glueJob, ...TD.glueCrawler, ...TD.glueDevEndpoint],
  },
  ({ fail, ref }) => {
    if (!ref("securityConfiguration", ["aws:glue/securityConfiguration:SecurityConfiguration"])) fail("no `securityConfiguration` is set, so its S3 output, logs and bookmarks are not encrypted by Glue", "set `securityConfiguration` to an aws.glue.SecurityConfiguration's name");
  },
);

export const glueDataCatalogEncrypted = stackPolicy(
  {
    name: "glue-data-catalog-encrypted",
    description: "The Glue Data Catalog must encrypt metadata at rest with KMS and return connection passwords encrypted (checked on the aws.glue.DataCatalogEncryptionSettings the stack declares; with requireInStack, a stack with catalog databases must declare it).",
    severity: "medium",
    controls: ["BP.Glue.3"],
    frameworks: ["Blueprints"],
    remediationSteps:
      'Declare an aws.glue.DataCatalogEncryptionSettings with `dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode: "SSE-KMS"` (and `sseAwsKmsKeyId`) and `connectionPasswordEncryption.returnConnectionPasswordEncrypted: true` (with `awsKmsKeyId`).',
    config: {
      requireInStack: { type: "boolean", description: "Fail catalog databases of a stack that does not declare the (account/region) catalog encryption settings.", default: false },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    forEach(TD.glueDataCatalogEncryption, (s) => {
      const mode = known(s.props, "dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode");
      const pw = known(s.props, "dataCatalogEncryptionSettings.connectionPasswordEncryption.returnConnectionPasswordEncrypted");
      const gaps: string[] = [];
      if (typeof mode !== "string" || !mode.toUpperCase().startsWith("SSE-KMS")) gaps.push(`catalog metadata is not encrypted with KMS (catalogEncryptionMode ${mode ?? "unset"})`);
      if (pw !== true) gaps.push("connection passwords are returned in clear (returnConnectionPasswordEncrypted is not true)");
      if (gaps.length > 0) fail(s, gaps.join("; "), 'set `encryptionAtRest.catalogEncryptionMode: "SSE-KMS"` and `connectionPasswordEncryption.returnConnectionPasswordEncrypted: true`');
    });
    if (config.requireInStack === true && ofType(TD.glueDataCatalogEncryption).length === 0) {
      forEach(TD.glueCatalogDatabase, (d) => fail(d, "this stack holds Glue catalog databases but declares no aws.glue.DataCatalogEncryptionSettings", "declare an aws.glue.DataCatalogEncryptionSettings with SSE-KMS and encrypted connection passwords"));
    }
  },
);

// ---------------------------------------------------------------------------------------------
// Kinesis Data Streams, Firehose
// ---------------------------------------------------------------------------------------------

export const kinesisStreamEncrypted = referencePolicy(
  {
    name: "kinesis-stream-encrypted",
    description: "Kinesis data streams must be encrypted at rest with KMS.",
    severity: "medium",
    controls: ["Kinesis.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `encryptionType: "KMS"` and `kmsKeyId` (a customer managed key, or alias/aws/kinesis) on the aws.kinesis.Stream.',
    resourceTypes: TD.kinesisStream,
  },
  ({ props, fail, ref }) => {
    const type = props.encryptionType;
    if (type !== "KMS") fail(`the stream is not encrypted (\`encryptionType\` is ${type ?? "unset; default NONE"})`, 'set `encryptionType: "KMS"` and `kmsKeyId`');
    else if (!ref("kmsKeyId", SOURCES.kmsKey)) fail('`encryptionType` is "KMS" but no `kmsKeyId` is set', "set `kmsKeyId` to a KMS key ARN or alias");
  },
);

export const kinesisStreamRetention = resourcePolicy(
  {
    name: "kinesis-stream-retention",
    description: "Kinesis data streams must retain records for at least the configured number of hours.",
    severity: "medium",
    controls: ["Kinesis.3"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `retentionPeriod` (hours, 24-8760) on the aws.kinesis.Stream to at least minRetentionHours (168 by default).",
    resourceTypes: TD.kinesisStream,
    config: {
      minRetentionHours: { type: "number", description: "Minimum retention, in hours.", default: 168 },
    },
  },
  ({ props, config, fail }) => {
    const min = Number(config.minRetentionHours ?? 168);
    const hours = knownNumber(props, "retentionPeriod", 24);
    if (hours < min) fail(`records are kept ${hours} hours${isSet(props, "retentionPeriod") ? "" : " (unset, default 24)"}, below the required ${min}`, `set \`retentionPeriod: ${min}\` or more`);
  },
);

export const kinesisStreamCustomerManagedKey = referencePolicy(
  {
    name: "kinesis-stream-customer-managed-key",
    description: "Kinesis data streams holding classified data (the pack-wide `classifiedData` setting: confidential/restricted or PCI/HIPAA, by tag) must be encrypted with a customer managed KMS key.",
    severity: "high",
    controls: ["BP.Kinesis.1", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `encryptionType: "KMS"` and `kmsKeyId` to a customer managed aws.kms.Key (not alias/aws/kinesis) on the aws.kinesis.Stream.',
    resourceTypes: TD.kinesisStream,
  },
  ({ props, args, config, fail, ref }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (because.length === 0) return;
    const holds = `holds ${because.join(", ")} data`;
    const key = get(props, "kmsKeyId");
    // From a key of this stack (customer managed): compliant; from anything else: undecidable (lib/references.ts).
    if (containsUnknown(key)) {
      ref("kmsKeyId", SOURCES.kmsKey);
      return;
    }
    if (typeof key !== "string" || key === "") fail(`the stream ${holds} but has no customer managed key (\`kmsKeyId\` unset)`, "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
    else if (isAwsManagedKeyRef(key, "kinesis")) fail(`the stream ${holds} but uses the AWS managed key ${key}`, "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
  },
);

export const firehoseEncrypted = resourcePolicy(
  {
    name: "firehose-server-side-encryption",
    description: "Firehose delivery streams must encrypt data at rest with server-side encryption (a customer managed key for classified data: confidential-data-cmk). Streams fed by Kinesis or MSK are encrypted by their source.",
    severity: "medium",
    controls: ["DataFirehose.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      'Set `serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn }` on the aws.kinesis.FirehoseDeliveryStream (AWS_OWNED_CMK is accepted for data outside the customer-managed-key scope).',
    resourceTypes: TD.firehose,
  },
  ({ props, fail }) => {
    // With a Kinesis stream or MSK source, Firehose does not take SSE: the source stream's encryption applies.
    if (isSet(props, "kinesisSourceConfiguration") || isSet(props, "mskSourceConfiguration")) return;
    // The customer managed key for classified data is confidential-data-cmk's (BP.Data.2) finding.
    if (known(props, "serverSideEncryption.enabled") !== true) {
      fail("server-side encryption is off (`serverSideEncryption.enabled` is not true)", 'set `serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn }`');
    }
  },
);

// ---------------------------------------------------------------------------------------------
// SageMaker
// ---------------------------------------------------------------------------------------------

export const sagemakerNotebookNoDirectInternet = resourcePolicy(
  {
    name: "sagemaker-notebook-no-direct-internet",
    description: "SageMaker notebook instances must not have direct internet access.",
    severity: "high",
    controls: ["SageMaker.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `directInternetAccess: "Disabled"` (with `subnetId` and `securityGroups`) on the aws.sagemaker.NotebookInstance; reach the internet, if needed, through the VPC\'s NAT.',
    resourceTypes: TD.sagemakerNotebook,
  },
  ({ props, fail }) => {
    const v = props.directInternetAccess;
    if (v !== "Disabled") fail(`direct internet access is on (\`directInternetAccess\` is ${v ?? "unset; default Enabled"})`, 'set `directInternetAccess: "Disabled"` with `subnetId`');
  },
);

export const sagemakerNotebookInVpc = referencePolicy(
  {
    name: "sagemaker-notebook-in-vpc",
    description: "SageMaker notebook instances must be launched in a custom VPC.",
    severity: "high",
    controls: ["SageMaker.2"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `subnetId` (a private subnet of your VPC) and `securityGroups` on the aws.sagemaker.NotebookInstance.",
    resourceTypes: TD.sagemakerNotebook,
  },
  ({ fail, ref }) => {
    if (!ref("subnetId", ["aws:ec2/subnet:Subnet"])) fail("the notebook is not in a VPC (`subnetId` is unset)", "set `subnetId` to a private subnet and `securityGroups`");
  },
);

export const sagemakerNotebookNoRoot = resourcePolicy(
  {
    name: "sagemaker-notebook-no-root-access",
    description: "Users must not have root access on SageMaker notebook instances.",
    severity: "high",
    controls: ["SageMaker.3"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `rootAccess: "Disabled"` on the aws.sagemaker.NotebookInstance (lifecycle configurations still run as root).',
    resourceTypes: TD.sagemakerNotebook,
  },
  ({ props, fail }) => {
    const v = props.rootAccess;
    if (v !== "Disabled") fail(`users have root access (\`rootAccess\` is ${v ?? "unset; default Enabled"})`, 'set `rootAccess: "Disabled"`');
  },
);

export const sagemakerEndpointInstanceCount = resourcePolicy(
  {
    name: "sagemaker-endpoint-instance-count",
    description: "SageMaker endpoint production variants must start with more than one instance, so the endpoint spans Availability Zones.",
    severity: "medium",
    controls: ["SageMaker.4"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `initialInstanceCount` to at least minInstanceCount (2 by default) on every instance-based `productionVariants` entry of the aws.sagemaker.EndpointConfiguration.",
    resourceTypes: TD.sagemakerEndpointConfig,
    config: {
      minInstanceCount: { type: "number", description: "Minimum initial instance count per instance-based production variant.", default: 2 },
    },
  },
  ({ props, config, fail }) => {
    const min = Number(config.minInstanceCount ?? 2);
    const variants = get(props, "productionVariants");
    if (isUnknown(variants)) undecidable("productionVariants");
    const low: string[] = [];
    asArray(raw(variants) as any[]).forEach((v, i) => {
      const variant = raw(v);
      if (isUnknown(variant)) undecidable(`productionVariants.${i}`);
      if (isSet(variant, "serverlessConfig")) return; // serverless variants have no instance count
      const count = knownNumber(variant, "initialInstanceCount", 1);
      if (count < min) low.push(`${variant.variantName ?? `#${i}`} (${count})`);
    });
    if (low.length > 0) fail(`production variant(s) ${low.join(", ")} start with fewer than ${min} instances`, `set \`initialInstanceCount: ${min}\` or more on each production variant`);
  },
);

export const sagemakerModelNetworkIsolation = resourcePolicy(
  {
    name: "sagemaker-model-network-isolation",
    description: "SageMaker models must run with network isolation.",
    severity: "medium",
    controls: ["SageMaker.5"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `enableNetworkIsolation: true` on the aws.sagemaker.Model.",
    resourceTypes: TD.sagemakerModel,
  },
  ({ props, fail }) => {
    if (props.enableNetworkIsolation !== true) fail("network isolation is off (`enableNetworkIsolation` is not true)", "set `enableNetworkIsolation: true`");
  },
);

export const sagemakerNotebookPlatform = resourcePolicy(
  {
    name: "sagemaker-notebook-supported-platform",
    description: "SageMaker notebook instances must run on a supported platform (an explicit, supported `platformIdentifier`).",
    severity: "medium",
    controls: ["SageMaker.8"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `platformIdentifier` on the aws.sagemaker.NotebookInstance to one of supportedPlatforms (e.g. notebook-al2023-v1).",
    resourceTypes: TD.sagemakerNotebook,
    config: {
      supportedPlatforms: { type: "array", items: { type: "string" }, description: "Supported notebook platform identifiers.", default: ["notebook-al2023-v1", "notebook-al2-v3"] },
    },
  },
  ({ props, config, fail }) => {
    const p = props.platformIdentifier;
    const supported = (config.supportedPlatforms as string[]) ?? [];
    if (p === undefined) fail("`platformIdentifier` is not set, so AWS picks a default platform that may be out of support", `set \`platformIdentifier\` to one of ${supported.join(", ")}`);
    else if (!includesCi(supported, String(p))) fail(`the notebook runs on ${p}, which is not a supported platform`, `set \`platformIdentifier\` to one of ${supported.join(", ")}`);
  },
);

export const sagemakerStorageKms = referencePolicy(
  {
    name: "sagemaker-storage-kms-key",
    description: "SageMaker notebook instance volumes and Studio domain storage must be encrypted with a KMS key the account controls (BP.SageMaker.1; with classified data also BP.Data.2, and then a tag cannot waive it).",
    severity: "medium",
    severityFor: highWhenClassified("medium"),
    controls: ["BP.SageMaker.1", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kmsKeyId` to a customer managed aws.kms.Key on the aws.sagemaker.NotebookInstance / aws.sagemaker.Domain.",
    resourceTypes: [...TD.sagemakerNotebook, ...TD.sagemakerDomain],
  },
  ({ props, args, config, fail, ref }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (!ref("kmsKeyId", SOURCES.kmsKey) || isAwsManagedKeyRef(String(get(props, "kmsKeyId")), "sagemaker"))
      fail(`storage is not encrypted with a customer managed key of the account (\`kmsKeyId\` is ${isSet(props, "kmsKeyId") ? String(get(props, "kmsKeyId")) : "unset"})${holding(because)}`, "set `kmsKeyId` to a customer managed aws.kms.Key", cmkControls("BP.SageMaker.1", because));
  },
);

export const sagemakerEndpointConfigKms = referencePolicy(
  {
    name: "sagemaker-endpoint-config-kms-key",
    description: "SageMaker endpoint configurations must encrypt the ML storage volumes of their instances with a customer managed KMS key (BP.SageMaker.2; with classified data also BP.Data.2, and then a tag cannot waive it).",
    severity: "medium",
    severityFor: highWhenClassified("medium"),
    controls: ["BP.SageMaker.2", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kmsKeyArn` to a customer managed aws.kms.Key on the aws.sagemaker.EndpointConfiguration.",
    resourceTypes: TD.sagemakerEndpointConfig,
  },
  ({ props, args, config, fail, ref }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (!ref("kmsKeyArn", SOURCES.kmsKey) || isAwsManagedKeyRef(String(get(props, "kmsKeyArn")), "sagemaker"))
      fail(`the endpoint's storage volumes are not encrypted with a customer managed key of the account (\`kmsKeyArn\` is ${isSet(props, "kmsKeyArn") ? String(get(props, "kmsKeyArn")) : "unset"})${holding(because)}`, "set `kmsKeyArn` to a customer managed aws.kms.Key ARN", cmkControls("BP.SageMaker.2", because));
  },
);

export const sagemakerNotebookImdsv2 = resourcePolicy(
  {
    name: "sagemaker-notebook-imdsv2",
    description: "SageMaker notebook instances must require IMDSv2.",
    severity: "medium",
    controls: ["BP.SageMaker.3"],
    frameworks: ["Blueprints"],
    remediationSteps: 'Set `instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" }` on the aws.sagemaker.NotebookInstance.',
    resourceTypes: TD.sagemakerNotebook,
  },
  ({ props, fail }) => {
    const v = known(props, "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion");
    if (String(v ?? "1") !== "2") fail(`IMDSv1 is allowed (\`minimumInstanceMetadataServiceVersion\` is ${v ?? "unset; default 1"})`, 'set `instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion: "2"`');
  },
);

export const sagemakerDomainVpcOnly = resourcePolicy(
  {
    name: "sagemaker-domain-vpc-only",
    description: "SageMaker Studio domains must send traffic through the VPC only, not SageMaker's internet access.",
    severity: "high",
    controls: ["BP.SageMaker.4"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `appNetworkAccessType: "VpcOnly"` on the aws.sagemaker.Domain (with private `subnetIds` and VPC endpoints or NAT).',
    resourceTypes: TD.sagemakerDomain,
  },
  ({ props, fail }) => {
    const v = props.appNetworkAccessType;
    if (v !== "VpcOnly") fail(`apps reach the internet directly (\`appNetworkAccessType\` is ${v ?? "unset; default PublicInternetOnly"})`, 'set `appNetworkAccessType: "VpcOnly"`');
  },
);

// ---------------------------------------------------------------------------------------------
// Step Functions
// ---------------------------------------------------------------------------------------------

const logLevels = ["OFF", "FATAL", "ERROR", "ALL"];

export const stepFunctionsLogging = referencePolicy(
  {
    name: "stepfunctions-logging",
    description: "Step Functions state machines must log execution history to CloudWatch Logs at the configured level or finer.",
    severity: "medium",
    controls: ["StepFunctions.1"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      'Set `loggingConfiguration: { level: "ERROR" | "ALL", logDestination: "<log group ARN>:*", includeExecutionData }` on the aws.sfn.StateMachine (includeExecutionData true only when requireExecutionData is set; it copies input/output, which may hold regulated data, into the logs).',
    resourceTypes: TD.stateMachine,
    config: {
      minimumLevel: { type: "string", enum: ["FATAL", "ERROR", "ALL"], description: "Least detailed acceptable logging level.", default: "ERROR" },
      requireExecutionData: { type: "boolean", description: "Require `includeExecutionData: true`.", default: false },
    },
  },
  ({ props, config, fail, ref }) => {
    const level = String(known(props, "loggingConfiguration.level") ?? "OFF").toUpperCase();
    const min = String(config.minimumLevel ?? "ERROR").toUpperCase();
    if (level === "OFF") {
      fail("execution logging is off (`loggingConfiguration.level` is OFF or unset)", `set \`loggingConfiguration\` with \`level: "${min}"\` (or finer) and \`logDestination\``);
      return;
    }
    if (logLevels.indexOf(level) < logLevels.indexOf(min)) fail(`the logging level is ${level}, below the required ${min}`, `set \`loggingConfiguration.level: "${min}"\` or "ALL"`);
    if (!ref("loggingConfiguration.logDestination", SOURCES.logGroup)) fail("logging has no destination (`loggingConfiguration.logDestination` is unset)", 'set `loggingConfiguration.logDestination` to "<log group ARN>:*"');
    if (config.requireExecutionData === true && known(props, "loggingConfiguration.includeExecutionData") !== true) fail("execution data is not logged (`loggingConfiguration.includeExecutionData` is not true)", "set `loggingConfiguration.includeExecutionData: true`");
  },
);

export const stepFunctionsTracing = resourcePolicy(
  {
    name: "stepfunctions-tracing",
    description: "Step Functions state machines must have AWS X-Ray tracing enabled.",
    severity: "low",
    controls: ["BP.StepFunctions.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `tracingConfiguration: { enabled: true }` on the aws.sfn.StateMachine.",
    resourceTypes: TD.stateMachine,
  },
  ({ props, fail }) => {
    if (known(props, "tracingConfiguration.enabled") !== true) fail("X-Ray tracing is off (`tracingConfiguration.enabled` is not true)", "set `tracingConfiguration: { enabled: true }`");
  },
);

export const policies = [
  emrPrimaryNoPublicIp,
  emrBlockPublicAccess,
  emrAtRestEncryption,
  emrInTransitEncryption,
  emrClusterSecurityConfiguration,
  emrClusterKerberos,
  athenaWorkgroupEncrypted,
  athenaWorkgroupMetrics,
  glueMlTransformEncrypted,
  glueSparkJobVersion,
  glueSecurityConfigurationEncrypted,
  glueJobSecurityConfiguration,
  glueDataCatalogEncrypted,
  kinesisStreamEncrypted,
  kinesisStreamRetention,
  kinesisStreamCustomerManagedKey,
  firehoseEncrypted,
  sagemakerNotebookNoDirectInternet,
  sagemakerNotebookInVpc,
  sagemakerNotebookNoRoot,
  sagemakerEndpointInstanceCount,
  sagemakerModelNetworkIsolation,
  sagemakerNotebookPlatform,
  sagemakerStorageKms,
  sagemakerEndpointConfigKms,
  sagemakerNotebookImdsv2,
  sagemakerDomainVpcOnly,
  stepFunctionsLogging,
  stepFunctionsTracing,
];

/** Every EMR/Athena/Glue/Kinesis/SageMaker/Step Functions control of the catalog has a policy. */
export const notDecidable: Record<string, string> = {};
