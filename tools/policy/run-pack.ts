/**
 * Start a policy pack the way the Pulumi CLI does, and wait until it serves.
 *
 * The Node.js language host starts `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .`
 * with the pack's directory as its working directory, `@pulumi/pulumi` resolved from there (the
 * pack's own node_modules, or up to the repository root's). The runner drops the engine address,
 * registers type-checking ts-node, `require`s the pack (its package.json `main`), and the pack's
 * `new PolicyPack(...)` binds a gRPC server on 127.0.0.1 and prints the port on stdout: the moment
 * the CLI starts talking to it. The pack never dials the engine, so no engine needs to listen.
 *
 * Used by `npm run bench` (start time) and by the publish test (a tarball installed elsewhere).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

export interface RunningPack {
  /** Milliseconds from spawn until the port was printed. */
  readonly ms: number;
  readonly port: number;
  readonly child: ChildProcess;
  /** GetAnalyzerInfo over the pack's gRPC server: its name, version and policy names. */
  info(): Promise<{ name: string; version: string; policies: string[] }>;
  stop(): void;
}

/** The runner script a pack directory resolves, as the language host's `locateModule` does. */
export function runnerFor(packDir: string): string {
  return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
}

/** Start `packDir` under Pulumi's runner; resolves once it prints its port (rejects on exit or timeout). */
export function startPack(packDir: string, opts: { runner?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunningPack> {
  const runner = opts.runner ?? runnerFor(packDir);
  const started = process.hrtime.bigint();
  // The engine address is a placeholder: the runner removes it before it runs the pack.
  const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: packDir, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${packDir}: no port within ${opts.timeoutMs ?? 60000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 60000);
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const port = Number(m[1]);
      resolve({ ms, port, child, info: () => analyzerInfo(packDir, port), stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${packDir}: the runner exited (${signal ?? `code ${code}`}) before serving\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** Ask a serving pack for its AnalyzerInfo, with the gRPC stubs of the pack's own @pulumi/pulumi. */
function analyzerInfo(packDir: string, port: number): Promise<{ name: string; version: string; policies: string[] }> {
  const from = { paths: [packDir] };
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", from));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
  const services = require(path.join(pulumiDir, "proto", "analyzer_grpc_pb.js"));
  const empty = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }));
  const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.getAnalyzerInfo(new empty.Empty(), (e: Error | null, info: any) => {
      client.close();
      if (e) return reject(e);
      resolve({ name: info.getName(), version: info.getVersion(), policies: info.getPoliciesList().map((p: any) => p.getName()) });
    });
  });
}
