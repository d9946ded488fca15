/**
 * The analytics project's stack configuration: its own keys (`analytics:<key>`), the cross-key
 * rules, and the workload choices that differ between dev and prod beyond the shared profile (one
 * table, so that index.ts holds no sizing literals).
 */
import { z } from "zod";
import { loadStackConfig, ProjectDefinition, StackSettings } from "../../shared/config";
import type { Environment } from "../../shared/profiles";

const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as m7g.xlarge");

export const analyticsSchema = {
  /**
   * S3 URI of the zip of PEM files EMR uses for in-transit TLS (privateKey.pem, certificateChain.pem,
   * trustedCertificates.pem). Adopter-specific: no default; required while the Spark cluster is on.
   */
  sparkTlsCertificatesS3Uri: z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.zip$/, "must be s3://<bucket>/<key>.zip").optional(),
  /**
   * The admin password of the Spark cluster's Kerberos KDC (cluster-dedicated), a secret:
   * `pulumi config set --secret analytics:sparkKdcAdminPassword <password>`. Adopter-specific: no
   * default; required while the Spark cluster is on.
   */
  sparkKdcAdminPassword: z.string().min(12, "must be at least 12 characters").max(128).optional(),
  /** Run the EMR Spark cluster. Default: true (dev: it terminates itself after an idle hour). */
  sparkCluster: z.boolean().default(true),
  /** EMR instance types, in order of preference (1 to 5). Default: m7g.xlarge, m6g.xlarge. */
  sparkInstanceTypes: z.array(instanceType).min(1).max(5).default(["m7g.xlarge", "m6g.xlarge"]),
  /** Shards of the ingest stream when provisioned (prod). Required in prod; dev is on-demand. */
  ingestShards: z.number().int().min(1).max(500).optional(),
  /** Days before raw events move to S3 Glacier Flexible Retrieval. Default: 90. */
  rawArchiveAfterDays: z.number().int().min(30).max(3650).default(90),
  /** Days before raw events move to S3 Glacier Deep Archive (after the Glacier step). Default: 365. */
  rawDeepArchiveAfterDays: z.number().int().min(120).max(36500).default(365),
  /** A provisioned Redshift cluster instead of Serverless. Default: Serverless. */
  warehouseProvisioned: z
    .object({
      nodeType: z.string().regex(/^(ra3|dc2)\.[a-z0-9]+$/, "must be an RA3 node type such as ra3.xlplus"),
      nodes: z.number().int().min(1).max(128),
      pauseSchedule: z.string().regex(/^cron\(.+\)$/, "must be cron(...)").optional(),
      resumeSchedule: z.string().regex(/^cron\(.+\)$/, "must be cron(...)").optional(),
    })
    .strict()
    .optional(),
  /** When the warehouse dashboard's SPICE data set is refreshed each day (HH:MM, UTC). Default: 05:00. */
  dashboardRefreshTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (UTC), e.g. 05:00").default("05:00"),
  /** SageMaker Studio user profiles to create. Default: none. */
  mlUserProfiles: z.array(z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, "must be 1 to 63 letters, digits or dashes")).max(50).default([]),
};

export type AnalyticsConfig = z.infer<z.ZodObject<typeof analyticsSchema>>;
export type AnalyticsSettings = StackSettings<AnalyticsConfig>;

/** What differs between dev and prod for this workload, beyond the shared profile and the keys above. */
export interface AnalyticsEnvironmentDefaults {
  /** Kinesis capacity: on-demand in dev (pay per GB, no shards to size), provisioned in prod. */
  readonly ingestStreamMode: "ON_DEMAND" | "PROVISIONED";
  readonly ingestRetentionHours: number;
  /** Ingest consumer mapping: records per batch, batching window, retries before the on-failure queue. */
  readonly ingestConsumer: { batchSize: number; maximumBatchingWindowInSeconds: number; maximumRetryAttempts: number };
  readonly ingestFunction: { memorySize: number; timeout: number };
  /** Days sessions and activity items live (DynamoDB TTL). */
  readonly retentionDays: { sessions: number; activity: number };
  /** Redshift Serverless base RPUs and the daily RPU-hour limit (none in prod). */
  readonly warehouse: { baseCapacity: number; maxCapacity: number; maxRpuHoursPerDay?: number };
  /** EMR: core nodes, most Spot task nodes, idle seconds before self-termination (false: stays up). */
  readonly spark: { coreNodes: number; maxTaskNodes: number; idleTimeoutSeconds: number | false };
  /** Athena: bytes one query may scan. */
  readonly bytesScannedCutoffPerQuery: number;
  /** SageMaker apps reach AWS through interface endpoints (prod) or NAT (dev, cheaper idle). */
  readonly mlEndpointsOnly: boolean;
}

/**
 * | choice                  | dev                                        | prod                                     |
 * |-------------------------|--------------------------------------------|------------------------------------------|
 * | ingest stream           | ON_DEMAND, 24 h                            | PROVISIONED (`ingestShards`), 168 h      |
 * | ingest consumer         | 100 records, 5 s window, 3 retries         | 1,000 records, 1 s window, 5 retries     |
 * | warehouse (Serverless)  | 8 RPU base, 32 max, 8 RPU-hours a day      | 32 RPU base, 256 max, no daily limit     |
 * | Spark (EMR)             | 1 core, up to 2 Spot task nodes, ends after| 2 core, up to 10 Spot task nodes,        |
 * |                         | an idle hour                               | always on (termination protection)       |
 * | Athena scan limit       | 1 GiB a query                              | 100 GiB a query                          |
 * | SageMaker networking    | NAT                                        | interface endpoints only                 |
 * | sessions / activity TTL | 30 / 90 days                               | 30 / 400 days                            |
 */
export const environmentDefaults: Readonly<Record<Environment, AnalyticsEnvironmentDefaults>> = {
  dev: {
    ingestStreamMode: "ON_DEMAND",
    ingestRetentionHours: 24,
    ingestConsumer: { batchSize: 100, maximumBatchingWindowInSeconds: 5, maximumRetryAttempts: 3 },
    ingestFunction: { memorySize: 256, timeout: 60 },
    retentionDays: { sessions: 30, activity: 90 },
    warehouse: { baseCapacity: 8, maxCapacity: 32, maxRpuHoursPerDay: 8 },
    spark: { coreNodes: 1, maxTaskNodes: 2, idleTimeoutSeconds: 3600 },
    bytesScannedCutoffPerQuery: 1024 ** 3,
    mlEndpointsOnly: false,
  },
  prod: {
    ingestStreamMode: "PROVISIONED",
    ingestRetentionHours: 168,
    ingestConsumer: { batchSize: 1000, maximumBatchingWindowInSeconds: 1, maximumRetryAttempts: 5 },
    ingestFunction: { memorySize: 512, timeout: 120 },
    retentionDays: { sessions: 30, activity: 400 },
    warehouse: { baseCapacity: 32, maxCapacity: 256 },
    spark: { coreNodes: 2, maxTaskNodes: 10, idleTimeoutSeconds: false },
    bytesScannedCutoffPerQuery: 100 * 1024 ** 3,
    mlEndpointsOnly: true,
  },
};

/** Interface endpoints SageMaker Studio and jobs need when they do not go through NAT (prod). */
export const MlInterfaceEndpoints = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "kms", "ecr.api", "ecr.dkr"] as const;

type Problem = { key: string; value: unknown; allowed: string };

export const analyticsDefinition: ProjectDefinition<typeof analyticsSchema> = {
  dataClassification: "confidential",
  compliance: ["fsbp", "gdpr"],
  schema: analyticsSchema,
  refine: (config, environment) => {
    const problems: Problem[] = [];
    if (environment === "prod" && config.ingestShards === undefined) {
      problems.push({ key: "ingestShards", value: undefined, allowed: "required in prod: the ingest stream is provisioned (1 MB/s or 1,000 records/s in per shard)" });
    }
    if (environment === "dev" && config.ingestShards !== undefined) {
      problems.push({ key: "ingestShards", value: config.ingestShards, allowed: "not used in dev: the dev stream is on-demand; remove the key" });
    }
    if (config.sparkCluster !== false && config.sparkTlsCertificatesS3Uri === undefined) {
      problems.push({
        key: "sparkTlsCertificatesS3Uri",
        value: undefined,
        allowed:
          "required while sparkCluster is on: the S3 URI of a zip of the PEM certificates EMR uses to encrypt traffic between nodes (EMR.4), in a bucket of your account. Set it with `pulumi config set analytics:sparkTlsCertificatesS3Uri s3://<bucket>/<key>.zip`, or turn the cluster off with `pulumi config set analytics:sparkCluster false`",
      });
    }
    if (config.sparkCluster !== false && config.sparkKdcAdminPassword === undefined) {
      problems.push({
        key: "sparkKdcAdminPassword",
        value: undefined,
        allowed:
          "required while sparkCluster is on: the admin password of the cluster's own Kerberos KDC (every user and service on the cluster authenticates with Kerberos), kept as a secret. Set it with `pulumi config set --secret analytics:sparkKdcAdminPassword <password>` (12 to 128 characters), or turn the cluster off with `pulumi config set analytics:sparkCluster false`",
      });
    }
    if (config.rawArchiveAfterDays !== undefined && config.rawDeepArchiveAfterDays !== undefined && config.rawDeepArchiveAfterDays < config.rawArchiveAfterDays + 90) {
      problems.push({
        key: "rawDeepArchiveAfterDays",
        value: config.rawDeepArchiveAfterDays,
        allowed: `at least rawArchiveAfterDays + 90 (${config.rawArchiveAfterDays + 90}): objects stay 90 days in Glacier Flexible Retrieval before Deep Archive (its minimum storage duration)`,
      });
    }
    const w = config.warehouseProvisioned;
    if (w && (w.pauseSchedule === undefined) !== (w.resumeSchedule === undefined)) {
      problems.push({ key: "warehouseProvisioned.resumeSchedule", value: w.resumeSchedule, allowed: "pauseSchedule and resumeSchedule go together: a paused cluster must resume" });
    }
    if (w && environment === "prod" && w.nodes < 2) {
      problems.push({ key: "warehouseProvisioned.nodes", value: w.nodes, allowed: "at least 2 in prod: a multi-AZ cluster" });
    }
    return problems;
  },
};

/** Read and validate the stack's config (call first: bad config registers nothing). */
export function loadAnalyticsConfig(): AnalyticsSettings {
  return loadStackConfig(analyticsDefinition);
}
