/**
 * POST /transfers (start-transfer): the execution name comes from the customer and the
 * Idempotency-Key, so a retried request starts no second transfer (SFN client mocked with
 * aws-sdk-client-mock); the customer is the authenticated user, and a transfer through the API out
 * of another customer's account is refused by the real workflow with nothing moved.
 */
import { expect } from "chai";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { StateMachine } from "aws-local-stepfunctions";
import { mockClient } from "aws-sdk-client-mock";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { createPartnerCreditHandler, createStartTransferHandler, executionArnFor, toCents, transferIdFor } from "../../projects/banking/functions/start-transfer/start-transfer";
import { definition, startBankWorld, type BankWorld } from "./banking-fixtures";

const STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:banking-dev-transfers";

function event(sub: string | undefined, body: unknown, key: string | null = "key-0001-abcdef"): APIGatewayProxyEvent {
  return {
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: key === null ? {} : { "Idempotency-Key": key },
    requestContext: { requestId: `req-${Math.random()}`, identity: { sourceIp: "203.0.113.9", userAgent: "bank-app/1.0" }, authorizer: sub === undefined ? undefined : { claims: { sub, "cognito:username": sub } } },
  } as unknown as APIGatewayProxyEvent;
}

const body = { sourceAccountId: "acc-alice", destinationAccountId: "acc-bob", amount: "123.45", currency: "EUR", reference: "rent" };

describe("banking start-transfer (POST /transfers)", () => {
  const sfnClient = new SFNClient({ region: "us-east-1" });
  const ddbClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
  const sfn = mockClient(sfnClient);
  const ddb = mockClient(ddbClient);
  const handler = createStartTransferHandler({ sfn: sfnClient, dynamodb: ddbClient, stateMachineArn: STATE_MACHINE, activityTable: "activity", activityRetentionDays: 90, now: () => new Date("2026-12-01T10:00:00Z") });

  beforeEach(() => {
    sfn.reset();
    ddb.reset();
    ddb.on(PutCommand).resolves({});
  });
  after(() => {
    sfn.restore();
    ddb.restore();
  });

  const started = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

  it("starts one execution named after the customer and the Idempotency-Key, with the customer from the token", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArnFor(STATE_MACHINE, transferIdFor("cust-alice", "key-0001-abcdef")), startDate: new Date() });
    const res = await handler(event("cust-alice", body));
    expect(res.statusCode, res.body).to.equal(202);
    const calls = started();
    expect(calls).to.have.length(1);
    expect(calls[0]!.name).to.equal(transferIdFor("cust-alice", "key-0001-abcdef")).and.match(/^tr-[0-9a-f]{40}$/);
    expect(calls[0]!.stateMachineArn).to.equal(STATE_MACHINE);
    expect(JSON.parse(calls[0]!.input!)).to.deep.equal({
      transfer: { transferId: calls[0]!.name, customerId: "cust-alice", sourceAccountId: "acc-alice", destinationAccountId: "acc-bob", amountCents: 12345, currency: "EUR", reference: "rent" },
    });
    expect(JSON.parse(res.body)).to.include({ transferId: calls[0]!.name, replayed: false });
    const activity = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(activity.TableName).to.equal("activity");
    expect(activity.Item).to.include({ customerId: "cust-alice", outcome: "started", type: "transfer.requested", expiresAt: Date.parse("2026-12-01T10:00:00Z") / 1000 + 90 * 86400 });
  });

  it("a duplicate request (same key, same transfer) meets the first execution and starts no second transfer", async () => {
    const arn = executionArnFor(STATE_MACHINE, transferIdFor("cust-alice", "key-0001-abcdef"));
    // The first call starts the execution; Step Functions refuses the second one by its name.
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: arn, startDate: new Date() }).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    let firstInput = "";
    sfn.on(DescribeExecutionCommand, { executionArn: arn }).callsFake(() => ({ executionArn: arn, stateMachineArn: STATE_MACHINE, status: "SUCCEEDED", input: firstInput, startDate: new Date() }));
    const first = await handler(event("cust-alice", body));
    firstInput = started()[0]!.input!;
    const retry = await handler(event("cust-alice", { ...body }));
    expect([first.statusCode, retry.statusCode]).to.deep.equal([202, 202]);
    expect(JSON.parse(retry.body)).to.deep.equal({ transferId: JSON.parse(first.body).transferId, executionArn: arn, replayed: true });
    const calls = started();
    expect(calls).to.have.length(2);
    expect(calls[1]!.name).to.equal(calls[0]!.name);
    expect(calls[1]!.input).to.equal(calls[0]!.input);
    expect(sfn.commandCalls(DescribeExecutionCommand)).to.have.length(1);
  });

  it("the same key with a different transfer is refused (422), not started anew", async () => {
    const arn = executionArnFor(STATE_MACHINE, transferIdFor("cust-alice", "key-0001-abcdef"));
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: arn, stateMachineArn: STATE_MACHINE, status: "RUNNING", input: JSON.stringify({ transfer: { other: true } }), startDate: new Date() });
    const res = await handler(event("cust-alice", { ...body, amount: "999.00" }));
    expect(res.statusCode).to.equal(422);
    expect(JSON.parse(res.body).error.code).to.equal("idempotency_key_reused");
  });

  it("two customers using the same key start two different executions", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn", startDate: new Date() });
    await handler(event("cust-alice", body));
    await handler(event("cust-bob", { ...body, sourceAccountId: "acc-bob", destinationAccountId: "acc-alice" }));
    const [a, b] = started();
    expect(a!.name).to.not.equal(b!.name);
  });

  it("refuses a request without a token's subject (401), without an Idempotency-Key (400), or naming a customer in the body (400)", async () => {
    expect((await handler(event(undefined, body))).statusCode).to.equal(401);
    expect((await handler(event("cust-alice", body, null))).statusCode).to.equal(400);
    expect((await handler(event("cust-alice", body, "short"))).statusCode).to.equal(400);
    const named = await handler(event("cust-alice", { ...body, customerId: "cust-bob" }));
    expect(named.statusCode).to.equal(400);
    expect(JSON.parse(named.body).error.message).to.match(/customerId .*authenticated caller/);
    expect(started()).to.deep.equal([]);
  });

  it("partners are identified by their verified client certificate and pay from their settlement account only", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn", startDate: new Date() });
    const partner = createPartnerCreditHandler({ sfn: sfnClient, dynamodb: ddbClient, stateMachineArn: STATE_MACHINE, activityTable: "activity", activityRetentionDays: 90, partners: ["acme-bank"] });
    const withCert = (subjectDN: string | undefined, b: unknown) => {
      const e = event(undefined, b);
      (e.requestContext.identity as any).clientCert = subjectDN === undefined ? undefined : { subjectDN, issuerDN: "CN=Partner CA" };
      (e.requestContext as any).identity.apiKeyId = "key-of-someone-else";
      return e;
    };
    const credit = { destinationAccountId: "acc-alice", amount: "10.00", currency: "EUR" };
    expect((await partner(withCert("C=DE,O=Acme Bank,CN=acme-bank", credit))).statusCode).to.equal(202);
    expect(JSON.parse(started()[0]!.input!).transfer).to.include({ customerId: "partner-acme-bank", sourceAccountId: "settlement-acme-bank", destinationAccountId: "acc-alice", amountCents: 1000 });
    // No certificate, or one of a partner not configured: refused, whatever the API key.
    expect((await partner(withCert(undefined, credit))).statusCode).to.equal(401);
    expect((await partner(withCert("CN=globex-bank", credit))).statusCode).to.equal(401);
    // A partner cannot choose the account that pays.
    expect((await partner(withCert("CN=acme-bank", { ...credit, sourceAccountId: "acc-bob" }))).statusCode).to.equal(400);
    expect(started()).to.have.length(1);
  });

  it("validates amounts as decimal strings in minor units", async () => {
    expect(toCents("0.01")).to.equal(1);
    expect(toCents("12.3")).to.equal(1230);
    expect(toCents("100")).to.equal(10000);
    for (const amount of ["-1.00", "1.234", "0", "0.00", "1e3", 12]) {
      const res = await handler(event("cust-alice", { ...body, amount }));
      expect(res.statusCode, String(amount)).to.equal(400);
    }
    expect(started()).to.deep.equal([]);
  });

  describe("through the real workflow", function () {
    this.timeout(60_000);
    let world: BankWorld;
    before(async () => {
      world = await startBankWorld();
      await world.pool.query("INSERT INTO accounts (account_id, customer_id, currency, balance_cents) VALUES ('acc-alice', 'cust-alice', 'EUR', 50000), ('acc-bob', 'cust-bob', 'EUR', 50000)");
    });
    after(async () => world?.stop());

    const execute = async (input: string) => {
      const def = definition();
      try {
        return { output: await new StateMachine(def as any).run(JSON.parse(input), { overrides: { taskResourceLocalHandlers: world.handlersFor(def) } }).result };
      } catch (error: any) {
        return { error: error.cause?.name ?? error.name };
      }
    };
    const balances = async () => (await world.pool.query("SELECT account_id, balance_cents::int AS b FROM accounts ORDER BY account_id")).rows.map((r) => [r.account_id, r.b]);

    it("a caller cannot move money out of another customer's account: the execution is attributed to the caller and rejected", async () => {
      sfn.on(StartExecutionCommand).resolves({ executionArn: "arn", startDate: new Date() });
      // Alice, signed in, asks to move money from Bob's account to hers.
      const res = await handler(event("cust-alice", { sourceAccountId: "acc-bob", destinationAccountId: "acc-alice", amount: "100.00", currency: "EUR" }));
      expect(res.statusCode).to.equal(202);
      const input = started()[0]!.input!;
      expect(JSON.parse(input).transfer.customerId).to.equal("cust-alice");
      expect(await execute(input)).to.deep.equal({ error: "Transfer.Rejected" });
      expect(await balances()).to.deep.equal([["acc-alice", 50000], ["acc-bob", 50000]]);
    });

    it("the same request from the account's owner goes through", async () => {
      sfn.on(StartExecutionCommand).resolves({ executionArn: "arn", startDate: new Date() });
      await handler(event("cust-bob", { sourceAccountId: "acc-bob", destinationAccountId: "acc-alice", amount: "100.00", currency: "EUR" }));
      const r = await execute(started()[0]!.input!);
      expect(r.output).to.include({ status: "COMPLETED" });
      expect(await balances()).to.deep.equal([["acc-alice", 60000], ["acc-bob", 40000]]);
    });
  });
});
