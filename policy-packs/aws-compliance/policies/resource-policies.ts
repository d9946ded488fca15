/**
 * One public-principal and wildcard check for every resource-based policy (FSBP S3.2/S3.3, SNS.4,
 * SQS.3, KMS.5, Lambda.1 and BP.IAM.5 for the services without an FSBP control), inline
 * (`aws.sqs.Queue.policy`, `aws.kms.Key.policy`, `aws.glacier.Vault.accessPolicy`...) or as a side
 * resource (`aws.sqs.QueuePolicy`, `aws.kms.KeyPolicy`...), documents as JSON strings or objects.
 * One finding per flawed document, carrying the control ids of its service. IoT policies (which
 * have no principal) get the wildcard half: no `iot:*`, no `*` resource for connect/publish.
 *
 * This replaces the per-service rules iam-resource-policy-no-public-principal,
 * kms-key-policy-not-public, lambda-permission-not-public, efs-file-system-policy-not-public and
 * glacier-vault-not-public, and the bucket-policy half of s3-bucket-no-public-read/-write.
 */
import type { Statement } from "../lib/iam";
import { parsePolicyDocument } from "../lib/iam";
import { resourcePolicy } from "../lib/policy";
import { describeStatement, everyActionStatements, fixedScalar, publicStatements } from "../lib/resource-policy";
import { T } from "../lib/tokens";
import { get, isUnknown, undecidable } from "../lib/values";

/** S3 actions that read or write (S3.2 / S3.3). */
function s3Controls(open: Statement[]): string[] {
  const acts = open.flatMap((s) => (s.actions.length > 0 ? s.actions : ["*"]));
  const read = acts.some((a) => a === "*" || /^s3:(\*|get|list)/i.test(a));
  const write = acts.some((a) => a === "*" || /^s3:(\*|put|delete|restore|abort|replicate|create|bypass)/i.test(a));
  return [...(read ? ["S3.2"] : []), ...(write ? ["S3.3"] : [])];
}

interface Carrier {
  types: readonly string[];
  /** The input holding the document. */
  prop: string;
  /** FSBP controls a public statement breaks, besides BP.IAM.5. */
  controls: (open: Statement[]) => string[];
  /** What the document is, in messages. */
  what: string;
}

const fixed = (ids: string[]) => () => ids;

/** Every resource-policy carrier, by v7 type token (with aliases). */
export const RESOURCE_POLICY_CARRIERS: Carrier[] = [
  { types: [...T.bucket, ...T.bucketPolicy], prop: "policy", controls: s3Controls, what: "bucket policy" },
  { types: ["aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"], prop: "policy", controls: fixed(["SNS.4"]), what: "topic access policy" },
  { types: ["aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"], prop: "policy", controls: fixed(["SQS.3"]), what: "queue access policy" },
  {
    types: ["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"],
    prop: "policy",
    controls: fixed(["KMS.5"]),
    what: "key policy",
  },
  { types: ["aws:lambda/resourcePolicy:ResourcePolicy"], prop: "policy", controls: fixed(["Lambda.1"]), what: "function policy" },
  { types: ["aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretPolicy:SecretPolicy"], prop: "policy", controls: fixed([]), what: "secret resource policy" },
  { types: ["aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/registryPolicy:RegistryPolicy"], prop: "policy", controls: fixed([]), what: "registry/repository policy" },
  { types: ["aws:efs/fileSystemPolicy:FileSystemPolicy"], prop: "policy", controls: fixed([]), what: "file system policy" },
  { types: ["aws:glacier/vault:Vault"], prop: "accessPolicy", controls: fixed([]), what: "vault access policy" },
  { types: ["aws:glacier/vaultLock:VaultLock"], prop: "policy", controls: fixed([]), what: "vault lock policy" },
  { types: ["aws:backup/vaultPolicy:VaultPolicy"], prop: "policy", controls: fixed([]), what: "backup vault policy" },
  { types: ["aws:apigateway/restApi:RestApi", "aws:apigateway/restApiPolicy:RestApiPolicy"], prop: "policy", controls: fixed([]), what: "REST API resource policy" },
  { types: ["aws:cloudwatch/eventBusPolicy:EventBusPolicy"], prop: "policy", controls: fixed([]), what: "event bus policy" },
  { types: ["aws:cloudwatch/logResourcePolicy:LogResourcePolicy"], prop: "policyDocument", controls: fixed([]), what: "CloudWatch Logs resource policy" },
  { types: ["aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy"], prop: "accessPolicy", controls: fixed([]), what: "log destination policy" },
  {
    types: ["aws:opensearch/domain:Domain", "aws:opensearch/domainPolicy:DomainPolicy", "aws:elasticsearch/domain:Domain", "aws:elasticsearch/domainPolicy:DomainPolicy"],
    prop: "accessPolicies",
    controls: fixed([]),
    what: "domain access policy",
  },
  { types: ["aws:dynamodb/resourcePolicy:ResourcePolicy"], prop: "policy", controls: fixed([]), what: "table resource policy" },
  { types: ["aws:kinesis/resourcePolicy:ResourcePolicy"], prop: "policy", controls: fixed([]), what: "stream resource policy" },
];

const LAMBDA_PERMISSION = ["aws:lambda/permission:Permission"];
const EVENT_PERMISSION = ["aws:cloudwatch/eventPermission:EventPermission"];
const IOT_POLICY = ["aws:iot/policy:Policy"];
const OPENSEARCH_DOMAINS = ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"];

const CARRIER_BY_TYPE = new Map<string, Carrier>(RESOURCE_POLICY_CARRIERS.flatMap((c) => c.types.map((t) => [t, c] as const)));

/** IoT actions that let a device in or move data, for which `*` resources are a wildcard grant. */
const IOT_DATA_ACTIONS = ["iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive", "iot:RetainPublish"];

function covers(pattern: string, action: string): boolean {
  return new RegExp(`^${pattern.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i").test(action);
}

/** An IoT resource ARN that names nothing in particular (`*`, `...:client/*`, `...:topic/*`). */
function iotWildcardResource(r: string): boolean {
  if (r === "*") return true;
  const m = /^arn:[^:]+:iot:[^:]*:[^:]*:(client|topic|topicfilter|thing)\/(.*)$/.exec(r);
  return m !== null && /^[*?]*$/.test(m[2]!);
}

const PUBLIC_FIX =
  'name the principals (account, role or service principal) instead of "*", or add a Condition that pins the caller to fixed values: `aws:SourceArn`/`aws:SourceAccount` for services, `aws:PrincipalOrgID`/`aws:PrincipalAccount` for accounts, `aws:SourceVpce` for a private endpoint, `kms:CallerAccount` for keys (StringEquals/ArnEquals, no wildcard, no IfExists)';

export const resourcePolicyNotPublic = resourcePolicy(
  {
    name: "resource-policy-not-public",
    description:
      "Resource-based policies (S3, SNS, SQS, Lambda, KMS, Secrets Manager, ECR, EFS, Glacier, Backup, API Gateway, EventBridge, CloudWatch Logs, OpenSearch, DynamoDB, Kinesis) must not allow a wildcard principal without a condition that pins the caller, nor grant every action; IoT policies must not grant iot:* or connect/publish on every resource.",
    severity: "critical",
    controls: ["BP.IAM.5", "S3.2", "S3.3", "SNS.4", "SQS.3", "KMS.5", "Lambda.1", "BP.IoT.1"],
    frameworks: ["FSBP", "Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      'Name the principals that need access (account root, role, or service principal) instead of "*", or pin the caller with a positive Condition on fixed values (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce`, `kms:CallerAccount`); `StringNotEquals`, `...IfExists` and wildcard values do not scope. Name the actions instead of `*`/NotAction. For aws.lambda.Permission set `sourceArn`/`sourceAccount` (or `principalOrgId`); for aws.cloudwatch.EventPermission with principal "*" set `condition` (aws:PrincipalOrgID). For aws.iot.Policy name the actions and scope `iot:Connect`/`Publish`/`Subscribe`/`Receive` to `client/${iot:Connection.Thing.ThingName}` and the device\'s topics.',
    resourceTypes: [...CARRIER_BY_TYPE.keys(), ...LAMBDA_PERMISSION, ...EVENT_PERMISSION, ...IOT_POLICY],
    config: {
      requireSourceForServicePrincipals: {
        type: "boolean",
        description: "Lambda.1: fail an aws.lambda.Permission for a service principal (`*.amazonaws.com`) without `sourceArn` or `sourceAccount` (any account's bucket/topic/rule could invoke the function).",
        default: true,
      },
    },
  },
  ({ type, props, config, fail }) => {
    if (LAMBDA_PERMISSION.includes(type)) return lambdaPermission(props, config, fail);
    if (EVENT_PERMISSION.includes(type)) return eventPermission(props, fail);
    if (IOT_POLICY.includes(type)) return iotPolicy(props, fail);
    const carrier = CARRIER_BY_TYPE.get(type)!;
    const value = get(props, carrier.prop);
    const doc = parsePolicyDocument(value);
    if (doc === "unknown") undecidable(carrier.prop);
    if (!doc) return; // no document: only the owner's IAM principals have access
    const problems: string[] = [];
    const { open, unknown } = publicStatements(doc.statements);
    // A domain in a VPC is reached only through its security groups: "*" there is network-scoped.
    const inVpc = OPENSEARCH_DOMAINS.includes(type) && (get(props, "vpcOptions.subnetIds") ?? []).length > 0;
    const reallyOpen = inVpc ? [] : open;
    if (reallyOpen.length > 0) problems.push(`allows any principal ("*") without a condition that pins the caller: ${reallyOpen.map(describeStatement).join(", ")}`);
    const every = everyActionStatements(doc.statements).filter((s) => !reallyOpen.includes(s));
    if (every.length > 0) problems.push(`grants every action: ${every.map(describeStatement).join(", ")}`);
    if (problems.length === 0) {
      if (unknown && !inVpc) undecidable(`${carrier.prop} (${unknown})`);
      return;
    }
    const controls = ["BP.IAM.5", ...(reallyOpen.length > 0 ? carrier.controls(reallyOpen) : [])];
    fail(`its ${carrier.what} (\`${carrier.prop}\`) ${problems.join("; ")}`, `${PUBLIC_FIX}; name the actions instead of "*" or NotAction`, controls);
  },
);

function lambdaPermission(props: any, config: any, fail: (p: string, f: string, c?: readonly string[]) => void): void {
  const principal = get(props, "principal");
  if (isUnknown(principal)) undecidable("principal");
  // A source the program computes from a resource (an ARN output) is a condition the provider sets.
  const scopes = [fixedScalar("like", "aws:SourceArn", get(props, "sourceArn")), fixedScalar("equals", "aws:SourceAccount", get(props, "sourceAccount")), fixedScalar("equals", "aws:PrincipalOrgID", get(props, "principalOrgId"))];
  if (scopes.some((v) => v !== "open")) return;
  const controls = ["Lambda.1", "BP.IAM.5"];
  if (principal === "*" || (typeof principal === "string" && /^arn:[^:]+:iam::[*?]+:/.test(principal))) {
    fail(`lets any principal ("${principal}") invoke the function (${String(get(props, "action") ?? "lambda:InvokeFunction")}) with no \`sourceArn\`, \`sourceAccount\` or \`principalOrgId\``, "name the invoking account or service as `principal` and set `sourceArn`/`sourceAccount` (or `principalOrgId`)", controls);
  } else if (config.requireSourceForServicePrincipals !== false && typeof principal === "string" && /\.amazonaws\.com(\.cn)?$/.test(principal)) {
    fail(`service principal ${principal} has no \`sourceArn\` or \`sourceAccount\`, so resources of any AWS account can invoke the function (confused deputy)`, "set `sourceArn` to the invoking resource's ARN and `sourceAccount` to your account id", controls);
  }
}

function eventPermission(props: any, fail: (p: string, f: string, c?: readonly string[]) => void): void {
  const principal = get(props, "principal");
  if (isUnknown(principal)) undecidable("principal");
  if (principal !== "*") return;
  const condition = get(props, "condition");
  if (condition !== undefined && condition !== null) {
    const key = get(condition, "key");
    const value = get(condition, "value");
    if (isUnknown(key) || isUnknown(value)) undecidable("condition");
    if (key === "aws:PrincipalOrgID" && fixedScalar("equals", "aws:PrincipalOrgID", value) === "scoped") return;
  }
  fail('lets any AWS account ("*") put events on the bus without a `condition` on aws:PrincipalOrgID', 'set `principal` to an account id, or keep "*" with `condition: { type: "StringEquals", key: "aws:PrincipalOrgID", value: "o-..." }`', ["BP.IAM.5"]);
}

function iotPolicy(props: any, fail: (p: string, f: string, c?: readonly string[]) => void): void {
  const doc = parsePolicyDocument(get(props, "policy"));
  if (doc === "unknown") undecidable("policy");
  if (!doc) return;
  const problems: string[] = [];
  for (const s of doc.statements) {
    if (s.effect !== "Allow") continue;
    const label = s.sid ? `statement "${s.sid}"` : "a statement";
    if (s.actions.some(isUnknown) || s.resources.some(isUnknown)) undecidable(`policy (${label})`);
    if (s.notActions.length > 0 || s.actions.some((a) => a === "*" || /^iot:\*$/i.test(a))) {
      problems.push(`${label} allows ${s.notActions.length > 0 ? "NotAction" : s.actions.filter((a) => a === "*" || /^iot:\*$/i.test(a)).join(", ")} (every IoT action)`);
      continue;
    }
    const data = IOT_DATA_ACTIONS.filter((a) => s.actions.some((p) => covers(p, a)));
    const wild = s.resources.filter(iotWildcardResource);
    if (data.length > 0 && (wild.length > 0 || s.notResources.length > 0)) problems.push(`${label} allows ${data.join(", ")} on ${wild.length > 0 ? wild.join(", ") : "NotResource"} (any client id or topic)`);
  }
  if (problems.length > 0) {
    fail(`the IoT policy is a wildcard grant: ${problems.join("; ")}`, "name the actions, and scope iot:Connect to `client/${iot:Connection.Thing.ThingName}` and Publish/Subscribe/Receive to the device's own topics", ["BP.IoT.1"]);
  }
}

export const policies = [resourcePolicyNotPublic];

/** Every resource policy type is decidable from the program (unknown documents are reported as such). */
export const notDecidable: Record<string, string> = {};
