/**
 * The smoke-test module interface (see tools/smoke/README.md). One module per Pulumi project, in
 * `tools/smoke/<project>.ts`, exporting `smoke: SmokeModule`; the CLI finds it by the project name
 * of `--stack <org>/<project>/<stack>`, so adding a workload's checks is adding its file.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** What a check may use to reach the stack: injected, so the same checks run against emulators in tests. */
export interface SmokeEnvironment {
  /** HTTP (the global fetch in a real run). */
  fetch: typeof fetch;
  /** A DynamoDB client for the stack's region (emulator endpoint in tests). */
  dynamodb(region: string): DynamoDBClient;
  /** Runs the AWS CLI (`aws <args> --output json`) and returns its stdout; for the few reads no bundled SDK client covers. */
  awsCli(args: string[]): Promise<string>;
  /** Progress lines. */
  log(message: string): void;
}

export interface SmokeContext {
  /** `<org>/<project>/<stack>`. */
  stack: string;
  project: string;
  stackName: string;
  /** The stack's outputs (`pulumi stack output --json --show-secrets`). */
  outputs: Record<string, unknown>;
  env: SmokeEnvironment;
  /** A unique id of this run, for test data it creates (`smoke-<time>-<random>`). */
  runId: string;
}

export interface SmokeCheck {
  /** What the check proves, as a sentence ("the storefront answers at /"). */
  name: string;
  /** Resolves with a one-line detail on success; throws (with what was expected and seen) on failure. */
  run(ctx: SmokeContext): Promise<string>;
}

export interface SmokeModule {
  /** The Pulumi project name the module serves (the second part of `--stack`). */
  project: string;
  /** The outputs the checks read: the CLI fails early, naming any that is missing. */
  requiredOutputs: readonly string[];
  /** The checks, run in order; a failed check does not stop the next ones. */
  checks: readonly SmokeCheck[];
}

/** Reads a required string output (the CLI has checked its presence). */
export function outputString(ctx: SmokeContext, key: string): string {
  const v = ctx.outputs[key];
  if (typeof v !== "string" || v === "") throw new Error(`output ${key} is ${JSON.stringify(v)}, not a non-empty string`);
  return v;
}

export function expectStatus(what: string, response: Response, allowed: number[], body?: string): void {
  if (!allowed.includes(response.status)) throw new Error(`${what}: HTTP ${response.status}, expected ${allowed.join(" or ")}${body ? `: ${body.slice(0, 300)}` : ""}`);
}
