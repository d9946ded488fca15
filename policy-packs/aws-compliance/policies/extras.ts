/**
 * Services with no FSBP control (catalog §1.4: CloudHSM, QuickSight, Direct Connect) and the
 * seed's own data rules: no plaintext secrets in Lambda environments or EC2 user data, prod data
 * stores protected against deletion (BP.Data.1), confidential and regulated data under customer
 * managed KMS keys (BP.Data.2), and v7 token hygiene (BP.Hygiene.1).
 *
 * Tags: a resource's own `tags` win over its provider's `defaultTags` (read when the plan carries
 * the provider). Unknown values: a reference unknown at preview (`kmsKeyId: key.arn`) is wired to
 * another resource's output and counts as set; a tag, flag or text whose content decides yields a
 * "can't run during preview" note instead of a verdict. Secret values are never echoed in messages.
 */
import type { PolicyResource } from "@pulumi/policy";
import * as zlib from "node:zlib";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { T } from "../lib/tokens";
import { TE } from "../lib/tokens-edge";
import { TS } from "../lib/tokens-storage";
import { classifiedBecause, tagValue } from "../lib/classification";
import { referenceIsSet, referencePolicy, SOURCES, untracedPointers, undecidableIfUntraced } from "../lib/references";
import { asArray, containsUnknown, get, isUnknown, truthy, undecidable } from "../lib/values";
import { present } from "./edge-cloudfront";

function depUrns(r: PolicyResource, prop: string): string[] {
  return (r.propertyDependencies?.[prop] ?? []).map((d) => d.urn);
}

/** A known value of a resource's prop, or `undecidable` when it is unknown at preview. */
function known(r: { name: string; props: unknown }, path: string): any {
  const v = get(r.props, path);
  if (isUnknown(v)) undecidable(`${r.name}.${path}`);
  return v;
}

export { tagValue };

// ---------------------------------------------------------------- CloudHSM, QuickSight, Direct Connect

export const cloudhsmMultiAz = stackPolicy(
  {
    name: "cloudhsm-cluster-multi-az",
    description: "CloudHSM clusters must have at least two HSMs in different Availability Zones.",
    severity: "high",
    controls: ["BP.CloudHSM.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Add aws.cloudhsmv2.Hsm resources with `clusterId` = the cluster's `clusterId`, each in a different `availabilityZone` (or `subnetId` of a different AZ).",
    config: {
      minimumHsms: { type: "integer", minimum: 1, description: "Minimum number of HSMs per cluster.", default: 2 },
      minimumAvailabilityZones: { type: "integer", minimum: 1, description: "Minimum number of distinct Availability Zones.", default: 2 },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const hsms = ofType(TE.hsm);
    const subnets = ofType(TE.subnet);
    const minHsms = Number(config.minimumHsms ?? 2);
    const minAzs = Number(config.minimumAvailabilityZones ?? 2);
    forEach(TE.hsmCluster, (cluster) => {
      const mine = hsms.filter((h) => depUrns(h, "clusterId").includes(cluster.urn));
      const zones = new Set<string>();
      for (const h of mine) {
        const az = known(h, "availabilityZone");
        if (typeof az === "string") {
          zones.add(az);
          continue;
        }
        const subnet = subnets.find((s) => depUrns(h, "subnetId").includes(s.urn));
        const subnetAz = subnet ? known(subnet, "availabilityZone") : undefined;
        // A cluster has at most one subnet per AZ, so distinct subnets mean distinct AZs.
        zones.add(typeof subnetAz === "string" ? subnetAz : `subnet ${subnet?.urn ?? known(h, "subnetId") ?? h.urn}`);
      }
      if (mine.length >= minHsms && zones.size >= minAzs) return;
      undecidableIfUntraced(cluster, untracedPointers(hsms.filter((h) => !mine.includes(h)), "clusterId", TE.hsmCluster), "clusterId");
      fail(cluster, `has ${mine.length} HSM${mine.length === 1 ? "" : "s"} in ${zones.size} Availability Zone${zones.size === 1 ? "" : "s"} (needs ${minHsms} in ${minAzs})`, `add aws.cloudhsmv2.Hsm resources with \`clusterId: cluster.clusterId\` in ${minAzs} different Availability Zones`);
    });
  },
);

export const quicksightSsl = resourcePolicy(
  {
    name: "quicksight-data-source-ssl",
    description: "QuickSight data sources must not disable SSL to their database.",
    severity: "high",
    controls: ["BP.QuickSight.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Remove `sslProperties.disableSsl: true` (or set it to false) on the aws.quicksight.DataSource.",
    resourceTypes: TE.quicksightDataSource,
  },
  ({ props, fail }) => {
    if (props.sslProperties?.disableSsl === true) fail("connects to its data source without SSL (`sslProperties.disableSsl: true`)", "set `sslProperties.disableSsl: false`");
  },
);

export const quicksightVpcConnection = referencePolicy(
  {
    name: "quicksight-data-source-vpc-connection",
    description: "QuickSight data sources for RDS, Aurora and Redshift must connect through a QuickSight VPC connection.",
    severity: "medium",
    controls: ["BP.QuickSight.2"],
    frameworks: ["Blueprints"],
    remediationSteps: "Create an aws.quicksight.VpcConnection in the database's VPC and set `vpcConnectionProperties.vpcConnectionArn` on the aws.quicksight.DataSource to its `arn`.",
    resourceTypes: TE.quicksightDataSource,
    config: {
      typesRequiringVpc: {
        type: "array",
        items: { type: "string" },
        description: "Data source types that must use a VPC connection.",
        default: ["RDS", "AURORA", "AURORA_POSTGRESQL", "REDSHIFT"],
      },
    },
  },
  ({ props, config, ref, fail }) => {
    const type = props.type;
    if (!((config.typesRequiringVpc as string[] | undefined) ?? ["RDS", "AURORA", "AURORA_POSTGRESQL", "REDSHIFT"]).includes(type)) return;
    if (!ref("vpcConnectionProperties.vpcConnectionArn", ["aws:quicksight/vpcConnection:VpcConnection"])) fail(`reaches its ${type} database over the public network (no VPC connection)`, "set `vpcConnectionProperties.vpcConnectionArn` to an aws.quicksight.VpcConnection");
  },
);

const normaliseMode = (m: unknown) => String(m ?? "").toLowerCase().replace(/[_-]/g, "");

export const directconnectMacsec = stackPolicy(
  {
    name: "directconnect-connection-macsec",
    description: "Dedicated Direct Connect connections that support MACsec must request it, require encryption, and have a MACsec key.",
    severity: "medium",
    controls: ["BP.DirectConnect.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "On the aws.directconnect.Connection set `requestMacsec: true` and `encryptionMode: \"must_encrypt\"`, and add an aws.directconnect.MacsecKeyAssociation (`connectionId`, `secretArn` of the CKN/CAK secret).",
    config: {
      encryptionModes: {
        type: "array",
        items: { type: "string" },
        description: "Accepted `encryptionMode` values (compared ignoring case and underscores: must_encrypt = mustEncrypt).",
        default: ["must_encrypt"],
      },
      macsecBandwidths: {
        type: "array",
        items: { type: "string" },
        description: "Bandwidths on which MACsec is available (dedicated connections).",
        default: ["10Gbps", "100Gbps", "400Gbps"],
      },
      requireKeyAssociation: { type: "boolean", description: "Require an aws.directconnect.MacsecKeyAssociation for the connection.", default: true },
    },
  },
  ({ forEach, attached, fail, config }) => {
    const accepted: string[] = config.encryptionModes ?? ["must_encrypt"];
    const modes = accepted.map(normaliseMode);
    forEach(TE.dxConnection, (c) => {
      if (!((config.macsecBandwidths as string[] | undefined) ?? ["10Gbps", "100Gbps", "400Gbps"]).includes(known(c, "bandwidth"))) return; // MACsec needs a 10/100/400 Gbps port
      const problems: string[] = [];
      if (known(c, "requestMacsec") !== true) problems.push("does not request MACsec (`requestMacsec`)");
      const mode = known(c, "encryptionMode");
      if (!modes.includes(normaliseMode(mode))) problems.push(`has encryptionMode ${mode === undefined ? "unset" : `"${mode}"`}`);
      if (truthy(config.requireKeyAssociation ?? true) && attached(c, TE.dxMacsecKeyAssociation, "connectionId").length === 0) problems.push("has no aws.directconnect.MacsecKeyAssociation");
      if (problems.length > 0) fail(c, problems.join("; "), `set \`requestMacsec: true\` and \`encryptionMode: "${accepted[0] ?? "must_encrypt"}"\`, and associate a MACsec key (aws.directconnect.MacsecKeyAssociation)`);
    });
  },
);

// ---------------------------------------------------------------- Plaintext secrets

const SECRET_KEY = "(password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|credentials?|access[_-]?key)";
const REFERENCE_KEY = "(_|-)?(arn|name|id|path|param|parameter|url|uri|endpoint|header|ttl|expiry|expiration|seconds|length|file|key_id|version)$";
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const SECRET_ACCESS_KEY = /aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}/i;
/** A URL with a password in it (`postgres://app:hunter2@db:5432/app`), not a variable reference. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:(?![$%{])[^\s@/]+@/i;
/** Values that are references to a secret, not the secret itself. */
const REFERENCE_VALUE = /^(arn:aws[a-z-]*:|\{\{resolve:|ssm:|secretsmanager:|\/aws\/reference\/|\$\{|\$\(|\$[A-Za-z_])/;

function literalSecret(v: string): boolean {
  const t = v.trim();
  return t.length >= 4 && !/^(true|false|yes|no|on|off|none|null|\d+)$/i.test(t) && !REFERENCE_VALUE.test(t);
}

const SECRET_CONFIG = {
  secretKeyPattern: { type: "string", description: "Regular expression (case-insensitive) for names that hold secrets.", default: SECRET_KEY },
  referenceKeyPattern: { type: "string", description: "Regular expression (case-insensitive) for names that hold references to secrets (ARNs, names, paths), not secrets.", default: REFERENCE_KEY },
  allowedKeys: { type: "array", items: { type: "string" }, description: "Names that may hold literal values (reviewed).", default: [] },
};

export const lambdaEnvironmentNoSecrets = resourcePolicy(
  {
    name: "lambda-environment-no-plaintext-secrets",
    description: "Lambda environment variables must not hold plaintext secrets (passwords, tokens, API keys, AWS access keys).",
    severity: "high",
    controls: ["BP.SecretLeak.1"],
    frameworks: ["Blueprints", "PCI DSS", "HIPAA"],
    remediationSteps:
      "Store the secret in an aws.secretsmanager.Secret (or an SSM SecureString parameter), pass its ARN or name in the environment (e.g. `DB_SECRET_ARN`), grant the function read access, and fetch it at runtime (Parameters and Secrets Lambda extension).",
    resourceTypes: TE.lambdaFunction,
    config: SECRET_CONFIG,
  },
  ({ props, config, fail }) => {
    const vars = get(props, "environment.variables");
    if (isUnknown(vars)) undecidable("environment.variables");
    const secretKey = new RegExp(config.secretKeyPattern ?? SECRET_KEY, "i");
    const referenceKey = new RegExp(config.referenceKeyPattern ?? REFERENCE_KEY, "i");
    const allowed = new Set<string>(config.allowedKeys ?? []);
    const problems: string[] = [];
    const unknownKeys: string[] = [];
    for (const [k, v] of Object.entries((vars ?? {}) as Record<string, unknown>)) {
      if (allowed.has(k)) continue;
      const named = secretKey.test(k) && !referenceKey.test(k);
      if (isUnknown(v)) {
        if (named) unknownKeys.push(k);
        continue;
      }
      if (typeof v !== "string") continue;
      if (ACCESS_KEY_ID.test(v)) problems.push(`${k} holds an AWS access key ID`);
      else if (PRIVATE_KEY.test(v)) problems.push(`${k} holds a private key`);
      else if (URL_CREDENTIALS.test(v)) problems.push(`${k} holds a URL with a password`);
      else if (named && literalSecret(v)) problems.push(`${k} holds a literal secret`);
    }
    if (problems.length > 0) fail(`environment variable${problems.length > 1 ? "s" : ""} ${problems.join(", ")} in plaintext (visible to anyone who can read the function's configuration, and in the state)`, "move the value to aws.secretsmanager.Secret (or an SSM SecureString) and pass its ARN/name instead");
    if (unknownKeys.length > 0) undecidable(`environment.variables.${unknownKeys[0]}`);
  },
);

/** The user data inputs of each token and whether they are base64-encoded. */
const USER_DATA: { types: readonly string[]; fields: [string, boolean][] }[] = [
  { types: [...TE.ec2Instance, ...TE.spotInstanceRequest, ...TE.launchConfiguration], fields: [["userData", false], ["userDataBase64", true]] },
  { types: TE.launchTemplate, fields: [["userData", true]] },
];

/** Decode base64 user data (gzip-compressed cloud-init too); undefined if it is not base64. */
function decodeUserData(v: string): string | undefined {
  const t = v.trim();
  if (!/^[A-Za-z0-9+/=\s]+$/.test(t)) return undefined;
  const buf = Buffer.from(t, "base64");
  try {
    return buf[0] === 0x1f && buf[1] === 0x8b ? zlib.gunzipSync(buf).toString("utf8") : buf.toString("utf8");
  } catch {
    return undefined;
  }
}

/** Problems in a user data script (line numbers, never values). */
function userDataProblems(text: string, secretKey: RegExp, referenceKey: RegExp, allowed: Set<string>): string[] {
  const out: string[] = [];
  const assignment = new RegExp(`(?:^|[\\s;,{(])(?:export\\s+|--)?["']?(?<key>[A-Za-z0-9_.-]*(?:${secretKey.source})[A-Za-z0-9_.-]*)["']?\\s*(?:[:=]|\\s(?=["']))\\s*["']?(?<value>[^\\s"'\`;,}]+)`, "gi");
  const flag = new RegExp(`--(?<key>[A-Za-z0-9-]*(?:${secretKey.source})[A-Za-z0-9-]*)(?:=|\\s+)["']?(?<value>[^\\s"']+)`, "gi");
  text.split(/\r?\n/).forEach((line, i) => {
    const n = i + 1;
    if (ACCESS_KEY_ID.test(line)) out.push(`line ${n} contains an AWS access key ID`);
    if (SECRET_ACCESS_KEY.test(line)) out.push(`line ${n} sets aws_secret_access_key`);
    if (PRIVATE_KEY.test(line)) out.push(`line ${n} embeds a private key`);
    if (URL_CREDENTIALS.test(line)) out.push(`line ${n} contains a URL with a password`);
    for (const m of [...line.matchAll(assignment), ...line.matchAll(flag)]) {
      const { key, value } = m.groups ?? {};
      if (!key || !value || allowed.has(key) || referenceKey.test(key)) continue;
      if (literalSecret(value)) out.push(`line ${n} assigns a literal value to ${key}`);
    }
  });
  return [...new Set(out)];
}

export const userDataNoSecrets = resourcePolicy(
  {
    name: "ec2-user-data-no-plaintext-secrets",
    description: "EC2 instance, launch template and launch configuration user data must not contain plaintext secrets (AWS keys, private keys, passwords, tokens).",
    severity: "high",
    controls: ["BP.SecretLeak.2"],
    frameworks: ["Blueprints", "PCI DSS", "HIPAA"],
    remediationSteps:
      "Keep secrets out of `userData`: store them in aws.secretsmanager.Secret or SSM SecureString parameters and fetch them at boot with the instance role (`aws secretsmanager get-secret-value`); use the instance profile instead of access keys. In v7 `userData` is stored in clear text in the state.",
    resourceTypes: USER_DATA.flatMap((u) => u.types),
    config: SECRET_CONFIG,
  },
  ({ type, props, config, fail }) => {
    const secretKey = new RegExp(config.secretKeyPattern ?? SECRET_KEY, "i");
    const referenceKey = new RegExp(config.referenceKeyPattern ?? REFERENCE_KEY, "i");
    const allowed = new Set<string>(config.allowedKeys ?? []);
    const fields = USER_DATA.find((u) => u.types.includes(type))!.fields;
    const problems: string[] = [];
    for (const [field, base64] of fields) {
      const v = props[field]; // unknown user data: the proxy says it cannot be decided
      if (typeof v !== "string" || v === "") continue;
      const texts = base64 ? [decodeUserData(v), v] : [v];
      for (const t of texts) if (t !== undefined) problems.push(...userDataProblems(t, secretKey, referenceKey, allowed).map((p) => `\`${field}\` ${p}`));
    }
    const unique = [...new Set(problems)];
    if (unique.length > 0) fail(`user data holds plaintext secrets: ${unique.join("; ")}`, "fetch secrets at boot from Secrets Manager / SSM Parameter Store with the instance role, and remove access keys from the script");
  },
);

// ---------------------------------------------------------------- Data protection (the seed's rules)

const ENV_CONFIG = {
  environment: { type: "string", description: "The stack's environment; when empty, each resource's environment tag decides.", default: "" },
  prodEnvironments: { type: "array", items: { type: "string" }, description: "Environment names that count as production.", default: ["prod", "production"] },
  environmentTagKey: { type: "string", description: "The tag that names a resource's environment.", default: "environment" },
};

interface DeletionFlag {
  prop: string;
  /** True if the value protects the data. */
  ok: (v: unknown) => boolean;
  problem: string;
  fix: string;
  /** The controls a bad value breaks. */
  controls: string[];
  /** An FSBP control that asks for it in every environment (outside production: advisory). */
  everyEnvironment?: boolean;
}

const deletionProtection = (prop: string, control: string, on: unknown = true): DeletionFlag => ({
  prop,
  ok: (v) => v === on,
  problem: `provider-side deletion protection is off (\`${prop}\` is not ${JSON.stringify(on)})`,
  fix: `\`${prop}: ${JSON.stringify(on)}\``,
  controls: [control],
  everyEnvironment: true,
});
const noForceDestroy = (control: string, what: string): DeletionFlag => ({ prop: "forceDestroy", ok: (v) => v !== true, problem: `\`forceDestroy: true\` deletes ${what} with it`, fix: "no `forceDestroy` (default false)", controls: [control] });
const finalSnapshot: DeletionFlag = { prop: "skipFinalSnapshot", ok: (v) => v !== true, problem: "`skipFinalSnapshot: true` loses the data on deletion", fix: "`skipFinalSnapshot: false` with a `finalSnapshotIdentifier`", controls: ["BP.Data.1"] };

const STATEFUL: { types: readonly string[]; what: string; flags: DeletionFlag[]; protect?: string[] | false; replicas?: DeletionFlag }[] = [
  { types: TE.rdsCluster, what: "RDS cluster", flags: [deletionProtection("deletionProtection", "RDS.7"), finalSnapshot] },
  { types: TE.rdsInstance, what: "RDS instance", flags: [deletionProtection("deletionProtection", "RDS.8"), finalSnapshot] },
  {
    types: TS.dynamoTable,
    what: "DynamoDB table",
    flags: [deletionProtection("deletionProtectionEnabled", "DynamoDB.6")],
    // Each `replicas[]` entry has its own switch.
    replicas: deletionProtection("deletionProtectionEnabled", "DynamoDB.6"),
  },
  // A replica is a copy: deleting it loses no data, so `protect` is not asked; DynamoDB.6 is.
  { types: TS.dynamoTableReplica, what: "DynamoDB table replica", protect: false, flags: [deletionProtection("deletionProtectionEnabled", "DynamoDB.6")] },
  { types: ["aws:cognito/userPool:UserPool"], what: "Cognito user pool (its users and their credentials)", flags: [deletionProtection("deletionProtection", "Cognito.6", "ACTIVE")] },
  { types: T.bucket, what: "S3 bucket", flags: [noForceDestroy("BP.Bucket.2", "every object")] },
  { types: TE.efsFileSystem, what: "EFS file system", flags: [] },
  // Deleting a key makes everything it encrypts unreadable (KMS.3 at run time; `protect` at preview).
  { types: TS.kmsKey, what: "KMS key", protect: ["BP.Data.1", "BP.KMS.2"], flags: [] },
  { types: TE.redshiftCluster, what: "Redshift cluster", flags: [finalSnapshot] },
  { types: TE.kinesisStream, what: "Kinesis stream", flags: [] },
  { types: TE.backupVault, what: "Backup vault", flags: [noForceDestroy("BP.Backup.5", "every recovery point")] },
  { types: TE.glacierVault, what: "Glacier vault", flags: [] },
];

const STATEFUL_CONTROLS = [...new Set(["BP.Data.1", ...STATEFUL.flatMap((s) => [...(s.protect || []), ...s.flags.flatMap((f) => f.controls)])])];

export const statefulResourcesProtected = resourcePolicy(
  {
    name: "stateful-resources-protected",
    description:
      "Stateful resources (databases, tables, user pools, buckets, file systems, keys, streams, vaults) must survive a delete: in production Pulumi `protect` plus the provider's deletion protection and no force-destroy; the FSBP deletion-protection controls (DynamoDB.6, RDS.7, RDS.8, Cognito.6) are advised in every other environment.",
    severity: "high",
    controls: STATEFUL_CONTROLS,
    frameworks: ["Blueprints", "FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Pass `{ protect: true }` in the resource options, and turn on the provider's deletion protection where there is one (`deletionProtection: true` on RDS, `deletionProtectionEnabled: true` on DynamoDB tables, each `replicas[]` entry and each TableReplica, `deletionProtection: \"ACTIVE\"` on Cognito user pools), no `forceDestroy` on buckets and Backup vaults, no `skipFinalSnapshot` on RDS/Redshift.",
    resourceTypes: STATEFUL.flatMap((s) => s.types),
    config: {
      ...ENV_CONFIG,
      outsideProduction: {
        type: "string",
        enum: ["advisory", "off"],
        description: "Outside production, report the FSBP deletion-protection controls (DynamoDB.6, RDS.7, RDS.8, Cognito.6) as advisory findings, or not at all.",
        default: "advisory",
      },
    },
  },
  ({ type, props, args, config, fail }) => {
    const prodEnvs = ((config.prodEnvironments as string[] | undefined) ?? ["prod", "production"]).map((e) => e.toLowerCase());
    const env = (config.environment as string | undefined) || tagValue({ props, provider: args.provider }, config.environmentTagKey ?? "environment");
    const prod = env !== undefined && prodEnvs.includes(env.toLowerCase());
    if (!prod && config.outsideProduction === "off") return;
    const spec = STATEFUL.find((s) => s.types.includes(type))!;
    const problems: string[] = [];
    const fixes: string[] = [];
    const controls: string[] = [];
    const add = (problem: string, fix: string, cs: readonly string[]) => {
      problems.push(problem);
      if (!fixes.includes(fix)) fixes.push(fix);
      for (const c of cs) if (!controls.includes(c)) controls.push(c);
    };
    if (prod && spec.protect !== false && args.opts.protect !== true) add("it is not `protect`ed, so `pulumi destroy` or a replacement deletes it", "`{ protect: true }` in the resource options", spec.protect ?? ["BP.Data.1"]);
    for (const f of spec.flags) if ((prod || f.everyEnvironment) && !f.ok(props[f.prop])) add(f.problem, f.fix, f.controls);
    if (spec.replicas) {
      const flag = spec.replicas;
      const off = asArray<any>(props.replicas).filter((r) => !flag.ok(get(r, flag.prop))).map((r) => String(get(r, "regionName")));
      if (off.length > 0) add(`deletion protection is off on the replica${off.length > 1 ? "s" : ""} in ${off.join(", ")}`, `\`${flag.prop}: true\` on each \`replicas[]\` entry`, flag.controls);
    }
    if (problems.length === 0) return;
    const where = env ? `a ${env} ${spec.what}` : `a ${spec.what} of no named environment`;
    if (prod) fail(`is ${where} and ${problems.join("; ")}`, `set ${fixes.join(", ")}`, controls);
    else fail(`is ${where} and ${problems.join("; ")} (advised outside production)`, `set ${fixes.join(", ")}`, controls, "advisory");
  },
);

/** True if a KMS key reference names an AWS managed key (`alias/aws/<service>`). */
const awsManaged = (v: unknown) => typeof v === "string" && /(^|:)alias\/aws\//.test(v);

interface CmkCheck {
  types: readonly string[];
  what: string;
  /** The problem with the resource's key, or undefined if it uses a customer managed key. */
  problem: (r: PolicyResource) => string | undefined;
  fix: string;
  /** The type takes no tags (account-level settings): in scope when the stack holds classified data. */
  untaggable?: boolean;
}

/** A key reference: missing, AWS managed, or customer managed (unknown: from a key of the stack, else undecidable; lib/references.ts). */
function keyProblem(r: PolicyResource, prop: string): string | undefined {
  const v = get(r.props, prop);
  if (containsUnknown(v)) {
    referenceIsSet(r, prop, SOURCES.kmsKey); // from a key of the stack: customer managed; else undecidable (throws)
    return undefined;
  }
  if (!present(v)) return `has no \`${prop}\`, so it uses an AWS owned or AWS managed key`;
  if (awsManaged(v)) return `uses the AWS managed key ${v}`;
  return undefined;
}

const CMK_CHECKS: CmkCheck[] = [
  { types: TE.efsFileSystem, what: "EFS file system", problem: (r) => keyProblem(r, "kmsKeyId"), fix: "set `encrypted: true` and `kmsKeyId` to a customer managed aws.kms.Key ARN" },
  { types: TE.sqsQueue, what: "SQS queue", problem: (r) => keyProblem(r, "kmsMasterKeyId"), fix: "set `kmsMasterKeyId` to a customer managed aws.kms.Key ARN (not alias/aws/sqs; `sqsManagedSseEnabled` is not a CMK)" },
  { types: TE.snsTopic, what: "SNS topic", problem: (r) => keyProblem(r, "kmsMasterKeyId"), fix: "set `kmsMasterKeyId` to a customer managed aws.kms.Key ARN (not alias/aws/sns)" },
  { types: TE.ebsVolume, what: "EBS volume", problem: (r) => keyProblem(r, "kmsKeyId"), fix: "set `encrypted: true` and `kmsKeyId` to a customer managed aws.kms.Key ARN" },
  {
    types: ["aws:athena/workgroup:Workgroup"],
    what: "Athena workgroup (query results)",
    problem: (r) => {
      if (known(r, "configuration.managedQueryResultsConfiguration.enabled") === true) return keyProblem(r, "configuration.managedQueryResultsConfiguration.encryptionConfiguration.kmsKey");
      const option = known(r, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption");
      if (option === undefined || option === null || option === "") return undefined; // unencrypted results: Athena.1
      if (option !== "SSE_KMS" && option !== "CSE_KMS") return `does not encrypt query results with KMS (\`encryptionOption\` is ${option})`;
      return keyProblem(r, "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn");
    },
    fix: 'set `configuration.resultConfiguration.encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: <customer managed key ARN> }` and keep `enforceWorkgroupConfiguration: true`',
  },
  {
    types: ["aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"],
    what: "Glue Data Catalog",
    untaggable: true,
    problem: (r) => {
      const mode = known(r, "dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode");
      // Encryption off altogether is glue-data-catalog-encrypted's (BP.Glue.3) finding; the key is decided here.
      if (typeof mode === "string" && mode.toUpperCase().startsWith("SSE-KMS")) {
        const catalog = keyProblem(r, "dataCatalogEncryptionSettings.encryptionAtRest.sseAwsKmsKeyId");
        if (catalog) return `catalog metadata: ${catalog}`;
      }
      if (known(r, "dataCatalogEncryptionSettings.connectionPasswordEncryption.returnConnectionPasswordEncrypted") === true) {
        const pw = keyProblem(r, "dataCatalogEncryptionSettings.connectionPasswordEncryption.awsKmsKeyId");
        if (pw) return `connection passwords: ${pw}`;
      }
      return undefined;
    },
    fix: 'set `dataCatalogEncryptionSettings: { encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId }, connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId } }` with a customer managed key',
  },
  {
    types: ["aws:glue/securityConfiguration:SecurityConfiguration"],
    what: "Glue security configuration",
    untaggable: true,
    problem: (r) => {
      const parts: [string, string, string][] = [
        ["s3Encryption", "s3EncryptionMode", "SSE-KMS"],
        ["cloudwatchEncryption", "cloudwatchEncryptionMode", "SSE-KMS"],
        ["jobBookmarksEncryption", "jobBookmarksEncryptionMode", "CSE-KMS"],
      ];
      for (const [block, modeKey, want] of parts) {
        // A mode that is off is glue-security-configuration-encrypted's (BP.Glue.1) finding.
        if (known(r, `encryptionConfiguration.${block}.${modeKey}`) !== want) continue;
        const p = keyProblem(r, `encryptionConfiguration.${block}.kmsKeyArn`);
        if (p) return `${block}: ${p}`;
      }
      return undefined;
    },
    fix: 'set `encryptionConfiguration` with `s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn }`, `cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn }` and `jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn }` (a customer managed key)',
  },
  {
    types: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
    what: "Firehose delivery stream",
    problem: (r) => {
      // A Kinesis- or MSK-sourced stream takes no SSE: the source stream's key applies (checked on the stream).
      if (present(get(r.props, "kinesisSourceConfiguration")) || present(get(r.props, "mskSourceConfiguration"))) return undefined;
      if (known(r, "serverSideEncryption.enabled") !== true) return undefined; // no SSE at all: DataFirehose.1
      if (known(r, "serverSideEncryption.keyType") !== "CUSTOMER_MANAGED_CMK") return "uses an AWS owned key (`serverSideEncryption.keyType` is not CUSTOMER_MANAGED_CMK)";
      return keyProblem(r, "serverSideEncryption.keyArn");
    },
    fix: 'set `serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: <customer managed key ARN> }`',
  },
  {
    types: ["aws:sfn/stateMachine:StateMachine"],
    what: "Step Functions state machine",
    problem: (r) => (known(r, "encryptionConfiguration.type") !== "CUSTOMER_MANAGED_KMS_KEY" ? "encrypts execution data with an AWS owned key (`encryptionConfiguration.type` is not CUSTOMER_MANAGED_KMS_KEY)" : keyProblem(r, "encryptionConfiguration.kmsKeyId")),
    fix: 'set `encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: <customer managed key ARN> }` (and let the role use the key)',
  },
  {
    types: ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"],
    what: "OpenSearch domain",
    problem: (r) => (known(r, "encryptAtRest.enabled") !== true ? "is not encrypted at rest (`encryptAtRest.enabled` is not true)" : keyProblem(r, "encryptAtRest.kmsKeyId")),
    fix: "set `encryptAtRest: { enabled: true, kmsKeyId: <customer managed key ARN> }`",
  },
];

/**
 * The stores that no service rule covers: a per-service rule (S3 BP.Bucket.1, DynamoDB BP.DynamoDB.1,
 * RDS BP.RDS.3, Kinesis BP.Kinesis.1, Redshift BP.Redshift.4, Secrets Manager BP.Secrets.4, Backup
 * BP.Backup.1, log groups BP.Logs.1, SageMaker BP.SageMaker.1/2) decides its own service's key and
 * carries BP.Data.2 when the data is classified, so each store without a key gets one finding.
 */
export const confidentialDataCmk = stackPolicy(
  {
    name: "confidential-data-cmk",
    description:
      "Data stores holding classified data (the pack-wide `classifiedData` setting: confidential or restricted, or PCI DSS / HIPAA scope, by tag) must be encrypted with a customer managed KMS key; this policy decides the stores no service rule covers (EFS, EBS, SQS, SNS, Athena results, Glue, Firehose, Step Functions, OpenSearch).",
    severity: "high",
    controls: ["BP.Data.2"],
    frameworks: ["Blueprints", "PCI DSS", "HIPAA"],
    remediationSteps:
      "Create an aws.kms.Key (rotation on) for the data and reference it: EFS/EBS `kmsKeyId`, SQS/SNS `kmsMasterKeyId`, Athena workgroup results `encryptionConfiguration` (SSE_KMS + `kmsKeyArn`), Glue Data Catalog encryption settings and security configurations (SSE-KMS/CSE-KMS + key), Firehose `serverSideEncryption` (CUSTOMER_MANAGED_CMK + `keyArn`), Step Functions `encryptionConfiguration` (CUSTOMER_MANAGED_KMS_KEY), OpenSearch `encryptAtRest.kmsKeyId`. (S3, DynamoDB, RDS, Kinesis, Redshift, secrets, Backup vaults, log groups and SageMaker: their service rules, which carry BP.Data.2.)",
  },
  ({ forEach, fail, config, resources }) => {
    // Account-level settings (Glue catalog, security configurations) carry no tags: they are in
    // scope when the stack holds classified data at all.
    let stackWhyCache: string[] | undefined;
    const stackWhy = () =>
      (stackWhyCache ??= [
        ...new Set(
          resources
            .filter((r) => r.type !== "pulumi:pulumi:Stack")
            .flatMap((r) => {
              try {
                return classifiedBecause(r, config);
              } catch {
                return []; // a resource whose tags are unknown at preview: not evidence either way
              }
            }),
        ),
      ]);
    for (const check of CMK_CHECKS) {
      forEach(check.types, (r) => {
        const why = check.untaggable ? stackWhy().map((w) => `the stack's ${w}`) : classifiedBecause(r, config);
        if (why.length === 0) return;
        const problem = check.problem(r);
        if (problem) fail(r, `is a ${check.what} holding ${why.join(", ")} data but ${problem}`, check.fix);
      });
    }
  },
);

// ---------------------------------------------------------------- Hygiene

export const s3DeprecatedV2Tokens = resourcePolicy(
  {
    name: "s3-deprecated-v2-tokens",
    description: "S3 resources should use the @pulumi/aws v7 tokens, not the deprecated *V2 aliases.",
    severity: "low",
    controls: ["BP.Hygiene.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Replace aws.s3.BucketV2 (and BucketVersioningV2, BucketLoggingV2, ...) with aws.s3.Bucket (BucketVersioning, BucketLogging, ...); the v7 classes alias the old types, so the state moves without a replacement.",
    resourceTypes: Object.keys(TE.s3DeprecatedV2),
  },
  ({ type, fail }) => {
    const v7 = TE.s3DeprecatedV2[type]!;
    fail(`uses the deprecated token ${type}`, `use ${v7} (aws.s3.${v7.split(":")[2]}); its built-in alias keeps the existing resource`);
  },
);

/**
 * Resources whose outputs Pulumi marks secret, by what they hold. A plaintext field that depends on
 * one of them carries the secret in the clear (the engine hands policies values already unwrapped,
 * so the flow is read from property dependencies, which it does pass).
 */
const SECRET_SOURCES: Record<string, string> = {
  "random:index/randomPassword:RandomPassword": "a generated password",
  "aws:secretsmanager/secretVersion:SecretVersion": "a Secrets Manager secret value",
  "aws:iam/accessKey:AccessKey": "an IAM access key",
  "aws:iam/userLoginProfile:UserLoginProfile": "an IAM user's password",
  "tls:index/privateKey:PrivateKey": "a private key",
  "aws:ssm/parameter:Parameter": "a SecureString parameter's value",
};

/** Fields stored and shown in the clear (console, API, state diffs), per resource type. */
const PLAINTEXT_FIELDS: { types: readonly string[]; fields: string[] }[] = [
  { types: TE.lambdaFunction, fields: ["environment"] },
  { types: ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/launchConfiguration:LaunchConfiguration"], fields: ["userData", "userDataBase64"] },
  { types: ["aws:ecs/taskDefinition:TaskDefinition"], fields: ["containerDefinitions"] },
];

export const secretInPlaintextField = stackPolicy(
  {
    name: "secret-in-plaintext-field",
    description: "A value the program holds as a secret (a generated password, a secret version, an access key, a private key, a SecureString) must not be written into a plaintext field: Lambda environment, EC2 user data, ECS container definitions, or tags.",
    severity: "high",
    controls: ["BP.Secrets.5"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Pass the secret by reference: its Secrets Manager ARN or SSM parameter name in the environment (read at run time with the function's or instance's role), `secrets` (valueFrom) in ECS container definitions; never in tags.",
  },
  ({ resources, forEach, fail }) => {
    const secretSources = (r: PolicyResource, field: string) =>
      (r.propertyDependencies?.[field] ?? []).filter((d) => {
        const what = SECRET_SOURCES[d.type];
        if (!what) return false;
        // Only a SecureString parameter holds a secret; its `name` or `arn` in a field is a reference.
        return d.type !== "aws:ssm/parameter:Parameter" || get(d.props, "type") === "SecureString";
      });
    const check = (r: PolicyResource, fields: string[]) => {
      for (const field of fields) {
        for (const src of secretSources(r, field)) {
          fail(r, `\`${field}\` is built from ${src.name} (${SECRET_SOURCES[src.type]}), so the secret is stored in the clear`, "pass a reference (the secret's ARN or parameter name) and read the value at run time");
        }
      }
    };
    for (const { types, fields } of PLAINTEXT_FIELDS) forEach(types, (r) => check(r, [...fields, "tags"]));
    const special = new Set(PLAINTEXT_FIELDS.flatMap((f) => [...f.types]));
    forEach(
      resources.filter((r) => !special.has(r.type) && r.propertyDependencies?.tags).map((r) => r.type),
      (r) => check(r, ["tags"]),
    );
  },
);

export const policies = [
  secretInPlaintextField,
  cloudhsmMultiAz,
  quicksightSsl,
  quicksightVpcConnection,
  directconnectMacsec,
  lambdaEnvironmentNoSecrets,
  userDataNoSecrets,
  statefulResourcesProtected,
  confidentialDataCmk,
  s3DeprecatedV2Tokens,
];

/** Catalog §1.4 services have no FSBP controls, so nothing is left undecided here. */
export const notDecidable: Record<string, string> = {};
