/**
 * DynamoDB and DAX: capacity auto scaling, point-in-time recovery, deletion protection, AWS Backup
 * coverage, DAX encryption at rest and in transit (FSBP DynamoDB.*, NIST DynamoDB.4), and customer
 * managed keys for classified tables (our own rule). Global-table replicas are checked both inline
 * (`replicas[]` on `aws:dynamodb/table:Table`) and as `aws:dynamodb/tableReplica:TableReplica`.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { backupSelectionsCovering, isAwsManagedKeyRef, taggedOneOf, TS } from "../lib/tokens-storage";
import { referencePolicy, SOURCES, type ReferenceCheck } from "../lib/references";
import { containsUnknown, asArray, get, isUnknown, raw, undecidable } from "../lib/values";
import { classifiedBecause } from "../lib/classification";

// ---------------------------------------------------------------------------------------------
// DynamoDB.1 auto scaling.

const DIMENSIONS = { read: "dynamodb:table:ReadCapacityUnits", write: "dynamodb:table:WriteCapacityUnits" } as const;

/** App Auto Scaling resources (targets or policies) for a table's dimension, by dependency or by `table/<name>`. */
function scalingFor(table: PolicyResource, candidates: readonly PolicyResource[], dimension: string, via: readonly PolicyResource[] = []): PolicyResource[] {
  const name = get(table.props, "name");
  const resourceIdOk = (r: PolicyResource) => {
    const deps = r.propertyDependencies?.["resourceId"] ?? [];
    if (deps.some((d) => d.urn === table.urn || via.some((v) => v.urn === d.urn))) return true;
    const id = get(r.props, "resourceId");
    return typeof id === "string" && typeof name === "string" && !isUnknown(name) && id === `table/${name}`;
  };
  return candidates.filter((r) => {
    if (!resourceIdOk(r)) return false;
    const ns = get(r.props, "serviceNamespace");
    if (ns !== undefined && !isUnknown(ns) && ns !== "dynamodb") return false;
    const dim = get(r.props, "scalableDimension");
    if (isUnknown(dim)) return (r.propertyDependencies?.["scalableDimension"] ?? []).some((d) => via.some((v) => v.urn === d.urn));
    return dim === dimension;
  });
}

export const dynamoAutoScaling = stackPolicy(
  {
    name: "dynamodb-table-autoscaling",
    description: "DynamoDB tables must scale capacity with demand: on-demand billing, or App Auto Scaling on read and write capacity.",
    severity: "medium",
    controls: ["DynamoDB.1"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps:
      "Set `billingMode: \"PAY_PER_REQUEST\"` on the aws.dynamodb.Table, or add an aws.appautoscaling.Target and aws.appautoscaling.Policy (TargetTrackingScaling) for both `dynamodb:table:ReadCapacityUnits` and `dynamodb:table:WriteCapacityUnits` with `resourceId: \"table/<name>\"`.",
    config: {
      requireScalingPolicy: {
        type: "boolean",
        description: "For provisioned tables, require an aws.appautoscaling.Policy on each scalable target (a target alone does not scale).",
        default: true,
      },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    forEach(TS.dynamoTable, (table) => {
      // billingMode defaults to PROVISIONED.
      const mode = get(table.props, "billingMode");
      if (isUnknown(mode)) undecidable(`${table.name}.billingMode`);
      if (mode === "PAY_PER_REQUEST") return;
      const missing: string[] = [];
      for (const [what, dim] of Object.entries(DIMENSIONS)) {
        const targets = scalingFor(table, ofType(TS.scalingTarget), dim);
        if (targets.length === 0) {
          missing.push(`no aws.appautoscaling.Target for ${what} capacity (${dim})`);
          continue;
        }
        if (config.requireScalingPolicy !== false && scalingFor(table, ofType(TS.scalingPolicy), dim, targets).length === 0) {
          missing.push(`no aws.appautoscaling.Policy for ${what} capacity`);
        }
      }
      if (missing.length > 0) {
        fail(table, `provisioned capacity without auto scaling: ${missing.join("; ")}`, "set `billingMode: \"PAY_PER_REQUEST\"`, or add App Auto Scaling targets and target-tracking policies for read and write capacity");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// DynamoDB.2 point-in-time recovery.

export const dynamoPitr = resourcePolicy(
  {
    name: "dynamodb-table-pitr",
    description: "DynamoDB tables (and their replicas) must have point-in-time recovery enabled.",
    severity: "medium",
    controls: ["DynamoDB.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Set `pointInTimeRecovery: { enabled: true }` on the aws.dynamodb.Table (and `pointInTimeRecovery: true` on each `replicas[]` entry or aws.dynamodb.TableReplica).",
    resourceTypes: [...TS.dynamoTable, ...TS.dynamoTableReplica],
    config: {
      minRecoveryPeriodDays: {
        type: "number",
        description: "Minimum `pointInTimeRecovery.recoveryPeriodInDays` (1 to 35; absent means 35).",
        default: 1,
      },
    },
  },
  ({ props, type, config, fail }) => {
    // PITR is off unless enabled, on tables and on replicas alike.
    if (type === "aws:dynamodb/tableReplica:TableReplica") {
      if (props.pointInTimeRecovery !== true) fail("point-in-time recovery is off on the replica", "set `pointInTimeRecovery: true`");
      return;
    }
    if (props.pointInTimeRecovery?.enabled !== true) {
      fail("point-in-time recovery is off", "set `pointInTimeRecovery: { enabled: true }`");
      return;
    }
    const period = props.pointInTimeRecovery.recoveryPeriodInDays ?? 35;
    if (typeof period === "number" && period < Number(config.minRecoveryPeriodDays)) {
      fail(`the recovery period is ${period} days, below the required ${config.minRecoveryPeriodDays}`, `set \`pointInTimeRecovery.recoveryPeriodInDays\` to at least ${config.minRecoveryPeriodDays} (or remove it: 35)`);
    }
    const off = asArray(props.replicas as unknown[]).filter((r: any) => r.pointInTimeRecovery !== true).map((r: any) => r.regionName);
    if (off.length > 0) fail(`point-in-time recovery is off on the replica${off.length > 1 ? "s" : ""} in ${off.join(", ")}`, "set `pointInTimeRecovery: true` on each `replicas[]` entry");
  },
);

// ---------------------------------------------------------------------------------------------
// DynamoDB.6 deletion protection.

// ---------------------------------------------------------------------------------------------
// DynamoDB.4 AWS Backup coverage.

export const dynamoInBackupPlan = stackPolicy(
  {
    name: "dynamodb-table-in-backup-plan",
    description: "DynamoDB tables must be protected by an AWS Backup plan.",
    severity: "medium",
    controls: ["DynamoDB.4"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps: "Add the table's arn to an aws.backup.Selection `resources` of an aws.backup.Plan, or select it by tag with `selectionTags`/`conditions`.",
    config: {
      dataClassifications: {
        type: "array",
        items: { type: "string" },
        description: "Only tables whose `data-classification` tag is one of these must be in a backup plan; empty means every table.",
        default: [],
      },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    forEach(TS.dynamoTable, (table) => {
      if (!taggedOneOf(table.props, "data-classification", config.dataClassifications)) return;
      if (backupSelectionsCovering(table, ofType(TS.backupSelection), { service: "dynamodb", resourcePrefix: "table/" }).length > 0) return;
      fail(table, "no AWS Backup selection covers the table", "list the table's arn in an aws.backup.Selection `resources` (or tag-select it) of an aws.backup.Plan");
    });
  },
);

// ---------------------------------------------------------------------------------------------
// DynamoDB.3 / DynamoDB.7 DAX encryption.

export const daxEncryptedAtRest = resourcePolicy(
  {
    name: "dax-cluster-encrypted-at-rest",
    description: "DynamoDB Accelerator (DAX) clusters must be encrypted at rest.",
    severity: "medium",
    controls: ["DynamoDB.3"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `serverSideEncryption: { enabled: true }` on the aws.dax.Cluster (replaces the cluster).",
    resourceTypes: TS.daxCluster,
  },
  ({ props, fail }) => {
    // serverSideEncryption is off unless enabled.
    if (props.serverSideEncryption?.enabled !== true) fail("encryption at rest is off", "set `serverSideEncryption: { enabled: true }`");
  },
);

export const daxTls = resourcePolicy(
  {
    name: "dax-cluster-tls",
    description: "DynamoDB Accelerator (DAX) clusters must encrypt their endpoint traffic with TLS.",
    severity: "medium",
    controls: ["DynamoDB.7"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `clusterEndpointEncryptionType: \"TLS\"` on the aws.dax.Cluster (replaces the cluster).",
    resourceTypes: TS.daxCluster,
  },
  ({ props, fail }) => {
    // clusterEndpointEncryptionType defaults to NONE.
    const t = props.clusterEndpointEncryptionType ?? "NONE";
    if (t !== "TLS") fail(`the cluster endpoint encryption type is ${t}`, "set `clusterEndpointEncryptionType: \"TLS\"`");
  },
);

// ---------------------------------------------------------------------------------------------
// Customer managed keys for classified tables.

/** A customer managed key: a known key that is not AWS managed, or an unknown one from a key of the stack (lib/references.ts). */
function isCmk(key: unknown, ref: ReferenceCheck["ref"], path: string): boolean {
  if (containsUnknown(key)) return ref(path, SOURCES.kmsKey);
  return typeof key === "string" && key.length > 0 && !isAwsManagedKeyRef(key);
}

export const dynamoCmk = referencePolicy(
  {
    name: "dynamodb-table-cmk",
    description: "DynamoDB tables holding classified data (the pack-wide `classifiedData` setting: confidential/restricted or PCI/HIPAA, by tag) must be encrypted with a customer managed KMS key.",
    severity: "high",
    controls: ["BP.DynamoDB.1", "BP.Data.2"],
    frameworks: ["Blueprints", "PCI DSS", "HIPAA"],
    remediationSteps:
      "Set `serverSideEncryption: { enabled: true, kmsKeyArn: key.arn }` on the aws.dynamodb.Table (an aws.kms.Key you manage), and `kmsKeyArn` on every replica (a key in the replica's Region).",
    resourceTypes: [...TS.dynamoTable, ...TS.dynamoTableReplica],
  },
  ({ props, type, args, config, ref, fail }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (because.length === 0) return;
    const why = `holds ${because.join(", ")} data`;
    if (type === "aws:dynamodb/tableReplica:TableReplica") {
      if (!isCmk(get(props, "kmsKeyArn"), ref, "kmsKeyArn")) fail(`the replica ${why} but names no customer managed key`, "set `kmsKeyArn` to a customer managed key in the replica's Region");
      return;
    }
    // Without serverSideEncryption, or with enabled: false, DynamoDB uses an AWS owned key; with
    // enabled: true and no kmsKeyArn, the AWS managed alias/aws/dynamodb.
    const sse = raw(get(props, "serverSideEncryption")) as Record<string, unknown> | undefined;
    if (isUnknown(sse)) undecidable("serverSideEncryption");
    if (isUnknown(sse?.enabled)) undecidable("serverSideEncryption.enabled");
    if (sse?.enabled !== true || !isCmk(sse.kmsKeyArn, ref, "serverSideEncryption.kmsKeyArn")) {
      fail(`the table ${why} but is not encrypted with a customer managed key`, "set `serverSideEncryption: { enabled: true, kmsKeyArn: <your aws.kms.Key arn> }`");
    }
    const replicas = get(props, "replicas");
    if (isUnknown(replicas)) undecidable("replicas");
    const bare = asArray(replicas as unknown[]).filter((r: any, i) => !isCmk(get(r, "kmsKeyArn"), ref, `replicas.${i}.kmsKeyArn`)).map((r: any) => get(r, "regionName"));
    if (bare.length > 0) fail(`the replica${bare.length > 1 ? "s" : ""} in ${bare.join(", ")} name${bare.length > 1 ? "" : "s"} no customer managed key`, "set `kmsKeyArn` on each `replicas[]` entry to a customer managed key in that Region");
  },
);

export const policies = [dynamoAutoScaling, dynamoPitr, dynamoInBackupPlan, daxEncryptedAtRest, daxTls, dynamoCmk];

/** Every DynamoDB control of catalog §1.1 (and DynamoDB.4 of §1.3) is decidable at preview. */
export const notDecidable: Record<string, string> = {};
