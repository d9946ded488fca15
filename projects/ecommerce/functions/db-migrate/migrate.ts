/**
 * The orders database's migration: the schema (`../checkout/schema.sql`), the roles of everything
 * that connects, and their grants, applied in one transaction under an advisory lock, so that two
 * deploys cannot interleave and a failure changes nothing. Every statement is idempotent: the
 * program runs this on each deploy whose schema or roles changed (an `aws.lambda.Invocation`), and
 * running it over an up-to-date database is a no-op.
 *
 * | role (default name) | logs in with                         | may                                        |
 * |---------------------|--------------------------------------|--------------------------------------------|
 * | `checkout`          | IAM token (`rds_iam`)                | SELECT, INSERT orders and order_lines      |
 * | `storefront`        | IAM token (`rds_iam`)                | SELECT orders and order_lines (history)    |
 * | `sales_reader`      | password in its own secret (rotated) | SELECT orders and order_lines, read-only   |
 *
 * `rds_iam` exists only on RDS and Aurora: elsewhere (the tests' PostgreSQL) the grant is skipped.
 */
import { createHash } from "node:crypto";
import type { ClientBase } from "pg";
import { SCHEMA_SQL } from "./schema";

export interface MigrationRoles {
  /** The checkout function's database user (IAM authentication). */
  checkout: string;
  /** The web fleet's database user (IAM authentication). */
  storefront: string;
  /** The sales dashboard's read-only user (password authentication, from its own secret). */
  reader: string;
}

export const DefaultRoles: MigrationRoles = { checkout: "checkout", storefront: "storefront", reader: "sales_reader" };

export interface MigrationResult {
  /** sha256 of the schema applied (also recorded in `schema_migrations`). */
  schemaVersion: string;
  /** False when this version was already recorded: nothing changed. */
  applied: boolean;
  /** Whether `rds_iam` was granted (true on RDS/Aurora). */
  iamAuthentication: boolean;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema version the program passes in the invocation, so that a schema change re-runs the migration. */
export function schemaVersion(sql: string = SCHEMA_SQL): string {
  return createHash("sha256").update(sql).digest("hex");
}

export function checkRoles(roles: MigrationRoles): void {
  const problems = Object.entries(roles)
    .filter(([, name]) => !IDENTIFIER.test(name))
    .map(([k, name]) => `${k} = ${JSON.stringify(name)}: must be a lower-case PostgreSQL identifier (a-z, 0-9, _; up to 63)`);
  const names = Object.values(roles);
  if (new Set(names).size !== names.length) problems.push(`roles must differ: ${names.join(", ")}`);
  if (problems.length > 0) throw new Error(`db-migrate: invalid roles: ${problems.join("; ")}`);
}

/** Applies the schema, roles and grants (see the table above). `client` is connected as the master user. */
export async function migrate(client: Pick<ClientBase, "query">, roles: MigrationRoles = DefaultRoles, sql: string = SCHEMA_SQL): Promise<MigrationResult> {
  checkRoles(roles);
  const version = schemaVersion(sql);
  const q = (name: string) => `"${name}"`; // validated identifiers only
  await client.query("BEGIN");
  try {
    // One migration at a time (a deploy and a manual run, two stacks' deploys of one database...).
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ecommerce-orders-migration'))");
    await client.query(sql);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const recorded = await client.query("INSERT INTO schema_migrations (version) VALUES ($1) ON CONFLICT (version) DO NOTHING", [version]);

    for (const role of [roles.checkout, roles.storefront, roles.reader]) {
      // CREATE ROLE has no IF NOT EXISTS; the existence check runs under the advisory lock.
      const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
      if (rowCount === 0) await client.query(`CREATE ROLE ${q(role)} LOGIN`);
    }
    const { rowCount: rdsIam } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'");
    if (rdsIam) await client.query(`GRANT rds_iam TO ${q(roles.checkout)}, ${q(roles.storefront)}`);

    // Nobody but the owner creates objects in public (PostgreSQL 15's default; older clusters too).
    await client.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await client.query("REVOKE ALL ON orders, order_lines, schema_migrations FROM PUBLIC");
    await client.query(`GRANT USAGE ON SCHEMA public TO ${q(roles.checkout)}, ${q(roles.storefront)}, ${q(roles.reader)}`);
    // Exactly these privileges, whatever an earlier version granted.
    await client.query(`REVOKE ALL ON orders, order_lines, schema_migrations FROM ${q(roles.checkout)}, ${q(roles.storefront)}, ${q(roles.reader)}`);
    await client.query(`GRANT SELECT, INSERT ON orders, order_lines TO ${q(roles.checkout)}`);
    await client.query(`GRANT SELECT ON orders, order_lines TO ${q(roles.storefront)}, ${q(roles.reader)}`);
    // The dashboard's user cannot write even if a grant slips in later.
    await client.query(`ALTER ROLE ${q(roles.reader)} SET default_transaction_read_only = on`);
    await client.query("COMMIT");
    return { schemaVersion: version, applied: recorded.rowCount === 1, iamAuthentication: rdsIam === 1 };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Sets the reader's password (the secret's current value): idempotent, run by the migration and the rotation. */
export async function setPassword(client: Pick<ClientBase, "query" | "escapeLiteral">, role: string, password: string): Promise<void> {
  if (!IDENTIFIER.test(role)) throw new Error(`db-migrate: role ${JSON.stringify(role)} is not a lower-case PostgreSQL identifier`);
  if (password.length < 16) throw new Error("db-migrate: refusing a password shorter than 16 characters");
  await client.query(`ALTER ROLE "${role}" WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
}
