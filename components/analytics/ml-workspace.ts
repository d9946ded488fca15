/**
 * A SageMaker AI workspace for building, training and deploying models: a Studio domain in
 * VPC-only mode encrypted with the given key, an execution role that reads only the zones it is
 * granted and writes only the models bucket, idle apps shut down, a model registry (model package
 * group), and a deployment role that can create endpoints only with the key.
 *
 * | setting                  | default                                                                 | control              |
 * |--------------------------|-------------------------------------------------------------------------|----------------------|
 * | network                  | `VpcOnly` in private subnets, own security group (HTTPS out, NFS within)| SageMaker.1, .2      |
 * | encryption               | domain (home EFS) and models bucket with the key                        | BP.SageMaker         |
 * | execution role           | read granted zones; read/write `models/` and `training/`; no `*` data   |                      |
 * | idle apps                | JupyterLab and Code Editor stop after `idleTimeoutMinutes`              |                      |
 * | home file system         | retained on delete in prod, deleted in dev                              |                      |
 * | deployment               | model package group (registry); a deploy role that creates endpoint     | SageMaker.4 (count)  |
 * |                          | configs only with the key (`sagemaker:VolumeKmsKey` condition)          |                      |
 *
 * How a model reaches production: a training job (execution role) writes its artifact under
 * `models/`, registers a version in the model package group (PendingManualApproval); a reviewer
 * approves it; the deploy role creates the model, an endpoint configuration with `kmsKeyArn` and
 * at least two instances in prod, and the endpoint (see the README).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { KmsEncryptDecryptActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, PolicyStatement, throwIfProblems } from "../security/policy-document";
import type { EncryptedBucket } from "../storage/encrypted-bucket";

export interface MlWorkspaceArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The key for the domain's home file system, volumes and artifacts. Required. */
  kmsKey: KeyReference;
  /** The VPC. Required. */
  vpcId: pulumi.Input<string>;
  /** Its CIDR (the apps' HTTPS egress to interface endpoints stays inside it when `endpointsOnly`). Required. */
  vpcCidr: pulumi.Input<string>;
  /** Private subnets. Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Where artifacts go (`models/`, `training/`). Required. */
  modelsBucket: EncryptedBucket;
  /** Buckets (and prefixes) training may read (e.g. the curated zone). Required. */
  reads: { bucket: EncryptedBucket; prefix?: string }[];
  /** Apps reach AWS only through the VPC's interface endpoints (no NAT): HTTPS egress limited to the VPC. Default: false (HTTPS to anywhere, through NAT). */
  endpointsOnly?: boolean;
  /** Minutes before idle Studio apps stop, 60 to 525600. Default: 60 in dev, 120 in prod. */
  idleTimeoutMinutes?: number;
  /** Studio user profiles to create (names). Default: none (add them later). */
  userProfiles?: string[];
  /** IAM path and permissions boundary of the roles. Default: `/`, none. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** What a training/processing job and a notebook do with SageMaker itself. */
const SageMakerJobActions = [
  "sagemaker:CreateTrainingJob",
  "sagemaker:DescribeTrainingJob",
  "sagemaker:StopTrainingJob",
  "sagemaker:CreateProcessingJob",
  "sagemaker:DescribeProcessingJob",
  "sagemaker:StopProcessingJob",
  "sagemaker:CreateModelPackage",
  "sagemaker:DescribeModelPackage",
  "sagemaker:ListModelPackages",
  "sagemaker:DescribeModelPackageGroup",
  "sagemaker:AddTags",
] as const;
/** What the deploy role does. */
const SageMakerDeployActions = [
  "sagemaker:CreateModel",
  "sagemaker:DescribeModel",
  "sagemaker:DeleteModel",
  "sagemaker:CreateEndpoint",
  "sagemaker:UpdateEndpoint",
  "sagemaker:DescribeEndpoint",
  "sagemaker:DeleteEndpoint",
  "sagemaker:DescribeEndpointConfig",
  "sagemaker:DeleteEndpointConfig",
  "sagemaker:DescribeModelPackage",
  "sagemaker:ListModelPackages",
  "sagemaker:AddTags",
] as const;

export class MlWorkspace extends pulumi.ComponentResource {
  readonly domain: aws.sagemaker.Domain;
  readonly domainId: pulumi.Output<string>;
  readonly executionRole: aws.iam.Role;
  readonly deployRole: aws.iam.Role;
  readonly modelPackageGroupName: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: MlWorkspaceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:analytics:MlWorkspace", name, {}, opts);
    const { context } = args;
    const prod = context.profile.environment === "prod";
    const idle = args.idleTimeoutMinutes ?? (prod ? 120 : 60);
    const users = args.userProfiles ?? [];

    const problems: string[] = [];
    if (!Number.isInteger(idle) || idle < 60 || idle > 525_600) problems.push(`idleTimeoutMinutes = ${idle}: must be a whole number from 60 to 525600`);
    for (const u of users) if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(u)) problems.push(`userProfiles: "${u}" must be 1 to 63 letters, digits or dashes`);
    if (new Set(users).size !== users.length) problems.push("userProfiles has a name twice");
    if (args.reads.length === 0) problems.push("reads is empty: training needs at least one data location");
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`MlWorkspace ${name}`, problems);

    const tags = withTags(context.tags, args.tags ?? {});
    const keyArn = keyArnOf(args.kmsKey);
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const arn = (what: string) => pulumi.interpolate`arn:${partition}:sagemaker:${context.region}:${account}:${what}`;
    const domainName = physicalName(context, name, 63);

    const sg = new aws.ec2.SecurityGroup(
      `${name}-apps`,
      { vpcId: args.vpcId, description: `SageMaker Studio apps of ${domainName}: HTTPS out, NFS to the home file system`, revokeRulesOnDelete: true, tags: withTags(context.tags, args.tags ?? {}, physicalName(context, `${name}-apps`)) },
      { parent: this },
    );
    this.securityGroupId = sg.id;
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-apps-https`,
      { securityGroupId: sg.id, description: args.endpointsOnly ? "HTTPS to the VPC's interface endpoints" : "HTTPS to SageMaker and AWS APIs (through NAT)", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.endpointsOnly ? args.vpcCidr : "0.0.0.0/0", tags },
      { parent: this },
    );
    // The domain's home EFS: Studio apps mount it over NFS (the group talks to itself).
    new aws.vpc.SecurityGroupEgressRule(`${name}-apps-nfs-out`, { securityGroupId: sg.id, description: "NFS to the home file system", ipProtocol: "tcp", fromPort: 2049, toPort: 2049, referencedSecurityGroupId: sg.id, tags }, { parent: this });
    new aws.vpc.SecurityGroupIngressRule(`${name}-apps-nfs-in`, { securityGroupId: sg.id, description: "NFS from Studio apps", ipProtocol: "tcp", fromPort: 2049, toPort: 2049, referencedSecurityGroupId: sg.id, tags }, { parent: this });

    this.executionRole = serviceRole(this, `${name}-execution`, {
      context,
      service: "sagemaker.amazonaws.com",
      description: `SageMaker execution role of ${domainName}: reads the granted zones, writes models`,
      placement: args.rolePlacement,
      trustConditions: { StringEquals: { "aws:SourceAccount": account } },
    });
    const group = new aws.sagemaker.ModelPackageGroup(name, { modelPackageGroupName: physicalName(context, name, 63), modelPackageGroupDescription: `Model registry of ${domainName}`, tags }, { parent: this });
    this.modelPackageGroupName = group.modelPackageGroupName;

    const executionStatements: PolicyStatement[] = [
      { Sid: "UseKey", Effect: "Allow", Action: [...KmsEncryptDecryptActions, "kms:CreateGrant"], Resource: keyArn },
      { Sid: "RunJobs", Effect: "Allow", Action: [...SageMakerJobActions], Resource: [arn("training-job/*"), arn("processing-job/*"), arn("model-package/*"), group.arn] },
      // Jobs run as this role: it may pass only itself, only to SageMaker.
      { Sid: "PassSelfToSageMaker", Effect: "Allow", Action: ["iam:PassRole"], Resource: this.executionRole.arn, Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } },
      {
        Sid: "JobLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: pulumi.interpolate`arn:${partition}:logs:${context.region}:${account}:log-group:/aws/sagemaker/*`,
      },
      // AWS's built-in algorithm and framework images live in AWS-owned registries; the token call has no resource.
      { Sid: "PullAwsImages", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      { Sid: "PullAwsImageLayers", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: pulumi.interpolate`arn:${partition}:ecr:${context.region}:*:repository/*` },
      // Jobs in the VPC create their network interfaces (EC2 does not scope these by resource at creation).
      { Sid: "JobsInVpc", Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], Resource: "*" },
    ];
    const grants = [
      grantToRole(this, name, this.executionRole, "execution", executionStatements),
      ...args.reads.map((r) => r.bucket.grantRead(this.executionRole, r.prefix !== undefined ? { prefix: r.prefix } : {})),
      args.modelsBucket.grantRead(this.executionRole),
      args.modelsBucket.grantWrite(this.executionRole, { prefix: "models/" }),
      args.modelsBucket.grantWrite(this.executionRole, { prefix: "training/" }),
    ];

    this.domain = new aws.sagemaker.Domain(
      name,
      {
        domainName,
        authMode: "IAM",
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        appNetworkAccessType: "VpcOnly",
        kmsKeyId: keyArn,
        retentionPolicy: { homeEfsFileSystem: prod ? "Retain" : "Delete" },
        defaultUserSettings: {
          executionRole: this.executionRole.arn,
          securityGroups: [sg.id],
          jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: idle, maxIdleTimeoutInMinutes: idle } } },
          codeEditorAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: idle, maxIdleTimeoutInMinutes: idle } } },
        },
        defaultSpaceSettings: { executionRole: this.executionRole.arn, securityGroups: [sg.id] },
        tags,
      },
      statefulOptions(context, { parent: this, dependsOn: grants }),
    );
    this.domainId = this.domain.id;
    for (const user of users) {
      new aws.sagemaker.UserProfile(`${name}-${user}`, { domainId: this.domain.id, userProfileName: user, tags }, { parent: this });
    }

    this.deployRole = serviceRole(this, `${name}-deploy`, {
      context,
      service: "sagemaker.amazonaws.com",
      description: `Deploys approved models of ${domainName} to encrypted endpoints`,
      placement: args.rolePlacement,
      trustConditions: { StringEquals: { "aws:SourceAccount": account } },
    });
    grantToRole(this, name, this.deployRole, "deploy", [
      { Sid: "Deploy", Effect: "Allow", Action: [...SageMakerDeployActions], Resource: [arn("model/*"), arn("endpoint/*"), arn("endpoint-config/*"), arn("model-package/*")] },
      // Endpoint configurations only with this key on their volumes.
      { Sid: "EncryptedEndpointConfigs", Effect: "Allow", Action: ["sagemaker:CreateEndpointConfig"], Resource: arn("endpoint-config/*"), Condition: { StringEquals: { "sagemaker:VolumeKmsKey": keyArn } } },
      { Sid: "UseKey", Effect: "Allow", Action: [...KmsEncryptDecryptActions, "kms:CreateGrant"], Resource: keyArn },
      { Sid: "PassExecutionRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: this.executionRole.arn, Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } },
    ]);
    args.modelsBucket.grantRead(this.deployRole, { prefix: "models/" });

    this.registerOutputs({ domainId: this.domainId, executionRoleArn: this.executionRole.arn, deployRoleArn: this.deployRole.arn, modelPackageGroupName: this.modelPackageGroupName });
  }
}
