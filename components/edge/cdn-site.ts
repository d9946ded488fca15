/**
 * A CloudFront distribution in front of a private S3 bucket (through origin access control) and,
 * optionally, an application origin for `/api/*` (the web fleet's load balancer).
 *
 * | setting                  | default                                                            | control          |
 * |--------------------------|--------------------------------------------------------------------|------------------|
 * | S3 origin                | origin access control, SigV4 on every request                       | CloudFront.13    |
 * | default root object      | `index.html`                                                       | CloudFront.1     |
 * | viewers                  | `redirect-to-https` on every behavior                              | CloudFront.3     |
 * | viewer TLS               | `TLSv1.2_2021` and SNI with `certificateArn`; without one the      | CloudFront.7/8/15|
 * |                          | `*.cloudfront.net` certificate (CloudFront then allows TLSv1)       |                  |
 * | application origin       | `https-only`, TLSv1.2 only                                          | CloudFront.9/10  |
 * | response headers         | HSTS 2 years + subdomains + preload, nosniff, frame DENY,          |                  |
 * |                          | strict-origin-when-cross-origin, optional CSP                      |                  |
 * | caching                  | managed CachingOptimized (S3), CachingDisabled +                   |                  |
 * |                          | AllViewerExceptHostHeader (application)                            |                  |
 * | access logs              | standard logging v2 to S3 (CloudWatch log delivery)                | CloudFront.5     |
 * | WAF                      | the CLOUDFRONT web ACL given in `webAcl`                            | CloudFront.6     |
 * | protocols                | HTTP/2 and HTTP/3, IPv6                                            |                  |
 * | price class              | dev `PriceClass_100`, prod `PriceClass_All`                         |                  |
 * | per-path caching         | `cacheBehaviors`: own cache policy (TTLs) per S3 path pattern       |                  |
 * | signed URLs / cookies    | `signedUrls`: a key group from a public key PEM; behaviours marked  |                  |
 * |                          | `requireSignedUrls` (and the default one, if asked) trust it       |                  |
 * | origin shield            | off; `originShieldRegion` adds one regional cache layer (fewer     |                  |
 * |                          | origin fetches: worth it for large, popular objects such as video) |                  |
 *
 * ## Letting CloudFront read the bucket (and decrypt with its key)
 * The bucket policy and the key policy must name this distribution (`AWS:SourceArn`), which does
 * not exist until after the bucket. `CloudFrontOriginAccess` holds the distribution's ARN before it
 * exists (a deferred output): pass its statements to `EncryptionKey.additionalStatements` and
 * `EncryptedBucket.policyStatements`, then give it to `CdnSite`, which resolves it:
 *
 * ```ts
 * const access = new CloudFrontOriginAccess();
 * const key = new EncryptionKey("media", { context, description: "...", additionalStatements: [access.keyDecryptStatement()] });
 * const media = new EncryptedBucket("media", { context, kmsKey: key, policyStatements: (b) => [access.bucketReadStatement(b.arn)] });
 * const site = new CdnSite("shop", { context, originBucket: media, originAccess: access, webAcl, accessLogs });
 * ```
 * A `CloudFrontOriginAccess` that no `CdnSite` receives never resolves, and the resources using
 * its statements wait forever: create the site in the same program. Never make anything depend on
 * the whole bucket component (`dependsOn: [media]`): its policy waits for the distribution.
 *
 * ## Why standard logging v2 and not `loggingConfig`
 * Legacy standard logging writes with ACLs (the `awslogsdelivery` account gets FULL_CONTROL), so
 * it needs a bucket with ACLs enabled. Every bucket here is `BucketOwnerEnforced` (S3.12: ACLs
 * disabled), which legacy logging cannot write to. Logging v2 (CloudWatch vended logs:
 * `LogDeliverySource` → `LogDeliveryDestination` → `LogDelivery`, all in us-east-1 for CloudFront)
 * writes with a bucket-policy grant to `delivery.logs.amazonaws.com`
 * (`cloudFrontLogDeliveryBucketStatement`), which works with ACLs disabled and with SSE-KMS (key
 * grant: `cloudFrontLogDeliveryKeyStatement`).
 *
 * ## The application origin, reachable only from CloudFront
 * The load balancer's security group admits only the AWS-managed prefix list
 * `com.amazonaws.global.cloudfront.origin-facing` (`cloudFrontOriginFacingPrefixListId`; `WebFleet`
 * with `albIngress: "cloudfront"`), so WAF cannot be bypassed by calling the ALB directly. With
 * `https-only`, `appOrigin.domainName` must be a name the ALB's certificate covers (a DNS alias to
 * the ALB such as `origin.example.com`), not the ALB's own `*.elb.amazonaws.com` name.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { PolicyStatement, throwIfProblems } from "../security/policy-document";
import { EncryptedBucket } from "../storage/encrypted-bucket";
import { WebFirewall } from "./web-firewall";

/** CloudFront's managed policies, by id (the same in every account). */
export const ManagedCachePolicies = {
  /** Long TTLs, gzip/brotli, no cookies/query strings/headers in the key: static content. */
  CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** Nothing is cached: dynamic content. */
  CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
} as const;
export const ManagedOriginRequestPolicies = {
  /** Every viewer header, cookie and query string except `Host` (the origin sees its own name). */
  AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** The AWS-managed prefix list of CloudFront's origin-facing addresses. */
export const CloudFrontOriginFacingPrefixList = "com.amazonaws.global.cloudfront.origin-facing";

export const PriceClasses = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PriceClasses)[number];

/** CloudFront's service principal (origin access control and its KMS use). */
const CloudFrontPrincipal = { Service: "cloudfront.amazonaws.com" };

/** The id of CloudFront's origin-facing prefix list in this region (for a security group rule). */
export function cloudFrontOriginFacingPrefixListId(opts: pulumi.InvokeOutputOptions = {}): pulumi.Output<string> {
  return aws.ec2.getManagedPrefixListOutput({ name: CloudFrontOriginFacingPrefixList }, opts).id;
}

/** Bucket-policy statement: CloudFront reads objects, for one distribution only (`AWS:SourceArn`). */
export function cloudFrontReadStatement(bucketArn: pulumi.Input<string>, distributionArn: pulumi.Input<string>, prefix = ""): PolicyStatement {
  return {
    Sid: "CloudFrontReadsObjects",
    Effect: "Allow",
    Principal: CloudFrontPrincipal,
    Action: ["s3:GetObject"],
    Resource: pulumi.interpolate`${bucketArn}/${prefix}*`,
    Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
  };
}

/** Key-policy statement: CloudFront decrypts SSE-KMS objects, for one distribution only. */
export function cloudFrontDecryptStatement(distributionArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "CloudFrontDecryptsObjects",
    Effect: "Allow",
    Principal: CloudFrontPrincipal,
    Action: ["kms:Decrypt"],
    Resource: "*",
    Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
  };
}

/**
 * Bucket-policy statement for the log bucket: CloudWatch log delivery (CloudFront standard logging
 * v2, set up in us-east-1) writes under `<prefix>/`, for this account's deliveries only.
 */
export function cloudFrontLogDeliveryBucketStatement(args: { bucketArn: pulumi.Input<string>; account: pulumi.Input<string>; prefix?: string; partition?: string }): PolicyStatement {
  const prefix = logPrefix(args.prefix);
  return {
    Sid: "CloudFrontLogDeliveryWrite",
    Effect: "Allow",
    Principal: { Service: "delivery.logs.amazonaws.com" },
    Action: ["s3:PutObject"],
    Resource: pulumi.interpolate`${args.bucketArn}/${prefix}/*`,
    Condition: {
      StringEquals: { "aws:SourceAccount": args.account, "s3:x-amz-acl": "bucket-owner-full-control" },
      ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${args.partition ?? "aws"}:logs:us-east-1:${args.account}:*` },
    },
  };
}

/** Key-policy statement for an SSE-KMS log bucket's key: CloudWatch log delivery encrypts the log files. */
export function cloudFrontLogDeliveryKeyStatement(args: { account: pulumi.Input<string>; partition?: string }): PolicyStatement {
  return {
    Sid: "CloudFrontLogDeliveryEncrypts",
    Effect: "Allow",
    Principal: { Service: "delivery.logs.amazonaws.com" },
    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
    Resource: "*",
    Condition: {
      StringEquals: { "aws:SourceAccount": args.account },
      ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${args.partition ?? "aws"}:logs:us-east-1:${args.account}:*` },
    },
  };
}

function logPrefix(prefix: string | undefined): string {
  return (prefix ?? "cloudfront").replace(/^\/+|\/+$/g, "");
}

/**
 * The distribution's ARN before the distribution exists, for the bucket and key policies that must
 * name it (see the file's doc). Give it to exactly one `CdnSite`.
 */
export class CloudFrontOriginAccess {
  /** The ARN of the distribution of the `CdnSite` this is given to. */
  readonly distributionArn: pulumi.Output<string>;
  private readonly resolve: (arn: pulumi.Output<string>) => void;
  private bound = false;

  constructor() {
    const [arn, resolve] = pulumi.deferredOutput<string>();
    this.distributionArn = arn;
    this.resolve = resolve;
  }

  /** Bucket-policy statement: this distribution reads objects (under `prefix`). */
  bucketReadStatement(bucketArn: pulumi.Input<string>, prefix = ""): PolicyStatement {
    return cloudFrontReadStatement(bucketArn, this.distributionArn, prefix);
  }

  /** Key-policy statement: this distribution decrypts objects encrypted with the key. */
  keyDecryptStatement(): PolicyStatement {
    return cloudFrontDecryptStatement(this.distributionArn);
  }

  /** True once a `CdnSite` has taken it. */
  get isBound(): boolean {
    return this.bound;
  }

  /** Called by `CdnSite` with its distribution's ARN. */
  bind(distributionArn: pulumi.Output<string>): void {
    if (this.bound) throw new Error("CloudFrontOriginAccess is already bound to a CdnSite: create one per distribution");
    this.bound = true;
    this.resolve(distributionArn);
  }
}

/** The application (dynamic) origin. */
export interface CdnAppOrigin {
  /** DNS name CloudFront connects to; with `https-only`, a name the origin's certificate covers. Required. */
  domainName: pulumi.Input<string>;
  /** Path patterns routed to it, uncached, with every viewer header but `Host`. Default: `["/api/*"]`. */
  pathPatterns?: readonly string[];
  /** `https-only`, or `http-only` (dev only, for an origin without a certificate). Default: `https-only`. */
  protocolPolicy?: "https-only" | "http-only";
  /** Seconds CloudFront waits for a response, 1 to 60. Default: 30. */
  readTimeoutSeconds?: number;
  /**
   * The application also serves the default behaviour (every path no other behaviour matches, `/`
   * included): a dynamic site whose static files live in the bucket under `cacheBehaviors` paths
   * (e.g. `/media/*`). No default root object then (`/` goes to the application as `/`).
   * `pathPatterns` may then be empty. Default: false (the bucket serves the default behaviour).
   */
  serveDefault?: boolean;
}

/**
 * The request header in which every application behaviour passes the viewer's address to the
 * origin (`198.51.100.7` or `2001:db8::7`, no port): set by a CloudFront Function at viewer
 * request, overwriting whatever the viewer sent, so the origin (and a REGIONAL web ACL's rate rule
 * keyed on it) sees the real client, unlike the first `X-Forwarded-For` entry, which the client writes.
 */
export const ViewerAddressHeader = "x-viewer-address";

/** The viewer-request function (cloudfront-js-2.0) that sets `ViewerAddressHeader`. */
export const ViewerAddressFunctionCode = `function handler(event) {
  var request = event.request;
  request.headers["${ViewerAddressHeader}"] = { value: event.viewer.ip };
  return request;
}
`;

/** Where access logs go. */
export interface CdnAccessLogs {
  /** The log bucket: an `EncryptedBucket` or its ARN. Its policy needs `cloudFrontLogDeliveryBucketStatement`. Required. */
  bucket: EncryptedBucket | pulumi.Input<string>;
  /** Key prefix of the log files. Default: `cloudfront`. */
  prefix?: string;
}

/** Viewer geo restriction. */
export interface CdnGeoRestriction {
  /** `whitelist` (only these countries) or `blacklist` (all but these). Required. */
  restrictionType: "whitelist" | "blacklist";
  /** ISO 3166-1 alpha-2 country codes. Required. */
  locations: readonly string[];
}

/** A cache behaviour for a path of the S3 origin, with its own TTLs (e.g. video segments vs manifests). */
export interface CdnCacheBehavior {
  /** Path pattern, e.g. `*.ts` or `/videos/*.m3u8`. Required. */
  pathPattern: string;
  /** Default TTL in seconds (when the origin sends no Cache-Control). Required. */
  defaultTtlSeconds: number;
  /** Maximum TTL in seconds. Default: `defaultTtlSeconds`. */
  maxTtlSeconds?: number;
  /** Minimum TTL in seconds. Default: 0. */
  minTtlSeconds?: number;
  /** Viewers need a URL or cookie signed with a key of `signedUrls`. Default: false. */
  requireSignedUrls?: boolean;
  /** Compress (gzip/brotli) responses: on for text, off for already-compressed media. Default: true. */
  compress?: boolean;
}

/** Signed URLs and signed cookies (private content) through a CloudFront key group. */
export interface CdnSignedUrls {
  /** The public key, PEM (RSA 2048), of the key pair whose private half signs URLs/cookies (kept in the signer's secret store, never here). Required. */
  publicKeyPem: pulumi.Input<string>;
  /** The default behaviour (`/*` of the bucket) needs signed URLs too. Default: true. */
  requireOnDefault?: boolean;
}

/** Cross-origin access to the distribution's content. */
export interface CdnCors {
  /** Origins allowed (`https://player.example.com`), never `*` with credentials. Required. */
  allowOrigins: readonly string[];
  /** Browsers send cookies (signed cookies) cross-origin. Default: true. */
  allowCredentials?: boolean;
  /** Seconds a browser may cache a preflight answer. Default: 600. */
  maxAgeSeconds?: number;
}

export interface CdnSiteArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The private bucket with the site's static content (its `bucketRegionalDomainName` is the origin). Required. */
  originBucket: Pick<EncryptedBucket, "bucket">;
  /** The deferred ARN whose statements the bucket and key policies carry; resolved here. Default: none (grant CloudFront with `cloudFrontReadStatement` yourself). */
  originAccess?: CloudFrontOriginAccess;
  /** Path inside the bucket that the site serves from (e.g. `/site`). Default: the bucket's root. */
  originPath?: string;
  /** The application origin for dynamic paths. Default: none (static site). */
  appOrigin?: CdnAppOrigin;
  /** The CLOUDFRONT-scope web ACL (a `WebFirewall` or its ARN), or `false` to run without one (dev only; CloudFront.6). Required. */
  webAcl: WebFirewall | pulumi.Input<string> | false;
  /** Access logs, or `false` for none (dev only; CloudFront.5). Required. */
  accessLogs: CdnAccessLogs | false;
  /** ACM certificate (in us-east-1) for `aliases`; served with SNI and TLSv1.2_2021. Default: the `*.cloudfront.net` certificate. */
  certificateArn?: pulumi.Input<string>;
  /** Alternate domain names (need `certificateArn`). Default: none. */
  aliases?: readonly string[];
  /** Edge locations used. Default: `PriceClass_100` in dev (cost), `PriceClass_All` in prod. */
  priceClass?: PriceClass;
  /** Viewer geo restriction. Default: none. */
  geoRestriction?: CdnGeoRestriction;
  /** A `Content-Security-Policy` header value added to every response. Default: none (the site's own). */
  contentSecurityPolicy?: string;
  /** Extra cache behaviours on the S3 origin, in order, before the default. Default: none. */
  cacheBehaviors?: readonly CdnCacheBehavior[];
  /** Signed URLs/cookies through a CloudFront key group. Default: none (public content). */
  signedUrls?: CdnSignedUrls;
  /** CORS for browsers on other origins (e.g. a web player): CloudFront answers preflights and adds the headers (GET, HEAD). Default: none. */
  cors?: CdnCors;
  /** CloudFront Origin Shield in front of the S3 origin (one regional cache layer, billed per request), in this region. Default: off. */
  originShieldRegion?: string | false;
  /** Object returned for `/`. Default: `index.html`. */
  defaultRootObject?: string;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class CdnSite extends pulumi.ComponentResource {
  /** The distribution. */
  readonly distribution: aws.cloudfront.Distribution;
  /** Its id (`E...`). */
  readonly distributionId: pulumi.Output<string>;
  /** Its ARN (what `AWS:SourceArn` conditions and Shield protections name). */
  readonly distributionArn: pulumi.Output<string>;
  /** Its `*.cloudfront.net` name. */
  readonly domainName: pulumi.Output<string>;
  /** The Route 53 zone id for alias records to it. */
  readonly hostedZoneId: pulumi.Output<string>;
  /** The key group that signs URLs/cookies, when `signedUrls` is given. */
  readonly keyGroupId: pulumi.Output<string> | undefined;
  /** The signing public key's id (the `Key-Pair-Id` of signed URLs and cookies), with `signedUrls`. */
  readonly signingPublicKeyId: pulumi.Output<string> | undefined;
  /** The origin access control's id. */
  readonly originAccessControlId: pulumi.Output<string>;
  /** The security-headers response policy's id. */
  readonly responseHeadersPolicyId: pulumi.Output<string>;
  /** The CloudFront origin-facing prefix list, for the application origin's security group. */
  readonly originFacingPrefixListId: pulumi.Output<string>;

  constructor(name: string, args: CdnSiteArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:edge:CdnSite", name, {}, opts);
    const { context } = args;
    const prod = context.profile.environment === "prod";
    const priceClass = args.priceClass ?? (prod ? "PriceClass_All" : "PriceClass_100");
    const app = args.appOrigin;
    const appDefault = app?.serveDefault === true;
    const defaultRootObject = args.defaultRootObject ?? (appDefault ? undefined : "index.html");
    const appPaths = [...(app?.pathPatterns ?? (appDefault ? [] : ["/api/*"]))];
    const appProtocol = app?.protocolPolicy ?? "https-only";
    const readTimeout = app?.readTimeoutSeconds ?? 30;

    const behaviors = () => args.cacheBehaviors ?? [];
    const problems: string[] = [];
    if (!(PriceClasses as readonly string[]).includes(priceClass)) problems.push(`priceClass = "${priceClass}": must be one of ${PriceClasses.join(", ")}`);
    if ((args.aliases ?? []).length > 0 && args.certificateArn === undefined) problems.push("aliases need certificateArn: CloudFront serves alternate domain names only with a certificate that covers them");
    if (args.webAcl === false && prod) problems.push("webAcl is false in prod: a production distribution needs a CLOUDFRONT web ACL (CloudFront.6)");
    if (args.cors) {
      if (args.cors.allowOrigins.length === 0) problems.push("cors.allowOrigins is empty: name the origins (https://...) that may read the content");
      for (const o of args.cors.allowOrigins) {
        if (o === "*" && (args.cors.allowCredentials ?? true)) problems.push('cors.allowOrigins "*" with credentials: browsers refuse it; name the origins');
        else if (o !== "*" && !/^https:\/\/[a-z0-9.-]+(:\d+)?$/.test(o)) problems.push(`cors.allowOrigins: "${o}" must be an origin such as https://player.example.com (no path)`);
      }
    }
    if (args.webAcl instanceof WebFirewall && args.webAcl.scope !== "CLOUDFRONT") problems.push(`webAcl has scope ${args.webAcl.scope}: a distribution needs a CLOUDFRONT-scope web ACL`);
    if (args.accessLogs === false && prod) problems.push("accessLogs is false in prod: a production distribution must log requests (CloudFront.5)");
    if (args.accessLogs && args.accessLogs.prefix !== undefined && !/^[A-Za-z0-9!_.*'()/-]*$/.test(args.accessLogs.prefix)) problems.push(`accessLogs.prefix = "${args.accessLogs.prefix}": use letters, digits and ! _ . * ' ( ) / -`);
    if (app) {
      if (appProtocol !== "https-only" && appProtocol !== "http-only") problems.push(`appOrigin.protocolPolicy = "${appProtocol}": must be https-only or http-only`);
      if (appProtocol === "http-only" && prod) problems.push("appOrigin.protocolPolicy is http-only in prod: CloudFront must reach the application over TLS (CloudFront.9)");
      if (appPaths.length === 0 && !appDefault) problems.push("appOrigin.pathPatterns is empty: name the paths the application serves (e.g. /api/*), or set serveDefault");
      if (appDefault && behaviors().length === 0) problems.push("appOrigin.serveDefault leaves the bucket no path: add cacheBehaviors for what it serves (e.g. /media/*)");
      if (appDefault && args.signedUrls?.requireOnDefault) problems.push("signedUrls.requireOnDefault with appOrigin.serveDefault would require signed URLs for the whole application");
      for (const p of appPaths) if (!/^\/?[A-Za-z0-9_\-.*$/~"'@:+&]+$/.test(p) || p === "*" || p === "/*") problems.push(`appOrigin.pathPatterns: "${p}" is not a path pattern such as /api/* (the default behavior serves the bucket)`);
      if (new Set(appPaths).size !== appPaths.length) problems.push("appOrigin.pathPatterns lists a pattern twice");
      if (!Number.isInteger(readTimeout) || readTimeout < 1 || readTimeout > 60) problems.push(`appOrigin.readTimeoutSeconds = ${readTimeout}: must be a whole number from 1 to 60`);
    }
    if (args.geoRestriction) {
      const g = args.geoRestriction;
      if (g.restrictionType !== "whitelist" && g.restrictionType !== "blacklist") problems.push(`geoRestriction.restrictionType = "${g.restrictionType}": must be whitelist or blacklist`);
      if (g.locations.length === 0) problems.push("geoRestriction.locations is empty: name at least one country, or drop geoRestriction");
      for (const l of g.locations) if (!/^[A-Z]{2}$/.test(l)) problems.push(`geoRestriction.locations: "${l}" is not an ISO 3166-1 alpha-2 code such as US or DE`);
    }
    if (defaultRootObject !== undefined && (defaultRootObject.startsWith("/") || defaultRootObject.length === 0)) problems.push(`defaultRootObject = "${defaultRootObject}": an object key without a leading slash, such as index.html`);
    if (args.originPath !== undefined && !/^\/[^*]*[^/]$/.test(args.originPath)) problems.push(`originPath = "${args.originPath}": must start with / and not end with / (e.g. /site)`);
    for (const b of behaviors()) {
      const where = `cacheBehaviors "${b.pathPattern}"`;
      if (!/^\/?[A-Za-z0-9_\-.*$/~"'@:+&]+$/.test(b.pathPattern) || b.pathPattern === "*" || b.pathPattern === "/*") problems.push(`${where}: not a path pattern such as *.m3u8 or /videos/* (the default behavior serves the rest)`);
      if (appPaths.includes(b.pathPattern) && app) problems.push(`${where}: also an appOrigin path`);
      const max = b.maxTtlSeconds ?? b.defaultTtlSeconds;
      const min = b.minTtlSeconds ?? 0;
      for (const [k, v] of [["defaultTtlSeconds", b.defaultTtlSeconds], ["maxTtlSeconds", max], ["minTtlSeconds", min]] as const) {
        if (!Number.isInteger(v) || v < 0 || v > 31_536_000) problems.push(`${where}: ${k} = ${v}: must be a whole number of seconds from 0 to 31536000`);
      }
      if (!(min <= b.defaultTtlSeconds && b.defaultTtlSeconds <= max)) problems.push(`${where}: TTLs must satisfy min (${min}) <= default (${b.defaultTtlSeconds}) <= max (${max})`);
      if (b.requireSignedUrls && !args.signedUrls) problems.push(`${where}: requireSignedUrls needs signedUrls (the public key of the signer)`);
    }
    if (new Set(behaviors().map((b) => b.pathPattern)).size !== behaviors().length) problems.push("cacheBehaviors lists a path pattern twice");
    if (args.originShieldRegion !== undefined && args.originShieldRegion !== false && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(args.originShieldRegion)) problems.push(`originShieldRegion = "${args.originShieldRegion}": must be a region code such as us-east-1`);
    if (args.originAccess?.isBound) problems.push("originAccess is already bound to another CdnSite: create one CloudFrontOriginAccess per distribution");
    throwIfProblems(`CdnSite ${name}`, problems);

    const physical = physicalName(context, name);
    const tags = (nameTag: string) => withTags(context.tags, args.tags ?? {}, nameTag);

    const oac = new aws.cloudfront.OriginAccessControl(
      `${name}-oac`,
      {
        description: `${physical}: CloudFront signs every request to the S3 origin`,
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      { parent: this },
    );

    const headers = new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-security-headers`,
      {
        comment: `${physical}: security headers on every response`,
        securityHeadersConfig: {
          strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: "DENY", override: true },
          referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
          ...(args.contentSecurityPolicy !== undefined ? { contentSecurityPolicy: { contentSecurityPolicy: args.contentSecurityPolicy, override: true } } : {}),
        },
        ...(args.cors
          ? {
              corsConfig: {
                accessControlAllowOrigins: { items: [...args.cors.allowOrigins] },
                accessControlAllowMethods: { items: ["GET", "HEAD", "OPTIONS"] },
                accessControlAllowHeaders: { items: ["Range", "Origin", "Accept", "Content-Type"] },
                accessControlExposeHeaders: { items: ["Content-Length", "Content-Range", "ETag"] },
                accessControlAllowCredentials: args.cors.allowCredentials ?? true,
                accessControlMaxAgeSec: args.cors.maxAgeSeconds ?? 600,
                originOverride: true,
              },
            }
          : {}),
      },
      { parent: this },
    );

    let trustedKeyGroups: pulumi.Output<string>[] | undefined;
    if (args.signedUrls) {
      const publicKey = new aws.cloudfront.PublicKey(
        `${name}-signer`,
        { comment: `${physical}: verifies signed URLs and cookies`, encodedKey: args.signedUrls.publicKeyPem },
        { parent: this },
      );
      const keyGroup = new aws.cloudfront.KeyGroup(`${name}-signers`, { comment: `${physical}: keys trusted for signed URLs and cookies`, items: [publicKey.id] }, { parent: this });
      trustedKeyGroups = [keyGroup.id];
      this.keyGroupId = keyGroup.id;
      this.signingPublicKeyId = publicKey.id;
    } else {
      this.keyGroupId = undefined;
      this.signingPublicKeyId = undefined;
    }
    const signedOnDefault = args.signedUrls ? (args.signedUrls.requireOnDefault ?? true) : false;

    const behaviorPolicies = behaviors().map(
      (b, i) =>
        new aws.cloudfront.CachePolicy(
          `${name}-cache-${i}`,
          {
            comment: `${physical}: ${b.pathPattern}`,
            defaultTtl: b.defaultTtlSeconds,
            maxTtl: b.maxTtlSeconds ?? b.defaultTtlSeconds,
            minTtl: b.minTtlSeconds ?? 0,
            parametersInCacheKeyAndForwardedToOrigin: {
              enableAcceptEncodingGzip: b.compress ?? true,
              enableAcceptEncodingBrotli: b.compress ?? true,
              cookiesConfig: { cookieBehavior: "none" },
              headersConfig: { headerBehavior: "none" },
              queryStringsConfig: { queryStringBehavior: "none" },
            },
          },
          { parent: this },
        ),
    );

    const originShieldRegion = args.originShieldRegion ?? false;
    const s3OriginId = "s3";
    const appOriginId = "app";
    const origins: aws.types.input.cloudfront.DistributionOrigin[] = [
      {
        originId: s3OriginId,
        domainName: args.originBucket.bucket.bucketRegionalDomainName,
        originAccessControlId: oac.id,
        ...(originShieldRegion ? { originShield: { enabled: true, originShieldRegion } } : {}),
        ...(args.originPath !== undefined ? { originPath: args.originPath } : {}),
      },
    ];
    if (app) {
      origins.push({
        originId: appOriginId,
        domainName: app.domainName,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: appProtocol,
          originSslProtocols: ["TLSv1.2"],
          originReadTimeout: readTimeout,
          originKeepaliveTimeout: 5,
        },
      });
    }

    const viewerAddress = app
      ? new aws.cloudfront.Function(
          `${name}-viewer-address`,
          {
            name: physicalName(context, `${name}-viewer-address`, 64),
            comment: `${physical}: passes the viewer's address to the application in ${ViewerAddressHeader}`,
            runtime: "cloudfront-js-2.0",
            code: ViewerAddressFunctionCode,
            publish: true,
            tags: tags(`${physical}-viewer-address`),
          },
          { parent: this },
        )
      : undefined;
    const appBehavior = () => ({
      targetOriginId: appOriginId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: ManagedCachePolicies.CachingDisabled,
      originRequestPolicyId: ManagedOriginRequestPolicies.AllViewerExceptHostHeader,
      responseHeadersPolicyId: headers.id,
      functionAssociations: [{ eventType: "viewer-request", functionArn: viewerAddress!.arn }],
    });

    const webAclId = args.webAcl === false ? undefined : args.webAcl instanceof WebFirewall ? args.webAcl.webAclArn : args.webAcl;

    this.distribution = new aws.cloudfront.Distribution(
      name,
      {
        enabled: true,
        comment: physical,
        ...(defaultRootObject !== undefined ? { defaultRootObject } : {}),
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        priceClass,
        ...(args.aliases && args.aliases.length > 0 ? { aliases: [...args.aliases] } : {}),
        ...(webAclId !== undefined ? { webAclId } : {}),
        origins,
        defaultCacheBehavior: appDefault
          ? appBehavior()
          : {
              targetOriginId: s3OriginId,
              viewerProtocolPolicy: "redirect-to-https",
              allowedMethods: ["GET", "HEAD", "OPTIONS"],
              cachedMethods: ["GET", "HEAD"],
              compress: true,
              cachePolicyId: ManagedCachePolicies.CachingOptimized,
              responseHeadersPolicyId: headers.id,
              ...(signedOnDefault ? { trustedKeyGroups } : {}),
            },
        orderedCacheBehaviors: [
          ...behaviors().map((b, i) => ({
            pathPattern: b.pathPattern,
            targetOriginId: s3OriginId,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS"],
            cachedMethods: ["GET", "HEAD"],
            compress: b.compress ?? true,
            cachePolicyId: behaviorPolicies[i]!.id,
            responseHeadersPolicyId: headers.id,
            ...(b.requireSignedUrls ? { trustedKeyGroups } : {}),
          })),
          ...(app ? appPaths.map((pathPattern) => ({ pathPattern, ...appBehavior() })) : []),
        ],
        restrictions: {
          geoRestriction: args.geoRestriction
            ? { restrictionType: args.geoRestriction.restrictionType, locations: [...args.geoRestriction.locations] }
            : { restrictionType: "none", locations: [] },
        },
        viewerCertificate:
          args.certificateArn !== undefined
            ? { acmCertificateArn: args.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
            : { cloudfrontDefaultCertificate: true },
        tags: tags(physical),
      },
      { parent: this },
    );
    args.originAccess?.bind(this.distribution.arn);

    if (args.accessLogs) {
      const bucket = args.accessLogs.bucket;
      const bucketArn = bucket instanceof EncryptedBucket ? bucket.arn : bucket;
      // CloudFront's vended logs are configured in us-east-1 whatever the stack's region.
      const usEast1 = { region: "us-east-1" };
      const source = new aws.cloudwatch.LogDeliverySource(
        `${name}-access-logs`,
        { ...usEast1, logType: "ACCESS_LOGS", resourceArn: this.distribution.arn, tags: tags(`${physical}-access-logs`) },
        { parent: this },
      );
      const destination = new aws.cloudwatch.LogDeliveryDestination(
        `${name}-access-logs`,
        {
          ...usEast1,
          deliveryDestinationType: "S3",
          deliveryDestinationConfiguration: { destinationResourceArn: bucketArn },
          tags: tags(`${physical}-access-logs`),
        },
        // The bucket's policy must admit the delivery before the first write.
        { parent: this, ...(bucket instanceof EncryptedBucket ? { dependsOn: [bucket.policy] } : {}) },
      );
      new aws.cloudwatch.LogDelivery(
        `${name}-access-logs`,
        {
          ...usEast1,
          deliverySourceName: source.name,
          deliveryDestinationArn: destination.arn,
          s3DeliveryConfigurations: [{ suffixPath: `${logPrefix(args.accessLogs.prefix)}/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}`, enableHiveCompatiblePath: false }],
          tags: tags(`${physical}-access-logs`),
        },
        { parent: this },
      );
    }

    this.distributionId = this.distribution.id;
    this.distributionArn = this.distribution.arn;
    this.domainName = this.distribution.domainName;
    this.hostedZoneId = this.distribution.hostedZoneId;
    this.originAccessControlId = oac.id;
    this.responseHeadersPolicyId = headers.id;
    this.originFacingPrefixListId = cloudFrontOriginFacingPrefixListId({ parent: this });
    this.registerOutputs({
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      domainName: this.domainName,
      hostedZoneId: this.hostedZoneId,
      originFacingPrefixListId: this.originFacingPrefixListId,
    });
  }

  /** Bucket-policy statement: this distribution reads objects (for a policy written after the site). */
  originReadStatement(bucketArn: pulumi.Input<string>, prefix = ""): PolicyStatement {
    return cloudFrontReadStatement(bucketArn, this.distributionArn, prefix);
  }

  /** Key-policy statement: this distribution decrypts with the key (for a policy written after the site). */
  keyDecryptStatement(): PolicyStatement {
    return cloudFrontDecryptStatement(this.distributionArn);
  }
}
