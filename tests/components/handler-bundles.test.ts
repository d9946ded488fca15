/**
 * Every Lambda handler of the projects bundles (minified, tree-shaken, the AWS SDK inside, the
 * Lambda credential chain: what the Function component deploys) under the 500 KiB budget, with no
 * exception: growth past it fails here instead of passing unnoticed.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleHandler } from "../../components/compute/bundle";
import { repoRoot } from "../helpers/plan";

const BUDGET = 500 * 1024;

function handlers(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/(^|-)handler\.ts$/.test(e.name)) out.push(path.relative(repoRoot, p));
    }
  };
  for (const project of fs.readdirSync(path.join(repoRoot, "projects"))) {
    const dir = path.join(repoRoot, "projects", project, "functions");
    if (fs.existsSync(dir)) walk(dir);
  }
  return out.sort();
}

describe("Lambda handler bundles stay under the size budget", function () {
  this.timeout(300_000);
  const all = handlers();

  it("finds the projects' handlers", () => {
    expect(all.length).to.be.greaterThan(15);
    // The largest one (S3 and DynamoDB clients, zod, Powertools) is among them.
    expect(all).to.include("projects/analytics/functions/stream-ingest/handler.ts");
  });

  for (const file of all) {
    it(file, () => {
      const size = bundleHandler(path.join(repoRoot, file), { sourcemap: "none", external: ["pg-native"] }).sizeBytes;
      expect(size, `${file}: ${(size / 1024).toFixed(0)} KiB, over the ${BUDGET / 1024} KiB budget`).to.be.at.most(BUDGET);
    });
  }
});
