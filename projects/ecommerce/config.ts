/**
 * The e-commerce project's stack configuration: its own keys (`ecommerce:<key>`), the cross-key
 * rules, and the few workload choices that differ between dev and prod beyond the shared
 * environment profile (in one table, so that index.ts holds no sizing literals).
 */
import { z } from "zod";
import { loadStackConfig, ProjectDefinition, StackSettings } from "../../shared/config";
import type { Environment } from "../../shared/profiles";

const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region code such as eu-west-1");
const hostname = z
  .string()
  .max(253, "must be at most 253 characters (a DNS name)")
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name such as shop.example.com");
const certificateArn = (where: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:acm:${where}:\\d{12}:certificate/[0-9a-f-]{36}$`), `must be an ACM certificate ARN in ${where === "[a-z0-9-]+" ? "the stack's region" : where}`);
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "must be lower-case letters, digits and - (up to 41 characters)");

/** The e-commerce keys, beside the common ones (owner, profileOverrides, platformStack...). */
export const ecommerceSchema = {
  /**
   * Second region of the `sessions` and `carts` global tables (customers are worldwide: a regional
   * outage must not lose their carts or sign them out). Required in prod; dev runs single-region.
   */
  replicaRegion: awsRegion.optional(),
  /** The shop's public names (CloudFront alternate domain names). Need `cdnCertificateArn`. Default: none (the `*.cloudfront.net` name). */
  siteDomainNames: z.array(hostname).max(100).default([]),
  /** ACM certificate in us-east-1 covering `siteDomainNames` (CloudFront reads certificates only from there). Default: none. */
  cdnCertificateArn: certificateArn("us-east-1").optional(),
  /** ACM certificate (the stack's region) of the load balancer's HTTPS listener. Required in prod; dev may run HTTP-only. */
  albCertificateArn: certificateArn("[a-z0-9-]+").optional(),
  /**
   * The name CloudFront reaches the load balancer by (a DNS alias of the ALB, covered by
   * `albCertificateArn`): with HTTPS to the origin, the ALB's own `*.elb.amazonaws.com` name cannot
   * match any certificate. Required with `albCertificateArn`.
   */
  originDomainName: hostname.optional(),
  /** Route 53 hosted zone for alias records (`siteDomainNames` to CloudFront, `originDomainName` to the ALB). Default: none (create the records yourself). */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ").optional(),
  /** Partners of the order API: one API key each on the `partners` usage plan. Required (at least one). */
  partners: z.array(slug).min(1).max(50),
  /** Carts untouched this many days are deleted by the scheduled `expire-carts` job. Default: 7. */
  cartMaxAgeDays: z.number().int().min(1).max(365).default(7),
  /** When `expire-carts` runs (EventBridge schedule expression, UTC). Default: daily at 03:15. */
  expireCartsSchedule: z
    .string()
    .regex(/^(cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, "must be an EventBridge schedule such as cron(15 3 * * ? *) or rate(1 day)")
    .default("cron(15 3 * * ? *)"),
  /**
   * A security group whose members may connect to the orders database as administrators (e.g. an
   * AWS CloudShell VPC environment in a private subnet, for investigations; the schema, roles and
   * grants are applied by db-migrate during the deploy). Default: none (only the checkout, the fleet,
   * db-migrate and QuickSight connect).
   */
  databaseAdminSecurityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id such as sg-0123456789abcdef0").optional(),
};

export type EcommerceConfig = z.infer<z.ZodObject<typeof ecommerceSchema>>;
export type EcommerceSettings = StackSettings<EcommerceConfig>;

/** What differs between dev and prod for this workload, beyond the shared profile. */
export interface EcommerceEnvironmentDefaults {
  /** Stage-wide API throttling (every caller together): requests per second and burst. */
  readonly apiThrottle: { rateLimit: number; burstLimit: number };
  /**
   * Requests per 5 minutes per client IP before the API's web ACL blocks: above what one partner
   * server may send within its plan (50 req/s is 15,000 per 5 minutes), and room for mobile clients
   * sharing a carrier-grade NAT address.
   */
  readonly apiWafRateLimit: number;
  /**
   * A web ACL of its own on the API stage: prod. Dev leaves it off (USD 10 a month of the USD 100
   * idle budget; the edge and origin ACLs stay): dev's API takes only test traffic, throttled by
   * the stage and the usage plan.
   */
  readonly apiFirewall: boolean;
  /** The partners usage plan: per-key throttling and quota. */
  readonly partnerPlan: { throttle: { rateLimit: number; burstLimit: number }; quota: { limit: number; period: "DAY" | "WEEK" | "MONTH" } };
  /**
   * The checkout function. Reserved concurrency (prod) is also the most connections it can open to
   * Aurora (one per container); dev reserves none, since new accounts' concurrency quota (10) leaves
   * nothing to reserve. Its timeout stays under API Gateway's 29-second integration limit, and
   * leaves room for a paused dev cluster to resume (15 to 30 s) on the first request.
   */
  readonly checkout: { memorySize: number; timeout: number; reservedConcurrency?: number };
  /** The scheduled cart expiry: one paginated scan of the carts table. */
  readonly expireCarts: { memorySize: number; timeout: number; reservedConcurrency?: number };
  /**
   * The promo-video archive: days in S3 Standard before S3 Glacier Flexible Retrieval and Deep
   * Archive, and days before expiry.
   */
  readonly promoArchive: { archiveAfterDays?: number; deepArchiveAfterDays?: number; expireAfterDays?: number };
  /** Interface endpoints of the VPC (beside the free S3 and DynamoDB gateway endpoints). */
  readonly interfaceEndpoints: readonly string[];
  /** The web fleet's instance types; undefined: the profile's (t3.medium dev, prod's size). */
  readonly fleetInstanceTypes?: readonly string[];
}

/**
 * | choice                    | dev                                 | prod                                  |
 * |---------------------------|-------------------------------------|---------------------------------------|
 * | API throttling            | 20 req/s, burst 40                  | 1,000 req/s, burst 2,000              |
 * | API web ACL rate rule     | 2,000 per IP per 5 min              | 20,000 per IP per 5 min               |
 * | partner plan              | 5 req/s per key, 10,000 a day       | 50 req/s per key, 1,000,000 a day     |
 * | checkout                  | 512 MB, 28 s, no reservation        | 1,024 MB (more CPU for TLS), 28 s,    |
 * |                           |                                     | 100 reserved (Aurora connections)     |
 * | expire-carts              | 256 MB, 5 min, no reservation       | 512 MB, 15 min, 1 reserved (one scan  |
 * |                           |                                     | at a time)                            |
 * | interface endpoints       | none (the NAT gateway carries the   | ssm, ssmmessages, ec2messages, logs   |
 * |                           | calls; USD 58/month saved)          | (traffic stays in the VPC)            |
 * | web fleet                 | t3.micro (one idle instance)        | the profile's type                    |
 * | promo-video archive       | expire after 30 days, no archive    | Glacier at 30 days, Deep Archive at   |
 * |                           | tiers (their 90/180-day minimum     | 180 days, kept                        |
 * |                           | charges exceed dev's short life)    |                                       |
 */
export const environmentDefaults: Readonly<Record<Environment, EcommerceEnvironmentDefaults>> = {
  dev: {
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    apiWafRateLimit: 2000,
    apiFirewall: false,
    partnerPlan: { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10_000, period: "DAY" } },
    checkout: { memorySize: 512, timeout: 28 },
    expireCarts: { memorySize: 256, timeout: 300 },
    promoArchive: { expireAfterDays: 30 },
    interfaceEndpoints: [],
    fleetInstanceTypes: ["t3.micro", "t2.micro"],
  },
  prod: {
    apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
    apiWafRateLimit: 20_000,
    apiFirewall: true,
    partnerPlan: { throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 1_000_000, period: "DAY" } },
    checkout: { memorySize: 1024, timeout: 28, reservedConcurrency: 100 },
    expireCarts: { memorySize: 512, timeout: 900, reservedConcurrency: 1 },
    promoArchive: { archiveAfterDays: 30, deepArchiveAfterDays: 180 },
    interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages", "ec2", "logs"],
  },
};

type Problem = { key: string; value: unknown; allowed: string };

/** The e-commerce project's definition: tag defaults (confidential, FSBP + PCI DSS), keys, cross-key rules. */
export const ecommerceDefinition: ProjectDefinition<typeof ecommerceSchema> = {
  dataClassification: "confidential",
  compliance: ["fsbp", "pci-dss"],
  schema: ecommerceSchema,
  refine: (config, environment) => {
    const problems: Problem[] = [];
    const prod = environment === "prod";
    if (prod && config.replicaRegion === undefined) {
      problems.push({ key: "replicaRegion", value: undefined, allowed: "required in prod: the second region of the sessions and carts global tables (e.g. eu-west-1)" });
    }
    if (prod && config.albCertificateArn === undefined) {
      problems.push({ key: "albCertificateArn", value: undefined, allowed: "required in prod: the ACM certificate (this region) of the load balancer's HTTPS listener; CloudFront reaches it over TLS (ELB.1, CloudFront.9). Set it: pulumi config set ecommerce:albCertificateArn arn:aws:acm:<region>:<account>:certificate/<id>" });
    }
    if (config.albCertificateArn !== undefined && config.originDomainName === undefined) {
      problems.push({ key: "originDomainName", value: undefined, allowed: "required with albCertificateArn: the DNS name of the load balancer that its certificate covers (CloudFront connects to it over HTTPS). Set it: pulumi config set ecommerce:originDomainName origin.<your shop's domain>" });
    }
    if (config.originDomainName !== undefined && config.albCertificateArn === undefined) {
      problems.push({ key: "albCertificateArn", value: undefined, allowed: `required with originDomainName (${config.originDomainName}): the certificate the load balancer presents for that name` });
    }
    if ((config.siteDomainNames ?? []).length > 0 && config.cdnCertificateArn === undefined) {
      problems.push({ key: "cdnCertificateArn", value: undefined, allowed: `required with siteDomainNames (${config.siteDomainNames!.join(", ")}): an ACM certificate in us-east-1 covering them` });
    }
    if (config.cdnCertificateArn !== undefined && (config.siteDomainNames ?? []).length === 0) {
      problems.push({ key: "siteDomainNames", value: config.siteDomainNames, allowed: "must name the shop's domains when cdnCertificateArn is set (CloudFront serves a certificate only for its alternate domain names)" });
    }
    if (config.hostedZoneId !== undefined && config.originDomainName === undefined && (config.siteDomainNames ?? []).length === 0) {
      problems.push({ key: "hostedZoneId", value: config.hostedZoneId, allowed: "needs siteDomainNames or originDomainName: the zone only receives their alias records" });
    }
    const partners = config.partners ?? [];
    const repeated = partners.filter((p, i) => partners.indexOf(p) !== i);
    if (repeated.length > 0) problems.push({ key: "partners", value: partners, allowed: `must not repeat a partner (${[...new Set(repeated)].join(", ")}): each gets one API key` });
    return problems;
  },
};

/** Read and validate the stack's config (call first: bad config registers nothing). */
export function loadEcommerceConfig(): EcommerceSettings {
  return loadStackConfig(ecommerceDefinition);
}
