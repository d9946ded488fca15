/**
 * Bundle a TypeScript Lambda handler with esbuild into one minified, tree-shaken CommonJS file for
 * the `nodejs22.x` runtime. Pure (no Pulumi): the function component and `npm run bench` use it.
 *
 * The AWS SDK v3 clients the handler imports are bundled, not left to the runtime's copy: the
 * deployed code then runs the SDK version it was tested with, and tree-shaking keeps only what
 * the handler uses (issue 5: "minified, tree-shaken bundles under 500 KB each with their SDK
 * clients bundled").
 *
 * For the Lambda runtime (the default), the SDK's Node credential chain is replaced by the one a
 * function can use (`lambda-credentials.ts`: environment, then the container endpoint); the SSO,
 * shared-file, process, web-identity and instance-metadata providers, and the STS, SSO and sign-in
 * clients they pull in, stay out (about 100 KiB a bundle). A process elsewhere (an instance's
 * worker) bundles with `runtime: "node"` and keeps the full chain.
 */
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Source maps: beside the code (`external`, shipped as `index.js.map`), in the code, or none. */
export const SourceMapModes = ["external", "inline", "none"] as const;
export type SourceMapMode = (typeof SourceMapModes)[number];

export interface BundleOptions {
  /** Source map placement. `external` keeps `index.js` small and still maps stack traces (with `--enable-source-maps`). Default: `external`. */
  sourcemap?: SourceMapMode;
  /** Packages left out of the bundle (resolved by the runtime). Never `@aws-sdk/*`: see the module comment. Default: none. */
  external?: readonly string[];
  /** esbuild's Node target (`node20` for a process on an instance's packaged Node). Default: `node22` (the Lambda runtime). */
  target?: string;
  /** Where the code runs: `lambda` (credentials from the function's environment only) or `node` (the SDK's full chain: instance metadata, profiles, SSO). Default: `lambda`. */
  runtime?: BundleRuntime;
}

export const BundleRuntimes = ["lambda", "node"] as const;
export type BundleRuntime = (typeof BundleRuntimes)[number];

/** The Lambda credential provider that stands in for `@aws-sdk/credential-provider-node`. */
export const LAMBDA_CREDENTIALS_MODULE = path.join(__dirname, "lambda-credentials.ts");

export interface Bundle {
  /** The bundled handler (`index.js`). */
  readonly code: string;
  /** Its size in bytes (UTF-8), without the source map. */
  readonly sizeBytes: number;
  /** The source map (`index.js.map`) when `sourcemap` is `external`. */
  readonly sourceMap?: string;
  /** Bundled input files by package (`<local>` for the project's own files), with their bytes in the output. */
  readonly packages: Readonly<Record<string, number>>;
}

/** What went wrong while bundling (esbuild's messages, formatted). */
export class BundleError extends Error {
  constructor(
    readonly entry: string,
    readonly messages: readonly string[],
  ) {
    super(`bundling ${entry} failed:\n  - ${messages.join("\n  - ")}`);
    this.name = "BundleError";
  }
}

const cache = new Map<string, Bundle>();

/**
 * Bundle the handler at `entry` (a `.ts` or `.js` file; its named export becomes
 * `index.<export>`). Cached in the process by path, modification time and options, so a
 * program that builds several functions from one handler bundles it once.
 */
export function bundleHandler(entry: string, options: BundleOptions = {}): Bundle {
  const file = path.resolve(entry);
  const sourcemap = options.sourcemap ?? "external";
  const external = [...(options.external ?? [])];
  const target = options.target ?? "node22";
  const runtime = options.runtime ?? "lambda";

  const problems: string[] = [];
  if (!/^node\d+$/.test(target)) problems.push(`target = "${target}": must be node<major>, e.g. node20`);
  if (!(BundleRuntimes as readonly string[]).includes(runtime)) problems.push(`runtime = "${runtime}": must be one of ${BundleRuntimes.join(", ")}`);
  if (!(SourceMapModes as readonly string[]).includes(sourcemap)) problems.push(`sourcemap = "${sourcemap}": must be one of ${SourceMapModes.join(", ")}`);
  const sdk = external.filter((e) => e === "@aws-sdk" || e.startsWith("@aws-sdk/") || e.startsWith("@smithy/"));
  if (sdk.length > 0) problems.push(`external ${sdk.join(", ")}: the AWS SDK is bundled so that the deployed code runs the version it was tested with`);
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    problems.push(`${file} does not exist`);
    mtimeMs = 0;
  }
  if (problems.length > 0) throw new BundleError(entry, problems);

  const key = JSON.stringify([file, mtimeMs, sourcemap, external, target, runtime]);
  const hit = cache.get(key);
  if (hit) return hit;
  const stored = readStored(file, sourcemap, external, runtime);
  if (stored) {
    cache.set(key, stored);
    return stored;
  }

  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = esbuild.buildSync({
      entryPoints: [file],
      outfile: "index.js",
      bundle: true,
      write: false,
      metafile: true,
      minify: true,
      treeShaking: true,
      platform: "node",
      target,
      format: "cjs",
      // ESM entry points first: they tree-shake (the SDK ships dist-es beside dist-cjs).
      mainFields: ["module", "main"],
      sourcemap: sourcemap === "none" ? false : sourcemap,
      // The map carries line mappings only: sources stay out of the artifact.
      sourcesContent: false,
      legalComments: "none",
      external,
      ...(runtime === "lambda" ? { alias: { "@aws-sdk/credential-provider-node": LAMBDA_CREDENTIALS_MODULE } } : {}),
      logLevel: "silent",
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    const messages = failure.errors?.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`) ?? [String(e)];
    throw new BundleError(entry, messages);
  }

  const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"));
  if (!js) throw new BundleError(entry, ["esbuild produced no JavaScript"]);

  const packages: Record<string, number> = {};
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined) ?? Object.values(result.metafile.outputs)[0];
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = packageOf(input);
    packages[pkg] = (packages[pkg] ?? 0) + bytesInOutput;
  }

  const bundle: Bundle = Object.freeze({
    code: js.text,
    sizeBytes: js.contents.byteLength,
    ...(map ? { sourceMap: portableSourceMap(map.text) } : {}),
    packages: Object.freeze(packages),
  });
  cache.set(key, bundle);
  writeStored(file, sourcemap, external, runtime, Object.keys(result.metafile.inputs), bundle);
  return bundle;
}

/**
 * Bundles reused across processes and runs, when `BLUEPRINTS_BUNDLE_CACHE` names a directory (the
 * offline plan sets it to `.plan/cache/bundles`; any run may). An entry is keyed by the handler's
 * path and the options, and used only while every input file esbuild read (handler, local
 * modules, each package file) still has the content it had: inputs are compared by SHA-256, so
 * a changed dependency, a checkout or another node_modules never reuses a stale bundle. Input
 * paths are kept relative to the working directory (the project), so a checkout of another
 * commit elsewhere (`npm run plan -- --base`) reuses the entries whose inputs it shares.
 */
interface StoredBundle {
  inputs: Record<string, string>;
  bundle: Bundle;
}

function storePath(file: string, sourcemap: string, external: readonly string[], runtime: string): string | undefined {
  const dir = process.env.BLUEPRINTS_BUNDLE_CACHE;
  if (!dir) return undefined;
  const rel = path.relative(path.dirname(process.cwd()), file);
  const key = createHash("sha256").update(JSON.stringify([rel, sourcemap, external, runtime, esbuild.version])).digest("hex").slice(0, 32);
  return path.join(dir, `${key}.json`);
}

function digest(file: string): string | undefined {
  try {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

function readStored(file: string, sourcemap: string, external: readonly string[], runtime: string): Bundle | undefined {
  const at = storePath(file, sourcemap, external, runtime);
  if (!at || !fs.existsSync(at)) return undefined;
  try {
    const stored = JSON.parse(fs.readFileSync(at, "utf8")) as StoredBundle;
    for (const [input, sha] of Object.entries(stored.inputs)) if (digest(path.resolve(input)) !== sha) return undefined;
    return Object.freeze({ ...stored.bundle, packages: Object.freeze(stored.bundle.packages) });
  } catch {
    return undefined;
  }
}

function writeStored(file: string, sourcemap: string, external: readonly string[], runtime: string, inputs: string[], bundle: Bundle): void {
  const at = storePath(file, sourcemap, external, runtime);
  if (!at) return;
  const hashes: Record<string, string> = {};
  for (const input of inputs) {
    const sha = digest(path.resolve(input));
    if (!sha) return; // a virtual or vanished input: do not store what cannot be checked
    hashes[input] = sha;
  }
  try {
    fs.mkdirSync(path.dirname(at), { recursive: true });
    const tmp = `${at}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ inputs: hashes, bundle } satisfies StoredBundle));
    fs.renameSync(tmp, at); // atomic: parallel plans never read half a file
  } catch {
    // a cache that cannot be written is only slower
  }
}

/**
 * The map's `sources` without the machine's layout: a package file as `node_modules/<pkg>/...`
 * wherever `node_modules` was found (a hoisted, linked or workspace copy), so the same inputs give
 * the same artifact on every checkout and `pulumi up` does not see a code change that is not one.
 */
export function portableSourceMap(text: string): string {
  const map = JSON.parse(text) as { sources?: string[] };
  map.sources = (map.sources ?? []).map((s) => {
    const i = s.lastIndexOf("node_modules/");
    return i >= 0 ? s.slice(i) : s;
  });
  return JSON.stringify(map);
}

/** The npm package an esbuild input path belongs to (`@scope/name`, `name`, or `<local>`). */
export function packageOf(input: string): string {
  const i = input.lastIndexOf("node_modules/");
  if (i < 0) return "<local>";
  const parts = input.slice(i + "node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Forget every cached bundle (tests). */
export function clearBundleCache(): void {
  cache.clear();
}
