import { expect } from "chai";
import type { Policy } from "@pulumi/policy";
import {
  cloudfrontAccessLogging,
  cloudfrontCustomCertificate,
  cloudfrontDefaultRootObject,
  cloudfrontOriginAccessControl,
  cloudfrontOriginFailover,
  cloudfrontOriginHttps,
  cloudfrontOriginSslProtocols,
  cloudfrontS3OriginExists,
  cloudfrontSni,
  cloudfrontTlsPolicy,
  cloudfrontViewerHttps,
  cloudfrontWaf,
  policies,
} from "../../policy-packs/aws-compliance/policies/edge-cloudfront";
import { evaluate, findings, res, UNKNOWN, unknowns } from "../helpers/policy";

const DIST = "aws:cloudfront/distribution:Distribution";

const s3Origin = { originId: "site", domainName: "site-bucket.s3.us-east-1.amazonaws.com", originAccessControlId: "oac-123" };
const albOrigin = {
  originId: "api",
  domainName: "api.example.com",
  customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
};
const behavior = { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] };

/** A distribution that passes every CloudFront policy. */
const good = {
  enabled: true,
  defaultRootObject: "index.html",
  origins: [s3Origin, albOrigin],
  originGroups: [{ originId: "failover", members: [{ originId: "site" }, { originId: "api" }], failoverCriteria: { statusCodes: [500, 502, 503, 504] } }],
  defaultCacheBehavior: { ...behavior, targetOriginId: "site", viewerProtocolPolicy: "redirect-to-https" },
  orderedCacheBehaviors: [{ ...behavior, pathPattern: "/api/*", targetOriginId: "api", viewerProtocolPolicy: "https-only" }],
  loggingConfig: { bucket: "logs.s3.amazonaws.com", prefix: "cdn/" },
  webAclId: "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1",
  viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
  restrictions: { geoRestriction: { restrictionType: "none" } },
};

const dist = (over: Record<string, unknown> = {}, name = "cdn") => res(DIST, { ...good, ...over }, { name });
const siteBucket = () => res("aws:s3/bucket:Bucket", { bucket: "site-bucket" }, { name: "site" });

interface Case {
  policy: Policy;
  control: string;
  bad: Record<string, unknown>;
  expect: string[];
  unknown?: Record<string, unknown>;
}

const defaultCert = { cloudfrontDefaultCertificate: true };

const cases: Case[] = [
  { policy: cloudfrontDefaultRootObject, control: "CloudFront.1", bad: { defaultRootObject: undefined }, expect: ["serves S3 origin \"site\"", "defaultRootObject"], unknown: { defaultRootObject: UNKNOWN } },
  {
    policy: cloudfrontViewerHttps,
    control: "CloudFront.3",
    bad: { orderedCacheBehaviors: [{ ...behavior, pathPattern: "/img/*", targetOriginId: "site", viewerProtocolPolicy: "allow-all" }] },
    expect: ["orderedCacheBehaviors[0] (\"/img/*\") allows plain HTTP", "redirect-to-https"],
    unknown: { defaultCacheBehavior: { ...behavior, targetOriginId: "site", viewerProtocolPolicy: UNKNOWN } },
  },
  { policy: cloudfrontOriginFailover, control: "CloudFront.4", bad: { originGroups: [] }, expect: ["has no origin group", "failoverCriteria"], unknown: { originGroups: UNKNOWN } },
  { policy: cloudfrontAccessLogging, control: "CloudFront.5", bad: { loggingConfig: undefined }, expect: ["has no access logging", "loggingConfig.bucket", "LogDeliverySource"] },
  { policy: cloudfrontWaf, control: "CloudFront.6, BP.Edge.1", bad: { webAclId: undefined }, expect: ["is an internet-facing distribution without a web ACL", "webAclId", "CLOUDFRONT"] },
  { policy: cloudfrontCustomCertificate, control: "CloudFront.7", bad: { viewerCertificate: defaultCert }, expect: ["default *.cloudfront.net certificate", "acmCertificateArn"], unknown: { viewerCertificate: { cloudfrontDefaultCertificate: UNKNOWN } } },
  {
    policy: cloudfrontSni,
    control: "CloudFront.8",
    bad: { viewerCertificate: { ...good.viewerCertificate, sslSupportMethod: "vip" } },
    expect: ["sslSupportMethod \"vip\"", "sni-only"],
    unknown: { viewerCertificate: { ...good.viewerCertificate, sslSupportMethod: UNKNOWN } },
  },
  {
    policy: cloudfrontOriginHttps,
    control: "CloudFront.9",
    bad: { origins: [s3Origin, { ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originProtocolPolicy: "http-only" } }] },
    expect: ["origin \"api\" is fetched over plain HTTP", "https-only"],
    unknown: { origins: [s3Origin, { ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originProtocolPolicy: UNKNOWN } }] },
  },
  {
    policy: cloudfrontOriginSslProtocols,
    control: "CloudFront.10",
    bad: { origins: [s3Origin, { ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originSslProtocols: ["SSLv3", "TLSv1.2"] } }] },
    expect: ["origin \"api\" allows SSLv3", "originSslProtocols: [\"TLSv1.2\"]"],
    unknown: { origins: [s3Origin, { ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originSslProtocols: UNKNOWN } }] },
  },
  {
    policy: cloudfrontS3OriginExists,
    control: "CloudFront.12",
    bad: { origins: [{ ...s3Origin, domainName: "gone-bucket.s3.amazonaws.com" }, albOrigin] },
    expect: ["points at bucket \"gone-bucket\"", "externalBuckets"],
    unknown: { origins: [{ ...s3Origin, domainName: UNKNOWN }, albOrigin] },
  },
  {
    policy: cloudfrontOriginAccessControl,
    control: "CloudFront.13",
    bad: { origins: [{ originId: "site", domainName: "site-bucket.s3.amazonaws.com" }, albOrigin] },
    expect: ["S3 origin \"site\" has no origin access control", "originAccessControlId"],
    unknown: { origins: [{ ...s3Origin, customOriginConfig: UNKNOWN }, albOrigin] },
  },
  {
    policy: cloudfrontTlsPolicy,
    control: "CloudFront.15",
    bad: { viewerCertificate: { ...good.viewerCertificate, minimumProtocolVersion: "TLSv1.1_2016" } },
    expect: ["\"TLSv1.1_2016\", weaker than TLSv1.2_2021", "minimumProtocolVersion: \"TLSv1.2_2021\""],
    unknown: { viewerCertificate: { ...good.viewerCertificate, minimumProtocolVersion: UNKNOWN } },
  },
];

describe("CloudFront policies (edge-cloudfront.ts)", () => {
  it("exports every policy once, each named cloudfront-*", () => {
    expect(policies).to.have.length(cases.length);
    expect(new Set(policies.map((p) => p.name)).size).to.equal(policies.length);
    for (const p of policies) expect(p.name).to.match(/^cloudfront-/);
  });

  for (const c of cases) {
    describe(`policy ${c.policy.name} (${c.control})`, () => {
      it("passes a compliant distribution", async () => {
        expect(await evaluate(c.policy, [dist(), siteBucket()])).to.deep.equal([]);
      });

      it("fails a non-compliant one, naming the control, the resource and the fix", async () => {
        const vs = findings(await evaluate(c.policy, [dist(c.bad), siteBucket()]));
        expect(vs, JSON.stringify(vs)).to.have.length(1);
        expect(vs[0]!.message).to.include(`[${c.control}] cdn (${DIST}): `);
        for (const s of c.expect) expect(vs[0]!.message).to.include(s);
      });

      if (c.unknown) {
        it("says it cannot decide when the deciding value is unknown at preview", async () => {
          const vs = await evaluate(c.policy, [dist(c.unknown), siteBucket()]);
          expect(findings(vs)).to.deep.equal([]);
          expect(unknowns(vs)).to.have.length(1);
          expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
        });
      }
    });
  }

  describe("details", () => {
    it("CloudFront.1 does not apply when the default behavior serves a custom origin (through an origin group too)", async () => {
      const api = dist({ defaultRootObject: undefined, defaultCacheBehavior: { ...behavior, targetOriginId: "api", viewerProtocolPolicy: "https-only" } });
      expect(await evaluate(cloudfrontDefaultRootObject, api)).to.deep.equal([]);
      const viaGroup = dist({ defaultRootObject: undefined, defaultCacheBehavior: { ...behavior, targetOriginId: "failover", viewerProtocolPolicy: "https-only" } });
      expect(findings(await evaluate(cloudfrontDefaultRootObject, viaGroup))).to.have.length(1);
    });

    it("CloudFront.3 names the default behavior too", async () => {
      const vs = findings(await evaluate(cloudfrontViewerHttps, dist({ defaultCacheBehavior: { ...behavior, targetOriginId: "site", viewerProtocolPolicy: "allow-all" } })));
      expect(vs[0]!.message).to.include("defaultCacheBehavior allows plain HTTP");
    });

    it("CloudFront.4 is advisory by default and needs two members", async () => {
      const vs = await evaluate(cloudfrontOriginFailover, dist({ originGroups: [{ originId: "g", members: [{ originId: "site" }], failoverCriteria: { statusCodes: [500] } }] }));
      expect(vs[0]!.enforcementLevel).to.equal("advisory");
      expect(vs[0]!.message).to.include("no origin group with two members");
    });

    it("CloudFront.5 accepts a v2 CloudWatch log delivery joined by property dependencies, and says when the delivery is missing", async () => {
      const d = dist({ loggingConfig: undefined });
      const source = res("aws:cloudwatch/logDeliverySource:LogDeliverySource", { name: "cdn-access", logType: "ACCESS_LOGS", resourceArn: UNKNOWN }, { deps: { resourceArn: [d] } });
      const delivery = res("aws:cloudwatch/logDelivery:LogDelivery", { deliverySourceName: UNKNOWN, deliveryDestinationArn: UNKNOWN }, { deps: { deliverySourceName: [source] } });
      expect(await evaluate(cloudfrontAccessLogging, [d, source, delivery])).to.deep.equal([]);
      const byName = res("aws:cloudwatch/logDelivery:LogDelivery", { deliverySourceName: "cdn-access", deliveryDestinationArn: "arn:aws:logs:us-east-1:1:delivery-destination:x" });
      expect(await evaluate(cloudfrontAccessLogging, [d, source, byName])).to.deep.equal([]);
      const vs = findings(await evaluate(cloudfrontAccessLogging, [d, source]));
      expect(vs[0]!.message).to.include(`log delivery source ${source.name} has no aws.cloudwatch.LogDelivery`);
    });

    it("CloudFront.5 reports an unknown log type of the delivery source as undecidable", async () => {
      const d = dist({ loggingConfig: undefined });
      const source = res("aws:cloudwatch/logDeliverySource:LogDeliverySource", { name: "s", logType: UNKNOWN, resourceArn: UNKNOWN }, { deps: { resourceArn: [d] } });
      const vs = await evaluate(cloudfrontAccessLogging, [d, source]);
      expect(findings(vs)).to.deep.equal([]);
      expect(unknowns(vs)).to.have.length(1);
    });

    // Typed references (lib/references.ts): an unknown reference is set only when it comes from a
    // resource of the right type; from anything else it is undecidable (advisory), never a pass.
    const unknownRefs = {
      webAclId: UNKNOWN,
      loggingConfig: { bucket: UNKNOWN },
      viewerCertificate: { ...good.viewerCertificate, acmCertificateArn: UNKNOWN },
      origins: [{ ...s3Origin, originAccessControlId: UNKNOWN }, albOrigin],
    };
    const refPolicies = [cloudfrontWaf, cloudfrontAccessLogging, cloudfrontCustomCertificate, cloudfrontSni, cloudfrontTlsPolicy, cloudfrontOriginAccessControl];

    it("references unknown at preview (webAclId, certificate, OAC, log bucket) count as set when they come from a web ACL, certificate, OAC, bucket", async () => {
      const acl = res("aws:wafv2/webAcl:WebAcl", { scope: "CLOUDFRONT", defaultAction: { allow: {} } }, { name: "edge-acl" });
      const logs = res("aws:s3/bucket:Bucket", {}, { name: "logs" });
      const cert = res("aws:acm/certificateValidation:CertificateValidation", { certificateArn: UNKNOWN }, { name: "cert-validation" });
      const oac = res("aws:cloudfront/originAccessControl:OriginAccessControl", { originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" }, { name: "oac" });
      const d = res(DIST, { ...good, ...unknownRefs }, { name: "cdn", deps: { webAclId: [acl], loggingConfig: [logs], viewerCertificate: [cert], origins: [oac] } });
      for (const p of refPolicies) expect(await evaluate(p, [acl, logs, cert, oac, d]), p.name).to.deep.equal([]);
    });

    it("references unknown at preview from anything else are undecidable, with a note saying how to make them known", async () => {
      const d = dist(unknownRefs);
      for (const p of refPolicies) {
        const vs = await evaluate(p, [d]);
        expect(findings(vs), p.name).to.deep.equal([]);
        expect(unknowns(vs), p.name).to.have.length(1);
        expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
        expect(unknowns(vs)[0]!.message, p.name).to.match(/is unknown until apply \(an output of source \(test\.index\.UnknownSource\)\), so whether it refers to an aws\.[a-z0-9]+\.\w+.* cannot be told\. To make it known, set it from/);
      }
      // A component's output is not a web ACL: still undecidable, naming it.
      const wrapper = res("acme:edge:Firewall", {}, { name: "firewall" });
      const viaComponent = res(DIST, { ...good, webAclId: UNKNOWN }, { name: "cdn", deps: { webAclId: [wrapper] } });
      const vs = await evaluate(cloudfrontWaf, [wrapper, viaComponent]);
      expect(unknowns(vs).map((v) => v.message)).to.deep.equal([
        "[CloudFront.6, BP.Edge.1] cdn (aws:cloudfront/distribution:Distribution): cannot be decided during preview: `webAclId` of cdn is unknown until apply (an output of firewall (acme.edge.Firewall)), so whether it refers to an aws.wafv2.WebAcl or aws.waf.WebAcl cannot be told. To make it known, set it from an aws.wafv2.WebAcl or aws.waf.WebAcl of this stack (its id or ARN output), or to a literal id or ARN. It is checked again on `pulumi up`.",
      ]);
    });

    it("a reference policy handles exemptions once across its two phases", async () => {
      const urn = "urn:pulumi:test::test::aws:cloudfront/distribution:Distribution::cdn";
      const acl = res("aws:wafv2/webAcl:WebAcl", { scope: "CLOUDFRONT" }, { name: "edge-acl" });
      const wired = res(DIST, { ...good, webAclId: UNKNOWN }, { name: "cdn", deps: { webAclId: [acl] } });
      // A valid exemption: one EXEMPTED diagnostic, whichever phase would have decided.
      const valid = await evaluate(cloudfrontWaf, [acl, wired], { exemptions: [{ resource: urn, expires: "2099-12-31", reason: "static brochure site, no dynamic content" }] });
      expect(valid.map((v) => v.message.slice(0, 41))).to.deep.equal(["EXEMPTED [CloudFront.6, BP.Edge.1] cdn (a"]);
      // An expired one on a resource the stack phase passes: one note to remove it.
      const expired = await evaluate(cloudfrontWaf, [acl, wired], { exemptions: [{ resource: urn, expires: "2020-01-31", reason: "static brochure site, no dynamic content" }] });
      expect(expired.map((v) => v.message)).to.deep.equal(["[CloudFront.6, BP.Edge.1] cdn (aws:cloudfront/distribution:Distribution): passes cloudfront-waf-enabled; its exemption (pack config) expired on 2020-01-31, and is not needed: remove it."]);
      expect(expired[0]!.enforcementLevel).to.equal("advisory");
    });

    it("a reference policy reports once: an absent web ACL at registration (resource phase), not again in the stack phase", async () => {
      expect(typeof (cloudfrontWaf as { validateResource?: unknown }).validateResource).to.equal("function");
      const vs = await evaluate(cloudfrontWaf, [dist({ webAclId: undefined })]);
      expect(vs.map((v) => v.message.split("\n").pop())).to.deep.equal(["[CloudFront.6, BP.Edge.1] cdn (aws:cloudfront/distribution:Distribution): is an internet-facing distribution without a web ACL. Fix: set `webAclId` to the `arn` of an aws.wafv2.WebAcl with `scope: \"CLOUDFRONT\"`"]);
    });

    it("CloudFront.8 and CloudFront.15 do not apply to the default certificate (CloudFront.7 reports it)", async () => {
      const d = dist({ viewerCertificate: defaultCert });
      expect(await evaluate(cloudfrontSni, d)).to.deep.equal([]);
      expect(await evaluate(cloudfrontTlsPolicy, d)).to.deep.equal([]);
    });

    it("CloudFront.9 fails match-viewer only when a behavior lets viewers use HTTP", async () => {
      const mv = { ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originProtocolPolicy: "match-viewer" } };
      expect(await evaluate(cloudfrontOriginHttps, dist({ origins: [s3Origin, mv] }))).to.deep.equal([]);
      const open = dist({ origins: [s3Origin, mv], orderedCacheBehaviors: [{ ...behavior, pathPattern: "/api/*", targetOriginId: "api", viewerProtocolPolicy: "allow-all" }] });
      expect(findings(await evaluate(cloudfrontOriginHttps, open))[0]!.message).to.include("uses \"match-viewer\" while a behavior allows HTTP viewers");
    });

    it("CloudFront.10 reads the banned protocols from config", async () => {
      const tls11 = dist({ origins: [s3Origin, { ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originSslProtocols: ["TLSv1.1", "TLSv1.2"] } }] });
      expect(findings(await evaluate(cloudfrontOriginSslProtocols, tls11))).to.have.length(1);
      expect(await evaluate(cloudfrontOriginSslProtocols, tls11, { deprecatedProtocols: ["SSLv3"] })).to.deep.equal([]);
    });

    it("CloudFront.12 accepts buckets listed as external (config), an origin computed from a stack bucket, and a bucketPrefix", async () => {
      const elsewhere = dist({ origins: [{ ...s3Origin, domainName: "shared-assets.s3.amazonaws.com" }, albOrigin] });
      expect(findings(await evaluate(cloudfrontS3OriginExists, [elsewhere]))).to.have.length(1);
      expect(await evaluate(cloudfrontS3OriginExists, [elsewhere], { externalBuckets: ["shared-assets"] })).to.deep.equal([]);
      const bucket = res("aws:s3/bucketV2:BucketV2", { bucketPrefix: "site-" }, { name: "site", outputs: { bucket: "site-a1b2c3" } });
      const computed = res(DIST, { ...good, origins: [{ ...s3Origin, domainName: UNKNOWN }, albOrigin] }, { name: "cdn", deps: { origins: [bucket] } });
      expect(await evaluate(cloudfrontS3OriginExists, [bucket, computed])).to.deep.equal([]);
      const prefixed = dist({ origins: [{ ...s3Origin, domainName: "site-a1b2c3.s3.eu-west-1.amazonaws.com" }] });
      expect(await evaluate(cloudfrontS3OriginExists, [bucket, prefixed])).to.deep.equal([]);
    });

    it("CloudFront.12 and .13 ignore custom origins such as S3 website endpoints", async () => {
      const website = { originId: "web", domainName: "gone.s3-website-us-east-1.amazonaws.com", customOriginConfig: albOrigin.customOriginConfig };
      const d = dist({ origins: [website], defaultCacheBehavior: { ...behavior, targetOriginId: "web", viewerProtocolPolicy: "https-only" } });
      expect(await evaluate(cloudfrontS3OriginExists, [d])).to.deep.equal([]);
      expect(await evaluate(cloudfrontOriginAccessControl, [d])).to.deep.equal([]);
    });

    it("CloudFront.13 rejects a legacy origin access identity unless config allows it", async () => {
      const d = dist({ origins: [{ originId: "site", domainName: "site-bucket.s3.amazonaws.com", s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" } }] });
      expect(findings(await evaluate(cloudfrontOriginAccessControl, d))[0]!.message).to.include("uses a legacy origin access identity");
      expect(await evaluate(cloudfrontOriginAccessControl, d, { allowOriginAccessIdentity: true })).to.deep.equal([]);
    });

    it("CloudFront.15 reads the minimum policy from config, treats an absent one as TLSv1 and accepts newer ones", async () => {
      const v2019 = dist({ viewerCertificate: { ...good.viewerCertificate, minimumProtocolVersion: "TLSv1.2_2019" } });
      expect(findings(await evaluate(cloudfrontTlsPolicy, v2019))).to.have.length(1);
      expect(await evaluate(cloudfrontTlsPolicy, v2019, { minimumProtocolVersion: "TLSv1.2_2018" })).to.deep.equal([]);
      expect(await evaluate(cloudfrontTlsPolicy, dist({ viewerCertificate: { ...good.viewerCertificate, minimumProtocolVersion: "TLSv1.3_2025" } }))).to.deep.equal([]);
      const absent = dist({ viewerCertificate: { acmCertificateArn: good.viewerCertificate.acmCertificateArn, sslSupportMethod: "sni-only" } });
      expect(findings(await evaluate(cloudfrontTlsPolicy, absent))[0]!.message).to.include("\"TLSv1\"");
    });

    it("honours an exemption with a reason", async () => {
      const vs = await evaluate(cloudfrontWaf, dist({ webAclId: undefined }), { exemptions: [{ resource: "urn:pulumi:test::test::aws:cloudfront/distribution:Distribution::cdn", expires: "2099-12-31", reason: "static brochure site, no dynamic content" }] });
      expect(findings(vs)).to.deep.equal([]);
      expect(vs[0]!.message).to.match(/^EXEMPTED \[CloudFront.6, BP.Edge.1\] cdn/);
    });
  });
});
