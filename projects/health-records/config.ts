/**
 * The health-records project's stack configuration: its own keys (`health-records:<key>`), the
 * cross-key rules, and the workload choices that differ between dev and prod beyond the shared
 * environment profile.
 *
 * Adopter-specific keys (Direct Connect connections to other hospitals, the app servers'
 * certificate, the devices' certificate requests, the HSM cluster's trust anchor and kmsuser
 * password) are never committed: a prod stack without the required ones fails here, before any
 * resource is registered, with the `pulumi config set` command to run. The offline plan reads
 * example values from `tools/plan/adopter-examples.yaml`.
 */
import { z } from "zod";
import { loadStackConfig, ProjectDefinition, StackSettings } from "../../shared/config";
import { directConnectProblems, directConnectSchema } from "../../shared/direct-connect-config";
import type { Environment } from "../../shared/profiles";

const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN in the stack's region");
const pemCertificateRequest = z.string().regex(/^-----BEGIN CERTIFICATE REQUEST-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE REQUEST-----\s*$/, "must be one PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST----- ...)");
const pemCertificate = z.string().regex(/^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/, "must be one PEM certificate (-----BEGIN CERTIFICATE----- ...)");

/** An IoT device: its thing name (= its MQTT client id) and, in prod, the CSR its own key signed. */
const device = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1-128 letters, digits, _ or - (the thing name and MQTT client id)"),
    /** The device's certificate signing request: its private key never leaves it. Required in prod. */
    csr: pemCertificateRequest.optional(),
  })
  .strict();

/** The health-records keys, beside the common ones (owner, profileOverrides, platformStack...). */
export const healthRecordsSchema = {
  /** The Direct Connect link to other hospitals (adopter key). Required in prod; off in dev unless set. Same shape as banking's. */
  directConnect: directConnectSchema.optional(),
  /** ACM certificate of the EHR app servers' internal load balancer (adopter key). Required in prod; dev may serve HTTP inside the VPC. */
  appCertificateArn: certificateArn.optional(),
  /** Days each scanned record stays locked (S3 Object Lock, compliance mode) in prod. Required in prod. */
  recordsRetentionDays: z.number().int().min(1).max(36500).optional(),
  /**
   * The bedside devices: one IoT thing and certificate each. With `csr`, the certificate is issued
   * for the device's own key; without it (dev only), AWS generates the key pair and the stack exports
   * it as a secret for flashing a simulator. Default: none.
   */
  devices: z.array(device).max(500).default([]),
  /** Days a raw reading stays in the device-readings table (TTL). Default: 30 (the lake keeps the FHIR history). */
  readingsRetentionDays: z.number().int().min(1).max(3650).default(30),
  /**
   * Key custody: `hsmCount` HSMs (0, or 2 and more; prod default 2, dev default 0: an HSM costs
   * about USD 1.50 an hour), and once the cluster is initialised (README "Key custody") the custom
   * key store: the CA certificate that signed the cluster (`trustAnchorCertificate`), and
   * `connected: true` once `aws kms connect-custom-key-store` has connected it.
   */
  hsm: z
    .object({
      hsmCount: z.number().int().min(0).max(28).optional(),
      hsmType: z.enum(["hsm2m.medium", "hsm1.medium"]).optional(),
      keyStore: z.object({ trustAnchorCertificate: pemCertificate, connected: z.boolean().default(false) }).strict().optional(),
    })
    .strict()
    .default({}),
  /** The `kmsuser` crypto user's password (7-32 characters), a secret: `pulumi config set --secret health-records:hsmKmsUserPassword`. Required with `hsm.keyStore`. */
  hsmKmsUserPassword: z.string().min(7).max(32).optional(),
  /** When the dashboards' data sets refresh each day (HH:MM, UTC). Default: 03:00. */
  dashboardsRefreshTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour, UTC)").default("03:00"),
  /** A security group whose members may connect to the records database as administrators (schema changes). Default: none. */
  databaseAdminSecurityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id such as sg-0123456789abcdef0").optional(),
};

export type HealthRecordsConfig = z.infer<z.ZodObject<typeof healthRecordsSchema>>;
export type HealthRecordsSettings = StackSettings<HealthRecordsConfig>;

/** What differs between dev and prod for this workload, beyond the shared profile. */
export interface HealthRecordsEnvironmentDefaults {
  /** Stage-wide throttling of the telemedicine API. */
  readonly apiThrottle: { rateLimit: number; burstLimit: number };
  /** Interface endpoints of the VPC (dev reaches AWS APIs through its NAT gateway). */
  readonly interfaceEndpoints: readonly string[];
  /** The functions' sizing. */
  readonly functions: { memorySize: number; timeout: number };
  /** Scanned records: object lock in prod only (a dev stack must be destroyable). */
  readonly recordsLock: boolean;
  /** HSMs when `hsm.hsmCount` is not set. */
  readonly hsmCount: number;
  /** Days the audit trail's logs are kept (HIPAA: six years of audit documentation). */
  readonly auditRetentionDays: number;
}

/**
 * | choice               | dev                                       | prod                                           |
 * |----------------------|-------------------------------------------|------------------------------------------------|
 * | telemedicine API     | 10 req/s, burst 20                        | 200 req/s, burst 400                           |
 * | interface endpoints  | none (NAT)                                | states, sns, ssm, ssmmessages, ec2messages,    |
 * |                      |                                           | ec2, logs, sts, secretsmanager, kms            |
 * | functions            | 256 MB                                    | 512 MB                                         |
 * | scanned records      | versioned, no object lock                 | object lock COMPLIANCE, `recordsRetentionDays` |
 * | HSMs                 | 0 (KMS keys in the standard store)        | 2 in two AZs; the patient-data key in them     |
 * | audit logs kept      | 90 days                                   | 2,190 days (6 years)                           |
 */
export const environmentDefaults: Readonly<Record<Environment, HealthRecordsEnvironmentDefaults>> = {
  dev: {
    apiThrottle: { rateLimit: 10, burstLimit: 20 },
    interfaceEndpoints: [],
    functions: { memorySize: 256, timeout: 20 },
    recordsLock: false,
    hsmCount: 0,
    auditRetentionDays: 90,
  },
  prod: {
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    interfaceEndpoints: ["states", "sns", "ssm", "ssmmessages", "ec2messages", "ec2", "logs", "sts", "secretsmanager", "kms"],
    functions: { memorySize: 512, timeout: 20 },
    recordsLock: true,
    hsmCount: 2,
    auditRetentionDays: 2190,
  },
};

const setCommand = (key: string, example: string) => `\`pulumi config set --path health-records:${key} ${example}\``;

/** The health-records project's definition: tag defaults (restricted, FSBP + HIPAA), keys, cross-key rules. */
export const healthRecordsDefinition: ProjectDefinition<typeof healthRecordsSchema> = {
  dataClassification: "restricted",
  compliance: ["fsbp", "hipaa"],
  schema: healthRecordsSchema,
  refine: (config, environment) => {
    const prod = environment === "prod";
    const problems = directConnectProblems(config.directConnect, { prod, project: "health-records", partners: "other hospitals", why: "for records clinicians need around the clock" });
    if (prod && config.appCertificateArn === undefined) {
      problems.push({ key: "appCertificateArn", value: undefined, allowed: `required in prod: the ACM certificate of the EHR app servers' internal load balancer (HTTPS only; ${setCommand("appCertificateArn", "arn:aws:acm:<region>:<account>:certificate/<id>")})` });
    }
    if (prod && config.recordsRetentionDays === undefined) {
      problems.push({ key: "recordsRetentionDays", value: undefined, allowed: "required in prod: days each scanned medical record stays locked in compliance mode (nobody, not even the root user, can delete it earlier); your records-retention policy decides it" });
    }
    // A key that failed its own validation arrives undefined.
    const devices = config.devices ?? [];
    const hsm = config.hsm ?? {};
    devices.forEach((d, i) => {
      if (prod && d.csr === undefined) {
        problems.push({ key: `devices[${i}].csr`, value: undefined, allowed: `required in prod: the certificate signing request of device ${d.name}, made with its own private key (a key AWS generates would sit in the stack's state); ${setCommand(`devices[${i}].csr`, '"$(cat device.csr)"')}` });
      }
    });
    const names = devices.map((d) => d.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) problems.push({ key: "devices", value: names, allowed: `device names are thing names and must be unique (${[...new Set(repeated)].join(", ")})` });
    const hsmCount = hsm.hsmCount ?? environmentDefaults[environment].hsmCount;
    if (hsmCount === 1) {
      problems.push({ key: "hsm.hsmCount", value: 1, allowed: "0 (no cluster) or 2 to 28: one HSM has no failover, and a KMS custom key store needs two in different Availability Zones" });
    }
    if (hsm.keyStore && hsmCount < 2) {
      problems.push({ key: "hsm.keyStore", value: "[set]", allowed: `needs hsm.hsmCount of 2 or more (it is ${hsmCount}): the custom key store is backed by the cluster's HSMs` });
    }
    if (hsm.keyStore && config.hsmKmsUserPassword === undefined) {
      problems.push({ key: "hsmKmsUserPassword", value: undefined, allowed: "required with hsm.keyStore: the kmsuser crypto user's password, as a secret (`pulumi config set --secret health-records:hsmKmsUserPassword <password>`)" });
    }
    return problems;
  },
};

/** Read and validate the stack's config (call first: bad config registers nothing). */
export function loadHealthRecordsConfig(): HealthRecordsSettings {
  return loadStackConfig(healthRecordsDefinition);
}
