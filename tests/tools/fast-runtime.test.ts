/**
 * What the plan's worker changes in @pulumi/pulumi's runtime (tools/plan/fast-runtime.ts), each in
 * a fresh Node process so that the module cache starts empty: closure serialization loads on first
 * use, and still works when used.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../helpers/plan";

function node(script: string): string {
  const r = spawnSync(process.execPath, ["--require", require.resolve("esbuild-register"), "-e", script], { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const defer = `require(${JSON.stringify(path.join(repoRoot, "tools/plan/fast-runtime.ts"))}).deferClosureSerialization(${JSON.stringify(pulumiDir)});`;
const loaded = `Object.keys(require.cache).filter((f) => f.includes("/@npmcli/arborist/") || f.includes("/node_modules/typescript/")).length`;

describe("the plan worker's deferred closure serialization", function () {
  this.timeout(60_000);

  it("without it, loading @pulumi/pulumi loads @npmcli/arborist and TypeScript (what it saves)", () => {
    expect(Number(node(`require("@pulumi/pulumi"); console.log(${loaded})`))).to.be.greaterThan(10);
  });

  it("with it, @pulumi/pulumi loads neither", () => {
    expect(node(`${defer} require("@pulumi/pulumi"); console.log(${loaded})`)).to.equal("0");
  });

  it("a program that serializes a function still gets it serialized, the real modules loaded on first use", () => {
    const out = node(`${defer} const pulumi = require("@pulumi/pulumi");
      pulumi.runtime.serializeFunction(() => 40 + 2).then((s) => console.log(JSON.stringify({ text: s.text.includes("40 + 2"), exportName: s.exportName, loaded: ${loaded} > 0 })));`);
    expect(JSON.parse(out)).to.deep.equal({ text: true, exportName: "handler", loaded: true });
  });
});
