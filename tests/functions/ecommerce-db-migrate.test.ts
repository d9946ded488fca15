/**
 * db-migrate over a real PostgreSQL: the schema, roles and grants the program applies at deploy time
 * (idempotent, one transaction), the sales reader's secret created and rotated through an in-memory
 * Secrets Manager that keeps versions and stages as the service does.
 */
import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import { createDbMigrateHandler, loadDbMigrateConfig, type DbMigrateConfig } from "../../projects/ecommerce/functions/db-migrate/db-migrate";
import { DefaultRoles, migrate, schemaVersion } from "../../projects/ecommerce/functions/db-migrate/migrate";
import { startPostgres, type Postgres } from "../helpers/postgres";
import { silentLogger } from "./ecommerce-fixtures";

/** Secrets Manager's version/stage model, for the commands the function sends. */
class FakeSecretsManager {
  readonly secrets = new Map<string, { versions: Map<string, { value: string; stages: string[] }>; rotationEnabled: boolean }>();
  create(id: string, value?: string, rotationEnabled = true): void {
    const versions = new Map<string, { value: string; stages: string[] }>();
    if (value !== undefined) versions.set(randomUUID(), { value, stages: ["AWSCURRENT"] });
    this.secrets.set(id, { versions, rotationEnabled });
  }
  current(id: string): string | undefined {
    return [...this.secrets.get(id)!.versions.values()].find((v) => v.stages.includes("AWSCURRENT"))?.value;
  }
  async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const input = command.input;
    const secret = input.SecretId ? this.secrets.get(input.SecretId) : undefined;
    const notFound = () => Object.assign(new Error("not found"), { name: "ResourceNotFoundException" });
    switch (command.constructor.name) {
      case "GetRandomPasswordCommand":
        return { RandomPassword: randomBytes(30).toString("base64url").slice(0, input.PasswordLength) };
      case "GetSecretValueCommand": {
        if (!secret) throw notFound();
        const stage = input.VersionStage ?? "AWSCURRENT";
        const entry = input.VersionId ? secret.versions.get(input.VersionId) : [...secret.versions.values()].find((v) => v.stages.includes(stage));
        if (!entry || !entry.stages.includes(stage)) throw notFound();
        return { SecretString: entry.value };
      }
      case "PutSecretValueCommand": {
        const id = input.ClientRequestToken ?? randomUUID();
        for (const v of secret!.versions.values()) v.stages = v.stages.filter((s) => !input.VersionStages.includes(s));
        secret!.versions.set(id, { value: input.SecretString, stages: [...input.VersionStages] });
        return { VersionId: id };
      }
      case "DescribeSecretCommand":
        return { RotationEnabled: secret!.rotationEnabled, VersionIdsToStages: Object.fromEntries([...secret!.versions].map(([id, v]) => [id, v.stages])) };
      case "UpdateSecretVersionStageCommand": {
        if (input.RemoveFromVersionId) secret!.versions.get(input.RemoveFromVersionId)!.stages = ["AWSPREVIOUS"];
        const target = secret!.versions.get(input.MoveToVersionId)!;
        target.stages = [...target.stages.filter((s) => s !== "AWSPENDING"), input.VersionStage];
        return {};
      }
      default:
        throw new Error(`unexpected command ${command.constructor.name}`);
    }
  }
}

describe("e-commerce db-migrate over real PostgreSQL", function () {
  this.timeout(60_000);
  let pg: Postgres | undefined;
  let admin: Client;
  const dbName = `ecommerce_migrate_${process.pid}_${Date.now()}`;
  let url: URL;
  const opened: Client[] = [];

  const connect = async (user: string, password = "") => {
    const client = new Client({ host: url.hostname, port: Number(url.port), database: dbName, user, password });
    await client.connect();
    opened.push(client);
    return client;
  };

  before(async () => {
    pg = await startPostgres();
    admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    url = new URL(pg.url);
  });

  after(async () => {
    for (const c of opened) await c.end().catch(() => undefined);
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    pg?.stop();
  });

  const privileges = async (db: Client, role: string, table: string) => {
    const { rows } = await db.query(
      "SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p WHERE has_table_privilege($1, $2, p) ORDER BY p",
      [role, table],
    );
    return rows.map((r) => r.p);
  };

  it("creates the schema, the three roles and exactly their grants; a second run changes nothing", async () => {
    const db = await connect("postgres");
    const first = await migrate(db);
    expect(first).to.deep.equal({ schemaVersion: schemaVersion(), applied: true, iamAuthentication: false });
    const second = await migrate(db);
    expect(second.applied).to.equal(false);
    for (const table of ["orders", "order_lines"]) {
      expect(await privileges(db, DefaultRoles.checkout, table), table).to.deep.equal(["INSERT", "SELECT"]);
      expect(await privileges(db, DefaultRoles.storefront, table), table).to.deep.equal(["SELECT"]);
      expect(await privileges(db, DefaultRoles.reader, table), table).to.deep.equal(["SELECT"]);
    }
    const { rows } = await db.query("SELECT count(*)::int AS n FROM schema_migrations");
    expect(rows[0].n).to.equal(1);
  });

  it("the roles can do only that: checkout inserts an order, the reader's session is read-only, the storefront cannot write", async () => {
    const checkout = await connect(DefaultRoles.checkout);
    await checkout.query("BEGIN");
    const { rows } = await checkout.query(
      "INSERT INTO orders (idempotency_key, request_fingerprint, customer_id, cart_id, currency, total_minor, line_count) VALUES ('k', 'f', 'c', 'cart', 'EUR', 100, 1) RETURNING order_id",
    );
    await checkout.query("INSERT INTO order_lines (order_id, line_no, product_id, sku, quantity, unit_price_minor, line_total_minor) VALUES ($1, 1, 'p', 's', 1, 100, 100)", [rows[0].order_id]);
    await checkout.query("COMMIT");
    const update = await checkout.query("UPDATE orders SET status = 'PAID'").catch((e) => e);
    expect(update.message).to.match(/permission denied for table orders/);

    const reader = await connect(DefaultRoles.reader);
    expect((await reader.query("SELECT count(*)::int AS n FROM orders")).rows[0].n).to.equal(1);
    expect((await reader.query("SHOW default_transaction_read_only")).rows[0].default_transaction_read_only).to.equal("on");
    expect((await reader.query("DELETE FROM orders").catch((e) => e)).message).to.match(/read-only transaction|permission denied/);

    const storefront = await connect(DefaultRoles.storefront);
    expect((await storefront.query("INSERT INTO orders (idempotency_key) VALUES ('x')").catch((e) => e)).message).to.match(/permission denied for table orders/);
    expect((await storefront.query("CREATE TABLE sneaky (x int)").catch((e) => e)).message).to.match(/permission denied for schema public/);
  });

  it("rolls back everything when a statement fails (a broken schema leaves the database as it was)", async () => {
    const db = await connect("postgres");
    const error = await migrate(db, DefaultRoles, "CREATE TABLE half_done (x int); SELECT * FROM no_such_table;").catch((e) => e);
    expect(error.message).to.match(/no_such_table/);
    expect((await db.query("SELECT to_regclass('half_done') AS t")).rows[0].t).to.equal(null);
    expect(await migrate(db, { ...DefaultRoles, reader: "Robert'); DROP TABLE orders;--" }).catch((e) => e.message)).to.match(/reader = .*must be a lower-case PostgreSQL identifier/);
  });

  describe("the handler: migration at deploy time, the reader's secret, rotation", () => {
    const MASTER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-abc";
    const READER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecommerce-dev-sales-reader";
    let secrets: FakeSecretsManager;
    let config: DbMigrateConfig;
    const passwordHash = async () => (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [DefaultRoles.reader])).rows[0].rolpassword as string | null;

    beforeEach(() => {
      secrets = new FakeSecretsManager();
      secrets.create(MASTER, JSON.stringify({ username: "postgres", password: "master-password-from-rds" }));
      secrets.create(READER);
      config = loadDbMigrateConfig({ DB_HOST: url.hostname, DB_PORT: url.port, DB_NAME: dbName, MASTER_SECRET_ARN: MASTER, READER_SECRET_ARN: READER });
    });
    const handler = () => createDbMigrateHandler({ config, secrets, logger: silentLogger(), connect: (user, password) => connect(user, password) });

    it("migrates as the master user, gives the reader's secret a password and sets it on the role; a redeploy keeps it", async () => {
      await admin.query(`ALTER ROLE ${DefaultRoles.reader} PASSWORD NULL`).catch(() => undefined);
      const result = await handler()({ action: "migrate", schemaVersion: schemaVersion() });
      expect(result).to.deep.include({ schemaVersion: schemaVersion(), readerSecretCreated: true });
      const value = JSON.parse(secrets.current(READER)!);
      expect(value).to.deep.include({ engine: "postgres", host: url.hostname, port: Number(url.port), dbname: dbName, username: DefaultRoles.reader });
      expect(value.password).to.have.length(40);
      const hash = await passwordHash();
      expect(hash).to.match(/^SCRAM-SHA-256\$/);
      const again = await handler()({ action: "migrate" });
      expect(again).to.deep.include({ applied: false, readerSecretCreated: false });
      expect(JSON.parse(secrets.current(READER)!).password).to.equal(value.password);
    });

    it("rotates: a new password staged, set on the role, tested read-only, then made current", async () => {
      await handler()({ action: "migrate" });
      const before = JSON.parse(secrets.current(READER)!).password;
      const hashBefore = await passwordHash();
      const token = randomUUID();
      // Secrets Manager's order of calls, each twice (retries must be harmless).
      const steps = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
      // RotateSecret lists the new version as AWSPENDING before createSecret writes its value.
      const describeFirst = secrets.send.bind(secrets);
      secrets.send = async (command: any) => {
        if (command.constructor.name === "DescribeSecretCommand" && !secrets.secrets.get(READER)!.versions.has(token)) {
          const out = await describeFirst(command);
          return { ...out, VersionIdsToStages: { ...out.VersionIdsToStages, [token]: ["AWSPENDING"] } };
        }
        return describeFirst(command);
      };
      for (const Step of steps) {
        for (let i = 0; i < 2; i++) expect(await handler()({ Step, SecretId: READER, ClientRequestToken: token })).to.deep.equal({ rotated: Step });
      }
      const after = JSON.parse(secrets.current(READER)!).password;
      expect(after).to.not.equal(before);
      expect(await passwordHash()).to.not.equal(hashBefore);
      expect([...secrets.secrets.get(READER)!.versions.entries()].find(([, v]) => v.stages.includes("AWSCURRENT"))![0]).to.equal(token);
    });

    it("refuses a stale function (another schema version), another secret, and an unknown event", async () => {
      expect((await handler()({ action: "migrate", schemaVersion: "0".repeat(64) }).catch((e) => e)).message).to.match(/asked for schema 0+ but carries [0-9a-f]{64}/);
      expect((await handler()({ Step: "createSecret", SecretId: MASTER, ClientRequestToken: "t" }).catch((e) => e)).message).to.match(/rotates only .*sales-reader, not .*rds!cluster/);
      expect((await handler()({ hello: 1 }).catch((e) => e)).message).to.match(/unknown event/);
    });

    it("names every missing setting at once", () => {
      expect(() => loadDbMigrateConfig({ DB_HOST: "h", READER_DB_USER: "Bad-Name" })).to.throw(/db-migrate: invalid configuration: DB_NAME is required; MASTER_SECRET_ARN is required; READER_SECRET_ARN is required; .*reader = "Bad-Name"/);
    });
  });
});
