/**
 * Environment profiles: the one place where dev and prod differ.
 *
 * Components read sizes and protections from the profile instead of taking flags from each
 * project, so "what changes between dev and prod" is answered by this file alone. A stack may
 * override a named key through the `profileOverrides` config key (see `config.ts`); anything else
 * is fixed by the environment.
 */

/** The environments a stack can be. A stack's environment picks its profile. */
export const Environments = ["dev", "prod"] as const;
export type Environment = (typeof Environments)[number];

/** NAT strategies, in the vocabulary of `awsx.ec2.Vpc` (`natGateways.strategy`). */
export const NatStrategies = ["None", "Single", "OnePerAz"] as const;
export type NatStrategy = (typeof NatStrategies)[number];

/** WAF rule action for managed rule groups: count (observe) or block (enforce). */
export const WafActions = ["count", "block"] as const;
export type WafAction = (typeof WafActions)[number];

/** VPC flow log traffic types (`aws.ec2.FlowLog.trafficType`). */
export const FlowLogTrafficTypes = ["ACCEPT", "REJECT", "ALL"] as const;
export type FlowLogTrafficType = (typeof FlowLogTrafficTypes)[number];

/**
 * CloudWatch Logs retention values that AWS accepts (`aws.cloudwatch.LogGroup.retentionInDays`);
 * 0 (never expire) is deliberately absent: every log group here expires.
 */
export const LogRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Everything that differs between environments. Every field is documented with why. */
export interface EnvironmentProfile {
  /** The environment this profile is for. */
  readonly environment: Environment;

  // --- network ---
  /** How many availability zones subnets span. Prod: 3 so losing one AZ keeps a majority. */
  readonly availabilityZones: number;
  /** NAT gateways: one per AZ in prod (no cross-AZ dependency), one in dev (cost). */
  readonly natStrategy: NatStrategy;
  /** Which traffic VPC flow logs capture. */
  readonly flowLogTrafficType: FlowLogTrafficType;

  // --- availability ---
  /** Run stateful services across AZs (RDS readers, EFS regional, Redshift multi-AZ). */
  readonly multiAz: boolean;

  // --- compute sizing ---
  /** Minimum instances in an Auto Scaling group. */
  readonly minInstances: number;
  /** Maximum instances in an Auto Scaling group. */
  readonly maxInstances: number;
  /** Default EC2 instance type for general-purpose fleets. */
  readonly instanceType: string;
  /** Aurora Serverless v2 capacity range, in ACUs. */
  readonly databaseMinCapacity: number;
  readonly databaseMaxCapacity: number;
  /** Aurora reader instances beside the writer (0 in dev: no failover target, lower cost). */
  readonly databaseReaders: number;

  // --- retention ---
  /** CloudWatch Logs retention in days (one of `LogRetentionDays`). */
  readonly logRetentionDays: number;
  /** Automated backup retention for databases and AWS Backup plans, in days. */
  readonly backupRetentionDays: number;

  // --- protection ---
  /** Provider-side deletion protection (RDS, DynamoDB, ALB, Redshift...). */
  readonly deletionProtection: boolean;
  /**
   * Pulumi-side protection of stateful resources: `protect` (a `pulumi destroy` or a replace
   * refuses) and `retainOnDelete` (removing it from code leaves the cloud resource in place).
   */
  readonly protectStatefulResources: boolean;
  /** Take a final snapshot when a database is deleted. */
  readonly finalSnapshot: boolean;
  /** Days a scheduled KMS key deletion waits (7 to 30): the window to cancel a mistake. */
  readonly kmsDeletionWindowDays: number;
  /** Allow emptying buckets on delete (`forceDestroy`): dev only, never with data that matters. */
  readonly forceDestroyBuckets: boolean;

  // --- edge ---
  /** WAF managed-rule action: count in dev (tune without breaking tests), block in prod. */
  readonly wafAction: WafAction;
  /** Requests per 5 minutes per client IP before the WAF rate rule acts. */
  readonly wafRateLimit: number;
}

const dev: EnvironmentProfile = {
  environment: "dev",
  availabilityZones: 2,
  natStrategy: "Single",
  flowLogTrafficType: "REJECT",
  multiAz: false,
  minInstances: 1,
  maxInstances: 2,
  instanceType: "t3.medium",
  databaseMinCapacity: 0,
  databaseMaxCapacity: 2,
  databaseReaders: 0,
  logRetentionDays: 30,
  backupRetentionDays: 7,
  deletionProtection: false,
  protectStatefulResources: false,
  finalSnapshot: false,
  kmsDeletionWindowDays: 7,
  forceDestroyBuckets: true,
  wafAction: "count",
  wafRateLimit: 2000,
};

const prod: EnvironmentProfile = {
  environment: "prod",
  availabilityZones: 3,
  natStrategy: "OnePerAz",
  flowLogTrafficType: "ALL",
  multiAz: true,
  minInstances: 2,
  maxInstances: 12,
  instanceType: "m7i.large",
  databaseMinCapacity: 0.5,
  databaseMaxCapacity: 16,
  databaseReaders: 1,
  logRetentionDays: 365,
  backupRetentionDays: 35,
  deletionProtection: true,
  protectStatefulResources: true,
  finalSnapshot: true,
  kmsDeletionWindowDays: 30,
  forceDestroyBuckets: false,
  wafAction: "block",
  wafRateLimit: 2000,
};

/** The built-in profiles, frozen so that no program can change them by accident. */
export const Profiles: Readonly<Record<Environment, EnvironmentProfile>> = Object.freeze({
  dev: Object.freeze({ ...dev }),
  prod: Object.freeze({ ...prod }),
});

/**
 * The profile keys a stack may override through `profileOverrides`. Protections are absent on
 * purpose: prod's deletion protection is not a per-stack choice.
 */
export const OverridableProfileKeys = [
  "availabilityZones",
  "natStrategy",
  "flowLogTrafficType",
  "minInstances",
  "maxInstances",
  "instanceType",
  "databaseMinCapacity",
  "databaseMaxCapacity",
  "databaseReaders",
  "logRetentionDays",
  "backupRetentionDays",
  "wafRateLimit",
] as const satisfies readonly (keyof EnvironmentProfile)[];
export type OverridableProfileKey = (typeof OverridableProfileKeys)[number];
export type ProfileOverrides = Partial<Pick<EnvironmentProfile, OverridableProfileKey>>;

/** The profile for an environment with a stack's overrides applied (already validated). */
export function resolveProfile(environment: Environment, overrides: ProfileOverrides = {}): EnvironmentProfile {
  return Object.freeze({ ...Profiles[environment], ...overrides });
}
