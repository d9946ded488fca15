/**
 * The warehouse's read-only QuickSight user, made by SQL through the Redshift Data API at deploy
 * time (the program invokes the function as an `aws.lambda.Invocation`). Idempotent: every run
 * leaves the same state, whatever was there before.
 *
 * 1. The user's secret (its own, never the admin's) gets a value if it has none: a password from
 *    Secrets Manager's generator, stored as `{ engine, host, port, dbname, username, password }`
 *    (what QuickSight's Secrets Manager integration reads).
 * 2. In one transaction (`BatchExecuteStatement`): the user is created, or its password is set to
 *    the secret's (so a password put into the secret by hand is applied by the next run); the
 *    reporting schema exists; the user may USE that schema and SELECT its tables, present and
 *    future (default privileges of the tables' owner), and nothing else.
 *
 * The SQL carries no password: Redshift takes `md5` + MD5(password + user name) in CREATE/ALTER
 * USER, so neither the Data API's statement history nor the audit log holds the password.
 *
 * Authentication is IAM only (`Warehouse.grantDataApiAdmin`): the Data API call names the
 * workgroup (Serverless: the function's own `IAMR:` user) or the cluster and its admin user
 * (provisioned: temporary credentials from `GetClusterCredentials`). No `SecretArn` is ever sent,
 * so the admin password is never read.
 */
import { createHash } from "node:crypto";
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Where the SQL runs, and as whom. */
export type DataApiTarget = { workgroupName: string } | { clusterIdentifier: string; dbUser: string };

export interface ReaderConfig {
  target: DataApiTarget;
  database: string;
  /** The warehouse's endpoint, written into the secret for people and QuickSight. */
  host: string;
  port: number;
  readerSecretArn: string;
  /** The read-only user. */
  reader: string;
  /** The schema it may read. */
  schema: string;
  /** The user that creates the schema's tables (the admin): its future tables are readable too. */
  tableOwner: string;
}

export interface ReaderDeps {
  data: Pick<RedshiftDataClient, "send">;
  secrets: Pick<SecretsManagerClient, "send">;
  config: ReaderConfig;
  /** Waits between status polls. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Gives up on a statement after this long. Default: 240 s (a Serverless workgroup may be cold). */
  maxWaitMs?: number;
}

export interface ReaderResult {
  /** The user did not exist and was created. */
  userCreated: boolean;
  /** The secret had no password and got one. */
  secretCreated: boolean;
  /** The SQL that ran (passwords as their MD5 hash). */
  statements: string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Left out of generated passwords: Redshift refuses ' " \ / @ and spaces; the rest would need quoting in connection strings. */
const EXCLUDE = "'\"\\/@ :;`%$&?#";

/** Problems with the configuration (identifiers are interpolated into SQL: only plain names pass). */
export function readerConfigProblems(c: ReaderConfig): string[] {
  const problems: string[] = [];
  for (const [key, value] of [["reader", c.reader], ["schema", c.schema], ["tableOwner", c.tableOwner], ["database", c.database]] as const) {
    if (!IDENTIFIER.test(value ?? "")) problems.push(`${key} = ${JSON.stringify(value)}: must be 1 to 63 lower-case letters, digits or underscores, not starting with a digit`);
  }
  if (c.reader === c.tableOwner) problems.push(`reader = "${c.reader}": must not be the table owner (the admin)`);
  if ("dbUser" in c.target && !IDENTIFIER.test(c.target.dbUser)) problems.push(`target.dbUser = ${JSON.stringify(c.target.dbUser)}: must be a plain user name`);
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) problems.push(`port = ${c.port}: must be 1 to 65535`);
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(c.readerSecretArn ?? "")) problems.push(`readerSecretArn = ${JSON.stringify(c.readerSecretArn)}: must be a Secrets Manager secret ARN`);
  return problems;
}

/** Redshift's hashed password form for CREATE/ALTER USER: `md5` + hex MD5 of password then user name. */
export function md5Password(password: string, user: string): string {
  return `md5${createHash("md5").update(password + user).digest("hex")}`;
}

/** The grants, in order: read-only on the reporting schema, nothing more. */
export function grantStatements(c: Pick<ReaderConfig, "reader" | "schema" | "tableOwner">): string[] {
  const user = `"${c.reader}"`;
  const schema = `"${c.schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${user}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${user}`,
    `ALTER DEFAULT PRIVILEGES FOR USER "${c.tableOwner}" IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${user}`,
  ];
}

interface Credentials {
  engine: string;
  host: string;
  port: number;
  dbname: string;
  username: string;
  password: string;
}

async function readSecret(deps: ReaderDeps): Promise<Partial<Credentials> | undefined> {
  try {
    const { SecretString } = await deps.secrets.send(new GetSecretValueCommand({ SecretId: deps.config.readerSecretArn, VersionStage: "AWSCURRENT" }));
    return SecretString ? (JSON.parse(SecretString) as Partial<Credentials>) : undefined;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

/** The reader's credentials, generated and stored when the secret has none for this user. */
async function ensureSecret(deps: ReaderDeps): Promise<{ password: string; created: boolean }> {
  const c = deps.config;
  const current = await readSecret(deps);
  if (current?.password && current.username === c.reader) return { password: current.password, created: false };
  const { RandomPassword } = await deps.secrets.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludeCharacters: EXCLUDE, RequireEachIncludedType: true }));
  if (!RandomPassword) throw new Error("Secrets Manager returned no password");
  const value: Credentials = { engine: "redshift", host: c.host, port: c.port, dbname: c.database, username: c.reader, password: RandomPassword };
  await deps.secrets.send(new PutSecretValueCommand({ SecretId: c.readerSecretArn, SecretString: JSON.stringify(value), VersionStages: ["AWSCURRENT"] }));
  return { password: RandomPassword, created: true };
}

/** Where and as whom, for every Data API call. Never a SecretArn. */
function addressing(c: ReaderConfig): { Database: string; WorkgroupName?: string; ClusterIdentifier?: string; DbUser?: string } {
  return "workgroupName" in c.target
    ? { Database: c.database, WorkgroupName: c.target.workgroupName }
    : { Database: c.database, ClusterIdentifier: c.target.clusterIdentifier, DbUser: c.target.dbUser };
}

async function waitFor(deps: ReaderDeps, id: string, what: string): Promise<{ hasResultSet: boolean }> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (deps.maxWaitMs ?? 240_000);
  let delay = 250;
  for (;;) {
    const s = await deps.data.send(new DescribeStatementCommand({ Id: id }));
    if (s.Status === "FINISHED") return { hasResultSet: s.HasResultSet === true };
    if (s.Status === "FAILED" || s.Status === "ABORTED") {
      const message = s.Error ?? s.Status;
      // Serverless runs the SQL as this function's IAMR: user, which starts without the right.
      const hint =
        /permission denied|must be superuser|privilege/i.test(message) && "workgroupName" in deps.config.target
          ? ` (once, as the admin: ALTER USER "IAMR:<this function's role name>" CREATEUSER, the name being the stack output warehouseUsersDbUser; then deploy again. README, analytics "After it")`
          : "";
      throw new Error(`${what} ${s.Status.toLowerCase()}: ${message}${hint}`);
    }
    if (Date.now() > deadline) throw new Error(`${what}: still ${s.Status ?? "unknown"} after ${(deps.maxWaitMs ?? 240_000) / 1000} s`);
    await sleep(delay);
    delay = Math.min(delay * 2, 5_000);
  }
}

async function userExists(deps: ReaderDeps): Promise<boolean> {
  const { Id } = await deps.data.send(
    new ExecuteStatementCommand({ ...addressing(deps.config), Sql: "SELECT usename FROM pg_user WHERE usename = :reader", Parameters: [{ name: "reader", value: deps.config.reader }] }),
  );
  if (!Id) throw new Error("the Data API returned no statement id");
  await waitFor(deps, Id, "looking up the reader user");
  const { Records = [] } = await deps.data.send(new GetStatementResultCommand({ Id }));
  return Records.length > 0;
}

/** Makes the read-only user exist with the secret's password and only its grants. */
export async function provisionReader(deps: ReaderDeps): Promise<ReaderResult> {
  const problems = readerConfigProblems(deps.config);
  if (problems.length > 0) throw new Error(`warehouse-users: invalid configuration:\n  - ${problems.join("\n  - ")}`);
  const c = deps.config;
  const secret = await ensureSecret(deps);
  const exists = await userExists(deps);
  const hash = md5Password(secret.password, c.reader);
  const statements = [
    exists ? `ALTER USER "${c.reader}" PASSWORD '${hash}'` : `CREATE USER "${c.reader}" PASSWORD '${hash}' CONNECTION LIMIT 20`,
    ...grantStatements(c),
  ];
  const { Id } = await deps.data.send(new BatchExecuteStatementCommand({ ...addressing(c), Sqls: statements, StatementName: `quicksight-reader-${c.reader}` }));
  if (!Id) throw new Error("the Data API returned no statement id");
  await waitFor(deps, Id, `${exists ? "updating" : "creating"} ${c.reader} and its grants`);
  return { userCreated: !exists, secretCreated: secret.created, statements };
}
