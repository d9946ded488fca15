/**
 * S3, beyond `s3.ts` (which has S3.5 TLS and S3.8 bucket-level public access block): account
 * public access block, public read/write through ACLs and bucket policies, cross-account
 * actions, default encryption and SSE-KMS, logging, lifecycle, notifications, ACLs, versioning,
 * replication, Object Lock, MFA delete, access points, directory buckets (FSBP S3.*, and the
 * NIST/PCI/CIS S3 controls of catalog §1.3).
 *
 * Every bucket rule reads both the v7 inline shape on `aws:s3/bucket:Bucket`
 * (`serverSideEncryptionConfiguration.rule...`, `versioning`, `logging`, `replicationConfiguration`)
 * and the v6 list shape a deprecated `aws:s3/bucketV2:BucketV2` still uses
 * (`serverSideEncryptionConfigurations[].rules[]...`, `versionings[]`, `loggings[]`,
 * `replicationConfigurations[]`), and accepts the side resource instead (joined by property
 * dependency on `bucket`, or by the bucket's name), with both tokens of each `*V2` alias pair.
 */
import type { PolicyResource, ResourceValidationPolicy } from "@pulumi/policy";
import { parsePolicyDocument, type Statement } from "../lib/iam";
import { resourcePolicy, stackPolicy, type PolicyMeta, type StackCheck } from "../lib/policy";
import { T } from "../lib/tokens";
import { isAwsManagedKeyRef, pluck, taggedOneOf, TS } from "../lib/tokens-storage";
import { referenceIsSet, SOURCES } from "../lib/references";
import { containsUnknown, get, isUnknown, raw, undecidable } from "../lib/values";
import { classifiedBecause } from "../lib/classification";

type Attached = StackCheck["attached"];

const PAB_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

const classificationScope = (defaults: string[], what: string) => ({
  dataClassifications: {
    type: "array",
    items: { type: "string" },
    description: `Only buckets whose \`data-classification\` tag is one of these must ${what}; an empty list means every bucket.`,
    default: defaults,
  },
});

// ---------------------------------------------------------------------------------------------
// Reading a bucket's configuration from its inline inputs and its side resources.

/** Decide "some source satisfies": pass if one does, undecidable if one is unknown, else fail. */
function anyOf<T>(items: readonly T[], ok: (x: T) => boolean | "unknown", what: string): boolean {
  let unknown = false;
  for (const x of items) {
    const r = isUnknown(x) ? "unknown" : ok(x);
    if (r === true) return true;
    if (r === "unknown") unknown = true;
  }
  if (unknown) undecidable(what);
  return false;
}

/** `applyServerSideEncryptionByDefault` blocks, inline (v7 or v6 shape) or from a side resource. */
function sseDefaults(bucket: PolicyResource, attached: Attached): unknown[] {
  return [
    ...pluck(bucket.props, "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault"),
    ...pluck(bucket.props, "serverSideEncryptionConfigurations.rules.applyServerSideEncryptionByDefaults"),
    ...attached(bucket, T.bucketSse, "bucket").flatMap((s) => pluck(s.props, "rules.applyServerSideEncryptionByDefault")),
  ];
}

/** Versioning status sources: inline `versioning.enabled` (v7) / `versionings[].enabled` (v6), or BucketVersioning. */
function versioningEnabled(bucket: PolicyResource, attached: Attached): boolean {
  const inline = [...pluck(bucket.props, "versioning.enabled"), ...pluck(bucket.props, "versionings.enabled")];
  const side = attached(bucket, T.bucketVersioning, "bucket").flatMap((v) => pluck(v.props, "versioningConfiguration.status"));
  return anyOf([...inline, ...side], (v) => v === true || v === "Enabled", `${bucket.name} versioning status`);
}

/** Lifecycle rules that are enabled: inline `lifecycleRules[].enabled`, or BucketLifecycleConfiguration `rules[].status`. */
function hasEnabledLifecycle(bucket: PolicyResource, attached: Attached, sideTypes: readonly string[] = T.bucketLifecycle): boolean {
  const inline = pluck(bucket.props, "lifecycleRules.enabled");
  const side = attached(bucket, sideTypes, "bucket").flatMap((l) => pluck(l.props, "rules.status"));
  return anyOf([...inline, ...side], (v) => v === true || v === "Enabled", `${bucket.name} lifecycle rules`);
}

/** Bucket policy documents: the inline `policy` and every attached aws.s3.BucketPolicy. */
function bucketPolicyDocs(bucket: PolicyResource, attached: Attached): { source: string; doc: unknown }[] {
  const out: { source: string; doc: unknown }[] = [];
  const inline = get(bucket.props, "policy");
  if (inline !== undefined && inline !== null) out.push({ source: "the inline `policy`", doc: inline });
  for (const p of attached(bucket, T.bucketPolicy, "bucket")) out.push({ source: `aws.s3.BucketPolicy ${p.name}`, doc: get(p.props, "policy") });
  return out;
}

/**
 * Why a bucket receives logs that an AWS service writes (S3 server access logs, load balancer
 * access logs, CloudFront standard logs), or undefined. Those services only write to buckets
 * encrypted with SSE-S3, and logging a server-access-log bucket to itself loops.
 */
function logDeliveryTarget(bucket: PolicyResource, c: Pick<StackCheck, "attached" | "ofType">, only: "server-access" | "any" = "any"): string | undefined {
  const name = get(bucket.props, "bucket");
  const known = typeof name === "string" && !isUnknown(name) ? name : undefined;
  const refersTo = (r: PolicyResource, prop: string, path: string) =>
    (r.propertyDependencies?.[prop] ?? []).some((d) => d.urn === bucket.urn) ||
    (known !== undefined && pluck(r.props, path).some((v) => v === known || (typeof v === "string" && v.startsWith(`${known}.s3`))));
  if (c.attached(bucket, T.bucketLogging, "targetBucket").length > 0) return "the target of S3 server access logs";
  const source = c.ofType(T.bucket).find((o) => o.urn !== bucket.urn && (refersTo(o, "logging", "logging.targetBucket") || refersTo(o, "loggings", "loggings.targetBucket")));
  if (source) return `the target of ${source.name}'s server access logs`;
  if (only === "server-access") return undefined;
  const lb = c.ofType([...T.loadBalancer, ...T.classicLoadBalancer]).find((r) => refersTo(r, "accessLogs", "accessLogs.bucket"));
  if (lb) return `the access-log bucket of load balancer ${lb.name}`;
  const cf = c.ofType(TS.cloudfrontDistribution).find((r) => refersTo(r, "loggingConfig", "loggingConfig.bucket"));
  if (cf) return `the standard-log bucket of CloudFront distribution ${cf.name}`;
  return undefined;
}

const logDeliveryConfig = {
  ignoreLogDeliveryBuckets: {
    type: "boolean",
    description: "Skip buckets that receive S3 server access logs, load balancer access logs or CloudFront standard logs: those services only write to SSE-S3 buckets.",
    default: true,
  },
};

function actionPatternMatches(pattern: string, action: string): boolean {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i").test(action);
}

/** The actions of `candidates` a statement allows (through `Action` patterns or a `NotAction`). */
function allowedActions(s: Statement, candidates: readonly string[]): string[] {
  if (s.notActions.length > 0) return candidates.filter((a) => !s.notActions.some((p) => actionPatternMatches(p, a)));
  return candidates.filter((a) => s.actions.some((p) => actionPatternMatches(p, a)));
}

// ---------------------------------------------------------------------------------------------
// S3.1

const s3AccountPublicAccessBlockMeta = {
  name: "s3-account-public-access-block",
  description: "The account-level S3 Block Public Access settings must all be on.",
  severity: "medium",
  controls: ["S3.1"],
  frameworks: ["FSBP", "HIPAA", "PCI DSS"],
  remediationSteps:
    "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true on the aws.s3.AccountPublicAccessBlock (one per account, usually in the account-baseline stack).",
  config: {
    requireInStack: {
      type: "boolean",
      description: "Also fail a stack that declares no aws.s3.AccountPublicAccessBlock at all (turn on for the account-baseline stack).",
      default: false,
    },
  },
} satisfies PolicyMeta;

/**
 * S3.1 in two phases of one policy: a block that leaves a setting off is what one resource shows
 * (a resource policy: it blocks at registration in `pulumi up`); a stack without any block
 * (`requireInStack`) only the whole stack shows.
 */
const s3AccountPublicAccessBlockStack = stackPolicy(s3AccountPublicAccessBlockMeta, ({ ofType, resources, fail, config }) => {
  if (config.requireInStack === true && ofType(T.accountPublicAccessBlock).length === 0) {
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? ({ name: "stack", type: "pulumi:pulumi:Stack" } as PolicyResource);
    fail(stack, "the stack declares no account-level S3 Block Public Access", "add an aws.s3.AccountPublicAccessBlock with all four settings true");
  }
});

export const s3AccountPublicAccessBlock: ResourceValidationPolicy = {
  ...resourcePolicy({ ...s3AccountPublicAccessBlockMeta, resourceTypes: T.accountPublicAccessBlock }, ({ props, fail }) => {
    // Every setting defaults to false on aws.s3.AccountPublicAccessBlock: absent fails.
    const off = PAB_SETTINGS.filter((s) => {
      const v = get(props, s);
      if (isUnknown(v)) undecidable(s);
      return v !== true;
    });
    if (off.length > 0) {
      fail(`account-level Block Public Access leaves ${off.join(", ")} off (an absent setting is false)`, `set ${off.map((s) => `\`${s}: true\``).join(", ")} on the aws.s3.AccountPublicAccessBlock`);
    }
  }),
  validateStack: s3AccountPublicAccessBlockStack.validateStack,
} as ResourceValidationPolicy;

// ---------------------------------------------------------------------------------------------
// S3.2 / S3.3: public read / write through ACLs (a public bucket policy is found by
// resource-policy-not-public, which carries S3.2/S3.3 for the actions it opens).

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

const access = {
  read: {
    cannedAcls: ["public-read", "public-read-write"],
    grantPermissions: ["READ", "READ_ACP", "FULL_CONTROL"],
    actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketAcl", "s3:GetBucketPolicy"],
  },
  write: {
    cannedAcls: ["public-read-write"],
    grantPermissions: ["WRITE", "WRITE_ACP", "FULL_CONTROL"],
    actions: ["s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket", "s3:RestoreObject"],
  },
} as const;

/**
 * Ways one resource (a bucket's own `acl`/`grants`, or an aws.s3.BucketAcl) makes a bucket
 * readable/writable by anyone, with what is unknown at preview. Decided on the resource alone, so
 * that it blocks at registration in `pulumi up`: a public ACL is refused by S3 while Block Public
 * Access is on (the default since April 2023) and is ignored only while `ignorePublicAcls` stays
 * on, so declaring one is the flaw.
 */
function publicAcl(type: string, props: unknown, mode: "read" | "write", authenticatedIsPublic: boolean): { findings: string[]; unknown?: string } {
  const spec = access[mode];
  const findings: string[] = [];
  let unknown: string | undefined;
  const publicGroups = authenticatedIsPublic ? [ALL_USERS, AUTHENTICATED_USERS] : [ALL_USERS];
  const cannedPublic = (acl: string) => (spec.cannedAcls as readonly string[]).includes(acl) || (mode === "read" && authenticatedIsPublic && acl === "authenticated-read");
  const isAclResource = (T.bucketAcl as readonly string[]).includes(type);
  const source = isAclResource ? "its" : "the bucket's";
  const acl = get(props, "acl");
  const grants = isAclResource
    ? pluck(props, "accessControlPolicy.grants").map((g: any) => (isUnknown(g) ? { uri: g, permission: g } : { uri: get(g, "grantee.uri"), permission: get(g, "permission") }))
    : pluck(props, "grants").flatMap((g: any) => (isUnknown(g) ? [{ uri: g, permission: g }] : pluck(g, "permissions").map((p) => ({ uri: get(g, "uri"), permission: p }))));
  if (isUnknown(acl)) unknown ??= "acl";
  else if (typeof acl === "string" && cannedPublic(acl)) findings.push(`${source} \`acl\` is the canned ACL \`${acl}\``);
  for (const g of grants) {
    if (isUnknown(g.uri) || isUnknown(g.permission)) {
      unknown ??= isAclResource ? "accessControlPolicy.grants" : "grants";
      continue;
    }
    if (typeof g.uri === "string" && publicGroups.includes(g.uri) && (spec.grantPermissions as readonly string[]).includes(String(g.permission))) {
      findings.push(`${source} ACL grants ${g.permission} to ${g.uri.split("/").pop()}`);
    }
  }
  return { findings, ...(unknown && findings.length === 0 ? { unknown } : {}) };
}

const publicConfig = {
  authenticatedUsersArePublic: {
    type: "boolean",
    description: "Treat grants to the AuthenticatedUsers group (any AWS account) and the `authenticated-read` ACL as public.",
    default: true,
  },
};

function publicPolicy(mode: "read" | "write") {
  const control = mode === "read" ? "S3.2" : "S3.3";
  return resourcePolicy(
    {
      name: `s3-bucket-no-public-${mode}`,
      description: `S3 buckets must not allow public ${mode} access through ACLs (bucket policies: resource-policy-not-public).`,
      severity: "critical",
      controls: [control],
      frameworks: ["FSBP", "HIPAA", "PCI DSS"],
      remediationSteps: `Remove public ${mode} grants: no \`acl\` of ${access[mode].cannedAcls.map((a) => `\`${a}\``).join("/")} on the aws.s3.Bucket or aws.s3.BucketAcl, no grant to the AllUsers/AuthenticatedUsers groups. Prefer no ACL at all: aws.s3.BucketOwnershipControls with BucketOwnerEnforced.`,
      config: publicConfig,
      resourceTypes: [...T.bucket, ...T.bucketAcl],
    },
    ({ type, props, config, fail }) => {
      const { findings, unknown } = publicAcl(type, props, mode, config.authenticatedUsersArePublic !== false);
      if (findings.length > 0) {
        fail(`public ${mode} access: ${findings.join("; ")}`, "remove the public grant (use `acl: \"private\"`, or no ACL with BucketOwnerEnforced object ownership)");
      } else if (unknown) undecidable(unknown);
    },
  );
}

export const s3NoPublicRead = publicPolicy("read");
export const s3NoPublicWrite = publicPolicy("write");

// ---------------------------------------------------------------------------------------------
// S3.4 default encryption (S3 encrypts new objects with SSE-S3 by default since January 2023).

export const s3DefaultEncryption = stackPolicy(
  {
    name: "s3-bucket-default-encryption",
    description: "S3 buckets must encrypt objects at rest by default with an allowed algorithm.",
    severity: "medium",
    controls: ["S3.4"],
    frameworks: ["PCI DSS", "CIS", "HIPAA"],
    remediationSteps:
      "Set `serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm` on the aws.s3.Bucket, or add an aws.s3.BucketServerSideEncryptionConfiguration, with an allowed algorithm (AES256, aws:kms or aws:kms:dsse).",
    config: {
      allowedAlgorithms: {
        type: "array",
        items: { type: "string" },
        description: "SSE algorithms a bucket may use by default.",
        default: ["AES256", "aws:kms", "aws:kms:dsse"],
      },
      requireExplicitConfiguration: {
        type: "boolean",
        description: "Fail a bucket that relies on S3's implicit SSE-S3 default instead of declaring its encryption.",
        default: false,
      },
    },
  },
  ({ forEach, attached, fail, config }) => {
    const allowed = (config.allowedAlgorithms as string[]) ?? [];
    forEach(T.bucket, (bucket) => {
      const defaults = sseDefaults(bucket, attached);
      if (defaults.length === 0) {
        // S3 applies SSE-S3 (AES256) to every new object when nothing is declared: compliant
        // unless the stack asks for explicit configuration or does not allow AES256.
        if (config.requireExplicitConfiguration === true || !allowed.includes("AES256")) {
          fail(bucket, "no default encryption is declared (S3 would apply SSE-S3)", `add an aws.s3.BucketServerSideEncryptionConfiguration with \`sseAlgorithm\` one of ${allowed.join(", ")}`);
        }
        return;
      }
      const algorithms = defaults.map((d) => (isUnknown(d) ? d : get(d, "sseAlgorithm")));
      const bad = algorithms.filter((a) => !isUnknown(a) && !allowed.includes(String(a)));
      if (bad.length > 0) fail(bucket, `default encryption uses ${bad.join(", ")}, not one of ${allowed.join(", ")}`, `set \`sseAlgorithm\` to one of ${allowed.join(", ")}`);
      else if (algorithms.some(isUnknown)) undecidable(`${bucket.name} sseAlgorithm`);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.6 cross-account actions in bucket policies.

function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * The stack's own account(s): the account in the ARN of every resource the stack itself manages
 * (an IAM role, a KMS key, a queue: known once the stack exists, and for ARNs the program builds
 * from the caller identity). The engine does not name the deploying account, but whatever the
 * stack creates lives in it.
 */
function ownAccounts(resources: readonly { props: unknown }[]): Set<string> {
  const own = new Set<string>();
  for (const r of resources) {
    const arn = get(r.props, "arn");
    if (typeof arn !== "string" || isUnknown(arn)) continue;
    const acct = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
    if (acct) own.add(acct);
  }
  return own;
}

export const s3CrossAccountActions = stackPolicy(
  {
    name: "s3-bucket-policy-no-cross-account-blocked-actions",
    description: "S3 bucket policies must not grant other AWS accounts the blocked bucket-control actions (policy, ACL, encryption changes).",
    severity: "high",
    controls: ["S3.6"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      "Remove s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration and s3:PutObjectAcl (and wildcards that include them) from Allow statements whose Principal is another account or \"*\" in the bucket policy; list your own accounts in `trustedAccountIds`.",
    config: {
      blockedActions: {
        type: "array",
        items: { type: "string" },
        description: "Actions no other account may be allowed on a bucket.",
        default: ["s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"],
      },
      trustedAccountIds: {
        type: "array",
        items: { type: "string" },
        description: "12-digit account ids that are not 'other accounts' beside the stack's own (trusted always: the account in the ARNs of the resources it manages), e.g. your organisation's; any other account principal, and \"*\", is cross-account.",
        default: [],
      },
    },
  },
  ({ forEach, attached, fail, config, resources }) => {
    const blocked = (config.blockedActions as string[]) ?? [];
    const trusted = [...((config.trustedAccountIds as string[]) ?? []), ...ownAccounts(resources)];
    forEach(T.bucket, (bucket) => {
      const problems: string[] = [];
      let unknown: string | undefined;
      for (const { source, doc } of bucketPolicyDocs(bucket, attached)) {
        const parsed = parsePolicyDocument(doc);
        if (parsed === "unknown") {
          unknown ??= source;
          continue;
        }
        for (const s of parsed?.statements ?? []) {
          if (s.effect !== "Allow") continue;
          if (containsUnknown(s.actions) || containsUnknown(s.notActions)) {
            unknown ??= `${source} (actions)`;
            continue;
          }
          const hit = allowedActions(s, blocked);
          if (hit.length === 0) continue;
          const outsiders: string[] = [];
          for (const [type, ids] of Object.entries(s.principals ?? {})) {
            if (type !== "*" && type !== "AWS") continue;
            for (const id of ids) {
              if (isUnknown(id)) {
                unknown ??= `${source} (principal)`;
                continue;
              }
              if (id === "*") outsiders.push("\"*\"");
              else {
                const acct = accountOf(id);
                if (acct && !trusted.includes(acct)) outsiders.push(id);
              }
            }
          }
          if (outsiders.length > 0) problems.push(`${source} allows ${hit.join(", ")} to ${outsiders.join(", ")}`);
        }
      }
      if (problems.length > 0) {
        fail(bucket, problems.join("; "), "remove those actions from the statement (or narrow the Principal to a trusted account listed in `trustedAccountIds`)");
      } else if (unknown) undecidable(unknown);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.7 replication.

export const s3Replication = stackPolicy(
  {
    name: "s3-bucket-replication",
    description: "S3 buckets holding the configured data classifications must replicate (cross-Region) to another bucket.",
    severity: "low",
    controls: ["S3.7"],
    frameworks: ["PCI DSS", "NIST 800-53", "HIPAA"],
    remediationSteps:
      "Add an aws.s3.BucketReplicationConfig for the bucket (versioning enabled on both sides) with at least one rule `status: \"Enabled\"` whose destination is a bucket in another Region.",
    config: classificationScope(["restricted"], "replicate"),
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      const statuses = [
        ...pluck(bucket.props, "replicationConfiguration.rules.status"),
        ...pluck(bucket.props, "replicationConfigurations.rules.status"),
        ...attached(bucket, T.bucketReplication, "bucket").flatMap((r) => pluck(r.props, "rules.status")),
      ];
      if (!anyOf(statuses, (s) => s === "Enabled", `${bucket.name} replication rules`)) {
        fail(bucket, "no enabled replication rule", "add an aws.s3.BucketReplicationConfig with a rule `status: \"Enabled\"` to a bucket in another Region");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.9 server access logging.

export const s3AccessLogging = stackPolicy(
  {
    name: "s3-bucket-access-logging",
    description: "S3 buckets must have server access logging enabled.",
    severity: "medium",
    controls: ["S3.9"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Add an aws.s3.BucketLogging for the bucket with `targetBucket` (a log bucket) and `targetPrefix`, or set the bucket's inline `logging.targetBucket`.",
    config: {
      ignoreLogTargetBuckets: {
        type: "boolean",
        description: "Skip buckets that are themselves the target of another bucket's access logs (logging a log bucket only moves the problem; Security Hub would still flag them).",
        default: true,
      },
    },
  },
  (c) => {
    const { forEach, attached, fail, config } = c;
    forEach(T.bucket, (bucket) => {
      if (config.ignoreLogTargetBuckets !== false && logDeliveryTarget(bucket, c, "server-access")) return;
      // A side aws.s3.BucketLogging turns logging on whatever its target (required, and usually
      // another bucket's id, unknown at preview). An inline target counts when known, or when
      // unknown and from a bucket of the stack; from anything else it is undecidable (lib/references.ts).
      const inline = (["logging", "loggings"] as const).flatMap((prop) => pluck(bucket.props, `${prop}.targetBucket`).map((t) => ({ prop, t })));
      const on =
        attached(bucket, T.bucketLogging, "bucket").length > 0 ||
        inline.some(({ t }) => typeof t === "string" && !isUnknown(t) && t.length > 0) ||
        inline.some(({ prop, t }) => isUnknown(t) && referenceIsSet(bucket, prop, SOURCES.bucket));
      if (!on) {
        fail(bucket, "server access logging is off", "add an aws.s3.BucketLogging with `targetBucket` and `targetPrefix` for this bucket");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.10 / S3.13 lifecycle.

export const s3VersionedLifecycle = stackPolicy(
  {
    name: "s3-bucket-versioned-lifecycle",
    description: "Versioned S3 buckets must have a lifecycle configuration (to expire noncurrent versions).",
    severity: "medium",
    controls: ["S3.10"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps:
      "Add an aws.s3.BucketLifecycleConfiguration for the versioned bucket with at least one rule `status: \"Enabled\"` (typically `noncurrentVersionExpiration.noncurrentDays`).",
  },
  ({ forEach, attached, fail }) => {
    forEach(T.bucket, (bucket) => {
      if (!versioningEnabled(bucket, attached)) return;
      if (!hasEnabledLifecycle(bucket, attached)) {
        fail(bucket, "versioning is enabled but no enabled lifecycle rule exists", "add an aws.s3.BucketLifecycleConfiguration with a rule `status: \"Enabled\"` and `noncurrentVersionExpiration`");
      }
    });
  },
);

export const s3LifecycleConfigured = stackPolicy(
  {
    name: "s3-bucket-lifecycle-configured",
    description: "S3 buckets must have a lifecycle configuration.",
    severity: "low",
    controls: ["S3.13"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Add an aws.s3.BucketLifecycleConfiguration for the bucket with at least one rule `status: \"Enabled\"` (expiration or transitions).",
    config: classificationScope([], "have a lifecycle configuration"),
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      if (!hasEnabledLifecycle(bucket, attached)) {
        fail(bucket, "no enabled lifecycle rule", "add an aws.s3.BucketLifecycleConfiguration with a rule `status: \"Enabled\"`");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.11 event notifications.

export const s3EventNotifications = stackPolicy(
  {
    name: "s3-bucket-event-notifications",
    description: "S3 buckets must send event notifications (EventBridge, Lambda, SQS or SNS).",
    severity: "medium",
    controls: ["S3.11"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps: "Add an aws.s3.BucketNotification for the bucket with `eventbridge: true` or at least one of `lambdaFunctions`, `queues`, `topics`.",
    config: classificationScope([], "send event notifications"),
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      const sinks = attached(bucket, T.bucketNotification, "bucket").flatMap((n) => [
        get(n.props, "eventbridge"),
        ...["lambdaFunctions", "queues", "topics"].map((k) => {
          const v = get(n.props, k);
          return isUnknown(v) ? v : Array.isArray(v) && v.length > 0;
        }),
      ]);
      if (!anyOf(sinks, (v) => v === true, `${bucket.name} notification configuration`)) {
        fail(bucket, "no event notification is configured", "add an aws.s3.BucketNotification with `eventbridge: true` (or lambdaFunctions/queues/topics)");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.12 ACLs off (BucketOwnerEnforced).

export const s3AclsDisabled = stackPolicy(
  {
    name: "s3-bucket-acls-disabled",
    description: "S3 buckets must not use ACLs to manage access (Object Ownership BucketOwnerEnforced).",
    severity: "medium",
    controls: ["S3.12"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Set `rule.objectOwnership: \"BucketOwnerEnforced\"` on the bucket's aws.s3.BucketOwnershipControls, and remove aws.s3.BucketAcl resources and the bucket's inline `acl`/`grants`.",
    config: {
      requireExplicitOwnershipControls: {
        type: "boolean",
        description: "Require an aws.s3.BucketOwnershipControls on every bucket (instead of relying on the BucketOwnerEnforced default of buckets created since April 2023).",
        default: false,
      },
    },
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      const problems: string[] = [];
      const controls = attached(bucket, T.bucketOwnership, "bucket");
      for (const o of controls) {
        const v = get(o.props, "rule.objectOwnership");
        if (isUnknown(v)) undecidable(`${o.name}.rule.objectOwnership`);
        if (v !== "BucketOwnerEnforced") problems.push(`aws.s3.BucketOwnershipControls ${o.name} sets objectOwnership ${v ?? "(none)"}`);
      }
      // New buckets default to BucketOwnerEnforced (ACLs off): no ownership controls is compliant
      // unless the stack asks for them explicitly.
      if (controls.length === 0 && config.requireExplicitOwnershipControls === true) problems.push("no aws.s3.BucketOwnershipControls is declared");
      const acl = get(bucket.props, "acl");
      if (isUnknown(acl)) undecidable(`${bucket.name}.acl`);
      if (typeof acl === "string" && acl !== "private") problems.push(`the bucket sets \`acl: "${acl}"\``);
      if (pluck(bucket.props, "grants").length > 0) problems.push("the bucket sets `grants`");
      for (const a of attached(bucket, T.bucketAcl, "bucket")) {
        const sideAcl = get(a.props, "acl");
        if (isUnknown(sideAcl)) undecidable(`${a.name}.acl`);
        // Resetting to the canned `private` ACL grants nothing beyond the owner.
        if (sideAcl !== "private" || get(a.props, "accessControlPolicy") !== undefined) problems.push(`aws.s3.BucketAcl ${a.name} manages its ACL${typeof sideAcl === "string" ? ` (\`${sideAcl}\`)` : ""}`);
      }
      if (problems.length > 0) {
        fail(bucket, `ACLs are in use: ${problems.join("; ")}`, "use an aws.s3.BucketOwnershipControls with `rule.objectOwnership: \"BucketOwnerEnforced\"`, drop the ACL resources/inputs, and grant access with bucket or IAM policies");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.14 versioning, S3.20 MFA delete, S3.15 Object Lock.

export const s3Versioning = stackPolicy(
  {
    name: "s3-bucket-versioning",
    description: "S3 buckets must have versioning enabled.",
    severity: "low",
    controls: ["S3.14"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps: "Add an aws.s3.BucketVersioning for the bucket with `versioningConfiguration.status: \"Enabled\"` (or inline `versioning.enabled: true`).",
    config: classificationScope([], "be versioned"),
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      if (!versioningEnabled(bucket, attached)) {
        fail(bucket, "versioning is not enabled (S3's default is unversioned)", "add an aws.s3.BucketVersioning with `versioningConfiguration.status: \"Enabled\"`");
      }
    });
  },
);

export const s3MfaDelete = stackPolicy(
  {
    name: "s3-bucket-mfa-delete",
    description: "Versioned S3 buckets holding the configured data classifications must require MFA to delete versions.",
    severity: "low",
    controls: ["S3.20"],
    frameworks: ["NIST 800-53", "PCI DSS"],
    remediationSteps:
      "Set `versioningConfiguration.mfaDelete: \"Enabled\"` (with the root user's `mfa` serial and code) on the aws.s3.BucketVersioning, or inline `versioning.mfaDelete: true`.",
    config: classificationScope(["restricted"], "require MFA delete"),
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      const sources = [
        ...pluck(bucket.props, "versioning.mfaDelete"),
        ...pluck(bucket.props, "versionings.mfaDelete"),
        ...attached(bucket, T.bucketVersioning, "bucket").flatMap((v) => pluck(v.props, "versioningConfiguration.mfaDelete")),
      ];
      if (!anyOf(sources, (v) => v === true || v === "Enabled", `${bucket.name} mfaDelete`)) {
        fail(bucket, "MFA delete is not enabled", "set `versioningConfiguration.mfaDelete: \"Enabled\"` (and `mfa`) on the aws.s3.BucketVersioning");
      }
    });
  },
);

export const s3ObjectLock = stackPolicy(
  {
    name: "s3-bucket-object-lock",
    description: "S3 buckets holding the configured data classifications must have Object Lock enabled.",
    severity: "medium",
    controls: ["S3.15"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Set `objectLockEnabled: true` on the aws.s3.Bucket (or add an aws.s3.BucketObjectLockConfiguration on a versioned bucket) with a default retention `rule.defaultRetention` (mode GOVERNANCE or COMPLIANCE, days or years).",
    config: {
      ...classificationScope(["restricted"], "have Object Lock"),
      requireDefaultRetention: {
        type: "boolean",
        description: "Also require a default retention rule (mode and days/years).",
        default: false,
      },
    },
  },
  ({ forEach, attached, fail, config }) => {
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      const locks = attached(bucket, T.bucketObjectLock, "bucket");
      // aws.s3.BucketObjectLockConfiguration's objectLockEnabled defaults to "Enabled".
      const enabled = anyOf(
        [
          get(bucket.props, "objectLockEnabled"),
          ...pluck(bucket.props, "objectLockConfiguration.objectLockEnabled"),
          ...locks.map((l) => get(l.props, "objectLockEnabled") ?? "Enabled"),
        ].filter((v) => v !== undefined),
        (v) => v === true || v === "Enabled",
        `${bucket.name} objectLockEnabled`,
      );
      if (!enabled) {
        fail(bucket, "Object Lock is not enabled", "set `objectLockEnabled: true` on the aws.s3.Bucket, or add an aws.s3.BucketObjectLockConfiguration");
        return;
      }
      if (config.requireDefaultRetention === true) {
        const retentions = [
          ...pluck(bucket.props, "objectLockConfiguration.rule.defaultRetention"),
          ...pluck(bucket.props, "objectLockConfiguration.rules.defaultRetentions"),
          ...locks.flatMap((l) => pluck(l.props, "rule.defaultRetention")),
        ];
        const ok = anyOf(retentions, (r) => {
          const rr = raw(r) as Record<string, unknown>;
          if (containsUnknown(rr)) return "unknown";
          return typeof rr.mode === "string" && (typeof rr.days === "number" || typeof rr.years === "number");
        }, `${bucket.name} object lock default retention`);
        if (!ok) fail(bucket, "Object Lock has no default retention rule", "set `rule.defaultRetention` (`mode` and `days` or `years`) on the aws.s3.BucketObjectLockConfiguration");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.17 SSE-KMS, and the customer managed key rule for classified data.

export const s3SseKms = stackPolicy(
  {
    name: "s3-bucket-sse-kms",
    description: "S3 buckets must encrypt at rest with AWS KMS keys (SSE-KMS or DSSE-KMS) by default.",
    severity: "medium",
    controls: ["S3.17"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.s3.BucketServerSideEncryptionConfiguration (or inline `serverSideEncryptionConfiguration`) with `rule.applyServerSideEncryptionByDefault.sseAlgorithm: \"aws:kms\"` and `kmsMasterKeyId`, plus `bucketKeyEnabled: true`.",
    config: { ...classificationScope([], "use SSE-KMS"), ...logDeliveryConfig },
  },
  (c) => {
    const { forEach, attached, fail, config } = c;
    forEach(T.bucket, (bucket) => {
      if (!taggedOneOf(bucket.props, "data-classification", config.dataClassifications)) return;
      if (config.ignoreLogDeliveryBuckets !== false && logDeliveryTarget(bucket, c)) return;
      const defaults = sseDefaults(bucket, attached);
      const ok = anyOf(defaults, (d) => {
        const a = get(d, "sseAlgorithm");
        return isUnknown(a) ? "unknown" : a === "aws:kms" || a === "aws:kms:dsse";
      }, `${bucket.name} sseAlgorithm`);
      if (!ok) {
        fail(bucket, defaults.length === 0 ? "no default encryption is declared, so S3 uses SSE-S3, not KMS" : "default encryption does not use aws:kms", "set `sseAlgorithm: \"aws:kms\"` and `kmsMasterKeyId` in an aws.s3.BucketServerSideEncryptionConfiguration");
      }
    });
  },
);

export const s3ClassifiedCmk = stackPolicy(
  {
    name: "s3-bucket-cmk-for-classified-data",
    description: "S3 buckets holding classified data (the pack-wide `classifiedData` setting: confidential/restricted or PCI/HIPAA, by tag) must encrypt with a customer managed KMS key.",
    severity: "high",
    controls: ["BP.Bucket.1", "BP.Data.2"],
    frameworks: ["Blueprints", "PCI DSS", "HIPAA"],
    remediationSteps:
      "Encrypt the bucket with an aws.kms.Key you manage: `sseAlgorithm: \"aws:kms\"` and `kmsMasterKeyId: key.arn` in its aws.s3.BucketServerSideEncryptionConfiguration (not the AWS managed alias/aws/s3).",
    config: logDeliveryConfig,
  },
  (c) => {
    const { forEach, attached, fail, config } = c;
    forEach(T.bucket, (bucket) => {
      const because = classifiedBecause(bucket, config);
      if (because.length === 0) return;
      if (config.ignoreLogDeliveryBuckets !== false && logDeliveryTarget(bucket, c)) return;
      const ok = anyOf(sseDefaults(bucket, attached), (d) => {
        const a = get(d, "sseAlgorithm");
        const k = get(d, "kmsMasterKeyId");
        if (isUnknown(a)) return "unknown";
        if (a !== "aws:kms" && a !== "aws:kms:dsse") return false;
        // An unknown key id is another resource's output (an aws.kms.Key's arn): a customer
        // managed key. AWS managed keys are referenced by literal alias/aws/s3 or a data source,
        // both known at preview.
        if (isUnknown(k)) return true;
        return typeof k === "string" && k.length > 0 && !isAwsManagedKeyRef(k);
      }, `${bucket.name} kmsMasterKeyId`);
      if (!ok) {
        fail(bucket, `the bucket holds ${because.join(", ")} data but is not encrypted with a customer managed KMS key`, "set `sseAlgorithm: \"aws:kms\"` and `kmsMasterKeyId` to your aws.kms.Key's arn in an aws.s3.BucketServerSideEncryptionConfiguration");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// S3.19 access points, S3.24 Multi-Region Access Points.

function pabOff(block: unknown): string[] {
  // Both resources default every setting to true: absent is compliant.
  return PAB_SETTINGS.filter((s) => {
    const v = get(block, s);
    if (isUnknown(v)) undecidable(s);
    return v === false;
  });
}

export const s3AccessPointBlockPublic = resourcePolicy(
  {
    name: "s3-access-point-block-public-access",
    description: "S3 access points must keep all Block Public Access settings on.",
    severity: "critical",
    controls: ["S3.19"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Leave `publicAccessBlockConfiguration` settings at their default (true) or set all four to true on the aws.s3.AccessPoint.",
    resourceTypes: TS.accessPoint,
  },
  ({ props, fail }) => {
    const block = props.publicAccessBlockConfiguration;
    const off = block === undefined ? [] : pabOff(block).map((s) => `publicAccessBlockConfiguration.${s}`);
    if (off.length > 0) fail(`${off.join(", ")} ${off.length > 1 ? "are" : "is"} false`, `set ${off.map((s) => `\`${s}: true\``).join(", ")} (or remove them: the default is true)`);
  },
);

export const s3MultiRegionAccessPointBlockPublic = resourcePolicy(
  {
    name: "s3-multi-region-access-point-block-public-access",
    description: "S3 Multi-Region Access Points must keep all Block Public Access settings on.",
    severity: "high",
    controls: ["S3.24"],
    frameworks: ["FSBP"],
    remediationSteps: "Leave `details.publicAccessBlock` at its default (all true) or set all four settings to true on the aws.s3control.MultiRegionAccessPoint.",
    resourceTypes: TS.multiRegionAccessPoint,
  },
  ({ props, fail }) => {
    const block = props.details?.publicAccessBlock;
    const off = block === undefined ? [] : pabOff(block).map((s) => `details.publicAccessBlock.${s}`);
    if (off.length > 0) fail(`${off.join(", ")} ${off.length > 1 ? "are" : "is"} false`, `set ${off.map((s) => `\`${s}: true\``).join(", ")} (or remove them: the default is true)`);
  },
);

// ---------------------------------------------------------------------------------------------
// S3.25 directory buckets.

export const s3DirectoryBucketLifecycle = stackPolicy(
  {
    name: "s3-directory-bucket-lifecycle",
    description: "S3 directory buckets must have a lifecycle configuration.",
    severity: "low",
    controls: ["S3.25"],
    frameworks: ["FSBP"],
    remediationSteps: "Add an aws.s3.BucketLifecycleConfiguration whose `bucket` is the aws.s3.DirectoryBucket, with at least one rule `status: \"Enabled\"` (expiration or abortIncompleteMultipartUpload).",
  },
  ({ forEach, attached, fail }) => {
    forEach(TS.directoryBucket, (bucket) => {
      if (!hasEnabledLifecycle(bucket, attached)) {
        fail(bucket, "no enabled lifecycle rule", "add an aws.s3.BucketLifecycleConfiguration for the directory bucket with a rule `status: \"Enabled\"`");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Prod data protection.

export const policies = [
  s3AccountPublicAccessBlock,
  s3NoPublicRead,
  s3NoPublicWrite,
  s3DefaultEncryption,
  s3CrossAccountActions,
  s3Replication,
  s3AccessLogging,
  s3VersionedLifecycle,
  s3LifecycleConfigured,
  s3EventNotifications,
  s3AclsDisabled,
  s3Versioning,
  s3MfaDelete,
  s3ObjectLock,
  s3SseKms,
  s3ClassifiedCmk,
  s3AccessPointBlockPublic,
  s3MultiRegionAccessPointBlockPublic,
  s3DirectoryBucketLifecycle,
];

/** S3 controls of catalog §1.1/§1.3 that no preview-time check can decide (S3.5 and S3.8 are in s3.ts). */
export const notDecidable: Record<string, string> = {};
