/**
 * S3: encryption, TLS, public access, versioning, logging, lifecycle, object lock (FSBP S3.*).
 * Every bucket rule accepts the inline block on `aws:s3/bucket:Bucket` (or `BucketV2`) or the side
 * resource that configures it, joined by property dependency or by bucket name.
 */
import { deniesAllInsecureS3Requests, deniesInsecureTransport, parsePolicyDocument } from "../lib/iam";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { T } from "../lib/tokens";
import { get, isUnknown, undecidable } from "../lib/values";

export const s3RequireTls = stackPolicy(
  {
    name: "s3-bucket-require-tls",
    description: "S3 buckets must have a bucket policy that denies every request not made over TLS (all principals, all S3 actions, the bucket and its objects).",
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
      if (parsed.some((d) => d !== "unknown" && deniesAllInsecureS3Requests(d))) return;
      if (parsed.includes("unknown")) undecidable("the bucket policy document");
      const partial = parsed.some((d) => d !== "unknown" && deniesInsecureTransport(d));
      fail(
        bucket,
        partial ? "its bucket policy denies requests without TLS only for some principals, actions or resources" : "no bucket policy denies requests without TLS",
        'attach an aws.s3.BucketPolicy that denies `"Principal": "*"` every action (`"s3:*"`) on the bucket and `<bucket>/*` when `aws:SecureTransport` is `false`',
      );
    });
  },
);

/**
 * S3.8 is what one aws.s3.BucketPublicAccessBlock shows (a setting it leaves off; absent means
 * false on this resource), so it is a resource policy: it blocks at registration in `pulumi up`.
 * A bucket without a block keeps the four settings S3 turns on for new buckets (April 2023).
 */
export const s3BlockPublicAccess = resourcePolicy(
  {
    name: "s3-bucket-block-public-access",
    description: "S3 buckets must block public access with all four public-access-block settings (on by default for buckets created since April 2023).",
    severity: "high",
    controls: ["S3.8"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true on the aws.s3.BucketPublicAccessBlock (or remove it: new buckets keep all four on).",
    resourceTypes: T.bucketPublicAccessBlock,
  },
  ({ props, fail }) => {
    const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
    const off = settings.filter((s) => {
      const v = get(props, s);
      if (isUnknown(v)) undecidable(s);
      return v !== true;
    });
    if (off.length > 0) fail(`leaves ${off.join(", ")} off for its bucket`, `set ${off.map((s) => `\`${s}: true\``).join(", ")}`);
  },
);

export const policies = [s3RequireTls, s3BlockPublicAccess];
