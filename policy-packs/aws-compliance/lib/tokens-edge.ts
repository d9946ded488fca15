/**
 * Type-token groups for the edge (CloudFront, WAF, API Gateway, Shield), identity (IAM), audit
 * (CloudTrail, CloudWatch alarms, GuardDuty, Security Hub, Config) and extras (CloudHSM,
 * QuickSight, Direct Connect, secrets, data protection) policies. Every token below was checked
 * against `@pulumi/aws` 7.48 (`__pulumiType` of the resource class). A rule names a group, never a
 * single token.
 */
export const TE = {
  // CloudFront
  distribution: ["aws:cloudfront/distribution:Distribution"],
  logDeliverySource: ["aws:cloudwatch/logDeliverySource:LogDeliverySource"],
  logDelivery: ["aws:cloudwatch/logDelivery:LogDelivery"],

  // WAFv2
  webAcl: ["aws:wafv2/webAcl:WebAcl"],
  webAclRule: ["aws:wafv2/webAclRule:WebAclRule"],
  webAclRuleGroupAssociation: ["aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation"],
  wafv2RuleGroup: ["aws:wafv2/ruleGroup:RuleGroup"],
  webAclAssociation: ["aws:wafv2/webAclAssociation:WebAclAssociation"],
  webAclLogging: ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"],
  /** Associations that put any web ACL (v2 or Classic regional) in front of a regional resource. */
  anyWebAclAssociation: ["aws:wafv2/webAclAssociation:WebAclAssociation", "aws:wafregional/webAclAssociation:WebAclAssociation"],

  // WAF Classic (deprecated; end of life 2025-09-30)
  wafGlobalWebAcl: ["aws:waf/webAcl:WebAcl"],
  wafGlobalRule: ["aws:waf/rule:Rule"],
  wafGlobalRuleGroup: ["aws:waf/ruleGroup:RuleGroup"],
  wafRegionalWebAcl: ["aws:wafregional/webAcl:WebAcl"],
  wafRegionalRule: ["aws:wafregional/rule:Rule"],
  wafRegionalRuleGroup: ["aws:wafregional/ruleGroup:RuleGroup"],
  wafClassic: [
    "aws:waf/byteMatchSet:ByteMatchSet",
    "aws:waf/geoMatchSet:GeoMatchSet",
    "aws:waf/ipSet:IpSet",
    "aws:waf/rateBasedRule:RateBasedRule",
    "aws:waf/regexMatchSet:RegexMatchSet",
    "aws:waf/regexPatternSet:RegexPatternSet",
    "aws:waf/rule:Rule",
    "aws:waf/ruleGroup:RuleGroup",
    "aws:waf/sizeConstraintSet:SizeConstraintSet",
    "aws:waf/sqlInjectionMatchSet:SqlInjectionMatchSet",
    "aws:waf/webAcl:WebAcl",
    "aws:waf/xssMatchSet:XssMatchSet",
    "aws:wafregional/byteMatchSet:ByteMatchSet",
    "aws:wafregional/geoMatchSet:GeoMatchSet",
    "aws:wafregional/ipSet:IpSet",
    "aws:wafregional/rateBasedRule:RateBasedRule",
    "aws:wafregional/regexMatchSet:RegexMatchSet",
    "aws:wafregional/regexPatternSet:RegexPatternSet",
    "aws:wafregional/rule:Rule",
    "aws:wafregional/ruleGroup:RuleGroup",
    "aws:wafregional/sizeConstraintSet:SizeConstraintSet",
    "aws:wafregional/sqlInjectionMatchSet:SqlInjectionMatchSet",
    "aws:wafregional/webAcl:WebAcl",
    "aws:wafregional/webAclAssociation:WebAclAssociation",
    "aws:wafregional/xssMatchSet:XssMatchSet",
  ],

  // API Gateway
  restApi: ["aws:apigateway/restApi:RestApi"],
  restStage: ["aws:apigateway/stage:Stage"],
  methodSettings: ["aws:apigateway/methodSettings:MethodSettings"],
  httpApi: ["aws:apigatewayv2/api:Api"],
  v2Stage: ["aws:apigatewayv2/stage:Stage"],
  v2Route: ["aws:apigatewayv2/route:Route"],

  // Shield and what it protects
  shieldProtection: ["aws:shield/protection:Protection"],
  shieldSubscription: ["aws:shield/subscription:Subscription"],
  eip: ["aws:ec2/eip:Eip"],
  hostedZone: ["aws:route53/zone:Zone"],

  // IAM
  iamPolicy: ["aws:iam/policy:Policy"],
  iamRolePolicy: ["aws:iam/rolePolicy:RolePolicy"],
  iamUserPolicy: ["aws:iam/userPolicy:UserPolicy"],
  iamGroupPolicy: ["aws:iam/groupPolicy:GroupPolicy"],
  iamRole: ["aws:iam/role:Role"],
  iamUserPolicyAttachment: ["aws:iam/userPolicyAttachment:UserPolicyAttachment"],
  iamUserPolicyAttachmentsExclusive: ["aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"],
  iamUserPoliciesExclusive: ["aws:iam/userPoliciesExclusive:UserPoliciesExclusive"],
  iamPolicyAttachment: ["aws:iam/policyAttachment:PolicyAttachment"],
  iamRolePolicyAttachment: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
  iamGroupPolicyAttachment: ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment"],
  iamRolePolicyAttachmentsExclusive: ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"],
  iamGroupPolicyAttachmentsExclusive: ["aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"],
  iamPasswordPolicy: ["aws:iam/accountPasswordPolicy:AccountPasswordPolicy"],
  iamAccessKey: ["aws:iam/accessKey:AccessKey"],

  // Audit
  trail: ["aws:cloudtrail/trail:Trail"],
  metricAlarm: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
  compositeAlarm: ["aws:cloudwatch/compositeAlarm:CompositeAlarm"],
  guardDutyDetector: ["aws:guardduty/detector:Detector"],
  securityHubAccount: ["aws:securityhub/account:Account"],
  securityHubStandardsSubscription: ["aws:securityhub/standardsSubscription:StandardsSubscription"],
  configRecorder: ["aws:cfg/recorder:Recorder"],
  configRecorderStatus: ["aws:cfg/recorderStatus:RecorderStatus"],

  // Extras (catalog §1.4)
  hsmCluster: ["aws:cloudhsmv2/cluster:Cluster"],
  hsm: ["aws:cloudhsmv2/hsm:Hsm"],
  subnet: ["aws:ec2/subnet:Subnet"],
  quicksightDataSource: ["aws:quicksight/dataSource:DataSource"],
  dxConnection: ["aws:directconnect/connection:Connection"],
  dxMacsecKeyAssociation: ["aws:directconnect/macsecKeyAssociation:MacsecKeyAssociation"],
  lambdaFunction: ["aws:lambda/function:Function"],
  lambdaPermission: ["aws:lambda/permission:Permission"],
  ec2Instance: ["aws:ec2/instance:Instance"],
  spotInstanceRequest: ["aws:ec2/spotInstanceRequest:SpotInstanceRequest"],
  launchTemplate: ["aws:ec2/launchTemplate:LaunchTemplate"],
  launchConfiguration: ["aws:ec2/launchConfiguration:LaunchConfiguration"],

  // Data stores
  rdsCluster: ["aws:rds/cluster:Cluster"],
  rdsInstance: ["aws:rds/instance:Instance"],
  dynamoTable: ["aws:dynamodb/table:Table"],
  efsFileSystem: ["aws:efs/fileSystem:FileSystem"],
  kmsKey: ["aws:kms/key:Key"],
  redshiftCluster: ["aws:redshift/cluster:Cluster"],
  kinesisStream: ["aws:kinesis/stream:Stream"],
  backupVault: ["aws:backup/vault:Vault"],
  glacierVault: ["aws:glacier/vault:Vault"],
  sqsQueue: ["aws:sqs/queue:Queue"],
  snsTopic: ["aws:sns/topic:Topic"],
  secret: ["aws:secretsmanager/secret:Secret"],
  logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
  ebsVolume: ["aws:ebs/volume:Volume"],

  // Resource policies (documents with principals)
  kmsKeyPolicy: ["aws:kms/keyPolicy:KeyPolicy"],
  sqsQueuePolicy: ["aws:sqs/queuePolicy:QueuePolicy"],
  snsTopicPolicy: ["aws:sns/topicPolicy:TopicPolicy"],
  secretPolicy: ["aws:secretsmanager/secretPolicy:SecretPolicy"],
  ecrRepositoryPolicy: ["aws:ecr/repositoryPolicy:RepositoryPolicy"],
  ecrRegistryPolicy: ["aws:ecr/registryPolicy:RegistryPolicy"],
  backupVaultPolicy: ["aws:backup/vaultPolicy:VaultPolicy"],
  efsFileSystemPolicy: ["aws:efs/fileSystemPolicy:FileSystemPolicy"],
  lambdaResourcePolicy: ["aws:lambda/resourcePolicy:ResourcePolicy"],
  dynamoResourcePolicy: ["aws:dynamodb/resourcePolicy:ResourcePolicy"],
  kinesisResourcePolicy: ["aws:kinesis/resourcePolicy:ResourcePolicy"],

  /** The deprecated S3 `*V2` tokens of `@pulumi/aws` v7 and the v7 token each maps to. */
  s3DeprecatedV2: {
    "aws:s3/bucketV2:BucketV2": "aws:s3/bucket:Bucket",
    "aws:s3/bucketAclV2:BucketAclV2": "aws:s3/bucketAcl:BucketAcl",
    "aws:s3/bucketVersioningV2:BucketVersioningV2": "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketLoggingV2:BucketLoggingV2": "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2": "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration",
    "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2":
      "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration",
  } as Record<string, string>,
} as const;
