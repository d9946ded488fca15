/**
 * Every workload's dev stack idles at USD 100 a month or less, by the offline plan's own estimate
 * (list prices, usage-based services at their idle baseline). Runs on whatever workload projects
 * exist: each project found under projects/ (not the platform) with a dev stack.
 */
import { expect } from "chai";
import * as path from "node:path";
import { discoverProjects } from "../../tools/plan/project";
import { repoRoot, runPlan } from "../helpers/plan";

const budgetUsd = 100;
const workloads = discoverProjects(repoRoot).filter((p) => path.resolve(p.dir) !== path.resolve(repoRoot) && p.name !== "platform" && p.stacks.includes("dev"));

describe(`each workload's dev stack idles at USD ${budgetUsd} a month or less`, function () {
  this.timeout(600_000);

  it("finds the workload projects", () => {
    expect(workloads.length).to.be.greaterThan(0);
  });

  for (const project of workloads) {
    it(`${project.name}/dev`, () => {
      const run = runPlan(project.dir, "dev");
      expect(run.json, run.stderr || run.stdout).to.not.equal(undefined);
      const cost = (run.json as unknown as { cost?: { monthlyUsd: number; items: { name: string; type: string; monthlyUsd: number; basis: string }[] } }).cost;
      expect(cost, `${project.name}/dev has no cost estimate (status ${run.json!.status})`).to.not.equal(undefined);
      const top = cost!.items
        .filter((i) => i.monthlyUsd > 0)
        .slice(0, 8)
        .map((i) => `  $${i.monthlyUsd.toFixed(2)}  ${i.name} (${i.type}): ${i.basis}`)
        .join("\n");
      expect(cost!.monthlyUsd, `${project.name}/dev idles at $${cost!.monthlyUsd.toFixed(2)} a month, over $${budgetUsd}. Largest items:\n${top}`).to.be.at.most(budgetUsd);
    });
  }
});
