/**
 * The catalog and SQL layer of an S3 data lake: a Glue database, crawlers over the lake's zones,
 * Glue ETL jobs whose scripts live in the repository (uploaded as assets), a Glue security
 * configuration that encrypts everything Glue writes, and an Athena workgroup with enforced,
 * encrypted results and a per-query scan limit, plus named queries.
 *
 * | setting                   | default                                                           | control          |
 * |---------------------------|-------------------------------------------------------------------|------------------|
 * | Glue security config      | S3 output SSE-KMS, CloudWatch logs KMS, job bookmarks CSE-KMS      | Glue.1, BP.Glue  |
 * | crawlers                  | the security configuration; new folders only (date partitions);   |                  |
 * |                           | schema changes logged, never deleted; on a schedule               |                  |
 * | ETL jobs                  | Glue 5.0, security configuration, bookmarks on, metrics and        | Glue.4           |
 * |                           | continuous logs on, a timeout and retries                         |                  |
 * | Athena workgroup          | SSE-KMS results with the key, enforced on clients, CloudWatch      | Athena.1, .4     |
 * |                           | metrics, `bytesScannedCutoffPerQuery`                             |                  |
 * | roles                     | one per crawler set and per job, scoped to the zones they touch   |                  |
 *
 * Grants: `grantQuery(role)` lets a principal run queries in the workgroup over the database
 * (Athena, Glue catalog reads, the zones' objects, the results bucket, the key).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { KmsEncryptDecryptActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, PolicyStatement, throwIfProblems } from "../security/policy-document";
import type { EncryptedBucket } from "../storage/encrypted-bucket";

/** A prefix of a lake bucket that a crawler catalogs into tables. */
export interface CrawlerTarget {
  /** The crawler's short name (also the table prefix' source). Required. */
  name: string;
  /** The bucket. Required. */
  bucket: EncryptedBucket;
  /** Prefix under the bucket, e.g. `events/` (Hive partitions such as `dt=YYYY-MM-DD/` below it become partitions). Required. */
  prefix: string;
  /** Glob patterns to skip, e.g. `dead-letter/**`. Default: none. */
  exclusions?: string[];
}

/** A Glue ETL job whose PySpark script is a file of the repository. */
export interface EtlJob {
  /** The job's short name. Required. */
  name: string;
  /** Local path of the script (uploaded as an S3 object by `pulumi up`). Required. */
  scriptPath: string;
  /** What the job does. Required. */
  description: string;
  /** Buckets (and prefixes) the job reads. Required. */
  reads: { bucket: EncryptedBucket; prefix?: string }[];
  /** Buckets (and prefixes) the job writes. Required. */
  writes: { bucket: EncryptedBucket; prefix?: string }[];
  /** Script arguments (`--name value`). Default: none. */
  arguments?: Record<string, pulumi.Input<string>>;
  /** Worker type. Default: `G.1X`. */
  workerType?: "G.1X" | "G.2X" | "G.4X" | "G.025X";
  /** Number of workers, 2 to 100. Default: 2. */
  numberOfWorkers?: number;
  /** Minutes before the run is stopped. Default: 60. */
  timeoutMinutes?: number;
  /** Cron schedule (`cron(...)`) for a scheduled trigger. Default: started by a workflow or by hand. */
  schedule?: string;
}

/** A saved Athena query. */
export interface NamedQuery {
  name: string;
  description: string;
  /** SQL over the database's tables. */
  query: pulumi.Input<string>;
}

export interface DataLakeArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The key for everything Glue and Athena write (and the catalog's logs). Its policy must let the `logs` service principal use it. Required. */
  kmsKey: KeyReference;
  /** Glue database name (lower case, underscores). Default: `<project>_<stack>` with `-` as `_`. */
  databaseName?: string;
  /** What the crawlers catalog. Default: none. */
  crawlerTargets?: CrawlerTarget[];
  /** Crawler schedule. Default: `cron(15 * * * ? *)` (hourly; new folders only). */
  crawlerSchedule?: string;
  /** ETL jobs. Default: none. */
  etlJobs?: EtlJob[];
  /** Where job scripts and Glue's temporary files go. Required with `etlJobs`. */
  scriptsBucket?: EncryptedBucket;
  /** Where Athena writes query results (encrypted with `kmsKey`). Required. */
  resultsBucket: EncryptedBucket;
  /** Bytes one query may scan before Athena cancels it, at least 10 MB. Default: 10 GiB. */
  bytesScannedCutoffPerQuery?: number;
  /** Saved queries in the workgroup. Default: none. */
  namedQueries?: NamedQuery[];
  /** IAM path and permissions boundary of the roles this component creates. Default: `/`, none. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** Athena actions a query runner needs in one workgroup. */
export const AthenaQueryActions = [
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:GetQueryResultsStream",
  "athena:GetWorkGroup",
  "athena:ListQueryExecutions",
  "athena:GetNamedQuery",
  "athena:ListNamedQueries",
] as const;
/** Glue catalog reads a query needs. */
export const GlueCatalogReadActions = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"] as const;
/** Glue catalog writes a crawler or job needs beside the reads. */
export const GlueCatalogWriteActions = ["glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"] as const;

const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;

/** A stack's lake database name, `<project>_<stack>_lake` in the characters Athena accepts (queries and data sets embed it). */
export const lakeDatabaseName = (project: string, stack: string): string => `${project}_${stack}_lake`.toLowerCase().replace(/[^a-z0-9_]/g, "_");

/** Bucket locations without repeats (one grant each). */
function uniqueLocations(locations: { bucket: EncryptedBucket; prefix?: string }[]): { bucket: EncryptedBucket; prefix?: string }[] {
  const out: { bucket: EncryptedBucket; prefix?: string }[] = [];
  for (const l of locations) if (!out.some((o) => o.bucket === l.bucket && (o.prefix ?? "") === (l.prefix ?? ""))) out.push(l);
  return out;
}

export class DataLake extends pulumi.ComponentResource {
  readonly database: aws.glue.CatalogDatabase;
  readonly databaseName: pulumi.Output<string>;
  readonly securityConfiguration: aws.glue.SecurityConfiguration;
  readonly workGroup: aws.athena.Workgroup;
  readonly workGroupName: pulumi.Output<string>;
  readonly workGroupArn: pulumi.Output<string>;
  readonly crawlers: aws.glue.Crawler[] = [];
  readonly crawlerRole: aws.iam.Role | undefined;
  readonly jobs: Record<string, aws.glue.Job> = {};
  readonly jobRoles: Record<string, aws.iam.Role> = {};

  private readonly componentName: string;
  /** What a query may read: the crawled prefixes and the prefixes the jobs write, nothing else of those buckets. */
  private readonly queryLocations: { bucket: EncryptedBucket; prefix?: string }[];
  private readonly resultsBucket: EncryptedBucket;
  private readonly keyArn: pulumi.Input<string>;

  constructor(name: string, args: DataLakeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:analytics:DataLake", name, {}, opts);
    const { context } = args;
    const databaseName = args.databaseName ?? `${context.project}_${context.stack}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    const cutoff = args.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3;
    const targets = args.crawlerTargets ?? [];
    const jobs = args.etlJobs ?? [];

    const problems: string[] = [];
    if (!DATABASE_NAME.test(databaseName)) problems.push(`databaseName = "${databaseName}": must be 1 to 255 lower-case letters, digits or underscores (Athena cannot query other names)`);
    if (!Number.isInteger(cutoff) || cutoff < 10_000_000) problems.push(`bytesScannedCutoffPerQuery = ${cutoff}: must be a whole number of bytes >= 10000000 (Athena's minimum, 10 MB)`);
    const seen = new Set<string>();
    for (const t of targets) {
      if (!/^[a-z0-9-]{1,40}$/.test(t.name)) problems.push(`crawlerTargets: name "${t.name}" must be 1 to 40 lower-case letters, digits or dashes`);
      if (seen.has(`crawler:${t.name}`)) problems.push(`crawlerTargets: name "${t.name}" is used twice`);
      seen.add(`crawler:${t.name}`);
      if (t.prefix !== "" && !t.prefix.endsWith("/")) problems.push(`crawlerTargets.${t.name}.prefix = "${t.prefix}": must end with "/" (a folder)`);
    }
    for (const j of jobs) {
      if (!/^[a-z0-9-]{1,40}$/.test(j.name)) problems.push(`etlJobs: name "${j.name}" must be 1 to 40 lower-case letters, digits or dashes`);
      if (seen.has(`job:${j.name}`)) problems.push(`etlJobs: name "${j.name}" is used twice`);
      seen.add(`job:${j.name}`);
      if (!fs.existsSync(j.scriptPath)) problems.push(`etlJobs.${j.name}.scriptPath = "${j.scriptPath}": no such file`);
      const workers = j.numberOfWorkers ?? 2;
      if (!Number.isInteger(workers) || workers < 2 || workers > 100) problems.push(`etlJobs.${j.name}.numberOfWorkers = ${workers}: must be a whole number from 2 to 100`);
      if (j.reads.length === 0 || j.writes.length === 0) problems.push(`etlJobs.${j.name}: needs at least one bucket to read and one to write`);
    }
    if (jobs.length > 0 && args.scriptsBucket === undefined) problems.push("scriptsBucket is required with etlJobs: job scripts and Glue's temporary files live there");
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`DataLake ${name}`, problems);

    this.componentName = name;
    this.resultsBucket = args.resultsBucket;
    this.keyArn = keyArnOf(args.kmsKey);
    this.queryLocations = uniqueLocations([...targets.map((t) => ({ bucket: t.bucket, ...(t.prefix ? { prefix: t.prefix } : {}) })), ...jobs.flatMap((j) => j.writes)]);
    const tags = withTags(context.tags, args.tags ?? {});
    const keyArn = this.keyArn;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const glueArn = (what: string) => pulumi.interpolate`arn:${partition}:glue:${context.region}:${account}:${what}`;

    this.database = new aws.glue.CatalogDatabase(name, { name: databaseName, description: `Data lake catalog of ${context.project} ${context.stack}`, tags }, { parent: this });
    this.databaseName = this.database.name;
    const catalogResources = [glueArn("catalog"), glueArn(`database/${databaseName}`), glueArn(`table/${databaseName}/*`)];

    this.securityConfiguration = new aws.glue.SecurityConfiguration(
      name,
      {
        name: physicalName(context, name, 128),
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: keyArn },
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: keyArn },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: keyArn },
        },
      },
      { parent: this },
    );
    const securityConfigurationName = this.securityConfiguration.name;

    // What every Glue role needs: its encrypted logs (Glue names the groups /aws-glue/...), the key, the catalog.
    const glueBase = (writesCatalog: boolean): PolicyStatement[] => [
      {
        Sid: "GlueLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        Resource: pulumi.interpolate`arn:${partition}:logs:${context.region}:${account}:log-group:/aws-glue/*`,
      },
      { Sid: "UseLakeKey", Effect: "Allow", Action: [...KmsEncryptDecryptActions], Resource: keyArn },
      { Sid: "GlueSecurityConfiguration", Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "*" },
      { Sid: "Catalog", Effect: "Allow", Action: [...GlueCatalogReadActions, ...(writesCatalog ? GlueCatalogWriteActions : [])], Resource: catalogResources },
    ];

    if (targets.length > 0) {
      const role = serviceRole(this, `${name}-crawler`, {
        context,
        service: "glue.amazonaws.com",
        description: `Glue crawlers of ${physicalName(context, name)}: read the lake zones, write the catalog`,
        placement: args.rolePlacement,
        trustConditions: { StringEquals: { "aws:SourceAccount": account } },
      });
      this.crawlerRole = role;
      const base = grantToRole(this, name, role, "crawler", glueBase(true));
      const reads = targets.map((t) => t.bucket.grantRead(role, { prefix: t.prefix }));
      for (const t of targets) {
        this.crawlers.push(
          new aws.glue.Crawler(
            `${name}-${t.name}`,
            {
              name: physicalName(context, `${name}-${t.name}`, 255),
              description: pulumi.interpolate`Catalogs s3://${t.bucket.bucketName}/${t.prefix} into ${databaseName}`,
              databaseName: this.database.name,
              role: role.arn,
              securityConfiguration: securityConfigurationName,
              schedule: args.crawlerSchedule ?? "cron(15 * * * ? *)",
              s3Targets: [{ path: pulumi.interpolate`s3://${t.bucket.bucketName}/${t.prefix}`, exclusions: t.exclusions ?? [] }],
              // Date partitions arrive as new folders: crawl only those (cheap), log schema changes, never delete tables.
              recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
              schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
              configuration: JSON.stringify({ Version: 1, Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" }, CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } } }),
              tags,
            },
            { parent: this, dependsOn: [base, ...reads] },
          ),
        );
      }
    } else {
      this.crawlerRole = undefined;
    }

    for (const job of jobs) {
      const scripts = args.scriptsBucket!;
      const script = new aws.s3.BucketObjectv2(
        `${name}-${job.name}-script`,
        { bucket: scripts.bucketName, key: `glue/${job.name}/${job.scriptPath.split("/").pop()}`, source: new pulumi.asset.FileAsset(job.scriptPath), serverSideEncryption: "aws:kms", kmsKeyId: scripts.kmsKeyArn ?? keyArn, tags },
        { parent: this },
      );
      const role = serviceRole(this, `${name}-${job.name}`, {
        context,
        service: "glue.amazonaws.com",
        description: `Glue job ${job.name} of ${physicalName(context, name)}: ${job.description}`,
        placement: args.rolePlacement,
        trustConditions: { StringEquals: { "aws:SourceAccount": account } },
      });
      this.jobRoles[job.name] = role;
      const grants = [
        grantToRole(this, name, role, `job-${job.name}`, glueBase(true)),
        scripts.grantRead(role, { prefix: `glue/${job.name}/` }),
        scripts.grantWrite(role, { prefix: `glue-temp/${job.name}/` }),
        scripts.grantRead(role, { prefix: `glue-temp/${job.name}/` }),
        // Bookmarks and overwrites read back what the job wrote: reads cover the written prefixes too.
        ...uniqueLocations([...job.reads, ...job.writes]).map((r) => r.bucket.grantRead(role, { prefix: r.prefix })),
        ...uniqueLocations(job.writes).map((w) => w.bucket.grantWrite(role, { prefix: w.prefix })),
      ];
      const glueJob = new aws.glue.Job(
        `${name}-${job.name}`,
        {
          name: physicalName(context, `${name}-${job.name}`, 255),
          description: job.description,
          roleArn: role.arn,
          glueVersion: "5.0",
          workerType: job.workerType ?? "G.1X",
          numberOfWorkers: job.numberOfWorkers ?? 2,
          timeout: job.timeoutMinutes ?? 60,
          maxRetries: 1,
          executionProperty: { maxConcurrentRuns: 1 },
          securityConfiguration: securityConfigurationName,
          command: { name: "glueetl", pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${scripts.bucketName}/${script.key}` },
          defaultArguments: {
            "--job-language": "python",
            "--job-bookmark-option": "job-bookmark-enable",
            "--enable-metrics": "true",
            "--enable-continuous-cloudwatch-log": "true",
            "--TempDir": pulumi.interpolate`s3://${scripts.bucketName}/glue-temp/${job.name}/`,
            "--DATABASE_NAME": this.database.name,
            ...Object.fromEntries(Object.entries(job.arguments ?? {}).map(([k, v]) => [`--${k}`, v])),
          },
          tags,
        },
        { parent: this, dependsOn: grants },
      );
      this.jobs[job.name] = glueJob;
      if (job.schedule !== undefined) {
        new aws.glue.Trigger(
          `${name}-${job.name}`,
          { name: physicalName(context, `${name}-${job.name}`, 255), type: "SCHEDULED", schedule: job.schedule, actions: [{ jobName: glueJob.name }], tags },
          { parent: this },
        );
      }
    }

    this.workGroup = new aws.athena.Workgroup(
      name,
      {
        name: physicalName(context, name, 128),
        description: `SQL over the ${databaseName} lake: encrypted results, ${Math.round(cutoff / 1024 ** 2)} MiB scan limit per query`,
        forceDestroy: context.profile.forceDestroyBuckets,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: cutoff,
          engineVersion: { selectedEngineVersion: "AUTO" },
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${args.resultsBucket.bucketName}/athena/`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: keyArn },
          },
        },
        tags,
      },
      { parent: this },
    );
    this.workGroupName = this.workGroup.name;
    this.workGroupArn = this.workGroup.arn;
    this.databaseName = this.database.name;

    for (const q of args.namedQueries ?? []) {
      new aws.athena.NamedQuery(`${name}-${q.name}`, { name: q.name, description: q.description, database: this.database.name, workgroup: this.workGroup.name, query: q.query }, { parent: this });
    }

    this.registerOutputs({ databaseName: this.databaseName, workGroupName: this.workGroupName, workGroupArn: this.workGroupArn });
  }

  /**
   * Let a role run queries in the workgroup over the database: Athena in the workgroup, catalog
   * reads, reads of the crawled and job-written prefixes (not the rest of their buckets), the results
   * location, and the key.
   */
  grantQuery(role: aws.iam.Role): pulumi.Resource[] {
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const glueArn = (what: pulumi.Input<string>) => pulumi.interpolate`arn:${partition}:glue:${region}:${account}:${what}`;
    const statements: PolicyStatement[] = [
      { Sid: "RunQueries", Effect: "Allow", Action: [...AthenaQueryActions], Resource: this.workGroupArn },
      { Sid: "ReadCatalog", Effect: "Allow", Action: [...GlueCatalogReadActions], Resource: [glueArn("catalog"), glueArn(pulumi.interpolate`database/${this.databaseName}`), glueArn(pulumi.interpolate`table/${this.databaseName}/*`)] },
      { Sid: "UseLakeKey", Effect: "Allow", Action: [...KmsEncryptDecryptActions], Resource: this.keyArn },
    ];
    return [
      grantToRole(this, this.componentName, role, "query", statements),
      ...this.queryLocations.map((l) => l.bucket.grantRead(role, l.prefix ? { prefix: l.prefix } : {})),
      this.resultsBucket.grantRead(role, { prefix: "athena/" }),
      this.resultsBucket.grantWrite(role, { prefix: "athena/" }),
    ];
  }
}
