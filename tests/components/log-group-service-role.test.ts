import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { EncryptedLogGroup } from "../../components/observability/log-group";
import { ServiceRole } from "../../components/security/service-role";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("EncryptedLogGroup", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  it("dev: encrypted with the key, the profile's 30-day retention, no deletion protection", async () => {
    new EncryptedLogGroup("app", { context: testContext("dev"), kmsKey: KEY_ARN });
    await mocks.settle();
    const group = mocks.one(LOG_GROUP);
    expect(group.inputs).to.deep.include({ kmsKeyId: KEY_ARN, retentionInDays: 30, deletionProtectionEnabled: false });
    expect(group.inputs.tags).to.include.keys(...RequiredTagKeys);
    expect(group.protect).to.equal(false);
  });

  it("prod: a year of retention, deletion protection, protected and retained on delete", async () => {
    new EncryptedLogGroup("audit", { context: testContext("prod"), kmsKey: KEY_ARN, logGroupName: "/aws/cloudtrail/t" });
    await mocks.settle();
    const group = mocks.one(LOG_GROUP);
    expect(group.inputs).to.deep.include({ name: "/aws/cloudtrail/t", retentionInDays: 365, deletionProtectionEnabled: true });
    expect(group.protect).to.equal(true);
    expect(group.retainOnDelete).to.equal(true);
  });

  it("grantWrite: create streams and put events in this group only", async () => {
    const group = new EncryptedLogGroup("written", { context: testContext("dev"), kmsKey: KEY_ARN });
    group.grantWrite(new aws.iam.Role("shipper", { assumeRolePolicy: "{}" }));
    await mocks.settle();
    const [s] = statementsOf(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    expect(s).to.deep.include({ Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${await promiseOf(group.arn)}:log-stream:*` });
  });

  it("fails on a retention CloudWatch Logs does not offer", () => {
    expect(() => new EncryptedLogGroup("odd", { context: testContext("dev"), kmsKey: KEY_ARN, retentionInDays: 42 })).to.throw(/retentionInDays = 42: must be one of 1, 3/);
  });
});

describe("ServiceRole", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  it("trusts one service, with the given conditions, and attaches managed policies named after them", async () => {
    new ServiceRole("recorder", {
      context: testContext("dev"),
      service: "config.amazonaws.com",
      description: "records",
      trustConditions: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"],
    });
    await mocks.settle();
    const role = mocks.one("aws:iam/role:Role");
    expect(statementsOf(role.inputs.assumeRolePolicy)).to.deep.equal([
      {
        Sid: "ServiceAssumesRole",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    expect(role.inputs.tags).to.include.keys(...RequiredTagKeys);
    const attachment = mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachment.name).to.equal("recorder-aws-configrole");
    expect(attachment.inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AWS_ConfigRole");
  });

  it("fails on something that is not a service principal", () => {
    expect(() => new ServiceRole("bad", { context: testContext("dev"), service: "*", description: "x" })).to.throw(/must be a service principal/);
  });
});
