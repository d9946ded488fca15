/**
 * Bundle a TypeScript Lambda handler with esbuild into one minified, tree-shaken CommonJS file for
 * the `nodejs22.x` runtime. Pure (no Pulumi): the function component and `npm run bench` use it.
 *
 * The AWS SDK v3 clients the handler imports are bundled, not left to the runtime's copy: the
 * deployed code then runs the SDK version it was tested with, and tree-shaking keeps only what
 * the handler uses (issue 5: "minified, tree-shaken bundles under 500 KB each with their SDK
 * clients bundled").
 */
import * as esbuild from "esbuild";
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
}

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

  const problems: string[] = [];
  if (!/^node\d+$/.test(target)) problems.push(`target = "${target}": must be node<major>, e.g. node20`);
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

  const key = JSON.stringify([file, mtimeMs, sourcemap, external, target]);
  const hit = cache.get(key);
  if (hit) return hit;

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
    ...(map ? { sourceMap: map.text } : {}),
    packages: Object.freeze(packages),
  });
  cache.set(key, bundle);
  return bundle;
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
