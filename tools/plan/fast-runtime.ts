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
import * as path from "node:path";

export function skipStackCapture(pulumiDir: string): void {
  const resource = require(path.join(pulumiDir, "resource.js")) as { Resource: { callsites: () => unknown[] } };
  resource.Resource.callsites = () => [];
  const debuggable = require(path.join(pulumiDir, "runtime", "debuggable.js")) as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
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
}
