/**
 * Lambda entry of warehouse-users (see `reader.ts`): invoked by the program at deploy time
 * (`aws.lambda.Invocation`, input `{ "action": "provision-reader" }`); a failure fails the deploy.
 */
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { loadReaderConfig } from "./env";
import { provisionReader } from "./reader";

const config = loadReaderConfig(process.env);
const data = new RedshiftDataClient({});
const secrets = new SecretsManagerClient({});

export const handler = async (event: { action?: string }) => {
  if (event?.action !== "provision-reader") throw new Error(`warehouse-users: unknown action ${JSON.stringify(event?.action)}: expected "provision-reader"`);
  const result = await provisionReader({ data, secrets, config });
  // The statements carry MD5 hashes, never the password; they are what an auditor wants to see.
  console.log(JSON.stringify({ message: "reader provisioned", user: config.reader, schema: config.schema, ...result }));
  return { userCreated: result.userCreated, secretCreated: result.secretCreated };
};
