/**
 * Every Lambda handler of the projects bundles (minified, tree-shaken, the AWS SDK inside) under the
 * 500 KiB budget; the ones that cannot are listed here with their reason and a ceiling, so that
 * growth fails a test instead of passing unnoticed.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleHandler } from "../../components/compute/bundle";
import { repoRoot } from "../helpers/plan";

const BUDGET = 500 * 1024;
/** Over the budget on purpose: the reason, and the most it may weigh. */
const over: Record<string, { reason: string; ceiling: number }> = {
  "projects/analytics/functions/stream-ingest/handler.ts": {
    reason: "S3 and DynamoDB clients together (S3's schema alone is 67 KiB, @smithy/core 139 KiB), zod/mini and Powertools: 538 KiB measured",
    ceiling: 560 * 1024,
  },
};

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
    for (const listed of Object.keys(over)) expect(all, `${listed} is listed as over budget but does not exist`).to.include(listed);
  });

  for (const file of all) {
    it(file, () => {
      const size = bundleHandler(path.join(repoRoot, file), { sourcemap: "none", external: ["pg-native"] }).sizeBytes;
      const limit = over[file]?.ceiling ?? BUDGET;
      expect(size, `${file}: ${(size / 1024).toFixed(0)} KiB, over ${(limit / 1024).toFixed(0)} KiB${over[file] ? ` (${over[file]!.reason})` : ""}`).to.be.at.most(limit);
    });
  }
});
