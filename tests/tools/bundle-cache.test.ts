/** Function bundles reused across processes while every input's content is unchanged. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { portableSourceMap } from "../../components/compute/bundle";
import { repoRoot } from "../helpers/plan";

/**
 * Bundle `entry` in a fresh process with the disk cache at `cache`. esbuild ran when the cache
 * entry was (re)written: an entry is written only after a build.
 */
function bundleInFreshProcess(cwd: string, entry: string, cache: string): { built: boolean; code: string } {
  const stamp = () => (fs.existsSync(cache) ? fs.readdirSync(cache).map((f) => `${f}:${fs.statSync(path.join(cache, f)).mtimeMs}`).join() : "");
  const before = stamp();
  const script = `const { bundleHandler } = require(${JSON.stringify(path.join(repoRoot, "components/compute/bundle.ts"))});
    process.stdout.write(JSON.stringify({ code: bundleHandler(${JSON.stringify(entry)}).code }));`;
  const r = spawnSync(process.execPath, ["--require", require.resolve("esbuild-register"), "-e", script], { cwd, encoding: "utf8", env: { ...process.env, BLUEPRINTS_BUNDLE_CACHE: cache } });
  if (r.status !== 0) throw new Error(r.stderr);
  return { built: stamp() !== before, code: (JSON.parse(r.stdout) as { code: string }).code };
}

describe("function bundle cache (BLUEPRINTS_BUNDLE_CACHE)", function () {
  this.timeout(120_000);

  it("reuses a bundle in a later process, and rebuilds when any input file (not only the handler) changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-"));
    const cache = path.join(dir, "cache");
    fs.mkdirSync(path.join(dir, "proj", "functions", "hello"), { recursive: true });
    const helper = path.join(dir, "proj", "functions", "hello", "greeting.ts");
    fs.writeFileSync(helper, `export const greeting = "hello";\n`);
    fs.writeFileSync(path.join(dir, "proj", "functions", "hello", "handler.ts"), `import { greeting } from "./greeting";\nexport const handler = async () => greeting;\n`);
    const cwd = path.join(dir, "proj");
    const first = bundleInFreshProcess(cwd, "functions/hello/handler.ts", cache);
    expect(first.built).to.equal(true);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith(".json"))).to.have.length(1);
    const second = bundleInFreshProcess(cwd, "functions/hello/handler.ts", cache);
    expect(second.built).to.equal(false);
    expect(second.code).to.equal(first.code);
    fs.writeFileSync(helper, `export const greeting = "bonjour";\n`);
    const third = bundleInFreshProcess(cwd, "functions/hello/handler.ts", cache);
    expect(third.built).to.equal(true);
    expect(third.code).to.contain("bonjour");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("source maps name package files from node_modules/ on, whatever the checkout's layout", () => {
    const map = JSON.stringify({ version: 3, sources: ["../../../../work/x/node_modules/@aws-sdk/client-sqs/dist-es/index.js", "functions/a/handler.ts"], mappings: "" });
    expect(JSON.parse(portableSourceMap(map)).sources).to.deep.equal(["node_modules/@aws-sdk/client-sqs/dist-es/index.js", "functions/a/handler.ts"]);
  });
});
