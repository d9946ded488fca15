/**
 * An EMR cluster for Spark and Hadoop in private subnets: instance fleets (on-demand primary and
 * core, Spot task nodes), managed scaling, a security configuration that encrypts S3 data, local
 * disks and EBS volumes with the given key and traffic with TLS, IMDSv2 only, logs to S3, and
 * auto-termination when idle (dev) or termination protection (prod).
 *
 * | setting                 | default                                                                | control          |
 * |-------------------------|------------------------------------------------------------------------|------------------|
 * | network                 | private subnets, EMR-managed security groups with no public rules      | EMR.1, EMR.2     |
 * | security configuration  | S3 SSE-KMS, local disk + EBS KMS, in-transit TLS (PEM zip from S3),    | EMR.3, EMR.4,    |
 * |                         | IMDSv2                                                                 | BP.EMR.1         |
 * | roles                   | service role with AmazonEMRServicePolicy_v2 (acts only on resources    |                  |
 * |                         | tagged `for-use-with-amazon-emr-managed-policies`); instance role      |                  |
 * |                         | scoped to the granted zones, the logs bucket and the certificates     |                  |
 * | capacity                | fleets: primary 1 on-demand; core on-demand; task Spot                 |                  |
 * |                         | (price-capacity-optimized); managed scaling between the limits         |                  |
 * | idle                    | dev: terminates itself after `idleTimeoutSeconds`; prod: stays up,     |                  |
 * |                         | termination protection on                                             |                  |
 * | logs                    | `logUri` in the logs bucket, encrypted with the key                    |                  |
 * | authentication          | Kerberos with a cluster-dedicated KDC (realm from the region, admin    | BP.EMR.2         |
 * |                         | password required, a Pulumi secret; tickets 24 h)                     |                  |
 *
 * The AmazonEMRServicePolicy_v2 managed policy lets EMR create instances and network interfaces
 * only in subnets and security groups tagged `for-use-with-amazon-emr-managed-policies=true`: this
 * component tags the subnets it is given (by index: `subnetCount` of them) and its security groups.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { KmsEncryptDecryptActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, throwIfProblems } from "../security/policy-document";
import type { EncryptedBucket } from "../storage/encrypted-bucket";
import { GlueCatalogReadActions, GlueCatalogWriteActions } from "./data-lake";

/** The tag AmazonEMRServicePolicy_v2 requires on the subnets and security groups EMR uses. */
export const EmrManagedPolicyTag = { key: "for-use-with-amazon-emr-managed-policies", value: "true" } as const;

/** Sizes of a cluster, in instance-fleet units (each instance type weighs 1). */
export interface SparkClusterSize {
  /** On-demand core nodes (HDFS and executors). Required. */
  coreNodes: number;
  /** Most task nodes managed scaling may add, on Spot. Required. */
  maxTaskNodes: number;
}

export interface SparkClusterArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The key for S3 data, local disks, EBS and logs. Its policy must let EC2 (through Auto Scaling and EMR) use it. Required. */
  kmsKey: KeyReference;
  /** The VPC. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets (EMR picks one per launch from the fleet's list). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** How many of `subnetIds` to tag for EMR's managed policy (the VPC's AZ count). Required. */
  subnetCount: number;
  /** Where EMR writes its logs (`<bucket>/emr-logs/`). Required. */
  logsBucket: EncryptedBucket;
  /** S3 URI of a zip of PEM files (privateKey.pem, certificateChain.pem, trustedCertificates.pem) for in-transit TLS. Required. */
  tlsCertificatesS3Uri: string;
  /**
   * Kerberos with a cluster-dedicated KDC on the primary node: every user and service
   * authenticates (Hadoop, Spark, YARN run in secure mode). The KDC admin password is required and
   * must come from a secret (the stack's secret config); it never has a default. Required.
   */
  kerberos: SparkKerberos;
  /** EMR release. Default: `emr-7.9.0`. */
  releaseLabel?: string;
  /** Instance types, in order of preference (the fleets choose among them). Default: m7g.xlarge, m6g.xlarge. */
  instanceTypes?: string[];
  /** Sizes. Required. */
  size: SparkClusterSize;
  /** Seconds idle before the cluster terminates itself; `false` to keep it up. Default: 3600 in dev, false in prod. */
  idleTimeoutSeconds?: number | false;
  /** Glue Data Catalog database(s) Spark may read and write as its metastore. Default: none. */
  catalogDatabases?: pulumi.Input<string>[];
  /** IAM path and permissions boundary of the roles. Default: `/`, none. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** Kerberos of a SparkCluster: a KDC dedicated to the cluster. */
export interface SparkKerberos {
  /** The KDC's admin password (a Pulumi secret). Required. */
  kdcAdminPassword: pulumi.Input<string>;
  /** The realm. Default: the nodes' DNS domain upper-cased (`EC2.INTERNAL` in us-east-1, `<REGION>.COMPUTE.INTERNAL` elsewhere), as EMR recommends. */
  realm?: string;
  /** Ticket lifetime in hours, 1 to 24. Default: 24. */
  ticketLifetimeHours?: number;
}

/** The realm EMR recommends for a cluster-dedicated KDC: the nodes' domain, upper-cased. */
export function defaultKerberosRealm(region: string): string {
  return region === "us-east-1" ? "EC2.INTERNAL" : `${region.toUpperCase()}.COMPUTE.INTERNAL`;
}

export class SparkCluster extends pulumi.ComponentResource {
  readonly cluster: aws.emr.Cluster;
  readonly clusterId: pulumi.Output<string>;
  readonly securityConfiguration: aws.emr.SecurityConfiguration;
  /** The role of the cluster's instances (grant it the zones it processes). */
  readonly instanceRole: aws.iam.Role;
  readonly serviceRole: aws.iam.Role;
  /** The primary node's security group (EMR manages its rules). */
  readonly primarySecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: SparkClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:analytics:SparkCluster", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const prod = profile.environment === "prod";
    const releaseLabel = args.releaseLabel ?? "emr-7.9.0";
    const instanceTypes = args.instanceTypes ?? ["m7g.xlarge", "m6g.xlarge"];
    const idle = args.idleTimeoutSeconds ?? (prod ? false : 3600);
    const certs = /^s3:\/\/([a-z0-9.-]{3,63})\/(.+\.zip)$/.exec(args.tlsCertificatesS3Uri ?? "");

    const problems: string[] = [];
    if (!/^emr-[0-9]+\.[0-9]+\.[0-9]+$/.test(releaseLabel)) problems.push(`releaseLabel = "${releaseLabel}": must be an EMR release such as emr-7.9.0`);
    else if (Number(releaseLabel.split(/[-.]/)[1]) < 6) problems.push(`releaseLabel = "${releaseLabel}": EMR 6 or later (IMDSv2 and managed scaling with instance fleets)`);
    if (instanceTypes.length === 0 || instanceTypes.length > 5) problems.push(`instanceTypes has ${instanceTypes.length} types: an instance fleet takes 1 to 5`);
    for (const t of instanceTypes) if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t)) problems.push(`instanceTypes: "${t}" is not an EC2 instance type such as m7g.xlarge`);
    if (!Number.isInteger(args.size?.coreNodes) || args.size.coreNodes < 1) problems.push(`size.coreNodes = ${args.size?.coreNodes}: must be a whole number >= 1`);
    if (!Number.isInteger(args.size?.maxTaskNodes) || args.size.maxTaskNodes < 0) problems.push(`size.maxTaskNodes = ${args.size?.maxTaskNodes}: must be a whole number >= 0`);
    if (idle !== false && (!Number.isInteger(idle) || idle < 60 || idle > 604_800)) problems.push(`idleTimeoutSeconds = ${idle}: must be 60 to 604800 seconds, or false`);
    if (prod && idle !== false) problems.push(`idleTimeoutSeconds = ${idle}: prod clusters stay up (termination protection); auto-termination is for dev`);
    if (!certs) problems.push(`tlsCertificatesS3Uri = "${args.tlsCertificatesS3Uri}": must be s3://<bucket>/<key>.zip, a zip of the PEM files EMR uses for in-transit TLS`);
    const realm = args.kerberos?.realm ?? defaultKerberosRealm(context.region);
    const ticketHours = args.kerberos?.ticketLifetimeHours ?? 24;
    if (args.kerberos?.kdcAdminPassword === undefined || args.kerberos.kdcAdminPassword === "") {
      problems.push("kerberos.kdcAdminPassword is required: the cluster-dedicated KDC's admin password, from a secret (no default: a default password would be everyone's)");
    }
    if (!/^[A-Z0-9][A-Z0-9.-]*$/.test(realm)) problems.push(`kerberos.realm = "${realm}": must be upper-case letters, digits, dots and dashes (e.g. EC2.INTERNAL)`);
    if (!Number.isInteger(ticketHours) || ticketHours < 1 || ticketHours > 24) problems.push(`kerberos.ticketLifetimeHours = ${ticketHours}: must be a whole number of hours from 1 to 24`);
    if (!Number.isInteger(args.subnetCount) || args.subnetCount < 1) problems.push(`subnetCount = ${args.subnetCount}: must be the number of subnets given (>= 1)`);
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`SparkCluster ${name}`, problems);

    const tags = withTags(context.tags, args.tags ?? {});
    const emrTags = { ...tags, [EmrManagedPolicyTag.key]: EmrManagedPolicyTag.value };
    const keyArn = keyArnOf(args.kmsKey);
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const clusterName = physicalName(context, name, 256);

    // The managed service policy acts only on tagged subnets and security groups.
    const subnetTags = Array.from({ length: args.subnetCount }, (_, i) =>
      new aws.ec2.Tag(`${name}-subnet-${i}`, { resourceId: pulumi.output(args.subnetIds).apply((ids) => ids[i]!), key: EmrManagedPolicyTag.key, value: EmrManagedPolicyTag.value }, { parent: this }),
    );
    const sg = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId: args.vpcId, description, revokeRulesOnDelete: true, tags: { ...emrTags, Name: physicalName(context, `${name}-${role}`) } }, { parent: this });
    // EMR adds the rules it needs between these groups; none opens anything to the internet.
    const primary = sg("primary", `EMR primary node of ${clusterName} (rules managed by EMR)`);
    const workers = sg("workers", `EMR core and task nodes of ${clusterName} (rules managed by EMR)`);
    const serviceAccess = sg("service-access", `EMR service access to the nodes of ${clusterName} in private subnets (rules managed by EMR)`);
    this.primarySecurityGroupId = primary.id;

    this.serviceRole = serviceRole(this, `${name}-service`, {
      context,
      service: "elasticmapreduce.amazonaws.com",
      description: `EMR service role of ${clusterName}`,
      placement: args.rolePlacement,
      trustConditions: { StringEquals: { "aws:SourceAccount": account } },
    });
    const servicePolicy = new aws.iam.RolePolicyAttachment(`${name}-service`, { role: this.serviceRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2` }, { parent: this });
    // Managed scaling and EBS encryption need the service role to use the key for the nodes' volumes.
    const serviceKey = grantToRole(this, name, this.serviceRole, "key", [{ Sid: "EncryptNodeVolumes", Effect: "Allow", Action: [...KmsEncryptDecryptActions, "kms:CreateGrant"], Resource: keyArn }]);

    this.instanceRole = serviceRole(this, `${name}-instances`, { context, service: "ec2.amazonaws.com", description: `EC2 instances of EMR cluster ${clusterName}`, placement: args.rolePlacement });
    const profileResource = new aws.iam.InstanceProfile(`${name}-instances`, { role: this.instanceRole.name, path: args.rolePlacement?.path ?? "/", tags }, { parent: this });
    const [, certBucket, certKey] = certs!;
    const instanceGrants = [
      args.logsBucket.grantWrite(this.instanceRole, { prefix: "emr-logs/" }),
      grantToRole(this, name, this.instanceRole, "cluster", [
        { Sid: "UseDataKey", Effect: "Allow", Action: [...KmsEncryptDecryptActions], Resource: keyArn },
        { Sid: "ReadTlsCertificates", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`arn:${partition}:s3:::${certBucket}/${certKey}` },
        ...((args.catalogDatabases ?? []).length > 0
          ? [
              {
                Sid: "SparkMetastore",
                Effect: "Allow" as const,
                Action: [...GlueCatalogReadActions, ...GlueCatalogWriteActions],
                Resource: [
                  pulumi.interpolate`arn:${partition}:glue:${context.region}:${account}:catalog`,
                  ...(args.catalogDatabases ?? []).flatMap((db) => [
                    pulumi.interpolate`arn:${partition}:glue:${context.region}:${account}:database/${db}`,
                    pulumi.interpolate`arn:${partition}:glue:${context.region}:${account}:table/${db}/*`,
                  ]),
                ],
              },
            ]
          : []),
      ]),
    ];

    this.securityConfiguration = new aws.emr.SecurityConfiguration(
      name,
      {
        name: physicalName(context, name, 128),
        configuration: pulumi.jsonStringify({
          EncryptionConfiguration: {
            EnableAtRestEncryption: true,
            EnableInTransitEncryption: true,
            AtRestEncryptionConfiguration: {
              S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: keyArn },
              LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: keyArn, EnableEbsEncryption: true },
            },
            InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: args.tlsCertificatesS3Uri } },
          },
          AuthenticationConfiguration: {
            KerberosConfiguration: { Provider: "ClusterDedicatedKdc", ClusterDedicatedKdcConfiguration: { TicketLifetimeInHours: ticketHours } },
          },
          InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 2 },
        }),
      },
      { parent: this },
    );

    const fleetTypes = instanceTypes.map((instanceType) => ({ instanceType, weightedCapacity: 1, ebsConfigs: [{ size: 64, type: "gp3", volumesPerInstance: 1 }] }));
    this.cluster = new aws.emr.Cluster(
      name,
      {
        name: clusterName,
        releaseLabel,
        applications: ["Hadoop", "Spark"],
        serviceRole: this.serviceRole.arn,
        securityConfiguration: this.securityConfiguration.name,
        logUri: pulumi.interpolate`s3://${args.logsBucket.bucketName}/emr-logs/`,
        logEncryptionKmsKeyId: keyArn,
        ebsRootVolumeSize: 32,
        ec2Attributes: {
          subnetIds: args.subnetIds,
          instanceProfile: profileResource.arn,
          emrManagedMasterSecurityGroup: primary.id,
          emrManagedSlaveSecurityGroup: workers.id,
          serviceAccessSecurityGroup: serviceAccess.id,
        },
        masterInstanceFleet: { name: "primary", targetOnDemandCapacity: 1, instanceTypeConfigs: fleetTypes },
        coreInstanceFleet: { name: "core", targetOnDemandCapacity: args.size.coreNodes, instanceTypeConfigs: fleetTypes },
        configurationsJson: JSON.stringify([
          // Spark uses the Glue Data Catalog as its metastore (the lake's tables).
          { Classification: "spark-hive-site", Properties: { "hive.metastore.client.factory.class": "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory" } },
          { Classification: "spark-defaults", Properties: { "spark.dynamicAllocation.enabled": "true" } },
        ]),
        kerberosAttributes: { realm, kdcAdminPassword: pulumi.secret(args.kerberos.kdcAdminPassword) },
        keepJobFlowAliveWhenNoSteps: true,
        terminationProtection: prod,
        unhealthyNodeReplacement: true,
        ...(idle !== false ? { autoTerminationPolicy: { idleTimeout: idle } } : {}),
        tags: emrTags,
      },
      { parent: this, dependsOn: [servicePolicy, serviceKey, ...instanceGrants, ...subnetTags] },
    );
    this.clusterId = this.cluster.id;

    // Task nodes: Spot only, scaled by managed scaling between 0 and maxTaskNodes.
    if (args.size.maxTaskNodes > 0) {
      new aws.emr.InstanceFleet(
        `${name}-task`,
        {
          clusterId: this.cluster.id,
          name: "task",
          targetOnDemandCapacity: 0,
          targetSpotCapacity: 0,
          instanceTypeConfigs: fleetTypes,
          launchSpecifications: { spotSpecifications: [{ allocationStrategy: "price-capacity-optimized", timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutDurationMinutes: 10 }] },
        },
        { parent: this },
      );
    }
    new aws.emr.ManagedScalingPolicy(
      name,
      {
        clusterId: this.cluster.id,
        computeLimits: [
          {
            unitType: "InstanceFleetUnits",
            minimumCapacityUnits: 1 + args.size.coreNodes,
            maximumCapacityUnits: 1 + args.size.coreNodes + args.size.maxTaskNodes,
            // Only the task fleet grows, and only on Spot.
            maximumOndemandCapacityUnits: 1 + args.size.coreNodes,
            maximumCoreCapacityUnits: args.size.coreNodes,
          },
        ],
      },
      { parent: this },
    );

    this.registerOutputs({ clusterId: this.clusterId, instanceRoleArn: this.instanceRole.arn });
  }
}
