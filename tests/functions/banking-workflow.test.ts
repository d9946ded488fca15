/**
 * The transfer workflow executed locally (aws-local-stepfunctions) with the real handlers against
 * a real PostgreSQL ledger and a dynalite history table: a good transfer, a fraud rejection, a
 * ledger failure that is compensated, a transient error that succeeds on retry, a transfer out of
 * another customer's account. Every case checks the final state and that the balances add up.
 */
import { expect } from "chai";
import { BatchWriteCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { executeLocally } from "../helpers/local-workflow";
import aslValidator = require("asl-validator");
import { definition, HISTORY_TABLE_NAME, startBankWorld, type BankWorld } from "./banking-fixtures";
import { documentClient } from "../../projects/banking/functions/transfer/history";
import type { Transfer } from "../../projects/banking/functions/transfer/model";

const ALICE = "cust-alice";
const BOB = "cust-bob";

describe("banking transfer workflow, executed with the real handlers", function () {
  this.timeout(60_000);
  let world: BankWorld;
  let seq = 0;

  before(async () => {
    world = await startBankWorld();
  });
  after(async () => world?.stop());

  beforeEach(async () => {
    await world.pool.query("DROP TRIGGER IF EXISTS fail_posting ON ledger_entries; TRUNCATE ledger_entries, reservations, accounts");
    await world.pool.query(
      `INSERT INTO accounts (account_id, customer_id, currency, balance_cents) VALUES
        ('acc-alice', $1, 'EUR', 500000), ('acc-bob', $2, 'EUR', 100000), ('acc-bob-usd', $2, 'USD', 100000)`,
      [ALICE, BOB],
    );
    const db = documentClient(world.dynamo.client);
    const items = (await db.send(new ScanCommand({ TableName: HISTORY_TABLE_NAME }))).Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { accountId: it.accountId, entryKey: it.entryKey } } }));
      await db.send(new BatchWriteCommand({ RequestItems: { [HISTORY_TABLE_NAME]: batch } }));
    }
  });

  const transfer = (over: Partial<Transfer> = {}): Transfer => ({
    transferId: `tr-${++seq}`,
    customerId: ALICE,
    sourceAccountId: "acc-alice",
    destinationAccountId: "acc-bob",
    amountCents: 12_345,
    currency: "EUR",
    reference: "rent",
    ...over,
  });

  async function run(input: Transfer, handlers: Record<string, (i: any) => Promise<any>> = {}) {
    const def = definition() as { States: Record<string, unknown> };
    return executeLocally(def, { transfer: input }, { handlers: { ...world.handlersFor(def), ...handlers } });
  }

  async function balances() {
    const { rows } = await world.pool.query<{ account_id: string; balance_cents: string; reserved_cents: string }>("SELECT * FROM accounts ORDER BY account_id");
    return Object.fromEntries(rows.map((r) => [r.account_id, { balance: Number(r.balance_cents), reserved: Number(r.reserved_cents) }]));
  }
  const eurTotal = async () => {
    const b = await balances();
    return b["acc-alice"]!.balance + b["acc-bob"]!.balance;
  };
  const history = async (accountId: string) =>
    (await documentClient(world.dynamo.client).send(new QueryCommand({ TableName: HISTORY_TABLE_NAME, KeyConditionExpression: "accountId = :a", ExpressionAttributeValues: { ":a": accountId } }))).Items ?? [];

  it("is valid Amazon States Language (asl-validator)", () => {
    const { isValid, errors } = aslValidator(definition() as any);
    expect(errors, JSON.stringify(errors)).to.deep.equal([]);
    expect(isValid).to.equal(true);
  });

  it("every Task retries transient errors, and every step after a possible reservation is caught by the compensation", () => {
    const states = (definition() as any).States;
    for (const [name, s] of Object.entries<any>(states)) {
      if (s.Type !== "Task") continue;
      expect(s.Retry[0].ErrorEquals, name).to.include.members(["Transfer.Transient", "Lambda.ServiceException", "Lambda.TooManyRequestsException", "States.Timeout"]);
      expect(s.Retry[0].MaxAttempts, name).to.be.greaterThan(1);
    }
    for (const name of ["ReserveFunds", "PostToLedger"]) {
      expect(states[name].Catch.find((c: any) => c.ErrorEquals.includes("States.ALL")).Next, name).to.equal("ReleaseReservation");
    }
  });

  it("a good transfer: posted, balances moved and add up, history recorded, customer notified", async () => {
    const before = await eurTotal();
    const t = transfer();
    const r = await run(t);
    expect(r.status, JSON.stringify(r)).to.equal("SUCCEEDED");
    expect(r.output).to.include({ status: "COMPLETED", transferId: t.transferId });
    expect(r.states).to.deep.equal(["Validate", "FraudCheck", "FraudDecision", "ReserveFunds", "PostToLedger", "RecordHistory", "Notify", "Completed"]);
    const b = await balances();
    expect(b["acc-alice"]).to.deep.equal({ balance: 500000 - 12_345, reserved: 0 });
    expect(b["acc-bob"]).to.deep.equal({ balance: 100000 + 12_345, reserved: 0 });
    expect(await eurTotal()).to.equal(before);
    const { rows } = await world.pool.query("SELECT account_id, amount_cents FROM ledger_entries WHERE transfer_id = $1 ORDER BY amount_cents", [t.transferId]);
    expect(rows.map((x) => [x.account_id, Number(x.amount_cents)])).to.deep.equal([["acc-alice", -12_345], ["acc-bob", 12_345]]);
    expect((await history("acc-alice")).map((i) => [i.transferId, i.direction, i.amountCents])).to.deep.equal([[t.transferId, "debit", 12_345]]);
    expect((await history("acc-bob")).map((i) => [i.transferId, i.direction, i.amountCents])).to.deep.equal([[t.transferId, "credit", 12_345]]);
    const published = world.sns.commandCalls(require("@aws-sdk/client-sns").PublishCommand).map((c: any) => c.args[0].input);
    expect(published.some((p: any) => JSON.parse(p.Message).transferId === t.transferId && p.MessageAttributes.customerId.StringValue === ALICE)).to.equal(true);
  });

  it("a fraud rejection: above the single-transfer limit, nothing reserved or moved", async () => {
    const r = await run(transfer({ amountCents: 1_000_001 }));
    expect(r.status).to.equal("FAILED");
    expect(r.error).to.equal("Transfer.FraudRejected");
    expect(r.states).to.not.include("ReserveFunds");
    expect(await balances()).to.deep.include({ "acc-alice": { balance: 500000, reserved: 0 }, "acc-bob": { balance: 100000, reserved: 0 } });
  });

  it("a fraud rejection from the history: the daily limit counts what the account already sent", async () => {
    expect((await run(transfer({ amountCents: 400_000 }))).status).to.equal("SUCCEEDED");
    // 400,000 sent today + 1,000,000 > the 1,200,000 daily limit, though under the single-transfer limit.
    const r = await run(transfer({ amountCents: 1_000_000 }));
    expect(r.error).to.equal("Transfer.FraudRejected");
    expect(r.states).to.not.include("ReserveFunds");
    expect(await eurTotal()).to.equal(600000);
  });

  it("a ledger failure while posting: caught, the reservation released, balances as before", async () => {
    // The ledger refuses the posting (as a failing constraint or trigger would); the handler is the real one.
    await world.pool.query(`CREATE OR REPLACE FUNCTION fail_posting() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'ledger unavailable for posting'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_posting BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION fail_posting();`);
    const t = transfer();
    const r = await run(t);
    expect(r.status).to.equal("FAILED");
    expect(r.error).to.equal("Transfer.Compensated");
    expect(r.states).to.deep.equal(["Validate", "FraudCheck", "FraudDecision", "ReserveFunds", "PostToLedger", "ReleaseReservation", "Compensated"]);
    expect(await balances()).to.deep.include({ "acc-alice": { balance: 500000, reserved: 0 }, "acc-bob": { balance: 100000, reserved: 0 } });
    const { rows } = await world.pool.query("SELECT status FROM reservations WHERE transfer_id = $1", [t.transferId]);
    expect(rows).to.deep.equal([{ status: "released" }]);
    expect((await world.pool.query("SELECT count(*)::int AS n FROM ledger_entries")).rows[0].n).to.equal(0);
    expect(await history("acc-alice")).to.deep.equal([]);
  });

  it("a transient error (serialization failure) while posting: retried, then posted once", async () => {
    // The first posting attempt hits a serialization failure (SQLSTATE 40001), as concurrent transfers can cause.
    await world.pool.query(`CREATE TABLE IF NOT EXISTS fail_once (n int); TRUNCATE fail_once;
      CREATE OR REPLACE FUNCTION fail_posting() RETURNS trigger AS $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM fail_once) THEN INSERT INTO fail_once VALUES (1); RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_posting BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION fail_posting();`);
    // The trigger's own insert is rolled back with the failed transaction, so mark the attempt outside it.
    const ledger = world.handlersFor(definition()).PostToLedger!;
    let attempts = 0;
    const r = await run(transfer(), {
      PostToLedger: async (input) => {
        attempts++;
        if (attempts > 1) await world.pool.query("INSERT INTO fail_once VALUES (1)");
        return ledger(input);
      },
    });
    expect(r.status, JSON.stringify(r)).to.equal("SUCCEEDED");
    expect(attempts).to.equal(2);
    expect(r.retried).to.deep.equal(["PostToLedger"]);
    expect(await balances()).to.deep.include({ "acc-alice": { balance: 500000 - 12_345, reserved: 0 }, "acc-bob": { balance: 100000 + 12_345, reserved: 0 } });
    expect((await world.pool.query("SELECT count(*)::int AS n FROM ledger_entries")).rows[0].n).to.equal(2);
  });

  it("a transfer out of another customer's account is rejected at validation, nothing moves", async () => {
    const r = await run(transfer({ customerId: ALICE, sourceAccountId: "acc-bob", destinationAccountId: "acc-alice" }));
    expect(r.status).to.equal("FAILED");
    expect(r.error).to.equal("Transfer.Rejected");
    expect(r.states).to.deep.equal(["Validate", "Rejected"]);
    expect(await balances()).to.deep.include({ "acc-alice": { balance: 500000, reserved: 0 }, "acc-bob": { balance: 100000, reserved: 0 } });
  });

  it("insufficient funds: rejected before anything is reserved", async () => {
    const r = await run(transfer({ customerId: BOB, sourceAccountId: "acc-bob", destinationAccountId: "acc-alice", amountCents: 100_001 }));
    expect(r.error).to.equal("Transfer.InsufficientFunds");
    expect(await eurTotal()).to.equal(600000);
    expect((await world.pool.query("SELECT count(*)::int AS n FROM reservations")).rows[0].n).to.equal(0);
  });

  it("each ledger step is idempotent: running the whole transfer twice moves the money once", async () => {
    const t = transfer();
    expect((await run(t)).status).to.equal("SUCCEEDED");
    const handlers = world.handlersFor(definition());
    await handlers.ReserveFunds!({ step: "reserve", transfer: t });
    await handlers.PostToLedger!({ step: "post", transfer: t });
    expect((await balances())["acc-alice"]).to.deep.equal({ balance: 500000 - 12_345, reserved: 0 });
  });
});
