/**
 * Storage area (S3 extras, EFS, DynamoDB/DAX, KMS, CloudWatch Logs, Glacier, AWS Backup): type
 * tokens checked in `node_modules/@pulumi/aws` 7.48 (`static __pulumiType`), plus the few helpers
 * the storage policies share: reading "one or many" nested inputs, scoping by the
 * `data-classification` / `environment` tags, and joining AWS Backup selections to the resources
 * they protect.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, get, isUnknown, raw, undecidable } from "./values";

export const TS = {
  accessPoint: ["aws:s3/accessPoint:AccessPoint"],
  multiRegionAccessPoint: ["aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint"],
  directoryBucket: ["aws:s3/directoryBucket:DirectoryBucket"],
  cloudfrontDistribution: ["aws:cloudfront/distribution:Distribution"],

  efsFileSystem: ["aws:efs/fileSystem:FileSystem"],
  efsBackupPolicy: ["aws:efs/backupPolicy:BackupPolicy"],
  efsAccessPoint: ["aws:efs/accessPoint:AccessPoint"],
  efsMountTarget: ["aws:efs/mountTarget:MountTarget"],
  efsFileSystemPolicy: ["aws:efs/fileSystemPolicy:FileSystemPolicy"],
  subnet: ["aws:ec2/subnet:Subnet"],

  dynamoTable: ["aws:dynamodb/table:Table"],
  dynamoTableReplica: ["aws:dynamodb/tableReplica:TableReplica"],
  daxCluster: ["aws:dax/cluster:Cluster"],
  scalingTarget: ["aws:appautoscaling/target:Target"],
  scalingPolicy: ["aws:appautoscaling/policy:Policy"],

  /** Every KMS key resource that takes a key policy and a deletion window. */
  kmsKey: ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"],
  kmsKeyPolicy: ["aws:kms/keyPolicy:KeyPolicy"],
  iamManagedPolicy: ["aws:iam/policy:Policy"],
  iamInlinePolicy: ["aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"],
  iamRole: ["aws:iam/role:Role"],

  logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
  glacierVault: ["aws:glacier/vault:Vault"],
  glacierVaultLock: ["aws:glacier/vaultLock:VaultLock"],
  backupVault: ["aws:backup/vault:Vault"],
  backupVaultPolicy: ["aws:backup/vaultPolicy:VaultPolicy"],
  backupVaultLock: ["aws:backup/vaultLockConfiguration:VaultLockConfiguration"],
  backupPlan: ["aws:backup/plan:Plan"],
  backupSelection: ["aws:backup/selection:Selection"],
} as const;

/**
 * The values at a dotted path, flattening arrays at every step (so `"rules.status"` reads the
 * status of every rule, and `"loggings.targetBucket"` reads v6-style one-item lists). A value
 * unknown at preview is kept as the unknown sentinel (test with `isUnknown`); absent ones are
 * dropped.
 */
export function pluck(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [raw(obj)];
  for (const seg of path.split(".")) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (isUnknown(c)) {
        next.push(c);
        continue;
      }
      if (c === null || c === undefined || typeof c !== "object") continue;
      const v = raw((c as Record<string, unknown>)[seg]);
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) next.push(...v.map((x) => raw(x)));
      else next.push(v);
    }
    cur = next;
  }
  return cur;
}

/** The resource's tags (empty if none); stops the check if the tag map itself is unknown. */
export function tagsOf(props: unknown): Record<string, unknown> {
  const tags = get(props, "tags");
  if (isUnknown(tags)) undecidable("tags");
  return tags && typeof tags === "object" ? (raw(tags) as Record<string, unknown>) : {};
}

/** One tag's value; stops the check if it is unknown. */
export function tagValue(props: unknown, key: string): string | undefined {
  const v = tagsOf(props)[key];
  if (isUnknown(v)) undecidable(`tags.${key}`);
  return typeof v === "string" ? v : undefined;
}

/**
 * True if a resource is in a policy's scope given a list of tag values: an empty list means
 * every resource; otherwise the resource's `key` tag must be one of them (case-insensitive).
 */
export function taggedOneOf(props: unknown, key: string, values: readonly string[] | undefined): boolean {
  if (!values || values.length === 0) return true;
  const v = tagValue(props, key);
  return v !== undefined && values.map((x) => x.toLowerCase()).includes(v.toLowerCase());
}

/**
 * True if a resource belongs to one of `values` environments (empty: every resource). The stack's
 * environment from the pack config (`"$pack": { "environment": "prod" }`) decides when set, so
 * programs that do not tag `environment` are judged as what they are; otherwise the resource's
 * `environment` tag.
 */
export function inEnvironments(props: unknown, config: Record<string, unknown>, values: readonly string[] | undefined): boolean {
  if (!values || values.length === 0) return true;
  const stackEnv = typeof config.environment === "string" && config.environment !== "" ? config.environment : undefined;
  const v = stackEnv ?? tagValue(props, "environment");
  return v !== undefined && values.map((x) => x.toLowerCase()).includes(v.toLowerCase());
}

/** True if a KMS key reference names an AWS managed key (`alias/aws/<service>`), not a customer managed one. */
export function isAwsManagedKeyRef(keyRef: string, service?: string): boolean {
  const alias = /(?:^|:)alias\/aws\/([a-z0-9-]+)$/i.exec(keyRef);
  return alias !== null && (service === undefined || alias[1]!.toLowerCase() === service.toLowerCase());
}

function globMatch(glob: string, value: string): boolean {
  return new RegExp(`^${glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i").test(value);
}

/**
 * True if an ARN pattern in a backup selection's `resources` covers every resource of a kind:
 * `*`, or `arn:<partition>:<service>:<region>:<account>:<resourcePrefix>*` with wildcards.
 */
function coversAllOfKind(pattern: string, service: string, resourcePrefix: string): boolean {
  if (pattern === "*") return true;
  const parts = pattern.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  const [, , svc, , , ...rest] = parts;
  return globMatch(svc!, service) && globMatch(rest.join(":"), `${resourcePrefix}any-resource-id`);
}

function conditionMatches(kind: "stringEquals" | "stringLikes" | "stringNotEquals" | "stringNotLikes", key: string, value: string, tags: Record<string, unknown>): boolean {
  const m = /^aws:ResourceTag\/(.+)$/i.exec(key);
  if (!m) return true; // only resource-tag conditions are defined by AWS Backup
  const actual = tags[m[1]!];
  const s = typeof actual === "string" ? actual : undefined;
  switch (kind) {
    case "stringEquals":
      return s === value;
    case "stringLikes":
      return s !== undefined && globMatch(value, s);
    case "stringNotEquals":
      return s !== value;
    case "stringNotLikes":
      return s === undefined || !globMatch(value, s);
  }
}

/**
 * Whether an ARN written as a string names `target`: its own ARN (an output, known once the stack
 * exists), or an ARN of its kind whose resource id is the target's name or identifier
 * (`arn:aws:dynamodb:<region>:<account>:table/orders` for a table named `orders`).
 */
function namesTarget(arn: string, target: PolicyResource, kind: { service: string; resourcePrefix: string }): boolean {
  const own = get(target.props, "arn");
  if (typeof own === "string" && !isUnknown(own) && own === arn) return true;
  const m = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.+)$/.exec(arn);
  if (!m || m[1] !== kind.service || !m[2]!.startsWith(kind.resourcePrefix)) return false;
  const id = m[2]!.slice(kind.resourcePrefix.length);
  return ["name", "clusterIdentifier", "identifier", "id", "fileSystemId", "volumeId"].some((k) => {
    const v = get(target.props, k);
    return typeof v === "string" && !isUnknown(v) && v === id;
  });
}

/**
 * Whether an AWS Backup selection in the stack covers `target`: it lists the target's ARN (by
 * property dependency, or as a string naming it), a wildcard ARN for the whole kind, or selects it by tag
 * (`selectionTags` STRINGEQUALS, or `conditions` on `aws:ResourceTag/...`), and does not list it in
 * `notResources`. Stops the check (undecidable) when nothing covers the target but a selection's
 * `resources` or tags are unknown at preview.
 */
export function backupSelectionsCovering(target: PolicyResource, selections: readonly PolicyResource[], kind: { service: string; resourcePrefix: string }): PolicyResource[] {
  const out: PolicyResource[] = [];
  let unknownPath: string | undefined;
  const rawTags = get(target.props, "tags");
  const targetTags = rawTags && typeof rawTags === "object" ? (raw(rawTags) as Record<string, unknown>) : {};
  const targetTagsUnknown = isUnknown(rawTags) || Object.values(targetTags).some(isUnknown);
  for (const sel of selections) {
    const depsOn = (prop: string) => (sel.propertyDependencies?.[prop] ?? []).some((d) => d.urn === target.urn);
    if (depsOn("notResources")) continue;
    const resources = get(sel.props, "resources");
    let byResource = depsOn("resources");
    if (!byResource) {
      if (isUnknown(resources)) unknownPath = `${sel.name}.resources`;
      for (const r of asArray(isUnknown(resources) ? undefined : (raw(resources) as unknown[]))) {
        if (typeof r !== "string" || isUnknown(r)) continue;
        if (coversAllOfKind(r, kind.service, kind.resourcePrefix) || namesTarget(r, target, kind)) byResource = true;
      }
    }
    const selTags = get(sel.props, "selectionTags");
    let byTag = false;
    if (isUnknown(selTags)) unknownPath ??= `${sel.name}.selectionTags`;
    for (const t of asArray(isUnknown(selTags) ? undefined : (raw(selTags) as any[]))) {
      const tt = raw(t) as { key?: unknown; value?: unknown; type?: unknown };
      if (isUnknown(tt.key) || isUnknown(tt.value)) {
        unknownPath ??= `${sel.name}.selectionTags`;
        continue;
      }
      if (String(tt.type ?? "STRINGEQUALS").toUpperCase() === "STRINGEQUALS" && typeof tt.key === "string" && targetTags[tt.key] === tt.value) byTag = true;
    }
    // `conditions` narrow the selection (every condition must hold); alone with no resources/tags
    // they do not select anything.
    const conditions = pluck(sel.props, "conditions");
    let conditionsHold = true;
    for (const kindName of ["stringEquals", "stringLikes", "stringNotEquals", "stringNotLikes"] as const) {
      for (const c of pluck(conditions, kindName)) {
        const cc = raw(c) as { key?: unknown; value?: unknown };
        if (isUnknown(c) || isUnknown(cc.key) || isUnknown(cc.value)) {
          unknownPath ??= `${sel.name}.conditions`;
          continue;
        }
        if (typeof cc.key === "string" && typeof cc.value === "string" && !conditionMatches(kindName, cc.key, cc.value, targetTags)) conditionsHold = false;
      }
    }
    if (targetTagsUnknown && (asArray(raw(selTags) as unknown[]).length > 0 || conditions.length > 0)) unknownPath ??= `${target.name}.tags`;
    if ((byResource || byTag) && conditionsHold) out.push(sel);
  }
  if (out.length === 0 && unknownPath) undecidable(unknownPath);
  return out;
}
