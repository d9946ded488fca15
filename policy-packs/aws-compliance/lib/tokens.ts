/**
 * Type tokens, with every alias a real program may use. In `@pulumi/aws` v7 the S3 `*V2`
 * resources are deprecated aliases of the plain ones, and ALB/NLB resources exist under both
 * `aws:lb/...` and `aws:alb/...`. A rule names a group, never a single token.
 */
export const T = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  bucketSse: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  bucketVersioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  bucketLogging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  bucketLifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"],
  bucketAcl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  bucketObjectLock: ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"],
  bucketWebsite: ["aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration", "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2"],
  bucketCors: ["aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"],
  bucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
  bucketPublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  bucketOwnership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
  bucketNotification: ["aws:s3/bucketNotification:BucketNotification"],
  bucketReplication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
  accountPublicAccessBlock: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
  loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  classicLoadBalancer: ["aws:elb/loadBalancer:LoadBalancer", "aws:elasticloadbalancing/loadBalancer:LoadBalancer"],
  securityGroup: ["aws:ec2/securityGroup:SecurityGroup"],
  securityGroupIngress: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"],
  webAcl: ["aws:wafv2/webAcl:WebAcl"],
  webAclAssociation: ["aws:wafv2/webAclAssociation:WebAclAssociation"],
  webAclLogging: ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"],
} as const;

/** True if `type` is one of the tokens of a group. */
export function isOneOf(type: string, group: readonly string[]): boolean {
  return group.includes(type);
}
