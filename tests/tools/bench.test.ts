/** `npm run bench` must run on a fresh clone: its program-start probe plans what the plan plans. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../helpers/plan";

describe("npm run bench: the program-start probe", function () {
  this.timeout(60_000);
  it("starts the platform's dev stack with the adopter examples the offline plan uses (none is committed)", () => {
    const r = spawnSync(process.execPath, ["--require", require.resolve("esbuild-register"), path.join(repoRoot, "tools/bench/start-program.ts"), ".", "dev"], { cwd: repoRoot, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out.ms).to.be.a("number").greaterThan(0);
    expect(out.maxRssMb).to.be.a("number").greaterThan(0);
  });
});
