/** warehouse-users' environment: names set by the program (index.ts), read and checked here. */
import { type ReaderConfig, readerConfigProblems } from "./reader";

export const WAREHOUSE_USERS_ENV = {
  workgroup: "WAREHOUSE_WORKGROUP",
  cluster: "WAREHOUSE_CLUSTER",
  adminUser: "WAREHOUSE_ADMIN_USER",
  database: "WAREHOUSE_DATABASE",
  host: "WAREHOUSE_HOST",
  port: "WAREHOUSE_PORT",
  readerSecretArn: "READER_SECRET_ARN",
  reader: "READER_USER",
  schema: "REPORTING_SCHEMA",
} as const;

/** Serverless (`WAREHOUSE_WORKGROUP`) or provisioned (`WAREHOUSE_CLUSTER`, the admin as `DbUser`): exactly one. */
export function loadReaderConfig(env: NodeJS.ProcessEnv): ReaderConfig {
  const e = WAREHOUSE_USERS_ENV;
  const problems: string[] = [];
  const need = (k: string) => {
    const v = env[k];
    if (!v) problems.push(`${k} is not set`);
    return v ?? "";
  };
  const workgroup = env[e.workgroup];
  const cluster = env[e.cluster];
  if (!workgroup === !cluster) problems.push(`set exactly one of ${e.workgroup} (Serverless) and ${e.cluster} (provisioned)`);
  const adminUser = need(e.adminUser);
  const config: ReaderConfig = {
    target: workgroup ? { workgroupName: workgroup } : { clusterIdentifier: cluster ?? "", dbUser: adminUser },
    database: need(e.database),
    host: need(e.host),
    port: Number(need(e.port)),
    readerSecretArn: need(e.readerSecretArn),
    reader: need(e.reader),
    schema: need(e.schema),
    tableOwner: adminUser,
  };
  problems.push(...readerConfigProblems(config));
  if (problems.length > 0) throw new Error(`warehouse-users: invalid environment:\n  - ${problems.join("\n  - ")}`);
  return config;
}
