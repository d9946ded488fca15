/**
 * warehouse-users: the QuickSight reader of the Redshift warehouse, made through the Data API
 * (mocked with aws-sdk-client-mock over a small in-memory warehouse and secret store). It grants
 * SELECT (and USAGE on the schema) only, is idempotent, never sends a SecretArn nor reads any
 * secret but the reader's, and never puts the password into SQL.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { grantStatements, md5Password, provisionReader, type ReaderConfig } from "../../projects/analytics/functions/warehouse-users/reader";
import { loadReaderConfig } from "../../projects/analytics/functions/warehouse-users/env";

const READER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:analytics/prod/warehouse/quicksight_reader-AbCdEf";
const ADMIN_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift!analytics-prod-warehouse-admin-XyZ";
const serverless: ReaderConfig = {
  target: { workgroupName: "analytics-prod-warehouse" },
  database: "analytics",
  host: "analytics-prod-warehouse.123456789012.us-east-1.redshift-serverless.amazonaws.com",
  port: 5440,
  readerSecretArn: READER_SECRET,
  reader: "quicksight_reader",
  schema: "reporting",
  tableOwner: "warehouse_admin",
};
const provisioned: ReaderConfig = { ...serverless, target: { clusterIdentifier: "analytics-prod-warehouse", dbUser: "warehouse_admin" } };

/** A warehouse that knows its users and a secret store with one secret, behind mocked clients. */
function world(options: { failBatchWith?: string } = {}) {
  const data = mockClient(RedshiftDataClient);
  const secrets = mockClient(SecretsManagerClient);
  const users = new Set<string>(["warehouse_admin"]);
  const passwordHashes = new Map<string, string>();
  const statements = new Map<string, { sql: string[]; rows: number }>();
  let secret: string | undefined;
  let n = 0;

  data.on(ExecuteStatementCommand).callsFake((input) => {
    const id = `stmt-${++n}`;
    const reader = input.Parameters?.find((p: { name: string }) => p.name === "reader")?.value;
    statements.set(id, { sql: [input.Sql], rows: users.has(reader) ? 1 : 0 });
    return { Id: id };
  });
  data.on(BatchExecuteStatementCommand).callsFake((input) => {
    const id = `batch-${++n}`;
    statements.set(id, { sql: input.Sqls, rows: 0 });
    if (!options.failBatchWith) {
      for (const sql of input.Sqls as string[]) {
        const m = /^(?:CREATE|ALTER) USER "([a-z_]+)" PASSWORD '([^']+)'/.exec(sql);
        if (m) {
          users.add(m[1]!);
          passwordHashes.set(m[1]!, m[2]!);
        }
      }
    }
    return { Id: id };
  });
  let polls = 0;
  data.on(DescribeStatementCommand).callsFake((input) => {
    polls++;
    if (input.Id.startsWith("batch") && options.failBatchWith) return { Id: input.Id, Status: "FAILED", Error: options.failBatchWith };
    // Each statement is seen running once before it finishes: the handler must poll.
    return { Id: input.Id, Status: polls % 2 === 1 ? "STARTED" : "FINISHED", HasResultSet: input.Id.startsWith("stmt") };
  });
  data.on(GetStatementResultCommand).callsFake((input) => ({ Records: Array.from({ length: statements.get(input.Id)!.rows }, () => [{ stringValue: "quicksight_reader" }]), TotalNumRows: statements.get(input.Id)!.rows }));

  secrets.on(GetSecretValueCommand).callsFake((input) => {
    if (input.SecretId !== READER_SECRET) throw new Error(`read of another secret: ${input.SecretId}`);
    if (secret === undefined) throw Object.assign(new Error("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"), { name: "ResourceNotFoundException" });
    return { SecretString: secret };
  });
  let generated = 0;
  secrets.on(GetRandomPasswordCommand).callsFake(() => ({ RandomPassword: `Gen3rated-Password-${++generated}-abcdefghijklmnopqrstu` }));
  secrets.on(PutSecretValueCommand).callsFake((input) => {
    secret = input.SecretString;
    return {};
  });

  const deps = (config: ReaderConfig) => ({ data: data as unknown as RedshiftDataClient, secrets: secrets as unknown as SecretsManagerClient, config, sleep: async () => {} });
  const allSql = () => [...data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql!), ...data.commandCalls(BatchExecuteStatementCommand).flatMap((c) => c.args[0].input.Sqls!)];
  return { data, secrets, users, passwordHashes, deps, allSql, secret: () => (secret === undefined ? undefined : JSON.parse(secret)), setSecret: (v: object) => (secret = JSON.stringify(v)) };
}

describe("analytics warehouse-users: the QuickSight reader of the warehouse", () => {
  it("first run: generates the password into the reader's own secret, creates the user with its MD5 hash, grants USAGE and SELECT on the reporting schema", async () => {
    const w = world();
    const result = await provisionReader(w.deps(serverless));
    expect(result).to.deep.include({ userCreated: true, secretCreated: true });
    const stored = w.secret();
    expect(stored).to.deep.include({ engine: "redshift", username: "quicksight_reader", dbname: "analytics", port: 5440, host: serverless.host });
    expect(w.users.has("quicksight_reader")).to.equal(true);
    expect(w.passwordHashes.get("quicksight_reader")).to.equal(`md5${createHash("md5").update(`${stored.password}quicksight_reader`).digest("hex")}`);
    const batch = w.data.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input.Sqls!;
    expect(batch).to.deep.equal([
      `CREATE USER "quicksight_reader" PASSWORD '${md5Password(stored.password, "quicksight_reader")}' CONNECTION LIMIT 20`,
      'CREATE SCHEMA IF NOT EXISTS "reporting"',
      'GRANT USAGE ON SCHEMA "reporting" TO "quicksight_reader"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "reporting" TO "quicksight_reader"',
      'ALTER DEFAULT PRIVILEGES FOR USER "warehouse_admin" IN SCHEMA "reporting" GRANT SELECT ON TABLES TO "quicksight_reader"',
    ]);
  });

  it("grants nothing but SELECT on tables and USAGE on the one schema: no other privilege, schema, superuser or group", async () => {
    const w = world();
    await provisionReader(w.deps(serverless));
    const grants = w.allSql().filter((s) => /\bGRANT\b/i.test(s));
    expect(grants).to.have.length(3);
    for (const g of grants) {
      const privileges = /GRANT\s+(.+?)\s+ON\s+/i.exec(g)![1]!;
      expect(["SELECT", "USAGE"], g).to.include(privileges);
      expect(g).to.match(/IN SCHEMA "reporting"|ON SCHEMA "reporting"/);
      expect(g).to.match(/TO "quicksight_reader"$/);
    }
    for (const s of w.allSql()) expect(s, s).not.to.match(/\b(CREATEUSER|CREATEDB|SUPERUSER|INSERT|UPDATE|DELETE|ALL PRIVILEGES|GRANT ALL|WITH GRANT OPTION|GROUP|ROLE)\b/i);
    expect(grantStatements({ reader: "quicksight_reader", schema: "reporting", tableOwner: "warehouse_admin" })).to.deep.equal(w.allSql().slice(-4));
  });

  it("is idempotent: a second run keeps the secret, alters (not re-creates) the user with the same password and repeats the same grants", async () => {
    const w = world();
    await provisionReader(w.deps(serverless));
    const first = w.secret();
    const hash = w.passwordHashes.get("quicksight_reader");
    const again = await provisionReader(w.deps(serverless));
    expect(again).to.deep.include({ userCreated: false, secretCreated: false });
    expect(w.secret()).to.deep.equal(first);
    expect(w.secrets.commandCalls(PutSecretValueCommand)).to.have.length(1);
    expect(w.secrets.commandCalls(GetRandomPasswordCommand)).to.have.length(1);
    expect(w.passwordHashes.get("quicksight_reader")).to.equal(hash);
    const [one, two] = w.data.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.Sqls!);
    expect(two![0]).to.equal(`ALTER USER "quicksight_reader" PASSWORD '${hash}'`);
    expect(two!.slice(1)).to.deep.equal(one!.slice(1));
  });

  it("a password put into the secret by hand is applied to the user by the next run (the manual rotation)", async () => {
    const w = world();
    await provisionReader(w.deps(serverless));
    w.setSecret({ ...w.secret(), password: "Hand-Rotated-Password-0123456789" });
    await provisionReader(w.deps(serverless));
    expect(w.passwordHashes.get("quicksight_reader")).to.equal(md5Password("Hand-Rotated-Password-0123456789", "quicksight_reader"));
  });

  it("never uses the admin secret: no SecretArn in any Data API call, no secret read but the reader's, no password in the SQL", async () => {
    for (const config of [serverless, provisioned]) {
      const w = world();
      await provisionReader(w.deps(config));
      const calls = [...w.data.commandCalls(ExecuteStatementCommand), ...w.data.commandCalls(BatchExecuteStatementCommand)].map((c) => c.args[0].input as unknown as Record<string, unknown>);
      expect(calls).to.have.length(2);
      for (const input of calls) {
        expect(input).not.to.have.property("SecretArn");
        expect(input.Database).to.equal("analytics");
      }
      const ids = [...w.secrets.commandCalls(GetSecretValueCommand), ...w.secrets.commandCalls(PutSecretValueCommand)].map((c) => c.args[0].input.SecretId);
      expect(ids.every((id) => id === READER_SECRET)).to.equal(true);
      expect(ids).not.to.include(ADMIN_SECRET);
      const password = w.secret().password as string;
      for (const s of w.allSql()) expect(s).not.to.include(password);
    }
  });

  it("Serverless runs as the function's IAM identity (workgroup only); provisioned names the cluster and the admin as DbUser (temporary credentials)", async () => {
    const s = world();
    await provisionReader(s.deps(serverless));
    for (const c of s.data.commandCalls(BatchExecuteStatementCommand)) {
      expect(c.args[0].input).to.deep.include({ WorkgroupName: "analytics-prod-warehouse" });
      expect(c.args[0].input).not.to.have.any.keys("ClusterIdentifier", "DbUser");
    }
    const p = world();
    await provisionReader(p.deps(provisioned));
    for (const c of [...p.data.commandCalls(ExecuteStatementCommand), ...p.data.commandCalls(BatchExecuteStatementCommand)]) {
      expect(c.args[0].input).to.deep.include({ ClusterIdentifier: "analytics-prod-warehouse", DbUser: "warehouse_admin" });
      expect(c.args[0].input).not.to.have.property("WorkgroupName");
    }
  });

  it("looks the user up with a bound parameter, not by pasting the name into SQL", async () => {
    const w = world();
    await provisionReader(w.deps(serverless));
    const lookup = w.data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
    expect(lookup.Sql).to.equal("SELECT usename FROM pg_user WHERE usename = :reader");
    expect(lookup.Parameters).to.deep.equal([{ name: "reader", value: "quicksight_reader" }]);
  });

  it("a failed batch fails the deploy with Redshift's error; on Serverless a permission error says what the admin must run once", async () => {
    const w = world({ failBatchWith: "ERROR: permission denied to create user" });
    let message = "";
    await provisionReader(w.deps(serverless)).catch((e: Error) => (message = e.message));
    expect(message).to.include("creating quicksight_reader and its grants failed: ERROR: permission denied to create user");
    expect(message).to.include('ALTER USER "IAMR:<this function\'s role name>" CREATEUSER');
    expect(message).to.include("warehouseUsersDbUser");
    const p = world({ failBatchWith: "ERROR: syntax error" });
    await provisionReader(p.deps(provisioned)).catch((e: Error) => (message = e.message));
    expect(message).to.equal("creating quicksight_reader and its grants failed: ERROR: syntax error");
  });

  it("refuses identifiers that are not plain names (they are interpolated into SQL), and the admin as the reader", async () => {
    const w = world();
    let message = "";
    await provisionReader(w.deps({ ...serverless, reader: 'x"; DROP TABLE t; --', schema: "Reporting" })).catch((e: Error) => (message = e.message));
    expect(message).to.include('reader = "x\\"; DROP TABLE t; --": must be 1 to 63 lower-case letters');
    expect(message).to.include('schema = "Reporting"');
    await provisionReader(w.deps({ ...serverless, reader: "warehouse_admin" })).catch((e: Error) => (message = e.message));
    expect(message).to.include('reader = "warehouse_admin": must not be the table owner');
    expect(w.data.commandCalls(BatchExecuteStatementCommand)).to.have.length(0);
  });

  describe("environment", () => {
    const env = {
      WAREHOUSE_ADMIN_USER: "warehouse_admin",
      WAREHOUSE_DATABASE: "analytics",
      WAREHOUSE_HOST: serverless.host,
      WAREHOUSE_PORT: "5440",
      READER_SECRET_ARN: READER_SECRET,
      READER_USER: "quicksight_reader",
      REPORTING_SCHEMA: "reporting",
    };

    it("Serverless with a workgroup, provisioned with a cluster and the admin as DbUser", () => {
      expect(loadReaderConfig({ ...env, WAREHOUSE_WORKGROUP: "wg" })).to.deep.include({ target: { workgroupName: "wg" }, port: 5440, tableOwner: "warehouse_admin" });
      expect(loadReaderConfig({ ...env, WAREHOUSE_CLUSTER: "c1" }).target).to.deep.equal({ clusterIdentifier: "c1", dbUser: "warehouse_admin" });
    });

    it("refuses both or neither target, and names each missing variable", () => {
      expect(() => loadReaderConfig({ ...env, WAREHOUSE_WORKGROUP: "wg", WAREHOUSE_CLUSTER: "c1" })).to.throw(/set exactly one of WAREHOUSE_WORKGROUP \(Serverless\) and WAREHOUSE_CLUSTER \(provisioned\)/);
      expect(() => loadReaderConfig({ WAREHOUSE_WORKGROUP: "wg" })).to.throw(/READER_SECRET_ARN is not set[\s\S]*REPORTING_SCHEMA is not set/);
    });
  });
});
