import { expect } from "chai";
import { Workflow, WorkflowArgs } from "../../components/integration/workflow";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const LOGS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-4333-a444-555555555555";
const FN = "arn:aws:lambda:us-east-1:123456789012:function:step";
const SM = "aws:sfn/stateMachine:StateMachine";
const definition = { StartAt: "Step", States: { Step: { Type: "Task", Resource: FN, End: true } } };

describe("Workflow", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(args: Partial<WorkflowArgs> = {}, env: "dev" | "prod" = "dev") {
    const wf = new Workflow("payments", { context: testContext(env), kmsKey: KEY_ARN, logsKmsKey: LOGS_KEY_ARN, definition, invokes: [FN], ...args });
    await mocks.settle();
    return wf;
  }

  it("is a Standard state machine, logging ALL events with execution data to an encrypted vendedlogs group, traced, encrypted with the given key", async () => {
    await build();
    const sm = mocks.one(SM).inputs;
    expect(sm).to.deep.include({ name: "test-dev-payments", type: "STANDARD", tracingConfiguration: { enabled: true }, encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY_ARN, kmsDataKeyReusePeriodSeconds: 300 } });
    expect(sm.loggingConfiguration).to.deep.include({ level: "ALL", includeExecutionData: true });
    const group = mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs;
    expect(group).to.include({ name: "/aws/vendedlogs/states/test-dev-payments", kmsKeyId: LOGS_KEY_ARN });
    expect(sm.loggingConfiguration.logDestination).to.match(/log-group:\/aws\/vendedlogs\/states\/test-dev-payments:\*$/);
    expect(JSON.parse(sm.definition)).to.deep.equal(definition);
    expect(sm.tags).to.include.keys(...RequiredTagKeys);
  });

  it("its role is trusted by Step Functions for this account and state machine only, invokes only the given functions, and uses the key only for this state machine", async () => {
    await build({ rolePlacement: { path: "/bank/", permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/b" } });
    const role = mocks.one("aws:iam/role:Role").inputs;
    expect(role).to.include({ path: "/bank/", permissionsBoundary: "arn:aws:iam::123456789012:policy/b" });
    const trust = JSON.parse(role.assumeRolePolicy).Statement[0];
    expect(trust.Principal).to.deep.equal({ Service: "states.amazonaws.com" });
    expect(trust.Condition.ArnLike["aws:SourceArn"]).to.match(/^arn:aws:states:us-east-1:123456789012:stateMachine:test-dev-payments$/);
    const policy = mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy;
    expect(statement(policy, "InvokeTaskFunctions")).to.deep.include({ Action: ["lambda:InvokeFunction"], Resource: [FN, `${FN}:*`] });
    expect(statement(policy, "UseKeyForThisStateMachine")).to.deep.include({ Resource: KEY_ARN, Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": trust.Condition.ArnLike["aws:SourceArn"] } } });
    // The state machine is created after its role can deliver logs and use the key.
    expect(mocks.one(SM).dependencies).to.include(mocks.one("aws:iam/rolePolicy:RolePolicy").urn);
  });

  it("refuses Express (at-least-once) unless allowed, and a bad name, naming each problem", async () => {
    const attempt = () => new Workflow("x", { context: testContext("dev"), kmsKey: KEY_ARN, definition, type: "EXPRESS", stateMachineName: "bad name!" });
    expect(attempt).to.throw(/invalid arguments \(2\)/);
    expect(attempt).to.throw(/type = "EXPRESS": Express workflows run at least once/);
    expect(attempt).to.throw(/stateMachineName = "bad name!": 1 to 80 letters/);
    await build({ type: "EXPRESS", allowExpress: true });
    expect(mocks.one(SM).inputs.type).to.equal("EXPRESS");
  });

  it("grantStartExecution lets a role start and read executions and encrypt their input under this state machine's context", async () => {
    const wf = await build();
    const role = new (await import("@pulumi/aws")).iam.Role("caller", { assumeRolePolicy: "{}" });
    wf.grantStartExecution(role);
    await mocks.settle();
    const policy = mocks.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "caller-payments-start")!.inputs.policy;
    const arn = await promiseOf(wf.stateMachineArn);
    expect(statement(policy, "StartExecution").Resource).to.equal(arn);
    expect(statement(policy, "ReadExecution").Resource).to.equal(`${arn.replace(":stateMachine:", ":execution:")}:*`);
    expect(statement(policy, "UseWorkflowKey")).to.deep.include({ Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN });
  });

  it("keyPolicyStatements lets CloudWatch Logs' delivery decrypt for this account only", () => {
    const [s] = Workflow.keyPolicyStatements({ account: "123456789012" });
    expect(s).to.deep.include({ Principal: { Service: "delivery.logs.amazonaws.com" }, Action: ["kms:Decrypt"], Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
  });
});
