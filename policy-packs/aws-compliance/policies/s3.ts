/**
 * S3: encryption, TLS, public access, versioning, logging, lifecycle, object lock (FSBP S3.*).
 * Every bucket rule accepts the inline block on `aws:s3/bucket:Bucket` (or `BucketV2`) or the side
 * resource that configures it, joined by property dependency or by bucket name.
 */
import { deniesInsecureTransport, parsePolicyDocument } from "../lib/iam";
import { stackPolicy } from "../lib/policy";
import { T } from "../lib/tokens";
import { get, isUnknown, undecidable } from "../lib/values";

export const s3RequireTls = stackPolicy(
  {
    name: "s3-bucket-require-tls",
    description: "S3 buckets must have a bucket policy that denies requests not made over TLS.",
    severity: "medium",
    controls: ["S3.5"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.s3.BucketPolicy (or the bucket's inline `policy`) with a Deny statement for all principals on the bucket and its objects when `aws:SecureTransport` is `false`.",
  },
  ({ forEach, attached, fail }) => {
    forEach(T.bucket, (bucket) => {
      const docs = [get(bucket.props, "policy"), ...attached(bucket, T.bucketPolicy, "bucket").map((p) => get(p.props, "policy"))];
      const parsed = docs.map(parsePolicyDocument).filter((d) => d !== undefined);
      if (parsed.some((d) => d !== "unknown" && deniesInsecureTransport(d))) return;
      if (parsed.includes("unknown")) undecidable("the bucket policy document");
      {
        fail(bucket, "no bucket policy denies requests without TLS", "attach an aws.s3.BucketPolicy with a Deny on `aws:SecureTransport = false`");
      }
    });
  },
);

export const s3BlockPublicAccess = stackPolicy(
  {
    name: "s3-bucket-block-public-access",
    description: "S3 buckets must block public access with all four public-access-block settings (on by default for buckets created since April 2023).",
    severity: "high",
    controls: ["S3.8"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
  },
  ({ forEach, attached, fail }) => {
    const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
    forEach(T.bucket, (bucket) => {
      const blocks = attached(bucket, T.bucketPublicAccessBlock, "bucket");
      // Since April 2023 S3 turns on all four settings for every new bucket: without a
      // BucketPublicAccessBlock the bucket keeps them. Only a block that turns one off fails.
      if (blocks.length === 0) return;
      for (const block of blocks) {
        const off = settings.filter((s) => {
          const v = get(block.props, s);
          if (isUnknown(v)) undecidable(`${block.name}.${s}`);
          return v !== true;
        });
        if (off.length > 0) fail(bucket, `public access block ${block.name} leaves ${off.join(", ")} off`, `set ${off.join(", ")} to true`);
      }
    });
  },
);

export const policies = [s3RequireTls, s3BlockPublicAccess];
