import { expect } from "chai";
import type * as aws from "@pulumi/aws";
import * as rp from "../../policy-packs/aws-compliance/policies/resource-policies";
import type { PlannedResource } from "../../tools/policy/harness";
import { fixture, objectDoc, unknown_ } from "../helpers/fixture";
import { evaluate, findings, only, undecided } from "../helpers/policy";

const P = rp.resourcePolicyNotPublic;
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement });
const open = (extra: Record<string, unknown> = {}) => ({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", ...extra });
const scoped = open({ Sid: "FromTopic", Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic" } } });

async function pass(r: PlannedResource | PlannedResource[], config?: Record<string, unknown>): Promise<void> {
  expect((await evaluate(P, r, config)).map((v) => v.message)).to.deep.equal([]);
}

/** Every carrier, built with its v7 Args: the document as a JSON string (`s`) or object (`o`). */
const carriers: { type: string; prop: string; controls: string; build: (policy: string, name: string) => PlannedResource }[] = [
  { type: "aws:s3/bucket:Bucket", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.s3.BucketArgs>("aws:s3/bucket:Bucket", { policy }, { name }) },
  { type: "aws:s3/bucketV2:BucketV2", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.s3.BucketV2Args>("aws:s3/bucketV2:BucketV2", { policy }, { name }) },
  { type: "aws:s3/bucketPolicy:BucketPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.s3.BucketPolicyArgs>("aws:s3/bucketPolicy:BucketPolicy", { bucket: "b", policy }, { name }) },
  { type: "aws:sns/topic:Topic", prop: "policy", controls: "BP.IAM.5, SNS.4", build: (policy, name) => fixture<aws.sns.TopicArgs>("aws:sns/topic:Topic", { policy }, { name }) },
  { type: "aws:sns/topicPolicy:TopicPolicy", prop: "policy", controls: "BP.IAM.5, SNS.4", build: (policy, name) => fixture<aws.sns.TopicPolicyArgs>("aws:sns/topicPolicy:TopicPolicy", { arn: "arn:aws:sns:eu-west-1:111122223333:t", policy }, { name }) },
  { type: "aws:sqs/queue:Queue", prop: "policy", controls: "BP.IAM.5, SQS.3", build: (policy, name) => fixture<aws.sqs.QueueArgs>("aws:sqs/queue:Queue", { policy }, { name }) },
  { type: "aws:sqs/queuePolicy:QueuePolicy", prop: "policy", controls: "BP.IAM.5, SQS.3", build: (policy, name) => fixture<aws.sqs.QueuePolicyArgs>("aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "https://sqs/q", policy }, { name }) },
  { type: "aws:kms/key:Key", prop: "policy", controls: "BP.IAM.5, KMS.5", build: (policy, name) => fixture<aws.kms.KeyArgs>("aws:kms/key:Key", { policy }, { name }) },
  { type: "aws:kms/keyPolicy:KeyPolicy", prop: "policy", controls: "BP.IAM.5, KMS.5", build: (policy, name) => fixture<aws.kms.KeyPolicyArgs>("aws:kms/keyPolicy:KeyPolicy", { keyId: "k", policy }, { name }) },
  { type: "aws:kms/replicaKey:ReplicaKey", prop: "policy", controls: "BP.IAM.5, KMS.5", build: (policy, name) => fixture<aws.kms.ReplicaKeyArgs>("aws:kms/replicaKey:ReplicaKey", { primaryKeyArn: "arn:k", policy }, { name }) },
  { type: "aws:kms/externalKey:ExternalKey", prop: "policy", controls: "BP.IAM.5, KMS.5", build: (policy, name) => fixture<aws.kms.ExternalKeyArgs>("aws:kms/externalKey:ExternalKey", { policy }, { name }) },
  { type: "aws:kms/replicaExternalKey:ReplicaExternalKey", prop: "policy", controls: "BP.IAM.5, KMS.5", build: (policy, name) => fixture<aws.kms.ReplicaExternalKeyArgs>("aws:kms/replicaExternalKey:ReplicaExternalKey", { primaryKeyArn: "arn:k", policy }, { name }) },
  { type: "aws:lambda/resourcePolicy:ResourcePolicy", prop: "policy", controls: "BP.IAM.5, Lambda.1", build: (policy, name) => fixture<aws.lambda.ResourcePolicyArgs>("aws:lambda/resourcePolicy:ResourcePolicy", { resourceArn: "arn:f", policy }, { name }) },
  { type: "aws:secretsmanager/secret:Secret", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.secretsmanager.SecretArgs>("aws:secretsmanager/secret:Secret", { policy }, { name }) },
  { type: "aws:secretsmanager/secretPolicy:SecretPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.secretsmanager.SecretPolicyArgs>("aws:secretsmanager/secretPolicy:SecretPolicy", { secretArn: "arn:s", policy }, { name }) },
  { type: "aws:ecr/repositoryPolicy:RepositoryPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.ecr.RepositoryPolicyArgs>("aws:ecr/repositoryPolicy:RepositoryPolicy", { repository: "r", policy }, { name }) },
  { type: "aws:ecr/registryPolicy:RegistryPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.ecr.RegistryPolicyArgs>("aws:ecr/registryPolicy:RegistryPolicy", { policy }, { name }) },
  { type: "aws:efs/fileSystemPolicy:FileSystemPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.efs.FileSystemPolicyArgs>("aws:efs/fileSystemPolicy:FileSystemPolicy", { fileSystemId: "fs", policy }, { name }) },
  { type: "aws:glacier/vault:Vault", prop: "accessPolicy", controls: "BP.IAM.5", build: (accessPolicy, name) => fixture<aws.glacier.VaultArgs>("aws:glacier/vault:Vault", { accessPolicy }, { name }) },
  { type: "aws:glacier/vaultLock:VaultLock", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.glacier.VaultLockArgs>("aws:glacier/vaultLock:VaultLock", { completeLock: true, vaultName: "v", policy }, { name }) },
  { type: "aws:backup/vaultPolicy:VaultPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.backup.VaultPolicyArgs>("aws:backup/vaultPolicy:VaultPolicy", { backupVaultName: "v", policy }, { name }) },
  { type: "aws:apigateway/restApi:RestApi", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.apigateway.RestApiArgs>("aws:apigateway/restApi:RestApi", { policy }, { name }) },
  { type: "aws:apigateway/restApiPolicy:RestApiPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.apigateway.RestApiPolicyArgs>("aws:apigateway/restApiPolicy:RestApiPolicy", { restApiId: "api", policy }, { name }) },
  { type: "aws:cloudwatch/eventBusPolicy:EventBusPolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.cloudwatch.EventBusPolicyArgs>("aws:cloudwatch/eventBusPolicy:EventBusPolicy", { policy }, { name }) },
  { type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", prop: "policyDocument", controls: "BP.IAM.5", build: (policyDocument, name) => fixture<aws.cloudwatch.LogResourcePolicyArgs>("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", { policyName: "p", policyDocument }, { name }) },
  { type: "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy", prop: "accessPolicy", controls: "BP.IAM.5", build: (accessPolicy, name) => fixture<aws.cloudwatch.LogDestinationPolicyArgs>("aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy", { destinationName: "d", accessPolicy }, { name }) },
  { type: "aws:opensearch/domain:Domain", prop: "accessPolicies", controls: "BP.IAM.5", build: (accessPolicies, name) => fixture<aws.opensearch.DomainArgs>("aws:opensearch/domain:Domain", { accessPolicies }, { name }) },
  { type: "aws:opensearch/domainPolicy:DomainPolicy", prop: "accessPolicies", controls: "BP.IAM.5", build: (accessPolicies, name) => fixture<aws.opensearch.DomainPolicyArgs>("aws:opensearch/domainPolicy:DomainPolicy", { domainName: "d", accessPolicies }, { name }) },
  { type: "aws:elasticsearch/domain:Domain", prop: "accessPolicies", controls: "BP.IAM.5", build: (accessPolicies, name) => fixture<aws.elasticsearch.DomainArgs>("aws:elasticsearch/domain:Domain", { accessPolicies }, { name }) },
  { type: "aws:elasticsearch/domainPolicy:DomainPolicy", prop: "accessPolicies", controls: "BP.IAM.5", build: (accessPolicies, name) => fixture<aws.elasticsearch.DomainPolicyArgs>("aws:elasticsearch/domainPolicy:DomainPolicy", { domainName: "d", accessPolicies }, { name }) },
  { type: "aws:dynamodb/resourcePolicy:ResourcePolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.dynamodb.ResourcePolicyArgs>("aws:dynamodb/resourcePolicy:ResourcePolicy", { resourceArn: "arn:t", policy }, { name }) },
  { type: "aws:kinesis/resourcePolicy:ResourcePolicy", prop: "policy", controls: "BP.IAM.5", build: (policy, name) => fixture<aws.kinesis.ResourcePolicyArgs>("aws:kinesis/resourcePolicy:ResourcePolicy", { resourceArn: "arn:k", policy }, { name }) },
];

describe("policy resource-policy-not-public (BP.IAM.5, S3.2, S3.3, SNS.4, SQS.3, KMS.5, Lambda.1)", () => {
  it("covers every carrier token the policy declares", () => {
    const declared = rp.RESOURCE_POLICY_CARRIERS.flatMap((c) => c.types);
    expect(carriers.map((c) => c.type).sort()).to.deep.equal([...declared].sort());
  });

  for (const c of carriers) {
    it(`${c.type}.${c.prop}: fails a public statement (string and object), passes a scoped one and no document`, async () => {
      const m1 = await only(P, c.build(JSON.stringify(doc(open())), "rp"));
      expect(m1).to.include(`[${c.controls}] rp (${c.type}): its `);
      expect(m1).to.include(`(\`${c.prop}\`) allows any principal ("*") without a condition that pins the caller: statement "Open" (sqs:SendMessage)`);
      await only(P, c.build(objectDoc(doc(open({ Principal: { AWS: ["*"] } }))), "rp2"));
      await pass(c.build(objectDoc(doc(scoped)), "ok"));
      await pass(c.build(JSON.stringify(doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/app" }, Action: "sqs:SendMessage", Resource: "*" })), "named"));
      await undecided(P, c.build(unknown_(), "later"));
    });
  }

  it("passes a resource with no document at all", async () => {
    await pass(fixture<aws.sqs.QueueArgs>("aws:sqs/queue:Queue", { kmsMasterKeyId: "alias/x" }));
    await pass(fixture<aws.kms.KeyArgs>("aws:kms/key:Key", { enableKeyRotation: true }));
  });

  it("names S3.2 for public reads and S3.3 for public writes", async () => {
    const bucket = (Action: unknown) => fixture<aws.s3.BucketPolicyArgs>("aws:s3/bucketPolicy:BucketPolicy", { bucket: "site", policy: JSON.stringify(doc({ Effect: "Allow", Principal: "*", Action, Resource: "arn:aws:s3:::site/*" })) }, { name: "site-policy" });
    expect(await only(P, bucket("s3:GetObject"))).to.include("[BP.IAM.5, S3.2] site-policy");
    expect(await only(P, bucket(["s3:PutObject"]))).to.include("[BP.IAM.5, S3.3] site-policy");
    expect(await only(P, bucket("s3:*"))).to.include("[BP.IAM.5, S3.2, S3.3] site-policy");
  });

  describe("condition scoping is operator- and value-aware", () => {
    const q = (Condition: unknown, extra: Record<string, unknown> = {}) => fixture<aws.sqs.QueuePolicyArgs>("aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "u", policy: JSON.stringify(doc(open({ Condition, ...extra }))) }, { name: "qp" });
    const notScoping: [string, unknown][] = [
      ['StringLike aws:PrincipalArn "*"', { StringLike: { "aws:PrincipalArn": "*" } }],
      ["ArnLike aws:PrincipalArn with a wildcard account", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/app" } }],
      ["StringNotEquals aws:SourceAccount", { StringNotEquals: { "aws:SourceAccount": "111122223333" } }],
      ['StringLike kms:CallerAccount "*"', { StringLike: { "kms:CallerAccount": "*" } }],
      ["StringEqualsIfExists aws:SourceAccount", { StringEqualsIfExists: { "aws:SourceAccount": "111122223333" } }],
      ["ForAllValues:StringEquals aws:PrincipalOrgID", { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc" } }],
      ["Null aws:SourceArn false", { Null: { "aws:SourceArn": "false" } }],
      ["IpAddress aws:SourceIp 0.0.0.0/0", { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }],
      ["kms:ViaService alone", { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }],
      ["a key that does not name the caller", { Bool: { "aws:SecureTransport": "true" } }],
      ["ArnLike aws:SourceArn on a bucket-name prefix", { ArnLike: { "aws:SourceArn": "arn:aws:s3:::logs-*" } }],
    ];
    for (const [title, cond] of notScoping) {
      it(`does not count ${title} as scoping`, async () => {
        expect(await only(P, q(cond))).to.include("[BP.IAM.5, SQS.3] qp (aws:sqs/queuePolicy:QueuePolicy): its queue access policy");
      });
    }
    const scoping: [string, unknown][] = [
      ["StringEquals aws:SourceAccount", { StringEquals: { "aws:SourceAccount": "111122223333" } }],
      ["StringEquals aws:PrincipalOrgID", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }],
      ["ArnLike aws:SourceArn with a literal account", { ArnLike: { "aws:SourceArn": "arn:aws:execute-api:eu-west-1:111122223333:api/*" } }],
      ["StringLike aws:PrincipalOrgPaths under an org", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/r-ab12/*" } }],
      ["StringEquals kms:CallerAccount", { StringEquals: { "kms:CallerAccount": "111122223333" } }],
      ["StringEquals aws:SourceVpce", { StringEquals: { "aws:SourceVpce": "vpce-0123" } }],
      ["IpAddress aws:SourceIp 10.0.0.0/8", { IpAddress: { "aws:SourceIp": ["10.0.0.0/8"] } }],
      ["case-insensitive key names", { StringEquals: { "AWS:SOURCEACCOUNT": "111122223333" } }],
      ["Bool elasticfilesystem:AccessedViaMountTarget true", { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } }],
    ];
    for (const [title, cond] of scoping) {
      it(`counts ${title} as scoping`, () => pass(q(cond)));
    }
    it("accepts a Deny for everyone unless from a fixed VPC endpoint", async () => {
      const deny = { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0123" } } };
      await pass(fixture<aws.sqs.QueuePolicyArgs>("aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "u", policy: JSON.stringify(doc(open(), deny)) }));
      const partial = { ...deny, Action: "sqs:ReceiveMessage" };
      expect(findings(await evaluate(P, fixture<aws.sqs.QueuePolicyArgs>("aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "u", policy: JSON.stringify(doc(open(), partial)) })))).to.have.length(1);
    });
    it("cannot decide a condition value unknown at preview", () => undecided(P, q({ StringEquals: { "aws:SourceAccount": unknown_() } })));
  });

  it("treats NotPrincipal in an Allow and wildcard-account principals as public", async () => {
    const t = (stmt: Record<string, unknown>) => fixture<aws.sns.TopicPolicyArgs>("aws:sns/topicPolicy:TopicPolicy", { arn: "arn:t", policy: JSON.stringify(doc(stmt)) }, { name: "tp" });
    expect(await only(P, t({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sns:Publish", Resource: "*" }))).to.include("[BP.IAM.5, SNS.4] tp");
    expect(await only(P, t({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "sns:Publish", Resource: "*" }))).to.include("[BP.IAM.5, SNS.4] tp");
    await pass(t({ Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
  });

  it("fails a statement granting every action, even to a named principal", async () => {
    const m = await only(P, fixture<aws.secretsmanager.SecretPolicyArgs>("aws:secretsmanager/secretPolicy:SecretPolicy", { secretArn: "s", policy: JSON.stringify(doc({ Sid: "All", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/x" }, Action: "*", Resource: "*" })) }, { name: "sp" }));
    expect(m).to.include('[BP.IAM.5] sp (aws:secretsmanager/secretPolicy:SecretPolicy): its secret resource policy (`policy`) grants every action: statement "All" (*)');
    await pass(fixture<aws.kms.KeyArgs>("aws:kms/key:Key", { policy: JSON.stringify(doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" })) }));
  });

  it("passes an OpenSearch domain in a VPC with an open access policy, fails one outside", async () => {
    const policy = JSON.stringify(doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:*", Resource: "arn:aws:es:eu-west-1:111122223333:domain/d/*" }));
    await pass(fixture<aws.opensearch.DomainArgs>("aws:opensearch/domain:Domain", { accessPolicies: policy, vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } }));
    expect(await only(P, fixture<aws.opensearch.DomainArgs>("aws:opensearch/domain:Domain", { accessPolicies: policy }, { name: "search" }))).to.include("[BP.IAM.5] search");
  });

  describe("aws.lambda.Permission (Lambda.1)", () => {
    const perm = (a: Partial<aws.lambda.PermissionArgs>, name = "perm") => fixture<aws.lambda.PermissionArgs>("aws:lambda/permission:Permission", { action: "lambda:InvokeFunction", function: "f", principal: "123456789012", ...a }, { name });
    it("passes an account principal, a scoped service principal and an organisation", async () => {
      await pass(perm({}));
      await pass(perm({ principal: "s3.amazonaws.com", sourceArn: unknown_(), sourceAccount: "123456789012" }));
      await pass(perm({ principal: "*", principalOrgId: "o-abc123" }));
    });
    it('fails "*" without a source, or with a wildcard sourceAccount', async () => {
      expect(await only(P, perm({ principal: "*" }))).to.include('[Lambda.1, BP.IAM.5] perm (aws:lambda/permission:Permission): lets any principal ("*") invoke the function (lambda:InvokeFunction)');
      expect(await only(P, perm({ principal: "*", sourceArn: "arn:aws:s3:::*" }))).to.include("lets any principal");
    });
    it("fails a service principal without a source (confused deputy), unless configured off", async () => {
      const s3 = perm({ principal: "s3.amazonaws.com" }, "from-s3");
      expect(await only(P, s3)).to.include("[Lambda.1, BP.IAM.5] from-s3 (aws:lambda/permission:Permission): service principal s3.amazonaws.com has no `sourceArn` or `sourceAccount`");
      await pass(s3, { requireSourceForServicePrincipals: false });
    });
    it("cannot decide an unknown principal", () => undecided(P, perm({ principal: unknown_() })));
  });

  describe("aws.cloudwatch.EventPermission", () => {
    const ep = (a: Partial<aws.cloudwatch.EventPermissionArgs>) => fixture<aws.cloudwatch.EventPermissionArgs>("aws:cloudwatch/eventPermission:EventPermission", { principal: "111122223333", statementId: "s", ...a }, { name: "bus-perm" });
    it('fails "*" without an organisation condition, passes with one or with an account', async () => {
      expect(await only(P, ep({ principal: "*" }))).to.include('[BP.IAM.5] bus-perm (aws:cloudwatch/eventPermission:EventPermission): lets any AWS account ("*") put events');
      await pass(ep({ principal: "*", condition: { type: "StringEquals", key: "aws:PrincipalOrgID", value: "o-abc123" } }));
      await pass(ep({}));
    });
  });

  describe("aws.iot.Policy (BP.IoT.1)", () => {
    const iot = (...s: Record<string, unknown>[]) => fixture<aws.iot.PolicyArgs>("aws:iot/policy:Policy", { policy: JSON.stringify(doc(...s)) }, { name: "device" });
    it("passes connect/publish scoped to the thing's own client id and topics", () =>
      pass(
        iot(
          { Effect: "Allow", Action: "iot:Connect", Resource: "arn:aws:iot:eu-west-1:111122223333:client/${iot:Connection.Thing.ThingName}" },
          { Effect: "Allow", Action: ["iot:Publish", "iot:Receive"], Resource: "arn:aws:iot:eu-west-1:111122223333:topic/devices/${iot:Connection.Thing.ThingName}/*" },
        ),
      ));
    it("fails iot:*, and connect/publish on every resource", async () => {
      expect(await only(P, iot({ Sid: "All", Effect: "Allow", Action: "iot:*", Resource: "*" }))).to.include('[BP.IoT.1] device (aws:iot/policy:Policy): the IoT policy is a wildcard grant: statement "All" allows iot:* (every IoT action)');
      expect(await only(P, iot({ Effect: "Allow", Action: ["iot:Connect", "iot:Publish"], Resource: "arn:aws:iot:eu-west-1:111122223333:client/*" }))).to.include("allows iot:Connect, iot:Publish on arn:aws:iot:eu-west-1:111122223333:client/* (any client id or topic)");
      expect(await only(P, iot({ Effect: "Allow", Action: "iot:Pub*", Resource: "*" }))).to.include("allows iot:Publish on *");
    });
    it("cannot decide an unknown policy", () => undecided(P, fixture<aws.iot.PolicyArgs>("aws:iot/policy:Policy", { policy: unknown_() })));
  });
});
