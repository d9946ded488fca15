/**
 * A disk cache for the TypeScript the plan's workers transpile (required before esbuild-register).
 *
 * Every worker process (and every run of the plan) starts empty, so without it each one
 * transpiles the program, the components and the pack's sources again: measured with `--cpu-prof` on the largest stack, esbuild's
 * `transformSync` was about 0.7 s of a worker's 4 s of CPU. esbuild-register calls
 * `esbuild.transformSync` at each require; this wraps it so that the same source with the same
 * options and esbuild version is read from `BLUEPRINTS_TRANSPILE_CACHE` (a directory) instead: the
 * generated code (with its inline source map), which is all esbuild-register reads.
 * The key is the SHA-256 of all three, so an edited file, another tsconfig or another esbuild is a
 * miss. A cache that cannot be read or written is skipped (never an error). Plain JavaScript:
 * it runs before any TypeScript loader exists.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.BLUEPRINTS_TRANSPILE_CACHE;
if (dir) {
  // esbuild's exports are getters: the module esbuild-register will require is replaced, in the
  // require cache, by a copy whose transformSync is the cached one.
  const id = require.resolve("esbuild", { paths: [path.dirname(require.resolve("esbuild-register"))] });
  const esbuild = require(id);
  const transformSync = esbuild.transformSync;
  let ready = false;
  const patched = { ...esbuild };
  require.cache[id].exports = patched;
  patched.transformSync = function cachedTransformSync(input, options) {
    const key = crypto
      .createHash("sha256")
      .update(esbuild.version)
      .update("\0")
      .update(JSON.stringify(options ?? {}))
      .update("\0")
      .update(typeof input === "string" ? input : Buffer.from(input))
      .digest("hex");
    const file = path.join(dir, key.slice(0, 2), `${key}.js`);
    try {
      // esbuild-register reads only `code` (the source map is inline) and `warnings`.
      return { code: fs.readFileSync(file, "utf8"), map: "", warnings: [], mangleCache: undefined, legalComments: undefined };
    } catch {
      // a miss (or an unreadable entry): transpile
    }
    const result = transformSync.call(this, input, options);
    // Warnings are printed by the caller at each transpile: such a file is not cached.
    if (result.warnings.length > 0) return result;
    try {
      if (!ready) {
        fs.mkdirSync(dir, { recursive: true });
        ready = true;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written whole, then renamed: a concurrent reader never sees half an entry.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, result.code);
      fs.renameSync(tmp, file);
    } catch {
      // a read-only or full disk: no cache
    }
    return result;
  };
}
