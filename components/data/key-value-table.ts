/**
 * A DynamoDB table, secure and durable by default:
 *
 * | setting              | default                                                          | control      |
 * |----------------------|------------------------------------------------------------------|--------------|
 * | capacity             | on-demand (`PAY_PER_REQUEST`)                                    | DynamoDB.1   |
 * | encryption           | the given customer managed KMS key                               | BP (CMK)     |
 * | point-in-time recovery | on, here and on every replica                                  | DynamoDB.2   |
 * | deletion protection  | the profile's (prod on), here and on every replica               | DynamoDB.6   |
 * | TTL                  | on the `ttlAttribute` when given                                 |              |
 * | global table         | a replica per region in `replicas`, each with its own KMS key    |              |
 * | prod                 | protect + retainOnDelete                                         |              |
 *
 * Replica keys: `replicas` maps each region to a KMS key ARN in that region, rather than this
 * component creating `aws.kms.ReplicaKey`s. DynamoDB encrypts each replica with a key of the
 * replica's region and replicates plaintext between regions itself, so sharing key material
 * (a multi-Region key) buys nothing here; an independent key per region keeps each region's key
 * policy, rotation and deletion its own, and `EncryptionKey` creates single-Region keys only
 * (its primary could not be replicated). Create the replica region's key with `EncryptionKey`
 * and a provider for that region, and pass its ARN.
 *
 * Each key's policy must let DynamoDB use it on the account's behalf (`EncryptionKey`
 * `viaServices: ["dynamodb"]`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { KmsDecryptActions, KmsEncryptDecryptActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, PolicyStatement, throwIfProblems } from "../security/policy-document";

/** DynamoDB: read items (on the table and its indexes). */
export const DynamoReadActions = ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"] as const;
/** DynamoDB: write items (on the table). */
export const DynamoWriteActions = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem"] as const;
/** DynamoDB Streams: read change records (on `<table arn>/stream/*`). */
export const DynamoStreamReadActions = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"] as const;

/** Key attribute types: string, number, binary. */
export const KeyAttributeTypes = ["S", "N", "B"] as const;
export type KeyAttributeType = (typeof KeyAttributeTypes)[number];

/** What a stream record carries. */
export const StreamViewTypes = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"] as const;
export type StreamViewType = (typeof StreamViewTypes)[number];

/** A key attribute. */
export interface KeyAttribute {
  name: string;
  type: KeyAttributeType;
}

/** A global secondary index. */
export interface TableIndex {
  /** Index name. Required. */
  name: string;
  /** The index's partition (hash) key. Required. */
  partitionKey: KeyAttribute;
  /** The index's sort (range) key. Default: none. */
  sortKey?: KeyAttribute;
  /** Attributes copied into the index: `ALL`, `KEYS_ONLY`, or the names of non-key attributes (`INCLUDE`). Default: `ALL`. */
  projection?: "ALL" | "KEYS_ONLY" | string[];
}

export interface KeyValueTableArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The customer managed KMS key of the table in this region. Required. */
  kmsKey: KeyReference;
  /** The table's physical name. Default: `<project>-<stack>-<component name>`. */
  tableName?: string;
  /** Partition (hash) key. Required. */
  partitionKey: KeyAttribute;
  /** Sort (range) key. Default: none. */
  sortKey?: KeyAttribute;
  /** Global secondary indexes (their key attributes are declared automatically). Default: none. */
  globalSecondaryIndexes?: TableIndex[];
  /** Attribute holding each item's expiry (epoch seconds); DynamoDB deletes expired items. Default: no TTL. */
  ttlAttribute?: string;
  /** Stream of item changes. Default: none (NEW_AND_OLD_IMAGES when there are replicas: global tables need it). */
  stream?: StreamViewType;
  /** Global-table replicas: region -> the ARN of the KMS key in that region. Default: none (single region). */
  replicas?: Record<string, pulumi.Input<string>>;
  /** Days of point-in-time recovery, 1 to 35. Default: 35. */
  pointInTimeRecoveryDays?: number;
  /** `STANDARD` or `STANDARD_INFREQUENT_ACCESS` (cheaper storage, dearer requests). Default: `STANDARD`. */
  tableClass?: "STANDARD" | "STANDARD_INFREQUENT_ACCESS";
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class KeyValueTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;
  /** The stream's ARN (empty when the table has no stream). */
  readonly streamArn: pulumi.Output<string>;
  /** The key ARN of each region's copy, this region first. */
  readonly kmsKeyArns: Readonly<Record<string, pulumi.Input<string>>>;

  private readonly componentName: string;
  private readonly hasStream: boolean;
  private readonly replicaRegions: readonly string[];

  constructor(name: string, args: KeyValueTableArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:data:KeyValueTable", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const tableName = args.tableName ?? physicalName(context, name, 255);
    const replicas = Object.entries(args.replicas ?? {});
    const stream = args.stream ?? (replicas.length > 0 ? "NEW_AND_OLD_IMAGES" : undefined);
    const pitrDays = args.pointInTimeRecoveryDays ?? 35;
    const indexes = args.globalSecondaryIndexes ?? [];

    const problems: string[] = [];
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) problems.push(`tableName = "${tableName}": 3 to 255 letters, digits, _ . -`);
    const attributes = new Map<string, KeyAttributeType>();
    const declare = (where: string, a: KeyAttribute | undefined) => {
      if (!a) return;
      if (!a.name) problems.push(`${where}: the attribute needs a name`);
      if (!(KeyAttributeTypes as readonly string[]).includes(a.type)) problems.push(`${where} "${a.name}": type "${a.type}" must be one of ${KeyAttributeTypes.join(", ")}`);
      const seen = attributes.get(a.name);
      if (seen !== undefined && seen !== a.type) problems.push(`${where} "${a.name}": declared as ${a.type} here and ${seen} elsewhere`);
      attributes.set(a.name, a.type);
    };
    declare("partitionKey", args.partitionKey);
    declare("sortKey", args.sortKey);
    if (args.sortKey && args.sortKey.name === args.partitionKey.name) problems.push(`sortKey "${args.sortKey.name}" is also the partition key`);
    const indexNames = new Set<string>();
    for (const ix of indexes) {
      if (!/^[A-Za-z0-9_.-]{3,255}$/.test(ix.name)) problems.push(`globalSecondaryIndexes "${ix.name}": name must be 3 to 255 letters, digits, _ . -`);
      if (indexNames.has(ix.name)) problems.push(`globalSecondaryIndexes "${ix.name}": duplicate name`);
      indexNames.add(ix.name);
      declare(`globalSecondaryIndexes "${ix.name}" partitionKey`, ix.partitionKey);
      declare(`globalSecondaryIndexes "${ix.name}" sortKey`, ix.sortKey);
      if (Array.isArray(ix.projection) && ix.projection.length === 0) problems.push(`globalSecondaryIndexes "${ix.name}": an INCLUDE projection needs attribute names`);
    }
    if (indexes.length > 20) problems.push(`${indexes.length} global secondary indexes: DynamoDB allows 20`);
    if (args.ttlAttribute !== undefined) {
      if (!args.ttlAttribute) problems.push("ttlAttribute is empty");
      if (attributes.has(args.ttlAttribute)) problems.push(`ttlAttribute "${args.ttlAttribute}" is a key attribute: TTL needs a number attribute outside the keys`);
    }
    if (stream !== undefined && !(StreamViewTypes as readonly string[]).includes(stream)) problems.push(`stream = "${stream}": must be one of ${StreamViewTypes.join(", ")}`);
    if (replicas.length > 0 && stream !== "NEW_AND_OLD_IMAGES") problems.push(`stream = "${stream}": global-table replicas need NEW_AND_OLD_IMAGES`);
    for (const [region] of replicas) {
      if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(region)) problems.push(`replicas "${region}": not an AWS region code such as eu-west-1`);
      if (region === context.region) problems.push(`replicas "${region}" is this stack's own region: list only the other regions`);
    }
    if (!Number.isInteger(pitrDays) || pitrDays < 1 || pitrDays > 35) problems.push(`pointInTimeRecoveryDays = ${pitrDays}: must be 1 to 35`);
    throwIfProblems(`KeyValueTable ${name}`, problems);

    this.componentName = name;
    this.hasStream = stream !== undefined;
    this.replicaRegions = replicas.map(([r]) => r);
    this.kmsKeyArns = Object.freeze({ [context.region]: keyArnOf(args.kmsKey), ...Object.fromEntries(replicas) });

    this.table = new aws.dynamodb.Table(
      name,
      {
        name: tableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: args.partitionKey.name,
        ...(args.sortKey ? { rangeKey: args.sortKey.name } : {}),
        attributes: [...attributes].map(([n, type]) => ({ name: n, type })),
        ...(indexes.length > 0
          ? {
              globalSecondaryIndexes: indexes.map((ix) => ({
                name: ix.name,
                keySchemas: [
                  { attributeName: ix.partitionKey.name, keyType: "HASH" },
                  ...(ix.sortKey ? [{ attributeName: ix.sortKey.name, keyType: "RANGE" }] : []),
                ],
                projectionType: Array.isArray(ix.projection) ? "INCLUDE" : (ix.projection ?? "ALL"),
                ...(Array.isArray(ix.projection) ? { nonKeyAttributes: ix.projection } : {}),
              })),
            }
          : {}),
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArnOf(args.kmsKey) },
        pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: pitrDays },
        deletionProtectionEnabled: profile.deletionProtection,
        ...(args.ttlAttribute ? { ttl: { attributeName: args.ttlAttribute, enabled: true } } : {}),
        ...(stream ? { streamEnabled: true, streamViewType: stream } : {}),
        ...(replicas.length > 0
          ? {
              replicas: replicas.map(([regionName, kmsKeyArn]) => ({
                regionName,
                kmsKeyArn,
                pointInTimeRecovery: true,
                deletionProtectionEnabled: profile.deletionProtection,
                propagateTags: true,
              })),
            }
          : {}),
        tableClass: args.tableClass ?? "STANDARD",
        tags: withTags(context.tags, args.tags ?? {}),
      },
      statefulOptions(context, { parent: this }),
    );

    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.streamArn = this.table.streamArn.apply((s) => s ?? "");
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, streamArn: this.streamArn });
  }

  /** Let a role read items from the table and its indexes (in every region of the global table). */
  grantReadData(role: aws.iam.Role): aws.iam.RolePolicy {
    return grantToRole(this, this.componentName, role, "read", [this.dataStatement("ReadItems", DynamoReadActions), this.keyStatement(KmsDecryptActions)]);
  }

  /** Let a role write and delete items (in every region of the global table). */
  grantWriteData(role: aws.iam.Role): aws.iam.RolePolicy {
    return grantToRole(this, this.componentName, role, "write", [this.dataStatement("WriteItems", DynamoWriteActions), this.keyStatement(KmsEncryptDecryptActions)]);
  }

  /** Let a role read and write items (in every region of the global table). */
  grantReadWriteData(role: aws.iam.Role): aws.iam.RolePolicy {
    const actions = [...new Set([...DynamoReadActions, ...DynamoWriteActions])];
    return grantToRole(this, this.componentName, role, "read-write", [this.dataStatement("ReadWriteItems", actions), this.keyStatement(KmsEncryptDecryptActions)]);
  }

  /** Let a role (e.g. a Lambda event source) read the table's stream. */
  grantStreamRead(role: aws.iam.Role): aws.iam.RolePolicy {
    throwIfProblems(`KeyValueTable ${this.componentName}.grantStreamRead`, this.hasStream ? [] : ["the table has no stream: set `stream`"]);
    return grantToRole(this, this.componentName, role, "stream-read", [
      { Sid: "ReadStream", Effect: "Allow", Action: [...DynamoStreamReadActions], Resource: pulumi.interpolate`${this.tableArn}/stream/*` },
      this.keyStatement(KmsDecryptActions),
    ]);
  }

  /** The table and its indexes here and in each replica region. */
  private dataStatement(sid: string, actions: readonly string[]): PolicyStatement {
    const tables = [this.tableArn, ...this.replicaRegions.map((r) => this.tableArn.apply((arn) => arn.replace(/^(arn:[^:]+:dynamodb:)[^:]+(:.*)$/, `$1${r}$2`)))];
    return { Sid: sid, Effect: "Allow", Action: [...actions], Resource: tables.flatMap((t) => [t, pulumi.interpolate`${t}/index/*`]) };
  }

  /** The keys of every region, used only through DynamoDB. */
  private keyStatement(actions: readonly string[]): PolicyStatement {
    const regions = Object.keys(this.kmsKeyArns);
    return {
      Sid: "UseTableKeyThroughDynamoDb",
      Effect: "Allow",
      Action: [...actions],
      Resource: Object.values(this.kmsKeyArns),
      Condition: { StringEquals: { "kms:ViaService": regions.map((r) => `dynamodb.${r}.amazonaws.com`) } },
    };
  }
}
