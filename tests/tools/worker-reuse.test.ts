/**
 * A plan worker plans several stacks (tools/plan/reuse.ts): what it plans must be what a fresh
 * process plans, and a stack that leaves something it cannot undo retires its worker.
 */
import { expect } from "chai";
import * as path from "node:path";
import { defaultAdopterExamplesFile } from "../../tools/plan/adopter-examples";
import { Planner, toJson } from "../../tools/plan/cli";
import { discoverProjects, readProject } from "../../tools/plan/project";
import type { StackPlan } from "../../tools/plan/types";
import { repoRoot } from "../helpers/plan";

const leftovers = readProject(path.join(repoRoot, "tests/fixtures/projects/leftovers"));

function planner(options: { reuseWorkers: boolean; policyPack?: string | null; knownProjects?: ReturnType<typeof discoverProjects> }): Planner {
  return new Planner({
    organization: "organization",
    preview: false,
    policyPack: options.policyPack ?? null,
    stackOutputs: new Map(),
    concurrency: 1,
    reuseWorkers: options.reuseWorkers,
    knownProjects: options.knownProjects ?? [leftovers],
    adopterExamples: defaultAdopterExamplesFile,
  });
}

/** The JSON contract without timings, which differ from run to run. */
const comparable = (p: StackPlan) => {
  const { timings: _timings, ...rest } = toJson(p);
  return rest;
};

describe("plan workers: one process plans several stacks", function () {
  this.timeout(300_000);

  it("plans the real projects exactly as one process per stack does, in update and preview mode", async () => {
    const known = discoverProjects(repoRoot);
    const dir = (name: string) => known.find((p) => p.name === name)!.dir;
    const pack = path.join(repoRoot, "policy-packs/aws-compliance");
    const stacks: [string, string, boolean][] = [
      [dir("ecommerce"), "dev", false],
      [dir("streaming"), "dev", false],
      [dir("ecommerce"), "prod", false],
      [dir("ecommerce"), "dev", true],
    ];
    const run = async (reuseWorkers: boolean) => {
      const p = planner({ reuseWorkers, policyPack: pack, knownProjects: known });
      const plans = await Promise.all(stacks.map(([d, s, preview]) => p.plan(d, s, [], false, preview)));
      await p.close();
      return { plans, workers: p.workers };
    };
    const reused = await run(true);
    const fresh = await run(false);
    for (const p of [...reused.plans, ...fresh.plans]) expect(p.status, p.error).to.equal("ok");
    // The four stacks on one slot, plus platform/dev and platform/prod, which the workloads read:
    // each is planned at once in a worker of its own while its reader waits.
    expect(reused.workers.started).to.equal(3);
    expect(reused.workers.retired).to.deep.equal([]);
    expect(fresh.workers.started).to.equal(6);
    reused.plans.forEach((p, i) => expect(comparable(p), `${p.project}/${p.stack}`).to.deep.equal(comparable(fresh.plans[i]!)));
  });

  it("undoes what a stack changed (modules, environment, listeners) before the next, and retires a worker that cannot be undone", async () => {
    const p = planner({ reuseWorkers: true });
    const plans = await Promise.all(["a", "b", "global", "timer", "esm", "throw", "c"].map((s) => p.plan(leftovers.dir, s)));
    await p.close();
    const [a, b, , , esm, failed, c] = plans as [StackPlan, StackPlan, StackPlan, StackPlan, StackPlan, StackPlan, StackPlan];
    for (const plan of plans) if (plan !== failed) expect(plan.status, plan.error).to.equal("ok");
    expect(failed.error).to.include("leftovers: failing on purpose");
    // b ran in a's worker: its own module state, no environment variable left by a.
    expect(a.outputs).to.include({ loadedFor: "a", envBefore: "unset", globalBefore: "unset" });
    expect(b.outputs).to.include({ loadedFor: "b", envBefore: "unset", globalBefore: "unset" });
    expect(esm.outputs.imported).to.equal("imported");
    // c runs after four stacks that each retired their worker: nothing of theirs is left.
    expect(c.outputs).to.include({ loadedFor: "c", envBefore: "unset", globalBefore: "unset" });
    expect(p.workers.retired.map((r) => r.stack)).to.deep.equal(["leftovers/global", "leftovers/timer", "leftovers/esm", "leftovers/throw"]);
    const reasons = Object.fromEntries(p.workers.retired.map((r) => [r.stack, r.reasons.join("; ")]));
    expect(reasons["leftovers/global"]).to.equal("the program defined globals: leftoversGlobal");
    expect(reasons["leftovers/timer"]).to.match(/^the program left handles open: .*Timeout/);
    expect(reasons["leftovers/esm"]).to.equal("the program imported an ES module, which cannot be unloaded");
    expect(reasons["leftovers/throw"]).to.include("the stack did not plan cleanly");
    // a, b and global in the first worker; timer, esm, throw and c in one each.
    expect(p.workers.started).to.equal(5);
  });

  it("with --fresh-workers, plans every stack in a new process", async () => {
    const p = planner({ reuseWorkers: false });
    const plans = await Promise.all(["a", "b"].map((s) => p.plan(leftovers.dir, s)));
    await p.close();
    expect(plans.map((x) => x.outputs.loadedFor)).to.deep.equal(["a", "b"]);
    expect(p.workers.started).to.equal(2);
  });
});
