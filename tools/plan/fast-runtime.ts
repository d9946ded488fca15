/**
 * What the offline plan skips in `@pulumi/pulumi`'s runtime because nothing reads it offline.
 *
 * For the engine's display, the SDK captures a full stack trace for every resource
 * (`Resource.callsites`: `new Error().stack` with an unlimited depth, parsed, every frame turned
 * into a file URL) and a stack for every RPC promise (`debuggablePromise`, for leak reports).
 * With source maps on (the programs' `.ts` errors point at their lines), each of those stacks is
 * source-mapped too. The mock monitor drops source positions, so in the plan's worker they are
 * not captured: measured with `--cpu-prof` on the e-commerce prod stack, stack capture and
 * mapping were about 15% of the worker's CPU time. Errors the program throws keep their mapped
 * stacks (only the SDK's bookkeeping stacks are skipped).
 */
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";

const withoutStacks = Symbol("blueprints:withoutStacks");

export function skipStackCapture(pulumiDir: string): void {
  const resource = require(path.join(pulumiDir, "resource.js")) as { Resource: { callsites: () => unknown[] } };
  resource.Resource.callsites = () => [];
  const debuggable = require(path.join(pulumiDir, "runtime", "debuggable.js")) as { debuggablePromise: ((p: Promise<unknown>, ctx: unknown) => Promise<unknown>) & { [withoutStacks]?: true } };
  // A worker that plans several stacks calls this for each: wrap once.
  if (debuggable.debuggablePromise[withoutStacks]) return;
  const original = debuggable.debuggablePromise;
  debuggable.debuggablePromise = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise[withoutStacks] = true;
}

/**
 * `@pulumi/pulumi`'s runtime index loads its function-serialization modules eagerly, and with them
 * TypeScript, `@npmcli/arborist` and their dependencies (about 500 files, measured by counting the
 * modules a worker loads), which only `serializeFunction` / `computeCodePaths` (magic Lambda
 * callbacks, dynamic providers) ever use. In the plan's worker those two modules load on first
 * call instead: each is stood in for by an object whose exported functions load the real module
 * and call through. Call before `@pulumi/pulumi` is required.
 */
export function deferClosureSerialization(pulumiDir: string): void {
  for (const rel of ["runtime/closure/serializeClosure.js", "runtime/closure/codePaths.js"]) {
    const file = path.join(pulumiDir, rel);
    if (require.cache[file] || !fs.existsSync(file)) continue;
    const names = [...fs.readFileSync(file, "utf8").matchAll(/^exports\.([A-Za-z_$][\w$]*) = /gm)].map((m) => m[1]!);
    if (names.length === 0) continue;
    let real: Record<string, (...args: unknown[]) => unknown> | undefined;
    const load = () => {
      if (!real) {
        delete require.cache[file];
        real = require(file) as Record<string, (...args: unknown[]) => unknown>;
      }
      return real;
    };
    const stand = new Module(file);
    stand.filename = file;
    stand.loaded = true;
    stand.exports = Object.fromEntries(names.map((n) => [n, (...args: unknown[]) => load()[n]!(...args)]));
    require.cache[file] = stand;
  }
}
