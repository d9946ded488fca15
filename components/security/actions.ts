/**
 * IAM action lists the components grant, in one place (as AWS CDK keeps its `perms.ts`). Every
 * action is named: no `*`, no `service:*`.
 */

/** KMS: what a key's administrators may do (the account root in the key policy). */
export const KmsAdminActions = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReplicateKey",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:SynchronizeMultiRegionKey",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
  "kms:UpdatePrimaryRegion",
] as const;

/** KMS: encrypt with a symmetric key (envelope encryption included). */
export const KmsEncryptActions = ["kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"] as const;

/** KMS: decrypt with a symmetric key. */
export const KmsDecryptActions = ["kms:Decrypt", "kms:DescribeKey"] as const;

/** KMS: both directions. */
export const KmsEncryptDecryptActions = [...new Set([...KmsEncryptActions, ...KmsDecryptActions])];

/** KMS: every use of a symmetric key's material (for the account root beside administration). */
export const KmsUseActions = [...KmsEncryptDecryptActions, "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"];

/** KMS: what an S3 writer to an SSE-KMS bucket needs (Decrypt for multipart uploads). */
export const KmsS3WriteActions = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** S3: read objects (on `<bucket arn>/<prefix>*`). */
export const S3ReadObjectActions = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"] as const;

/** S3: read the bucket itself (on the bucket ARN). */
export const S3ReadBucketActions = ["s3:ListBucket", "s3:GetBucketLocation"] as const;

/** S3: write objects (on `<bucket arn>/<prefix>*`). */
export const S3WriteObjectActions = ["s3:PutObject", "s3:AbortMultipartUpload"] as const;

/** S3: the bucket ACL check that log-delivery services (AWS Config, CloudTrail) make before writing. */
export const S3AclCheckActions = ["s3:GetBucketAcl"] as const;

/** CloudWatch Logs: write events into a group's streams (on `<group arn>:log-stream:*`). */
export const LogsWriteActions = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;
