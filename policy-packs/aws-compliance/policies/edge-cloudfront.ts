/**
 * CloudFront: viewer and origin TLS, certificates, logging, WAF, origin access and failover (FSBP
 * CloudFront.*).
 *
 * Origins: CloudFront treats an origin without `customOriginConfig` and without `vpcOriginConfig`
 * as an S3 origin (the provider sends an `S3OriginConfig`), so that is how "S3 origin" is decided;
 * S3 website endpoints are custom origins and are not S3 origins here.
 *
 * Unknown values: a reference that is unknown at preview (`webAclId: acl.arn`,
 * `acmCertificateArn: cert.arn`, `originAccessControlId: oac.id`) is wired to another resource's
 * output and counts as set; a value whose content decides (a protocol, a version, a flag) is read
 * through the engine's proxy or `undecidable`, so an unknown one yields a "can't run during preview"
 * note instead of a verdict.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { T } from "../lib/tokens";
import { TE } from "../lib/tokens-edge";
import { reference, referencePolicy, undecidableBecause, unknownReferenceMessage, type ReferenceCheck } from "../lib/references";
import { asArray, get, isUnknown, truthy, undecidable } from "../lib/values";

/** A reference that is set: a non-empty string, or a value unknown at preview (another resource's output). */
export function present(v: unknown): boolean {
  return isUnknown(v) || (typeof v === "string" && v.trim().length > 0);
}

/**
 * The length of a list input, reading it without touching its elements (a list of ARNs wired to
 * other resources' outputs has a known length); `undecidable` when the list itself is unknown.
 */
export function listSize(obj: unknown, path: string): number {
  const v = get(obj, path);
  if (isUnknown(v)) undecidable(path);
  return asArray(v).length;
}

/** S3 REST endpoints: `<bucket>.s3.amazonaws.com`, `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3-<region>.amazonaws.com`. */
const S3_DOMAIN = /^(.+?)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/i;

/** An origin is an S3 origin when it has neither a custom nor a VPC origin config (reads through the proxy). */
export function isS3Origin(o: any): boolean {
  return !o?.customOriginConfig && !o?.vpcOriginConfig;
}

function originLabel(o: unknown, i: number): string {
  const id = get(o, "originId");
  return typeof id === "string" && !isUnknown(id) ? `origin "${id}"` : `origins[${i}]`;
}

/** The default and ordered cache behaviors, each with a label. */
function behaviorsOf(props: any): { where: string; b: any }[] {
  const out: { where: string; b: any }[] = [];
  if (props.defaultCacheBehavior) out.push({ where: "defaultCacheBehavior", b: props.defaultCacheBehavior });
  asArray<any>(props.orderedCacheBehaviors).forEach((b, i) => {
    const p = get(b, "pathPattern");
    out.push({ where: `orderedCacheBehaviors[${i}]${typeof p === "string" && !isUnknown(p) ? ` ("${p}")` : ""}`, b });
  });
  return out;
}

/** The origins a behavior's `targetOriginId` resolves to (through an origin group's members too). */
function targetOrigins(props: any, targetId: string): any[] {
  const origins = asArray<any>(props.origins);
  const byId = (id: unknown) => origins.filter((o) => get(o, "originId") === id);
  const direct = byId(targetId);
  if (direct.length > 0) return direct;
  const groups = get(props, "originGroups");
  if (isUnknown(groups)) undecidable("originGroups");
  for (const g of asArray<any>(groups)) {
    if (get(g, "originId") === targetId) return asArray<any>(get(g, "members")).flatMap((m) => byId(get(m, "originId")));
  }
  if (origins.some((o) => isUnknown(get(o, "originId")))) undecidable("origins.originId");
  return [];
}

/** Where a CloudFront certificate reference may come from (`certificateArn` of a validation included). */
const CERTIFICATE_SOURCES = ["aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation", "aws:iam/serverCertificate:ServerCertificate"];
/** What a CloudFront `webAclId` may come from: a WAFv2 web ACL (its `arn`) or a WAF Classic one (its `id`). */
const WEB_ACL_SOURCES = [...TE.webAcl, ...TE.wafGlobalWebAcl];

/** True if the viewer certificate is a custom one (ACM or IAM), not the default `*.cloudfront.net`. */
function customCertificate(props: any, ref: ReferenceCheck["ref"]): boolean {
  const vc = props.viewerCertificate;
  if (!vc) return false;
  const def = get(vc, "cloudfrontDefaultCertificate");
  if (isUnknown(def)) undecidable("viewerCertificate.cloudfrontDefaultCertificate");
  if (def === true) return false;
  return ref("viewerCertificate.acmCertificateArn", CERTIFICATE_SOURCES) || ref("viewerCertificate.iamCertificateId", CERTIFICATE_SOURCES);
}

const distribution = TE.distribution;

export const cloudfrontDefaultRootObject = resourcePolicy(
  {
    name: "cloudfront-default-root-object",
    description: "CloudFront distributions whose default behavior serves an S3 origin must set a default root object.",
    severity: "critical",
    controls: ["CloudFront.1"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `defaultRootObject` (for example \"index.html\") on the aws.cloudfront.Distribution, so that a request for `/` never lists or exposes the bucket.",
    resourceTypes: distribution,
  },
  ({ props, fail }) => {
    const target = props.defaultCacheBehavior?.targetOriginId;
    if (typeof target !== "string") return;
    // Custom origins (ALB, API, website endpoints) answer `/` themselves: the control is about S3.
    if (!targetOrigins(props, target).some(isS3Origin)) return;
    const root = props.defaultRootObject;
    if (typeof root !== "string" || root.trim() === "") {
      fail(`the default behavior serves S3 origin "${target}" and no default root object is set`, "set `defaultRootObject: \"index.html\"` (or the object `/` should return)");
    }
  },
);

export const cloudfrontViewerHttps = resourcePolicy(
  {
    name: "cloudfront-viewer-https-only",
    description: "CloudFront cache behaviors must require HTTPS from viewers (no `allow-all`).",
    severity: "medium",
    controls: ["CloudFront.3"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `viewerProtocolPolicy` to \"redirect-to-https\" or \"https-only\" on `defaultCacheBehavior` and every entry of `orderedCacheBehaviors`.",
    resourceTypes: distribution,
  },
  ({ props, fail }) => {
    const open = behaviorsOf(props).filter(({ b }) => b.viewerProtocolPolicy === "allow-all");
    if (open.length > 0) {
      fail(`${open.map((x) => x.where).join(", ")} allow${open.length === 1 ? "s" : ""} plain HTTP (viewerProtocolPolicy "allow-all")`, "set `viewerProtocolPolicy: \"redirect-to-https\"` (or \"https-only\") on those behaviors");
    }
  },
);

export const cloudfrontOriginFailover = resourcePolicy(
  {
    name: "cloudfront-origin-failover",
    description: "CloudFront distributions should have an origin group with two or more origins and failover status codes.",
    severity: "low",
    controls: ["CloudFront.4"],
    frameworks: ["FSBP"],
    remediationSteps: "Add an `originGroups` entry with two `members` (a primary and a secondary origin) and `failoverCriteria.statusCodes` (e.g. [500, 502, 503, 504]), and target it from the cache behaviors.",
    resourceTypes: distribution,
  },
  ({ props, fail }) => {
    const groups = asArray<any>(props.originGroups);
    const good = groups.some((g) => listSize(g, "members") >= 2 && listSize(g, "failoverCriteria.statusCodes") > 0);
    if (!good) {
      fail(
        groups.length === 0 ? "has no origin group, so an origin outage is not failed over" : "has no origin group with two members and failover status codes",
        "add `originGroups: [{ originId, members: [{ originId: primary }, { originId: secondary }], failoverCriteria: { statusCodes: [500, 502, 503, 504] } }]`",
      );
    }
  },
);

export const cloudfrontAccessLogging = stackPolicy(
  {
    name: "cloudfront-access-logging",
    description: "CloudFront distributions must log requests: standard logging (`loggingConfig`) or a CloudWatch Logs v2 log delivery.",
    severity: "medium",
    controls: ["CloudFront.5"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      "Set `loggingConfig: { bucket: \"<log bucket>.s3.amazonaws.com\", prefix }` on the aws.cloudfront.Distribution, or add an aws.cloudwatch.LogDeliverySource (`resourceArn` = the distribution's ARN, `logType: \"ACCESS_LOGS\"`) with an aws.cloudwatch.LogDelivery that delivers it.",
  },
  ({ forEach, attached, fail }) => {
    forEach(distribution, (d) => {
      // A log bucket named literally, or wired to a bucket's output (`logs.bucketDomainName`) (lib/references.ts).
      const logBucket = reference(d, "loggingConfig.bucket", T.bucket);
      if (logBucket.kind === "value" || logBucket.kind === "resource") return;
      const sources = attached(d, TE.logDeliverySource, "resourceArn").filter((s) => {
        const t = get(s.props, "logType");
        if (isUnknown(t)) undecidable(`${s.name}.logType`);
        return t === "ACCESS_LOGS";
      });
      if (sources.some((s) => attached(s, TE.logDelivery, "deliverySourceName").length > 0)) return;
      if (logBucket.kind === "unknown") undecidableBecause(unknownReferenceMessage(d, "loggingConfig.bucket", T.bucket, logBucket.from));
      if (sources.length > 0) {
        fail(d, `log delivery source ${sources.map((s) => s.name).join(", ")} has no aws.cloudwatch.LogDelivery, so no access log is written`, "add an aws.cloudwatch.LogDelivery with `deliverySourceName` = the source's name and a `deliveryDestinationArn`");
      } else {
        fail(d, "has no access logging (no `loggingConfig` and no CloudWatch log delivery)", "set `loggingConfig.bucket`, or add an aws.cloudwatch.LogDeliverySource (`logType: \"ACCESS_LOGS\"`) and aws.cloudwatch.LogDelivery for it");
      }
    });
  },
);

export const cloudfrontWaf = referencePolicy(
  {
    name: "cloudfront-waf-enabled",
    description: "CloudFront distributions, internet-facing by nature, must be associated with an AWS WAF web ACL (CloudFront.6, and BP.Edge.1: a web ACL in front of everything internet-facing).",
    severity: "high",
    controls: ["CloudFront.6", "BP.Edge.1"],
    frameworks: ["FSBP", "PCI DSS", "Blueprints"],
    remediationSteps: "Create an aws.wafv2.WebAcl with `scope: \"CLOUDFRONT\"` (in us-east-1) and set the distribution's `webAclId` to its `arn`.",
    resourceTypes: distribution,
  },
  ({ ref, fail }) => {
    if (!ref("webAclId", WEB_ACL_SOURCES)) fail("is an internet-facing distribution without a web ACL", "set `webAclId` to the `arn` of an aws.wafv2.WebAcl with `scope: \"CLOUDFRONT\"`");
  },
);

export const cloudfrontCustomCertificate = referencePolicy(
  {
    name: "cloudfront-custom-certificate",
    description: "CloudFront distributions must use a custom SSL/TLS certificate, not the default *.cloudfront.net one.",
    severity: "medium",
    controls: ["CloudFront.7"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `viewerCertificate: { acmCertificateArn: <ACM certificate in us-east-1>, sslSupportMethod: \"sni-only\", minimumProtocolVersion: \"TLSv1.2_2021\" }` and drop `cloudfrontDefaultCertificate`.",
    resourceTypes: distribution,
  },
  ({ props, ref, fail }) => {
    if (!customCertificate(props, ref)) {
      fail("uses the default *.cloudfront.net certificate", "set `viewerCertificate.acmCertificateArn` to an ACM certificate (us-east-1) for the distribution's aliases, and remove `cloudfrontDefaultCertificate: true`");
    }
  },
);

export const cloudfrontSni = referencePolicy(
  {
    name: "cloudfront-sni-only",
    description: "CloudFront distributions with a custom certificate must serve HTTPS with SNI, not dedicated IPs.",
    severity: "low",
    controls: ["CloudFront.8"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `viewerCertificate.sslSupportMethod: \"sni-only\"`.",
    resourceTypes: distribution,
  },
  ({ props, ref, fail }) => {
    if (!customCertificate(props, ref)) return; // the default certificate always uses SNI
    const method = props.viewerCertificate.sslSupportMethod;
    if (method !== "sni-only") fail(`serves its custom certificate with sslSupportMethod ${method === undefined ? "unset" : `"${method}"`}`, "set `viewerCertificate.sslSupportMethod: \"sni-only\"`");
  },
);

export const cloudfrontOriginHttps = resourcePolicy(
  {
    name: "cloudfront-origin-https-only",
    description: "CloudFront must encrypt traffic to custom origins (`originProtocolPolicy` https-only, or match-viewer with HTTPS-only viewers).",
    severity: "medium",
    controls: ["CloudFront.9"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `customOriginConfig.originProtocolPolicy: \"https-only\"` on every custom origin.",
    resourceTypes: distribution,
  },
  ({ props, fail }) => {
    const viewersAllowHttp = () => behaviorsOf(props).some(({ b }) => b.viewerProtocolPolicy === "allow-all");
    asArray<any>(props.origins).forEach((o, i) => {
      const c = o.customOriginConfig;
      if (!c) return;
      const policy = c.originProtocolPolicy;
      if (policy === "http-only") fail(`${originLabel(o, i)} is fetched over plain HTTP (originProtocolPolicy "http-only")`, "set `customOriginConfig.originProtocolPolicy: \"https-only\"`");
      else if (policy === "match-viewer" && viewersAllowHttp()) {
        fail(`${originLabel(o, i)} uses "match-viewer" while a behavior allows HTTP viewers, so it is fetched over HTTP`, "set `customOriginConfig.originProtocolPolicy: \"https-only\"`");
      }
    });
  },
);

export const cloudfrontOriginSslProtocols = resourcePolicy(
  {
    name: "cloudfront-origin-no-deprecated-ssl",
    description: "CloudFront must not use deprecated SSL/TLS protocols between edge locations and custom origins.",
    severity: "medium",
    controls: ["CloudFront.10"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `customOriginConfig.originSslProtocols: [\"TLSv1.2\"]` on every custom origin.",
    resourceTypes: distribution,
    config: {
      deprecatedProtocols: {
        type: "array",
        items: { type: "string" },
        description: "Origin SSL protocols that must not be offered to custom origins.",
        default: ["SSLv3", "TLSv1", "TLSv1.1"],
      },
    },
  },
  ({ props, config, fail }) => {
    const banned = new Set<string>(config.deprecatedProtocols ?? ["SSLv3", "TLSv1", "TLSv1.1"]);
    asArray<any>(props.origins).forEach((o, i) => {
      const c = o.customOriginConfig;
      if (!c || c.originProtocolPolicy === "http-only") return; // no TLS to this origin at all: CloudFront.9's finding
      const bad = asArray<string>(c.originSslProtocols).filter((p) => banned.has(p));
      if (bad.length > 0) fail(`${originLabel(o, i)} allows ${bad.join(", ")}`, "set `customOriginConfig.originSslProtocols: [\"TLSv1.2\"]`");
    });
  },
);

export const cloudfrontS3OriginExists = stackPolicy(
  {
    name: "cloudfront-s3-origin-exists",
    description: "CloudFront S3 origins must point to a bucket that exists (declared in the stack, or listed as external).",
    severity: "high",
    controls: ["CloudFront.12"],
    frameworks: ["FSBP"],
    remediationSteps:
      "Point the origin's `domainName` at an aws.s3.Bucket of this stack (its `bucketRegionalDomainName`), or list the bucket in this policy's `externalBuckets` when it is managed elsewhere.",
    config: {
      externalBuckets: {
        type: "array",
        items: { type: "string" },
        description: "Names of buckets that exist outside this stack and may be used as S3 origins.",
        default: [],
      },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const buckets = ofType(T.bucket);
    const external = new Set<string>(config.externalBuckets ?? []);
    const declares = (b: PolicyResource, name: string) => {
      const n = get(b.props, "bucket");
      const prefix = get(b.props, "bucketPrefix");
      if (n !== undefined) return n === name;
      if (typeof prefix === "string" && !isUnknown(prefix)) return name.startsWith(prefix);
      // Auto-named: Pulumi names it `<logical name>-<7 random characters>`.
      const auto = new RegExp(`^${b.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[a-z0-9]{7}$`);
      return auto.test(name);
    };
    forEach(distribution, (d) => {
      const fromStackBucket = (d.propertyDependencies?.origins ?? []).some((x) => T.bucket.includes(x.type as never));
      asArray<any>(d.props.origins).forEach((o, i) => {
        if (!isS3Origin(o)) return;
        const domain = get(o, "domainName");
        if (isUnknown(domain)) {
          // Computed from a bucket of this stack (`bucket.bucketRegionalDomainName`): it exists.
          if (fromStackBucket) return;
          undecidable(`origins[${i}].domainName`);
        }
        const m = S3_DOMAIN.exec(typeof domain === "string" ? domain : "");
        if (!m) return; // not an S3 bucket endpoint
        const name = m[1]!;
        if (external.has(name) || buckets.some((b) => declares(b, name))) return;
        const unnamed = buckets.find((b) => isUnknown(get(b.props, "bucket")));
        if (unnamed) undecidable(`${unnamed.name}.bucket`);
        fail(d, `S3 ${originLabel(o, i)} points at bucket "${name}", which no aws.s3.Bucket in this stack declares`, `use an aws.s3.Bucket of this stack (\`domainName: bucket.bucketRegionalDomainName\`), or add "${name}" to this policy's \`externalBuckets\` if it exists elsewhere`);
      });
    });
  },
);

export const cloudfrontOriginAccessControl = referencePolicy(
  {
    name: "cloudfront-s3-origin-access-control",
    description: "CloudFront S3 origins must use origin access control (OAC), so the bucket stays private.",
    severity: "medium",
    controls: ["CloudFront.13"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      "Create an aws.cloudfront.OriginAccessControl (`originAccessControlOriginType: \"s3\"`, `signingBehavior: \"always\"`, `signingProtocol: \"sigv4\"`), set the origin's `originAccessControlId` to its `id`, and grant `cloudfront.amazonaws.com` read in the bucket policy scoped by `aws:SourceArn`.",
    resourceTypes: distribution,
    config: {
      allowOriginAccessIdentity: {
        type: "boolean",
        description: "Accept a legacy origin access identity (`s3OriginConfig.originAccessIdentity`) instead of OAC.",
        default: false,
      },
    },
  },
  ({ props, config, ref, fail }) => {
    asArray<any>(props.origins).forEach((o, i) => {
      if (!isS3Origin(o)) return;
      if (ref(`origins.${i}.originAccessControlId`, ["aws:cloudfront/originAccessControl:OriginAccessControl"])) return;
      const oai = ref(`origins.${i}.s3OriginConfig.originAccessIdentity`, ["aws:cloudfront/originAccessIdentity:OriginAccessIdentity"]);
      if (oai && truthy(config.allowOriginAccessIdentity)) return;
      fail(
        oai ? `S3 ${originLabel(o, i)} uses a legacy origin access identity, not origin access control` : `S3 ${originLabel(o, i)} has no origin access control`,
        "set the origin's `originAccessControlId` to an aws.cloudfront.OriginAccessControl (`originAccessControlOriginType: \"s3\"`) and drop `s3OriginConfig.originAccessIdentity`",
      );
    });
  },
);

/** CloudFront viewer security policies, weakest first. */
export const CLOUDFRONT_TLS_POLICIES = ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const cloudfrontTlsPolicy = referencePolicy(
  {
    name: "cloudfront-viewer-tls-policy",
    description: "CloudFront distributions with a custom certificate must use the recommended viewer TLS security policy (TLSv1.2_2021 or newer).",
    severity: "medium",
    controls: ["CloudFront.15"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `viewerCertificate.minimumProtocolVersion: \"TLSv1.2_2021\"` (or a newer policy).",
    resourceTypes: distribution,
    config: {
      minimumProtocolVersion: {
        type: "string",
        enum: CLOUDFRONT_TLS_POLICIES,
        description: "The weakest viewer security policy accepted; newer policies pass too.",
        default: "TLSv1.2_2021",
      },
    },
  },
  ({ props, config, ref, fail }) => {
    // With the default certificate CloudFront fixes the policy at TLSv1; CloudFront.7 reports that.
    if (!customCertificate(props, ref)) return;
    const v = props.viewerCertificate.minimumProtocolVersion ?? "TLSv1"; // the provider's default
    const min = String(config.minimumProtocolVersion ?? "TLSv1.2_2021");
    const rank = CLOUDFRONT_TLS_POLICIES.indexOf(v);
    if (rank < 0) fail(`uses viewer security policy "${v}", which is not a known CloudFront policy`, `set \`viewerCertificate.minimumProtocolVersion: "${min}"\``);
    else if (rank < CLOUDFRONT_TLS_POLICIES.indexOf(min)) fail(`uses viewer security policy "${v}", weaker than ${min}`, `set \`viewerCertificate.minimumProtocolVersion: "${min}"\``);
  },
);

export const policies = [
  cloudfrontDefaultRootObject,
  cloudfrontViewerHttps,
  cloudfrontOriginFailover,
  cloudfrontAccessLogging,
  cloudfrontWaf,
  cloudfrontCustomCertificate,
  cloudfrontSni,
  cloudfrontOriginHttps,
  cloudfrontOriginSslProtocols,
  cloudfrontS3OriginExists,
  cloudfrontOriginAccessControl,
  cloudfrontTlsPolicy,
];

/** CloudFront controls of the catalog that cannot be decided from a program's resources at preview. */
export const notDecidable: Record<string, string> = {};
