/**
 * The platform project's stack config: its own keys, the cross-key rules, and the few choices that
 * differ between a dev and a prod account (in one table, beside the shared environment profile).
 */
import { z } from "zod";
import { loadStackConfig, ProjectDefinition, StackSettings } from "../../shared/config";
import type { Environment } from "../../shared/profiles";

const days = z.number().int().min(1).max(36500);

/** The platform's own keys (`platform:<key>`), beside the common ones (owner, compliance...). */
export const platformSchema = {
  /** The GitHub repository whose Actions may assume the CI roles, `<owner>/<repository>`. Required (adopter-specific: no committed value). */
  githubRepository: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, "must be <owner>/<repository> as on GitHub, such as acme/aws-blueprints")
    .optional(),
  /** The branch deploys come from. Default: main. */
  githubDeployBranch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, "must be a branch name such as main")
    .default("main"),
  /** The GitHub environment deploy jobs run in (its protection rules apply). Default: development (dev), production (prod). */
  githubEnvironment: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "must be a GitHub environment name such as prod")
    .optional(),
  /** Also trust deploy jobs on the deploy branch that run without the GitHub environment. Default: true in dev, false in prod. */
  githubDeployFromBranch: z.boolean().optional(),
  /**
   * KMS keys the CI preview roles must decrypt with when the stacks live in a self-managed backend:
   * the `awskms://` secrets provider's key and, if the state bucket uses SSE-KMS, its key. Key ARNs
   * (IAM does not match a key by its alias). Default: none (Pulumi Cloud holds state and secrets).
   */
  stateKeyArns: z
    .array(z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/mrk-[0-9a-f]{32}$/, "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), not an alias: IAM matches keys by key ARN"))
    .default([]),
  /**
   * Per account-baseline service: "create" it here (default), or "existing" when the account
   * already has it (AWS Organizations / Control Tower usually enable GuardDuty, Security Hub and
   * AWS Config for every account, and an account has at most one GitHub OIDC provider, one Config
   * recorder and delivery channel, one detector and one Security Hub per region: creating them
   * again fails). See README "Accounts that already have the baseline".
   */
  baseline: z
    .object({
      guardDuty: z.enum(["create", "existing"]).default("create"),
      securityHub: z.enum(["create", "existing"]).default("create"),
      config: z.enum(["create", "existing"]).default("create"),
      githubOidcProvider: z.enum(["create", "existing"]).default("create"),
    })
    .strict()
    .default({ guardDuty: "create", securityHub: "create", config: "create", githubOidcProvider: "create" }),
  /** The existing GitHub OIDC provider's ARN (baseline.githubOidcProvider "existing"). Default: looked up by its URL. */
  githubOidcProviderArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, "must be the ARN of the GitHub Actions OIDC provider: arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com")
    .optional(),
  /** Subscribe to Shield Advanced (USD 3,000 a month, one-year commitment). Default: false. */
  shieldAdvanced: z.boolean().default(false),
  /** Must be true to subscribe to Shield Advanced: the adopter's own acknowledgement of its cost. Required when shieldAdvanced is true; never committed. */
  shieldAdvancedAcknowledgeCost: z.boolean().optional(),
  /** Subscribe to QuickSight Enterprise. Default: false. */
  quicksight: z.boolean().default(false),
  /** QuickSight account name (unique across AWS). Required when quicksight is true (adopter-specific). */
  quicksightAccountName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,61}$/, "must be letters, digits and hyphens (a QuickSight account name)")
    .optional(),
  /** Where QuickSight sends account notifications. Required when quicksight is true (adopter-specific). */
  quicksightNotificationEmail: z.email("must be an e-mail address").optional(),
  /** How QuickSight users sign in. Default: IAM_AND_QUICKSIGHT. */
  quicksightAuthenticationMethod: z.enum(["IAM_AND_QUICKSIGHT", "IAM_ONLY"]).default("IAM_AND_QUICKSIGHT"),
  /** E-mail addresses subscribed to the alarm topic (each must confirm). Required (adopter-specific); `[]` for none. */
  alarmEmails: z.array(z.email("must be an e-mail address")).optional(),
  /** Log-archive lifecycle and object lock; unset keys take the environment's defaults (see `environmentDefaults`). */
  logArchive: z
    .object({
      archiveAfterDays: days,
      deepArchiveAfterDays: days,
      expireAfterDays: days,
      objectLockDays: days,
    })
    .partial()
    .strict()
    .optional(),
};

export type PlatformConfig = z.infer<z.ZodObject<typeof platformSchema>>;

/** What differs between a dev and a prod account, beyond the shared profile. */
export interface PlatformEnvironmentDefaults {
  /** Log archive: days to S3 Glacier Flexible Retrieval, to Deep Archive, to expiry. */
  readonly logArchive: { archiveAfterDays: number; deepArchiveAfterDays?: number; expireAfterDays: number };
  /** AWS Config recording: every change (prod) or a daily snapshot (dev, cheaper). */
  readonly configRecordingFrequency: "CONTINUOUS" | "DAILY";
  /** GuardDuty's notification frequency for updated findings. */
  readonly guardDutyFindingFrequency: "FIFTEEN_MINUTES" | "ONE_HOUR" | "SIX_HOURS";
  /** The GitHub environment deploy jobs run in (.github/workflows/deploy.yml). */
  readonly githubEnvironment: string;
  /** Trust deploys from the deploy branch without a GitHub environment. */
  readonly githubDeployFromBranch: boolean;
}

/**
 * | choice                     | dev                    | prod                                     |
 * |----------------------------|------------------------|------------------------------------------|
 * | log archive lifecycle      | Glacier 30 d, gone 1 y | Glacier 90 d, Deep Archive 1 y, gone 7 y |
 * | AWS Config recording       | daily                  | continuous                               |
 * | GuardDuty updates          | every 6 h              | every 15 min                             |
 * | deploy trust               | env. development, or   | GitHub environment production only       |
 * |                            | the main branch        | (required reviewers)                     |
 * | Shield Advanced, QuickSight| off (config switches)  | on (config switches)                     |
 *
 * Prod keeps CloudTrail logs seven years (PCI DSS 10.5.1 asks for one, HIPAA documentation six).
 */
export const environmentDefaults: Readonly<Record<Environment, PlatformEnvironmentDefaults>> = {
  dev: {
    logArchive: { archiveAfterDays: 30, expireAfterDays: 365 },
    configRecordingFrequency: "DAILY",
    guardDutyFindingFrequency: "SIX_HOURS",
    githubEnvironment: "development",
    githubDeployFromBranch: true,
  },
  prod: {
    logArchive: { archiveAfterDays: 90, deepArchiveAfterDays: 365, expireAfterDays: 2557 },
    configRecordingFrequency: "CONTINUOUS",
    guardDutyFindingFrequency: "FIFTEEN_MINUTES",
    githubEnvironment: "production",
    githubDeployFromBranch: false,
  },
};

/** The log-archive lifecycle after config overrides. */
export function logArchiveSettings(config: PlatformConfig, environment: Environment) {
  const d = environmentDefaults[environment].logArchive;
  const o = config.logArchive ?? {};
  return {
    archiveAfterDays: o.archiveAfterDays ?? d.archiveAfterDays,
    deepArchiveAfterDays: o.deepArchiveAfterDays ?? d.deepArchiveAfterDays,
    expireAfterDays: o.expireAfterDays ?? d.expireAfterDays,
    objectLockDays: o.objectLockDays,
  };
}

/** The platform project's definition: its tag defaults, keys and cross-key rules. */
export const platformDefinition: ProjectDefinition<typeof platformSchema> = {
  dataClassification: "confidential",
  compliance: ["fsbp"],
  schema: platformSchema,
  adopterKeys: {
    githubRepository: {
      purpose: "the GitHub repository (<owner>/<repository>) whose Actions may assume this account's CI roles (the platform deploy role is an administrator)",
      set: "platform:githubRepository <owner>/<repository>",
    },
    alarmEmails: {
      purpose: "the e-mail addresses subscribed to the account's alarm topic (set [] for none)",
      set: "--path 'platform:alarmEmails[0]' <you@your-domain>",
    },
    shieldAdvancedAcknowledgeCost: {
      purpose:
        "your acknowledgement that Shield Advanced costs USD 3,000 a month with a one-year commitment (shieldAdvanced is true); destroying it only stops auto-renewal",
      set: "platform:shieldAdvancedAcknowledgeCost true",
      requiredWhen: (config) => config.shieldAdvanced,
    },
    quicksightAccountName: {
      purpose: "the QuickSight account name (unique across AWS; quicksight is true)",
      set: "platform:quicksightAccountName <your-org>-analytics",
      requiredWhen: (config) => config.quicksight,
    },
    quicksightNotificationEmail: {
      purpose: "where QuickSight sends account notifications (quicksight is true)",
      set: "platform:quicksightNotificationEmail <you@your-domain>",
      requiredWhen: (config) => config.quicksight,
    },
  },
  refine: (config, environment) => {
    const problems: { key: string; value: unknown; allowed: string }[] = [];
    if (config.shieldAdvanced && config.shieldAdvancedAcknowledgeCost === false) {
      problems.push({
        key: "shieldAdvancedAcknowledgeCost",
        value: config.shieldAdvancedAcknowledgeCost,
        allowed:
          "must be true when shieldAdvanced is true (an explicit acknowledgement): Shield Advanced costs USD 3,000 a month with a one-year commitment, and destroying it only stops auto-renewal",
      });
    }
    if (config.githubOidcProviderArn !== undefined && config.baseline.githubOidcProvider !== "existing") {
      problems.push({
        key: "githubOidcProviderArn",
        value: config.githubOidcProviderArn,
        allowed: 'only with baseline.githubOidcProvider "existing" (with "create" the platform creates the provider; set `pulumi config set --path platform:baseline.githubOidcProvider existing`)',
      });
    }
    const l = logArchiveSettings(config, environment);
    if (l.deepArchiveAfterDays !== undefined && l.deepArchiveAfterDays <= l.archiveAfterDays) {
      problems.push({ key: "logArchive.deepArchiveAfterDays", value: l.deepArchiveAfterDays, allowed: `must be later than archiveAfterDays (${l.archiveAfterDays})` });
    }
    const lastTransition = Math.max(l.archiveAfterDays, l.deepArchiveAfterDays ?? 0);
    if (l.expireAfterDays <= lastTransition) {
      problems.push({ key: "logArchive.expireAfterDays", value: l.expireAfterDays, allowed: `must be later than the last transition (${lastTransition} days)` });
    }
    return problems;
  },
};

export type PlatformSettings = StackSettings<PlatformConfig>;

/** Read and validate the platform stack's config (call first: bad config registers nothing). */
export function loadPlatformConfig(): PlatformSettings {
  return loadStackConfig(platformDefinition);
}
