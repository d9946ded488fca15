/**
 * The banking project's stack configuration: its own keys (`banking:<key>`), the cross-key rules,
 * and the workload choices that differ between dev and prod beyond the shared environment profile.
 *
 * Adopter-specific keys (Direct Connect connections, the partner API's domain, certificate and
 * truststore, the app servers' certificate) are never committed: a prod stack without them fails
 * here, before any resource is registered, with the `pulumi config set` command to run. The offline
 * plan reads example values from `tools/plan/adopter-examples.yaml`.
 */
import { z } from "zod";
import { loadStackConfig, ProjectDefinition, StackSettings } from "../../shared/config";
import { directConnectProblems, directConnectSchema } from "../../shared/direct-connect-config";
import type { Environment } from "../../shared/profiles";

const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN in the stack's region");
const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name such as partners.bank.example");
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "must be lower-case letters, digits and - (up to 41 characters)");

/** The banking keys, beside the common ones (owner, profileOverrides, platformStack...). */
export const bankingSchema = {
  /**
   * The Direct Connect link to partner banks' data centres (adopter key). Required in prod; off in
   * dev unless set. `encryption`: `macsec` (dedicated ports ordered with MACsec; `macsecSecretArn`
   * holds the CKN/CAK) or `ipsec` (a Site-to-Site VPN over transit VIFs; `vpnPeerAddress` per connection).
   */
  directConnect: directConnectSchema.optional(),
  /**
   * The partner API (adopter key): its custom domain, the ACM certificate for it, the S3 URI of the
   * truststore (PEM bundle of the CAs that sign partners' client certificates: mutual TLS), and the
   * partners, one API key each for their usage plan. Required in prod; dev has no partner API unless set.
   */
  partnerApi: z
    .object({
      domainName: hostname,
      certificateArn,
      truststoreUri: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.pem$/, "must be the S3 URI of a PEM truststore, e.g. s3://bank-truststores/partners.pem"),
      truststoreVersion: z.string().min(1).optional(),
      partners: z.array(slug).min(1).max(50),
    })
    .strict()
    .optional(),
  /** ACM certificate of the app servers' internal load balancer (adopter key). Required in prod; dev may serve HTTP inside the VPC. */
  appCertificateArn: certificateArn.optional(),
  /** Days each customer document and receipt is locked (S3 Object Lock, compliance mode) in prod. Required in prod. */
  documentRetentionDays: z.number().int().min(1).max(36500).optional(),
  /** Fraud-check limits, in minor units (cents): one transfer, and everything one account sends in 24 hours. */
  fraudLimits: z
    .object({ maxSingleCents: z.number().int().min(1), maxDailyCents: z.number().int().min(1) })
    .strict()
    .default({ maxSingleCents: 1_000_000, maxDailyCents: 2_500_000 }),
  /** Days a customer's activity-log record is kept (the table's TTL). Default: 400 (13 months). */
  activityRetentionDays: z.number().int().min(30).max(3650).default(400),
  /** When the reports' data sets refresh each day (HH:MM, UTC). Default: 02:30. */
  reportsRefreshTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour, UTC)").default("02:30"),
  /** A security group whose members may connect to the ledger database as administrators (to apply schema.sql). Default: none. */
  databaseAdminSecurityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id such as sg-0123456789abcdef0").optional(),
};

export type BankingConfig = z.infer<z.ZodObject<typeof bankingSchema>>;
export type BankingSettings = StackSettings<BankingConfig>;

/** What differs between dev and prod for this workload, beyond the shared profile. */
export interface BankingEnvironmentDefaults {
  /** Stage-wide throttling of the mobile API. */
  readonly apiThrottle: { rateLimit: number; burstLimit: number };
  /** The partners' usage plan: per-key throttling and quota. */
  readonly partnerPlan: { throttle: { rateLimit: number; burstLimit: number }; quota: { limit: number; period: "DAY" | "WEEK" | "MONTH" } };
  /** Interface endpoints of the VPC (see the README's cost table: dev reaches AWS APIs through its NAT gateway). */
  readonly interfaceEndpoints: readonly string[];
  /** The start-transfer function (reserved concurrency caps how fast transfers can start). */
  readonly startTransfer: { memorySize: number; timeout: number; reservedConcurrency?: number };
  /** The workflow's step functions. */
  readonly steps: { memorySize: number; timeout: number; reservedConcurrency?: number };
  /** Customer documents: object lock in prod only (a dev stack must be destroyable). */
  readonly documentLock: boolean;
}

/**
 * | choice                | dev                                   | prod                                              |
 * |-----------------------|---------------------------------------|---------------------------------------------------|
 * | mobile API throttling | 20 req/s, burst 40                    | 500 req/s, burst 1,000                            |
 * | partner plan          | 5 req/s per key, 10,000 a day         | 50 req/s per key, 1,000,000 a day                 |
 * | interface endpoints   | none (NAT; each costs ~USD 15/month   | states, sns, ssm, ssmmessages, ec2messages, logs, |
 * |                       | over 2 AZs)                           | sts, secretsmanager                               |
 * | functions             | 256-512 MB, no reservation            | 512-1,024 MB; ledger steps reserve 50 (Aurora     |
 * |                       |                                       | connections), start-transfer 100                  |
 * | documents             | versioned, no object lock             | object lock COMPLIANCE, `documentRetentionDays`   |
 */
export const environmentDefaults: Readonly<Record<Environment, BankingEnvironmentDefaults>> = {
  dev: {
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    partnerPlan: { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10_000, period: "DAY" } },
    interfaceEndpoints: [],
    startTransfer: { memorySize: 512, timeout: 10 },
    steps: { memorySize: 256, timeout: 25 },
    documentLock: false,
  },
  prod: {
    apiThrottle: { rateLimit: 500, burstLimit: 1000 },
    partnerPlan: { throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 1_000_000, period: "DAY" } },
    interfaceEndpoints: ["states", "sns", "ssm", "ssmmessages", "ec2messages", "ec2", "logs", "sts", "secretsmanager"],
    startTransfer: { memorySize: 1024, timeout: 10, reservedConcurrency: 100 },
    steps: { memorySize: 512, timeout: 25, reservedConcurrency: 50 },
    documentLock: true,
  },
};

type Problem = { key: string; value: unknown; allowed: string };

const setCommand = (key: string, example: string) => `\`pulumi config set --path banking:${key} ${example}\``;

/** The banking project's definition: tag defaults (restricted, FSBP + PCI DSS), keys, cross-key rules. */
export const bankingDefinition: ProjectDefinition<typeof bankingSchema> = {
  dataClassification: "restricted",
  compliance: ["fsbp", "pci-dss"],
  schema: bankingSchema,
  refine: (config, environment) => {
    const problems: Problem[] = [];
    const prod = environment === "prod";
    problems.push(...directConnectProblems(config.directConnect, { prod, project: "banking", partners: "partner banks", why: "for a 24/7 bank" }));
    if (prod && config.partnerApi === undefined) {
      problems.push({
        key: "partnerApi",
        value: undefined,
        allowed: `required in prod: the partner API's domainName, certificateArn, truststoreUri (mutual TLS) and partners. Set it with ${setCommand("partnerApi.domainName", "partners.bank.example")}, ${setCommand("partnerApi.truststoreUri", "s3://<bucket>/partners.pem")} ...`,
      });
    }
    const partners = config.partnerApi?.partners ?? [];
    const repeated = partners.filter((p, i) => partners.indexOf(p) !== i);
    if (repeated.length > 0) problems.push({ key: "partnerApi.partners", value: partners, allowed: `must not repeat a partner (${[...new Set(repeated)].join(", ")}): each gets one API key` });
    if (prod && config.appCertificateArn === undefined) {
      problems.push({ key: "appCertificateArn", value: undefined, allowed: `required in prod: the ACM certificate of the app servers' internal load balancer (HTTPS only; ${setCommand("appCertificateArn", "arn:aws:acm:<region>:<account>:certificate/<id>")})` });
    }
    if (prod && config.documentRetentionDays === undefined) {
      problems.push({ key: "documentRetentionDays", value: undefined, allowed: "required in prod: days each customer document and receipt stays locked in compliance mode (nobody, not even the root user, can delete it earlier)" });
    }
    if (config.fraudLimits && config.fraudLimits.maxDailyCents < config.fraudLimits.maxSingleCents) {
      problems.push({ key: "fraudLimits.maxDailyCents", value: config.fraudLimits.maxDailyCents, allowed: `must be at least fraudLimits.maxSingleCents (${config.fraudLimits.maxSingleCents})` });
    }
    return problems;
  },
};

/** Read and validate the stack's config (call first: bad config registers nothing). */
export function loadBankingConfig(): BankingSettings {
  return loadStackConfig(bankingDefinition);
}
