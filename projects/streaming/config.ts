/**
 * The streaming project's stack configuration: its own keys (`streaming:<key>`), the cross-key
 * rules, and the workload choices that differ between dev and prod beyond the shared profile (one
 * table, so that index.ts holds no sizing literals).
 */
import { z } from "zod";
import { loadStackConfig, ProjectDefinition, StackSettings } from "../../shared/config";
import type { Environment } from "../../shared/profiles";
import { DefaultLadder, ladderProblems } from "./workers/transcoder/ladder";

const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as c7i.2xlarge");

const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name such as watch.example.com");

export const streamingSchema = {
  /** Viewer-facing names of the delivery distribution (CloudFront aliases). Need `cdnCertificateArn`. Default: none (the `*.cloudfront.net` name). */
  deliveryDomainNames: z.array(hostname).max(100).default([]),
  /** ACM certificate in us-east-1 covering `deliveryDomainNames`. Required in prod (CloudFront.7); dev may use the `*.cloudfront.net` certificate. */
  cdnCertificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN in us-east-1").optional(),
  /** This stack's own signing public key (PEM, RSA 2048); its private half goes in the output `signingKeySecretArn`'s secret. Adopter key: required, never committed. */
  signingPublicKeyPem: z.string().regex(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n?$/, "must be a PEM public key (-----BEGIN PUBLIC KEY----- ...)").optional(),
  /** Web origins of the players (`https://watch.example.com`): CORS on the CDN, the renditions bucket and the player-events URL. Adopter key: required, never committed. */
  playerOrigins: z.array(z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/, "must be an origin such as https://watch.example.com (https, no path)")).max(20).optional(),
  /** Domain attribute of the signed cookies (e.g. `.example.com` when the player and the CDN share a parent domain). Default: the delivery host. */
  signedCookieDomain: z.string().regex(/^\.?([a-z0-9-]+\.)+[a-z]{2,63}$/, "must be a domain such as .example.com").optional(),
  /** Seconds a signed cookie lets a viewer fetch one video (never beyond their paid period), 300 to 86400. Default: 14400 (4 hours). */
  signedCookieTtlSeconds: z.number().int().min(300).max(86_400).default(14_400),
  /** Shards of the (provisioned) view-events stream. Required in prod; default 1 in dev. */
  viewEventShards: z.number().int().min(1).max(500).optional(),
  /** Hours the view-events stream keeps records, 24 to 8760. Default: 24 in dev, 168 in prod. */
  viewEventRetentionHours: z.number().int().min(24).max(8760).optional(),
  /** Days after upload before originals go to S3 Glacier Deep Archive. Default: never (dev: nothing is archived). */
  originalsDeepArchiveAfterDays: z.number().int().min(1).max(3650).optional(),
  /** Manifest requests (.m3u8/.mpd) per client IP per 5 minutes before the CDN's WAF acts, 100 or more. Segments do not count. Default: 3000 (a few hundred viewers behind one carrier-grade NAT). */
  cdnManifestRateLimit: z.number().int().min(100).max(2_000_000_000).default(3000),
  /** Transcoder instance types, in order of preference. Default: c7i.2xlarge and c6i.2xlarge. */
  transcoderInstanceTypes: z.array(instanceType).min(1).max(20).default(["c7i.2xlarge", "c6i.2xlarge"]),
  /** Transcode on GPU instances. Default: false. Not supported by the worker (libx264 on CPU); true is refused with the reason. */
  transcoderGpu: z.boolean().default(false),
  /** The HLS ladder: `{ name, height, videoKbps, audioKbps }` per rendition; a source gets the rungs at or below its short side (2160p only for 4K). Default: 2160p, 1080p, 720p, 480p, 360p. */
  transcodeRenditions: z
    .array(z.object({ name: z.string(), height: z.number().int(), videoKbps: z.number().int(), audioKbps: z.number().int() }).strict())
    .max(10)
    .default(DefaultLadder.map((r) => ({ ...r }))),
  /** HLS segment length in seconds, 2 to 10. Default: 6. */
  transcodeSegmentSeconds: z.number().int().min(2).max(10).default(6),
  /** Transcoding workers kept running with an empty queue. Default: 0 in dev (scales to zero), 1 in prod. */
  transcoderMinInstances: z.number().int().min(0).max(100).optional(),
  /** Workers always On-Demand; the rest run on Spot. Default: 0 in dev, 1 in prod. */
  transcoderOnDemandBaseCapacity: z.number().int().min(0).max(100).optional(),
  /** Percent On-Demand above the base, 0 to 100. Default: 0 (all Spot above the base). */
  transcoderOnDemandPercentAboveBase: z.number().int().min(0).max(100).default(0),
  /** SSM parameter of a baked worker AMI (ffmpeg, Node.js 20, AWS CLI, SSM agent installed). Default: Debian 13's official AMI, with packages installed at boot. */
  transcoderAmiParameter: z.string().regex(/^\/[A-Za-z0-9_./-]+$/, "must be an SSM parameter path such as /images/transcoder/latest").optional(),
  /** Transcoding jobs waiting per worker before the fleet scales out. Default: 2. */
  transcoderBacklogPerInstance: z.number().min(0.1).max(1000).default(2),
};

export type StreamingConfig = z.infer<z.ZodObject<typeof streamingSchema>>;
export type StreamingSettings = StackSettings<StreamingConfig>;

/** What differs between dev and prod for this workload, beyond the shared profile and the keys above. */
export interface StreamingEnvironmentDefaults {
  /**
   * Kinesis capacity mode: provisioned in both. At idle one provisioned shard costs USD 0.015 an
   * hour (10.95 a month), an on-demand stream USD 0.04 an hour (29.20 a month) before any data, so
   * on-demand is the dearer choice for an idle dev stream.
   */
  readonly viewEventStreamMode: "ON_DEMAND" | "PROVISIONED";
  /** Shards when `viewEventShards` is not set (prod requires it). */
  readonly viewEventShards: number;
  readonly viewEventRetentionHours: number;
  /** Views consumer mapping: records per invocation, batching window, retries before the on-failure queue. */
  readonly viewsConsumer: { batchSize: number; maximumBatchingWindowInSeconds: number; maximumRetryAttempts: number; parallelizationFactor: number };
  /** CloudFront Origin Shield (a regional cache in front of S3, per-request charge): prod, where thousands of viewers miss the same new segments at once. */
  readonly originShield: boolean;
  /** CloudFront TTLs: segments never change (long), manifests are re-read (short). */
  readonly cache: { segmentTtlSeconds: number; manifestTtlSeconds: number };
  /** Transcoding job: seconds a worker holds a job before it reappears; receives before the DLQ. */
  readonly transcodeJobs: { visibilityTimeoutSeconds: number; maxReceiveCount: number };
  /** VPC interface endpoints: prod keeps AWS API traffic in the VPC; dev has none (the NAT gateway reaches the same APIs). */
  readonly interfaceEndpoints: readonly string[];
  /** Transcoding fleet: workers kept with an empty queue, and the On-Demand base under Spot. */
  readonly transcoders: { minInstances: number; onDemandBaseCapacity: number };
  /** Functions: memory (MB) and timeout (s). */
  readonly functions: Record<"onUpload" | "onRenditionComplete" | "playerEvents" | "viewsConsumer" | "entitlement", { memorySize: number; timeout: number }>;
}

/**
 * | choice                  | dev                                  | prod                                    |
 * |-------------------------|--------------------------------------|-----------------------------------------|
 * | view-events stream      | PROVISIONED, 1 shard, 24 h           | PROVISIONED (`viewEventShards`), 168 h  |
 * | views consumer mapping  | 100 records, 5 s window, 2 retries   | 500 records, 1 s window, 5 retries,     |
 * |                         |                                      | 2 batches per shard in parallel         |
 * | origin shield           | off                                  | on, in the stack's region               |
 * | CloudFront TTLs         | segments 1 day, manifests 5 s        | segments 14 days, manifests 5 s         |
 * | transcoding job         | 30 min visibility, 3 receives        | 2 h visibility, 3 receives              |
 * | transcoding fleet       | 0 to 2 workers, all Spot             | 1 On-Demand worker, Spot above it       |
 * | player-events function  | 256 MB, 10 s                         | 512 MB, 10 s                            |
 */
export const environmentDefaults: Readonly<Record<Environment, StreamingEnvironmentDefaults>> = {
  dev: {
    viewEventStreamMode: "PROVISIONED",
    viewEventShards: 1,
    viewEventRetentionHours: 24,
    originShield: false,
    viewsConsumer: { batchSize: 100, maximumBatchingWindowInSeconds: 5, maximumRetryAttempts: 2, parallelizationFactor: 1 },
    cache: { segmentTtlSeconds: 86_400, manifestTtlSeconds: 5 },
    transcodeJobs: { visibilityTimeoutSeconds: 1800, maxReceiveCount: 3 },
    transcoders: { minInstances: 0, onDemandBaseCapacity: 0 },
    interfaceEndpoints: [],
    functions: {
      onUpload: { memorySize: 256, timeout: 30 },
      onRenditionComplete: { memorySize: 256, timeout: 30 },
      playerEvents: { memorySize: 256, timeout: 10 },
      viewsConsumer: { memorySize: 256, timeout: 60 },
      entitlement: { memorySize: 256, timeout: 10 },
    },
  },
  prod: {
    viewEventStreamMode: "PROVISIONED",
    viewEventShards: 4,
    viewEventRetentionHours: 168,
    originShield: true,
    viewsConsumer: { batchSize: 500, maximumBatchingWindowInSeconds: 1, maximumRetryAttempts: 5, parallelizationFactor: 2 },
    cache: { segmentTtlSeconds: 1_209_600, manifestTtlSeconds: 5 },
    transcodeJobs: { visibilityTimeoutSeconds: 7200, maxReceiveCount: 3 },
    transcoders: { minInstances: 1, onDemandBaseCapacity: 1 },
    interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages", "ec2", "sqs", "logs"],
    functions: {
      onUpload: { memorySize: 256, timeout: 30 },
      onRenditionComplete: { memorySize: 256, timeout: 30 },
      playerEvents: { memorySize: 512, timeout: 10 },
      viewsConsumer: { memorySize: 512, timeout: 120 },
      entitlement: { memorySize: 512, timeout: 10 },
    },
  },
};

type Problem = { key: string; value: unknown; allowed: string };

export const streamingDefinition: ProjectDefinition<typeof streamingSchema> = {
  dataClassification: "internal",
  compliance: ["fsbp"],
  schema: streamingSchema,
  refine: (config, environment) => {
    const problems: Problem[] = [];
    if (environment === "prod" && config.viewEventShards === undefined) {
      problems.push({ key: "viewEventShards", value: undefined, allowed: "required in prod: the view-events stream is provisioned (1 MB/s or 1,000 records/s in per shard)" });
    }
    if (environment === "prod" && config.cdnCertificateArn === undefined) {
      problems.push({
        key: "cdnCertificateArn",
        value: undefined,
        allowed: "required in prod: an ISSUED ACM certificate in us-east-1 for deliveryDomainNames, so viewers reach the distribution by its own names over TLS 1.2+ (CloudFront.7). Set it: pulumi config set streaming:cdnCertificateArn arn:aws:acm:us-east-1:<account>:certificate/<id>",
      });
    }
    if (config.signingPublicKeyPem === undefined) {
      problems.push({
        key: "signingPublicKeyPem",
        value: undefined,
        allowed:
          "required: this stack's own CloudFront signing public key (PEM); its private half signs viewers' cookies and never leaves the stack's secret. Create a pair (openssl genrsa -out private.pem 2048 && openssl rsa -pubout -in private.pem -out public.pem), then: pulumi config set streaming:signingPublicKeyPem -- \"$(cat public.pem)\"",
      });
    }
    if (config.playerOrigins === undefined || config.playerOrigins.length === 0) {
      problems.push({
        key: "playerOrigins",
        value: config.playerOrigins,
        allowed: 'required: the web origins of your players, which browsers let read the CDN and post player events (CORS). Set it: pulumi config set --path "streaming:playerOrigins[0]" https://watch.example.com',
      });
    }
    if (config.cdnCertificateArn !== undefined && (config.deliveryDomainNames ?? []).length === 0) {
      problems.push({ key: "deliveryDomainNames", value: [], allowed: "at least one name with cdnCertificateArn: the names the certificate covers" });
    }
    if ((config.deliveryDomainNames ?? []).length > 0 && config.cdnCertificateArn === undefined) {
      problems.push({ key: "cdnCertificateArn", value: undefined, allowed: `required with deliveryDomainNames (${config.deliveryDomainNames!.join(", ")}): an ACM certificate in us-east-1 covering them` });
    }
    const gpuTypes = (config.transcoderInstanceTypes ?? []).filter((t) => /^(g4dn|g5|g6|g6e|gr6|p3|p4d|p5)\./.test(t));
    if (config.transcoderGpu) {
      problems.push({ key: "transcoderGpu", value: true, allowed: "false: the transcoding worker encodes with libx264 on CPU; GPU encoding needs an NVENC ffmpeg build this project does not install" });
    }
    if (gpuTypes.length > 0) {
      problems.push({ key: "transcoderInstanceTypes", value: config.transcoderInstanceTypes, allowed: `CPU types only (the worker encodes on CPU); remove ${gpuTypes.join(", ")}` });
    }
    for (const problem of ladderProblems(config.transcodeRenditions ?? [])) problems.push({ key: "transcodeRenditions", value: config.transcodeRenditions, allowed: problem });

    return problems;
  },
};

/** Read and validate the stack's config (call first: bad config registers nothing). */
export function loadStreamingConfig(): StreamingSettings {
  return loadStackConfig(streamingDefinition);
}
