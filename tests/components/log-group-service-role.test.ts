import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { EncryptedLogGroup } from "../../components/observability/log-group";
import { rolePlacementProblems, ServiceRole, serviceRole } from "../../components/security/service-role";
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

  it("places the role under the workload's path and permissions boundary (the platform's rolePlacement); without one, / and no boundary", async () => {
    const boundary = "arn:aws:iam::123456789012:policy/platform/ecommerce-workload-boundary";
    const component = new ServiceRole("placed", { context: testContext("prod"), service: "backup.amazonaws.com", description: "backups", placement: { path: "/ecommerce/", permissionsBoundaryArn: boundary } });
    // The function components use for their own roles builds the same role.
    serviceRole(component, "inner", { context: testContext("prod"), service: "lambda.amazonaws.com", description: "x", placement: { path: "/ecommerce/", permissionsBoundaryArn: boundary } });
    new ServiceRole("plain", { context: testContext("dev"), service: "config.amazonaws.com", description: "records" });
    await mocks.settle();
    const roles = Object.fromEntries(mocks.ofType("aws:iam/role:Role").map((r) => [r.name, r.inputs]));
    expect(roles.placed).to.include({ path: "/ecommerce/", permissionsBoundary: boundary });
    expect(roles.inner).to.include({ path: "/ecommerce/", permissionsBoundary: boundary });
    expect(roles.plain.path).to.equal("/");
    expect(roles.plain.permissionsBoundary).to.equal(undefined);
    expect(() => new ServiceRole("badpath", { context: testContext("dev"), service: "config.amazonaws.com", description: "x", placement: { path: "ecommerce" } })).to.throw(/rolePlacement.path = "ecommerce": must start and end with "\/"/);
    expect(rolePlacementProblems(undefined)).to.deep.equal([]);
  });

  it("fails on something that is not a service principal", () => {
    expect(() => new ServiceRole("bad", { context: testContext("dev"), service: "*", description: "x" })).to.throw(/must be a service principal/);
  });
});
