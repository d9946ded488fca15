// Node ESM loader hooks for TypeScript programs that are ES modules ("type": "module"), registered
// by worker.ts with module.register(). They do what the Pulumi CLI's ts-node/esm hooks do for a
// transpile-only run, with esbuild (much faster to load than ts-node here):
//  - resolve: a relative `./x.js` (or `.mjs`/`.cjs`) that does not exist but has a `./x.ts`
//    (`.mts`/`.cts`) beside it is that TypeScript file (TypeScript's nodenext convention);
//  - load: `.ts`/`.mts` become ES modules, `.cts` CommonJS, transpiled with the project's tsconfig.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

let tsconfigRaw = {};

export async function initialize(data) {
  tsconfigRaw = data?.tsconfigRaw ?? {};
}

const tsFor = { ".js": ".ts", ".mjs": ".mts", ".cjs": ".cts" };

export async function resolve(specifier, context, next) {
  const m = /^(\.{1,2}\/.*)(\.m?js|\.cjs)$/.exec(specifier);
  if (m && context.parentURL?.startsWith("file:")) {
    const jsUrl = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(jsUrl))) {
      const tsUrl = new URL(`${m[1]}${tsFor[m[2]]}`, context.parentURL);
      if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  const m = /\.([mc]?)ts$/.exec(url);
  if (!m || !url.startsWith("file:")) return next(url, context);
  const file = fileURLToPath(url);
  const format = m[1] === "c" ? "commonjs" : "module";
  const out = await transform(readFileSync(file, "utf8"), {
    loader: "ts",
    format: format === "module" ? "esm" : "cjs",
    target: "node20",
    sourcemap: "inline",
    sourcefile: file,
    tsconfigRaw,
  });
  return { format, source: out.code, shortCircuit: true };
}
