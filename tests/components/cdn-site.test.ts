import { expect } from "chai";
import {
  CdnSite,
  CdnSiteArgs,
  CloudFrontOriginAccess,
  cloudFrontLogDeliveryBucketStatement,
  cloudFrontLogDeliveryKeyStatement,
  ManagedCachePolicies,
  ManagedOriginRequestPolicies,
  ViewerAddressFunctionCode,
  ViewerAddressHeader,
} from "../../components/edge/cdn-site";
import { WebFirewall } from "../../components/edge/web-firewall";
import { EncryptionKey } from "../../components/security/encryption-key";
import { ComponentArgsError } from "../../components/security/policy-document";
import { EncryptedBucket } from "../../components/storage/encrypted-bucket";
import { BlueprintContext } from "../../shared/context";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/22222222-3333-4444-a555-666666666666";
const ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/33333333-4444-4555-a666-777777777777";
const LOG_BUCKET_ARN = "arn:aws:s3:::test-logs";
const T = {
  distribution: "aws:cloudfront/distribution:Distribution",
  oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
  headers: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
  source: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
  destination: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
  delivery: "aws:cloudwatch/logDelivery:LogDelivery",
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  key: "aws:kms/key:Key",
};

describe("CdnSite", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  /** A site over a bucket that is new in each test, without WAF and logs unless given. */
  async function build(env: "dev" | "prod" = "dev", args: Partial<CdnSiteArgs> = {}, context: BlueprintContext = testContext(env)) {
    const media = new EncryptedBucket("media", { context, kmsKey: KEY_ARN });
    const site = new CdnSite("shop", { context, originBucket: media, webAcl: ACL_ARN, accessLogs: { bucket: LOG_BUCKET_ARN }, ...args });
    await mocks.settle();
    return { site, media };
  }
  const dist = () => mocks.one(T.distribution).inputs;

  describe("secure defaults", () => {
    it("serves the bucket through origin access control that signs every request with SigV4 (CloudFront.13)", async () => {
      const { site, media } = await build();
      const oac = mocks.one(T.oac).inputs;
      expect(oac).to.include({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
      const [origin] = dist().origins;
      expect(origin).to.deep.equal({ originId: "s3", domainName: await promiseOf(media.bucket.bucketRegionalDomainName), originAccessControlId: await promiseOf(site.originAccessControlId) });
      expect(dist().origins).to.have.length(1);
    });

    it("redirects viewers to HTTPS, serves index.html for /, speaks HTTP/2 and HTTP/3 over IPv6 (CloudFront.1, .3)", async () => {
      await build();
      expect(dist()).to.include({ enabled: true, defaultRootObject: "index.html", httpVersion: "http2and3", isIpv6Enabled: true });
      const def = dist().defaultCacheBehavior;
      expect(def).to.include({ targetOriginId: "s3", viewerProtocolPolicy: "redirect-to-https", compress: true, cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" });
      expect(def.allowedMethods).to.deep.equal(["GET", "HEAD", "OPTIONS"]);
      expect(dist().orderedCacheBehaviors ?? []).to.deep.equal([]);
    });

    it("adds security headers to every response: HSTS 2 years with subdomains and preload, nosniff, DENY, strict referrer", async () => {
      const { site } = await build();
      const config = mocks.one(T.headers).inputs.securityHeadersConfig;
      expect(config).to.deep.equal({
        strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
      });
      expect(dist().defaultCacheBehavior.responseHeadersPolicyId).to.equal(await promiseOf(site.responseHeadersPolicyId));
    });

    it("takes the web ACL's ARN as webAclId (CloudFront.6)", async () => {
      await build();
      expect(dist().webAclId).to.equal(ACL_ARN);
    });

    it("logs with standard logging v2 to S3 from us-east-1, not the ACL-based loggingConfig (CloudFront.5)", async () => {
      const { site } = await build();
      const arn = await promiseOf(site.distributionArn);
      expect(dist().loggingConfig).to.equal(undefined);
      const source = mocks.one(T.source).inputs;
      expect(source).to.include({ logType: "ACCESS_LOGS", resourceArn: arn, region: "us-east-1" });
      const destination = mocks.one(T.destination).inputs;
      expect(destination).to.deep.include({ deliveryDestinationType: "S3", deliveryDestinationConfiguration: { destinationResourceArn: LOG_BUCKET_ARN }, region: "us-east-1" });
      const delivery = mocks.one(T.delivery).inputs;
      expect(delivery.deliverySourceName).to.match(/^shop-access-logs-/); // the source's (auto)name
      expect(delivery.deliveryDestinationArn).to.match(/^arn:aws:/);
      expect(delivery.s3DeliveryConfigurations).to.deep.equal([{ suffixPath: "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enableHiveCompatiblePath: false }]);
    });

    it("uses the default certificate without certificateArn", async () => {
      await build();
      expect(dist().viewerCertificate).to.deep.equal({ cloudfrontDefaultCertificate: true });
    });

    it("tags the distribution and the log delivery resources", async () => {
      await build();
      for (const t of [T.distribution, T.source, T.destination, T.delivery]) expect(mocks.one(t).inputs.tags, t).to.include.keys(...RequiredTagKeys);
    });

    it("exposes the distribution's id, ARN, domain name, zone and CloudFront's origin-facing prefix list", async () => {
      const { site } = await build();
      expect(await promiseOf(site.distributionId)).to.match(/^E[A-Z0-9]+$/);
      expect(await promiseOf(site.distributionArn)).to.match(/^arn:aws:cloudfront::123456789012:distribution\/E/);
      expect(await promiseOf(site.domainName)).to.match(/\.cloudfront\.net$/);
      expect(await promiseOf(site.hostedZoneId)).to.equal("Z2FDTNDATAQYW2");
      expect(await promiseOf(site.originFacingPrefixListId)).to.match(/^pl-/);
      expect(mocks.invokes).to.include("aws:ec2/getManagedPrefixList:getManagedPrefixList");
    });
  });

  describe("origin access: bucket and key policies name this distribution", () => {
    it("resolves the deferred ARN: the bucket policy lets only this distribution read, the key policy only it decrypt", async () => {
      const context = testContext("prod");
      const access = new CloudFrontOriginAccess();
      const key = new EncryptionKey("media", { context, description: "media", additionalStatements: [access.keyDecryptStatement()] });
      const media = new EncryptedBucket("media", { context, kmsKey: key, policyStatements: (b) => [access.bucketReadStatement(b.arn)] });
      const firewall = new WebFirewall("edge", { context, scope: "CLOUDFRONT", kmsKey: KEY_ARN });
      const site = new CdnSite("shop", { context, originBucket: media, originAccess: access, webAcl: firewall, accessLogs: { bucket: LOG_BUCKET_ARN } });
      await mocks.settle();
      const distributionArn = await promiseOf(site.distributionArn);
      const bucketArn = await promiseOf(media.arn);

      expect(statement(mocks.one(T.bucketPolicy).inputs.policy, "CloudFrontReadsObjects")).to.deep.equal({
        Sid: "CloudFrontReadsObjects",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: ["s3:GetObject"],
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
      });
      expect(statement(mocks.one(T.key).inputs.policy, "CloudFrontDecryptsObjects")).to.deep.equal({
        Sid: "CloudFrontDecryptsObjects",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
      });
      expect(dist().webAclId).to.equal(await promiseOf(firewall.webAclArn));
      expect(access.isBound).to.equal(true);
    });

    it("offers the same statements on the site, for policies written after it", async () => {
      const { site } = await build();
      const arn = await promiseOf(site.distributionArn);
      const read = site.originReadStatement("arn:aws:s3:::other", "site/");
      expect(await promiseOf(read.Resource as any)).to.equal("arn:aws:s3:::other/site/*");
      expect(await promiseOf((read.Condition!.StringEquals!["AWS:SourceArn"] as any))).to.equal(arn);
      expect(site.keyDecryptStatement().Action).to.deep.equal(["kms:Decrypt"]);
    });

    it("builds the log bucket's and its key's statements for CloudWatch log delivery, scoped to this account", async () => {
      const s = cloudFrontLogDeliveryBucketStatement({ bucketArn: LOG_BUCKET_ARN, account: "123456789012", prefix: "/edge/" });
      expect(s.Principal).to.deep.equal({ Service: "delivery.logs.amazonaws.com" });
      expect(s.Action).to.deep.equal(["s3:PutObject"]);
      expect(await promiseOf(s.Resource as any)).to.equal(`${LOG_BUCKET_ARN}/edge/*`);
      expect(s.Condition!.StringEquals).to.deep.equal({ "aws:SourceAccount": "123456789012", "s3:x-amz-acl": "bucket-owner-full-control" });
      expect(await promiseOf(s.Condition!.ArnLike!["aws:SourceArn"] as any)).to.equal("arn:aws:logs:us-east-1:123456789012:*");
      const k = cloudFrontLogDeliveryKeyStatement({ account: "123456789012" });
      expect(k.Action).to.deep.equal(["kms:GenerateDataKey", "kms:Decrypt"]);
      expect(k.Condition!.StringEquals).to.deep.equal({ "aws:SourceAccount": "123456789012" });
    });
  });

  describe("application origin", () => {
    it("reaches the application over TLS 1.2 only and routes /api/* to it uncached with every viewer header but Host (CloudFront.9, .10)", async () => {
      await build("prod", { appOrigin: { domainName: "origin.shop.example.com" } });
      const app = dist().origins.find((o: any) => o.originId === "app");
      expect(app).to.deep.equal({
        originId: "app",
        domainName: "origin.shop.example.com",
        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], originReadTimeout: 30, originKeepaliveTimeout: 5 },
      });
      const [api] = dist().orderedCacheBehaviors;
      expect(api).to.include({
        pathPattern: "/api/*",
        targetOriginId: "app",
        viewerProtocolPolicy: "redirect-to-https",
        cachePolicyId: ManagedCachePolicies.CachingDisabled,
        originRequestPolicyId: ManagedOriginRequestPolicies.AllViewerExceptHostHeader,
      });
      expect(api.allowedMethods).to.have.members(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]);
      expect(ManagedOriginRequestPolicies.AllViewerExceptHostHeader).to.equal("b689b0a8-53d0-40ab-baf2-68738e2966ac");
      expect(ManagedCachePolicies.CachingDisabled).to.equal("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    });

    it("routes each named path pattern to the application", async () => {
      await build("dev", { appOrigin: { domainName: "origin.example.com", pathPatterns: ["/api/*", "/checkout*"] } });
      expect(dist().orderedCacheBehaviors.map((b: any) => b.pathPattern)).to.deep.equal(["/api/*", "/checkout*"]);
    });

    it("serveDefault: the application answers / and every unmatched path, the bucket only its cache-behaviour paths, no default root object", async () => {
      await build("prod", { appOrigin: { domainName: "origin.shop.example.com", serveDefault: true }, cacheBehaviors: [{ pathPattern: "/media/*", defaultTtlSeconds: 86_400 }] });
      const d = dist();
      expect(d.defaultCacheBehavior).to.include({ targetOriginId: "app", cachePolicyId: ManagedCachePolicies.CachingDisabled, originRequestPolicyId: ManagedOriginRequestPolicies.AllViewerExceptHostHeader });
      expect(d.defaultCacheBehavior.allowedMethods).to.include("POST");
      expect(d.defaultRootObject).to.equal(undefined);
      expect(d.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.targetOriginId])).to.deep.equal([["/media/*", "s3"]]);
      const media = new EncryptedBucket("media-2", { context: testContext("dev"), kmsKey: KEY_ARN });
      expect(() => new CdnSite("nopath", { context: testContext("dev"), originBucket: media, webAcl: ACL_ARN, accessLogs: false, appOrigin: { domainName: "a.example.com", serveDefault: true } })).to.throw(
        /appOrigin.serveDefault leaves the bucket no path/,
      );
    });

    it("every application behaviour runs the viewer-address function at viewer request; the function overwrites a forged header with the real viewer IP", async () => {
      await build("dev", { appOrigin: { domainName: "origin.example.com", pathPatterns: ["/api/*", "/account/*"] } });
      const fn = mocks.one("aws:cloudfront/function:Function");
      expect(fn.inputs).to.include({ runtime: "cloudfront-js-2.0", publish: true, code: ViewerAddressFunctionCode });
      for (const b of dist().orderedCacheBehaviors) {
        expect(b.functionAssociations, b.pathPattern).to.have.length(1);
        expect(b.functionAssociations[0].eventType).to.equal("viewer-request");
        expect(b.functionAssociations[0].functionArn).to.match(/^arn:aws:cloudfront::123456789012:function\/test-dev-shop-viewer-address$/);
      }
      expect(dist().defaultCacheBehavior.functionAssociations).to.equal(undefined); // the bucket needs no address
      // Run the function as CloudFront would (the cloudfront-js runtime's event shape).
      const handler = new Function(`${ViewerAddressFunctionCode}; return handler;`)() as (e: unknown) => { headers: Record<string, { value: string }> };
      const forged = { viewer: { ip: "203.0.113.9" }, request: { method: "GET", uri: "/api/x", headers: { [ViewerAddressHeader]: { value: "1.2.3.4" }, host: { value: "shop" } } } };
      const out = handler(forged);
      expect(out.headers[ViewerAddressHeader]).to.deep.equal({ value: "203.0.113.9" });
      expect(out.headers.host).to.deep.equal({ value: "shop" });
    });

    it("allows an HTTP-only application origin in dev (an ALB without a certificate)", async () => {
      await build("dev", { appOrigin: { domainName: "internal.example.com", protocolPolicy: "http-only" } });
      expect(dist().origins[1].customOriginConfig.originProtocolPolicy).to.equal("http-only");
    });
  });

  describe("options", () => {
    it("serves a custom certificate with SNI and TLSv1.2_2021, for the aliases (CloudFront.7, .8, .15)", async () => {
      await build("prod", { certificateArn: CERT_ARN, aliases: ["shop.example.com"] });
      expect(dist().viewerCertificate).to.deep.equal({ acmCertificateArn: CERT_ARN, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
      expect(dist().aliases).to.deep.equal(["shop.example.com"]);
    });

    it("restricts viewers by country and adds a content security policy when asked", async () => {
      await build("dev", { geoRestriction: { restrictionType: "whitelist", locations: ["US", "CA"] }, contentSecurityPolicy: "default-src 'self'" });
      expect(dist().restrictions).to.deep.equal({ geoRestriction: { restrictionType: "whitelist", locations: ["US", "CA"] } });
      expect(mocks.one(T.headers).inputs.securityHeadersConfig.contentSecurityPolicy).to.deep.equal({ contentSecurityPolicy: "default-src 'self'", override: true });
    });

    it("prefixes the log files as asked", async () => {
      await build("dev", { accessLogs: { bucket: LOG_BUCKET_ARN, prefix: "edge/shop" } });
      expect(mocks.one(T.delivery).inputs.s3DeliveryConfigurations[0].suffixPath).to.equal("edge/shop/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}");
    });

    it("waits for an EncryptedBucket log bucket's policy before the log destination", async () => {
      const context = testContext("dev");
      const logs = new EncryptedBucket("logs", { context, kmsKey: KEY_ARN });
      await build("dev", { accessLogs: { bucket: logs } }, context);
      const destination = mocks.one(T.destination);
      const policy = mocks.ofType(T.bucketPolicy).find((p) => p.name === "logs-policy")!;
      expect(destination.dependencies).to.include(policy.urn);
      expect(destination.inputs.deliveryDestinationConfiguration.destinationResourceArn).to.equal(await promiseOf(logs.arn));
    });
  });

  describe("dev and prod", () => {
    it("dev: PriceClass_100; a site without WAF or logs is allowed", async () => {
      await build("dev", { webAcl: false, accessLogs: false });
      expect(dist().priceClass).to.equal("PriceClass_100");
      expect(dist().webAclId).to.equal(undefined);
      expect(mocks.ofType(T.source)).to.have.length(0);
      expect(mocks.ofType(T.delivery)).to.have.length(0);
    });

    it("prod: PriceClass_All", async () => {
      await build("prod");
      expect(dist().priceClass).to.equal("PriceClass_All");
    });
  });

  describe("validation", () => {
    const fails = (env: "dev" | "prod", args: Partial<CdnSiteArgs>, ...messages: string[]) => {
      const context = testContext(env);
      const bucket = new EncryptedBucket(`v${Math.random().toString(36).slice(2, 8)}`, { context, kmsKey: KEY_ARN });
      try {
        new CdnSite("bad", { context, originBucket: bucket, webAcl: ACL_ARN, accessLogs: { bucket: LOG_BUCKET_ARN }, ...args });
      } catch (e) {
        expect(e).to.be.instanceOf(ComponentArgsError);
        for (const m of messages) expect((e as Error).message).to.include(m);
        return;
      }
      expect.fail("expected the constructor to throw");
    };
    after(async () => mocks.settle());

    it("prod refuses a site without WAF, without logs, or fetching the application over HTTP", () => {
      fails("prod", { webAcl: false }, "webAcl is false in prod");
      fails("prod", { accessLogs: false }, "accessLogs is false in prod");
      fails("prod", { appOrigin: { domainName: "a.example.com", protocolPolicy: "http-only" } }, "appOrigin.protocolPolicy is http-only in prod");
    });

    it("refuses a REGIONAL web ACL", () => {
      const regional = new WebFirewall("regional", { context: testContext("dev"), scope: "REGIONAL", kmsKey: KEY_ARN });
      fails("dev", { webAcl: regional }, "webAcl has scope REGIONAL: a distribution needs a CLOUDFRONT-scope web ACL");
    });

    it("refuses aliases without a certificate", () => {
      fails("dev", { aliases: ["shop.example.com"] }, "aliases need certificateArn");
    });

    it("refuses path patterns that would take over the default behavior, bad countries and root objects", () => {
      fails("dev", { appOrigin: { domainName: "a.example.com", pathPatterns: ["/*"] } }, 'appOrigin.pathPatterns: "/*" is not a path pattern');
      fails("dev", { appOrigin: { domainName: "a.example.com", pathPatterns: [] } }, "appOrigin.pathPatterns is empty");
      fails("dev", { geoRestriction: { restrictionType: "whitelist", locations: ["usa"] } }, 'geoRestriction.locations: "usa" is not an ISO 3166-1 alpha-2 code');
      fails("dev", { defaultRootObject: "/index.html" }, 'defaultRootObject = "/index.html"');
      fails("dev", { originPath: "site/" }, 'originPath = "site/"');
      fails("dev", { priceClass: "PriceClass_Cheap" as never }, 'priceClass = "PriceClass_Cheap"');
    });

    it("refuses an origin access already bound to another site", async () => {
      const access = new CloudFrontOriginAccess();
      await build("dev", { originAccess: access });
      fails("dev", { originAccess: access }, "originAccess is already bound to another CdnSite");
    });

    it("reports every problem at once", () => {
      fails("prod", { webAcl: false, accessLogs: false, aliases: ["a.example.com"] }, "invalid arguments (3)");
    });
  });

  describe("streaming options: per-path caching, signed URLs, origin shield", () => {
    const PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n";

    it("adds a cache behaviour with its own cache policy (TTLs) per S3 path pattern, before the default", async () => {
      await build("dev", {
        cacheBehaviors: [
          { pathPattern: "*.ts", defaultTtlSeconds: 1_209_600, compress: false },
          { pathPattern: "*.m3u8", defaultTtlSeconds: 5, maxTtlSeconds: 60 },
        ],
      });
      const policies = mocks.ofType("aws:cloudfront/cachePolicy:CachePolicy");
      expect(policies.map((p) => [p.inputs.defaultTtl, p.inputs.maxTtl, p.inputs.minTtl])).to.deep.equal([[1_209_600, 1_209_600, 0], [5, 60, 0]]);
      expect(policies[0]!.inputs.parametersInCacheKeyAndForwardedToOrigin.enableAcceptEncodingGzip).to.equal(false);
      const behaviors = dist().orderedCacheBehaviors;
      expect(behaviors.map((b: any) => [b.pathPattern, b.targetOriginId, b.viewerProtocolPolicy, b.compress])).to.deep.equal([
        ["*.ts", "s3", "redirect-to-https", false],
        ["*.m3u8", "s3", "redirect-to-https", true],
      ]);
      expect(behaviors[0].trustedKeyGroups).to.equal(undefined);
    });

    it("signed URLs: a public key and key group; the default behaviour and the marked ones trust it", async () => {
      const { site } = await build("dev", { signedUrls: { publicKeyPem: PEM }, cacheBehaviors: [{ pathPattern: "*.ts", defaultTtlSeconds: 60, requireSignedUrls: true }, { pathPattern: "/public/*", defaultTtlSeconds: 60 }] });
      expect(mocks.one("aws:cloudfront/publicKey:PublicKey").inputs.encodedKey).to.equal(PEM);
      const keyGroupId = await promiseOf(site.keyGroupId!);
      expect(mocks.one("aws:cloudfront/keyGroup:KeyGroup").inputs.items).to.deep.equal([await promiseOf(site.signingPublicKeyId!)]);
      expect(dist().defaultCacheBehavior.trustedKeyGroups).to.deep.equal([keyGroupId]);
      expect(dist().orderedCacheBehaviors[0].trustedKeyGroups).to.deep.equal([keyGroupId]);
      expect(dist().orderedCacheBehaviors[1].trustedKeyGroups).to.equal(undefined);
    });

    it("cors: the response headers policy answers browsers of the named origins, with credentials (signed cookies); none by default", async () => {
      await build("dev", { cors: { allowOrigins: ["https://player.example.com"] } });
      expect(mocks.one(T.headers).inputs.corsConfig).to.deep.equal({
        accessControlAllowOrigins: { items: ["https://player.example.com"] },
        accessControlAllowMethods: { items: ["GET", "HEAD", "OPTIONS"] },
        accessControlAllowHeaders: { items: ["Range", "Origin", "Accept", "Content-Type"] },
        accessControlExposeHeaders: { items: ["Content-Length", "Content-Range", "ETag"] },
        accessControlAllowCredentials: true,
        accessControlMaxAgeSec: 600,
        originOverride: true,
      });
      mocks.reset();
      await build("dev");
      expect(mocks.one(T.headers).inputs.corsConfig).to.equal(undefined);
    });

    it("cors: refuses no origins, '*' with credentials and origins with a path", () => {
      const context = testContext("dev");
      const media = new EncryptedBucket("media-cors", { context, kmsKey: KEY_ARN });
      expect(() => new CdnSite("bad", { context, originBucket: media, webAcl: ACL_ARN, accessLogs: { bucket: LOG_BUCKET_ARN }, cors: { allowOrigins: ["*", "https://a.example.com/player"] } })).to.throw(
        /cors.allowOrigins "\*" with credentials[\s\S]*"https:\/\/a.example.com\/player" must be an origin/,
      );
    });

    it("signed URLs can leave the default behaviour public", async () => {
      await build("dev", { signedUrls: { publicKeyPem: PEM, requireOnDefault: false } });
      expect(dist().defaultCacheBehavior.trustedKeyGroups).to.equal(undefined);
    });

    it("origin shield: off by default (dev and prod), on in the region given", async () => {
      await build("prod", { certificateArn: CERT_ARN, aliases: ["watch.example.com"] });
      expect(dist().origins[0].originShield).to.equal(undefined);
      mocks.reset();
      await build("dev", { originShieldRegion: "eu-west-1" });
      expect(dist().origins[0].originShield).to.deep.equal({ enabled: true, originShieldRegion: "eu-west-1" });
    });

    it("fails on signed behaviours without a key, bad TTLs, and duplicate or catch-all patterns, all at once", () => {
      const context = testContext("dev");
      const media = new EncryptedBucket("media-bad", { context, kmsKey: KEY_ARN });
      expect(
        () =>
          new CdnSite("bad", {
            context,
            originBucket: media,
            webAcl: false,
            accessLogs: false,
            cacheBehaviors: [
              { pathPattern: "*.ts", defaultTtlSeconds: 10, requireSignedUrls: true },
              { pathPattern: "*.ts", defaultTtlSeconds: 10 },
              { pathPattern: "/*", defaultTtlSeconds: 100, maxTtlSeconds: 10 },
            ],
          }),
      ).to.throw(/requireSignedUrls needs signedUrls[\s\S]*TTLs must satisfy[\s\S]*lists a path pattern twice/);
    });
  });
});
