/**
 * The sales dashboard's database credentials: a secret of their own (never the master user's),
 * whose password this function creates and rotates, so that no password is ever in the program,
 * its state or its config.
 *
 * - `ensureReaderSecret` (each migration): a secret without a current value gets one (a password
 *   from Secrets Manager's generator); the role's password is then set to the current value.
 * - `rotateReaderSecret` (Secrets Manager's rotation, the four steps of a single-user rotation):
 *   `createSecret` stages a new password as AWSPENDING, `setSecret` sets it on the role,
 *   `testSecret` logs in with it and checks the session is read-only, `finishSecret` makes it
 *   AWSCURRENT. Each step is idempotent (Secrets Manager retries them).
 *
 * The secret's JSON is what QuickSight's Secrets Manager integration reads: `username`, `password`
 * (and host, port, dbname, engine for people).
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { Client, ClientBase } from "pg";
import { setPassword } from "./migrate";

export interface DatabaseAddress {
  host: string;
  port: number;
  database: string;
}

export interface ReaderCredentials extends DatabaseAddress {
  username: string;
  password: string;
}

/** Opens a connection as the given user (TLS verified in the function; plain in the tests). */
export type Connect = (user: string, password: string) => Promise<Pick<Client, "query" | "escapeLiteral" | "end">>;

export interface ReaderSecretDeps {
  secrets: Pick<SecretsManagerClient, "send">;
  secretId: string;
  reader: string;
  address: DatabaseAddress;
  /** A connection as the master user. */
  connectAsMaster: () => Promise<Pick<Client, "query" | "escapeLiteral" | "end">>;
  /** A connection as any user with a password (for `testSecret`). */
  connect: Connect;
}

export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";
export const RotationSteps: readonly RotationStep[] = ["createSecret", "setSecret", "testSecret", "finishSecret"];

export interface RotationEvent {
  Step: RotationStep;
  SecretId: string;
  ClientRequestToken: string;
}

export function isRotationEvent(event: unknown): event is RotationEvent {
  const e = event as Partial<RotationEvent> | null;
  return typeof e === "object" && e !== null && typeof e.Step === "string" && typeof e.SecretId === "string" && typeof e.ClientRequestToken === "string";
}

// Characters that need quoting in a connection string or SQL literal are left out.
const EXCLUDE = "\"'\\/@:;`%$&?#";

async function newPassword(secrets: ReaderSecretDeps["secrets"]): Promise<string> {
  const { RandomPassword } = await secrets.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludeCharacters: EXCLUDE, RequireEachIncludedType: true }));
  if (!RandomPassword) throw new Error("Secrets Manager returned no password");
  return RandomPassword;
}

async function readVersion(deps: ReaderSecretDeps, stage: "AWSCURRENT" | "AWSPENDING", versionId?: string): Promise<ReaderCredentials | undefined> {
  try {
    const { SecretString } = await deps.secrets.send(new GetSecretValueCommand({ SecretId: deps.secretId, VersionStage: stage, ...(versionId ? { VersionId: versionId } : {}) }));
    return SecretString ? (JSON.parse(SecretString) as ReaderCredentials) : undefined;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

const credentials = (deps: ReaderSecretDeps, password: string) =>
  JSON.stringify({ engine: "postgres", host: deps.address.host, port: deps.address.port, dbname: deps.address.database, username: deps.reader, password });

async function withMaster<T>(deps: ReaderSecretDeps, work: (c: Pick<ClientBase, "query" | "escapeLiteral">) => Promise<T>): Promise<T> {
  const client = await deps.connectAsMaster();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Gives the secret a value if it has none, then sets the role's password to the current value. Returns whether a value was created. */
export async function ensureReaderSecret(deps: ReaderSecretDeps): Promise<boolean> {
  let current = await readVersion(deps, "AWSCURRENT");
  const created = current?.password === undefined;
  if (created) {
    await deps.secrets.send(new PutSecretValueCommand({ SecretId: deps.secretId, SecretString: credentials(deps, await newPassword(deps.secrets)), VersionStages: ["AWSCURRENT"] }));
    current = await readVersion(deps, "AWSCURRENT");
  }
  await withMaster(deps, (c) => setPassword(c, deps.reader, current!.password));
  return created;
}

/** One step of Secrets Manager's rotation. */
export async function rotateReaderSecret(deps: ReaderSecretDeps, event: RotationEvent): Promise<void> {
  const token = event.ClientRequestToken;
  const { VersionIdsToStages = {}, RotationEnabled } = await deps.secrets.send(new DescribeSecretCommand({ SecretId: deps.secretId }));
  if (RotationEnabled === false) throw new Error(`secret ${deps.secretId} does not have rotation enabled`);
  const stages = VersionIdsToStages[token];
  if (!stages) throw new Error(`secret version ${token} has no stage for rotation of ${deps.secretId}`);
  if (stages.includes("AWSCURRENT") && event.Step !== "finishSecret") return; // already current: nothing to do
  if (!stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT")) throw new Error(`secret version ${token} is not AWSPENDING for rotation of ${deps.secretId}`);

  switch (event.Step) {
    case "createSecret": {
      if (await readVersion(deps, "AWSPENDING", token)) return;
      await deps.secrets.send(new PutSecretValueCommand({ SecretId: deps.secretId, ClientRequestToken: token, SecretString: credentials(deps, await newPassword(deps.secrets)), VersionStages: ["AWSPENDING"] }));
      return;
    }
    case "setSecret": {
      const pending = await readVersion(deps, "AWSPENDING", token);
      if (!pending) throw new Error(`no AWSPENDING value for version ${token}`);
      await withMaster(deps, (c) => setPassword(c, deps.reader, pending.password));
      return;
    }
    case "testSecret": {
      const pending = await readVersion(deps, "AWSPENDING", token);
      if (!pending) throw new Error(`no AWSPENDING value for version ${token}`);
      const client = await deps.connect(deps.reader, pending.password);
      try {
        await client.query("SELECT count(*) FROM orders WHERE false");
        const { rows } = await client.query("SHOW default_transaction_read_only");
        if (rows[0]?.default_transaction_read_only !== "on") throw new Error(`${deps.reader} sessions are not read-only`);
      } finally {
        await client.end();
      }
      return;
    }
    case "finishSecret": {
      const current = Object.entries(VersionIdsToStages).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
      if (current === token) return;
      await deps.secrets.send(new UpdateSecretVersionStageCommand({ SecretId: deps.secretId, VersionStage: "AWSCURRENT", MoveToVersionId: token, ...(current ? { RemoveFromVersionId: current } : {}) }));
      return;
    }
    default:
      throw new Error(`unknown rotation step ${JSON.stringify((event as { Step: unknown }).Step)}`);
  }
}
