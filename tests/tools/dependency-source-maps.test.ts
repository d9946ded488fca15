/**
 * The plan workers load dependencies without their source maps and the programs with theirs
 * (tools/plan/dependency-source-maps.js), checked in a fresh Node process with source maps on, as
 * esbuild-register turns them on in a worker.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../helpers/plan";

describe("plan workers: source maps for programs, not dependencies", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "maps-"));
    const map = (file: string) => Buffer.from(JSON.stringify({ version: 3, file, sources: [`${file}.ts`], names: [], mappings: "AAAA" })).toString("base64");
    const withMap = (file: string) => `exports.ok = true;\n//# sourceMappingURL=data:application/json;base64,${map(file)}\n`;
    fs.mkdirSync(path.join(dir, "node_modules", "dep"), { recursive: true });
    fs.writeFileSync(path.join(dir, "node_modules", "dep", "index.js"), withMap("index.js"));
    fs.writeFileSync(path.join(dir, "program.js"), withMap("program.js"));
    // A marker that is not the trailing comment stays: the code is compiled as it is.
    fs.writeFileSync(path.join(dir, "node_modules", "dep", "inner.js"), 'exports.text = "//# sourceMappingURL=not-a-comment";\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (preload: boolean) => {
    const script = `process.setSourceMapsEnabled(true);
      const m = require("node:module");
      require("./node_modules/dep/index.js"); require("./program.js");
      const inner = require("./node_modules/dep/inner.js").text;
      console.log(JSON.stringify({ dep: !!m.findSourceMap(require.resolve("./node_modules/dep/index.js")), program: !!m.findSourceMap(require.resolve("./program.js")), inner }));`;
    const r = spawnSync(process.execPath, [...(preload ? ["--require", path.join(repoRoot, "tools/plan/dependency-source-maps.js")] : []), "-e", script], { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };

  it("without it, Node keeps a source map for every module that names one", () => {
    expect(run(false)).to.deep.include({ dep: true, program: true });
  });

  it("with it, a dependency's map is not loaded, the program's is, and code that only mentions the marker is untouched", () => {
    expect(run(true)).to.deep.equal({ dep: false, program: true, inner: "//# sourceMappingURL=not-a-comment" });
  });
});
