/**
 * Bucket-policy statements that let AWS log-delivery services write into a bucket of this account,
 * in the shape their documentation gives, each scoped to the delivering trail or account. Pass them
 * to `EncryptedBucket`'s `policyStatements`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../security/policy-document";

/** Normalise a key prefix: empty, or ending in one `/`. */
function keyPrefix(prefix: string | undefined): string {
  const p = (prefix ?? "").replace(/^\/+|\/+$/g, "");
  return p ? `${p}/` : "";
}

/**
 * CloudTrail: the ACL check on the bucket and writes under `<prefix>AWSLogs/<account>/`, both only
 * for the named trail (`aws:SourceArn`), as the CloudTrail user guide's bucket policy does.
 */
export function cloudTrailDeliveryStatements(args: {
  bucketArn: pulumi.Input<string>;
  trailArn: pulumi.Input<string>;
  account: pulumi.Input<string>;
  prefix?: string;
}): PolicyStatement[] {
  const principal = { Service: "cloudtrail.amazonaws.com" };
  return [
    {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:GetBucketAcl"],
      Resource: args.bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": args.trailArn } },
    },
    {
      Sid: "CloudTrailWrite",
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:PutObject"],
      Resource: pulumi.interpolate`${args.bucketArn}/${keyPrefix(args.prefix)}AWSLogs/${args.account}/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": args.trailArn } },
    },
  ];
}

/**
 * AWS Config: the ACL check, the existence check and writes under
 * `<prefix>AWSLogs/<account>/Config/`, each only for this account (`aws:SourceAccount`).
 */
export function configDeliveryStatements(args: { bucketArn: pulumi.Input<string>; account: pulumi.Input<string>; prefix?: string }): PolicyStatement[] {
  const principal = { Service: "config.amazonaws.com" };
  const sourceAccount = { "aws:SourceAccount": args.account };
  return [
    { Sid: "AwsConfigAclCheck", Effect: "Allow", Principal: principal, Action: ["s3:GetBucketAcl"], Resource: args.bucketArn, Condition: { StringEquals: sourceAccount } },
    { Sid: "AwsConfigBucketExistenceCheck", Effect: "Allow", Principal: principal, Action: ["s3:ListBucket"], Resource: args.bucketArn, Condition: { StringEquals: sourceAccount } },
    {
      Sid: "AwsConfigWrite",
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:PutObject"],
      Resource: pulumi.interpolate`${args.bucketArn}/${keyPrefix(args.prefix)}AWSLogs/${args.account}/Config/*`,
      Condition: { StringEquals: { ...sourceAccount, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
  ];
}
