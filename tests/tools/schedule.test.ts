/** Stacks started longest first, and a queued stack that another stack reads starts at once. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Planner } from "../../tools/plan/cli";
import { readProject } from "../../tools/plan/project";
import { bySize, durationsFile, recordDurations } from "../../tools/plan/schedule";
import { repoRoot } from "../helpers/plan";

const fixtures = path.join(repoRoot, "tests/fixtures/projects");

describe("plan scheduling", function () {
  this.timeout(300_000);

  it("orders stacks by the time they took last run, unknown ones first, ties in their given order; forgets projects that are gone", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "schedule-"));
    const t = (dir: string, stack: string) => ({ dir: path.join(root, dir), stack });
    for (const d of ["projects/shop", "projects/broken", "projects/gone"]) fs.mkdirSync(path.join(root, d), { recursive: true });
    recordDurations(root, [{ dir: "projects/gone", stack: "dev", status: "ok", timings: { totalMs: 7000 } }]);
    fs.rmSync(path.join(root, "projects/gone"), { recursive: true });
    recordDurations(root, [
      { dir: ".", stack: "dev", status: "ok", timings: { totalMs: 2000 } },
      { dir: "projects/shop", stack: "prod", status: "ok", timings: { totalMs: 9000 } },
      { dir: "projects/shop", stack: "dev", status: "ok", timings: { totalMs: 5000 } },
      { dir: "projects/broken", stack: "dev", status: "error", timings: { totalMs: 1 } },
    ]);
    expect(fs.existsSync(durationsFile(root))).to.equal(true);
    const ordered = bySize(root, [t(".", "dev"), t("projects/shop", "dev"), t("projects/shop", "prod"), t("projects/new", "dev"), t("projects/broken", "dev")]);
    expect(ordered.map((x) => `${path.relative(root, x.dir) || "."}#${x.stack}`)).to.deep.equal(["projects/new#dev", "projects/broken#dev", "projects/shop#prod", "projects/shop#dev", ".#dev"]);
    // A project that is gone is forgotten at the next write.
    expect(Object.keys(JSON.parse(fs.readFileSync(durationsFile(root), "utf8")))).to.have.members([".#dev", "projects/shop#prod", "projects/shop#dev"]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("with one slot, a reader started before the stack it reads does not deadlock: the queued stack is promoted", async () => {
    const base = readProject(path.join(fixtures, "base"));
    const shop = readProject(path.join(fixtures, "shop"));
    const planner = new Planner({ organization: "organization", preview: false, policyPack: null, stackOutputs: new Map(), concurrency: 1, knownProjects: [base, shop] });
    const shopPlan = planner.plan(shop.dir, "dev"); // takes the only slot
    const basePlan = planner.plan(base.dir, "dev"); // queued behind it; the shop then asks for it
    const [s, b] = await Promise.all([shopPlan, basePlan]);
    expect(s.status, s.error).to.equal("ok");
    expect(b.status, b.error).to.equal("ok");
    expect(s.outputs.platformKey).to.equal(b.outputs.logKeyArn);
  });
});
