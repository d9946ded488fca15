/**
 * The plan workers' transpile cache (tools/plan/transpile-cache.js): a second worker reads what the
 * first transpiled, an edited source or a changed option misses, and a cache that cannot be written
 * is no error. Each case runs a fresh Node process as the plan runs its workers.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../helpers/plan";

function run(dir: string, cache: string, file = "value.ts"): string {
  const r = spawnSync(
    process.execPath,
    ["--require", path.join(repoRoot, "tools/plan/transpile-cache.js"), "--require", require.resolve("esbuild-register"), "-e", `process.stdout.write(String(require(${JSON.stringify(path.join(dir, file))}).value))`],
    { cwd: dir, encoding: "utf8", env: { ...process.env, BLUEPRINTS_TRANSPILE_CACHE: cache } },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}
const entries = (cache: string): string[] => (fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true }).map(String).filter((f) => f.endsWith(".js")) : []);

describe("plan workers' transpile cache", function () {
  this.timeout(60_000);
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "transpile-"));
    cache = path.join(dir, ".cache");
    fs.writeFileSync(path.join(dir, "value.ts"), "const n: number = 41;\nexport const value = n + 1;\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("stores what a worker transpiled, and the next worker reads it instead of transpiling", () => {
    expect(run(dir, cache)).to.equal("42");
    const [entry] = entries(cache);
    expect(entry).to.match(/^[0-9a-f]{2}\/[0-9a-f]{64}\.js$/);
    expect(fs.readFileSync(path.join(cache, entry!), "utf8")).to.contain("n + 1").and.contain("sourceMappingURL=data:");
    // Tamper with the entry: the next process must run what the cache holds.
    fs.writeFileSync(path.join(cache, entry!), 'exports.value = "from the cache";\n');
    expect(run(dir, cache)).to.equal("from the cache");
  });

  it("an edited source is a miss (a new entry), never the old code", () => {
    expect(run(dir, cache)).to.equal("42");
    fs.writeFileSync(path.join(dir, "value.ts"), "export const value: number = 7;\n");
    expect(run(dir, cache)).to.equal("7");
    expect(entries(cache)).to.have.length(2);
  });

  it("a cache directory that cannot be created is skipped, not an error", () => {
    const blocked = path.join(dir, "a-file");
    fs.writeFileSync(blocked, "");
    expect(run(dir, path.join(blocked, "cache"))).to.equal("42");
  });
});
