/**
 * Every job the workflows can produce, simulated offline: each matrix entry of each stage, through
 * the local composite action, with the role script really run. For each, the paths handed to
 * pulumi/actions resolve (from its `work-dir`, as the CLI does) to what exists or to what an earlier
 * step wrote; the stack, the GitHub environment, the AWS account and the role all name the same
 * stage; every `up` is preceded by a preview with the same pack and config; the CLI is pinned.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { affected } from "../../tools/ci/affected";
import { condition, Context, interpolate, interpolateAll } from "../helpers/gha";
import { repoRoot } from "../helpers/plan";

const WORKSPACE = "/ws";
const RUNNER_TEMP = "/runner-temp";
const ACCOUNTS: Record<string, string> = { dev: "111111111111", prod: "222222222222" };
const ENVIRONMENTS: Record<string, string> = { dev: "development", prod: "production" };
const secrets = { AWS_ACCOUNT_ID_DEV: ACCOUNTS.dev, AWS_ACCOUNT_ID_PROD: ACCOUNTS.prod, PULUMI_ACCESS_TOKEN: "pul-x", GITHUB_TOKEN: "ghs-x" };
const readYaml = (rel: string) => parse(fs.readFileSync(path.join(repoRoot, rel), "utf8"));

interface PulumiStep {
  with: Record<string, unknown>;
  /** The files earlier steps of the job wrote under the runner's temp directory. */
  tempFiles: string[];
  index: number;
}

interface SimJob {
  label: string;
  /** The stack the matrix entry (or fixed job) is meant for. */
  entry: { project: string; dir: string; stack: string };
  environment?: string;
  roles: string[];
  pulumi: PulumiStep[];
  runSteps: { run: string; workingDirectory: string }[];
}

function baseContext(event: Record<string, unknown>, workflowEnv: Record<string, unknown>): Context {
  const github = { workspace: WORKSPACE, repository: "example-org/aws-blueprints", repository_owner: "example-org", run_id: "7", token: "ghs-x", event_name: "push", event };
  const ctx: Context = { github, runner: { temp: RUNNER_TEMP }, secrets, vars: {}, inputs: {}, matrix: {}, needs: {}, steps: {}, env: {} };
  ctx.env = interpolateAll(workflowEnv, ctx);
  return ctx;
}

/** Runs the steps of a job (expanding the local composite action) and records what matters. */
function simulateSteps(steps: any[], ctx: Context, job: Omit<SimJob, "roles" | "pulumi" | "runSteps">): SimJob {
  const sim: SimJob = { ...job, roles: [], pulumi: [], runSteps: [] };
  const tempFiles: string[] = [];
  const runStep = (step: any, c: Context) => {
    if (!condition(step.if, c)) return;
    if (typeof step.uses === "string" && step.uses.startsWith("./")) {
      const action = readYaml(path.join(step.uses, "action.yml"));
      const given = interpolateAll(step.with, c);
      const inputs = Object.fromEntries(Object.entries<any>(action.inputs ?? {}).map(([k, d]) => [k, given[k] ?? d.default ?? ""]));
      for (const k of Object.keys(given)) expect(action.inputs, `${job.label}: ${step.uses} has no input ${k}`).to.have.property(k);
      for (const [k, d] of Object.entries<any>(action.inputs ?? {})) if (d.required) expect(given[k], `${job.label}: required input ${k}`).to.not.equal(undefined);
      const inner: Context = { ...c, inputs, steps: {} };
      for (const s of action.runs.steps) runStep(s, inner);
      return;
    }
    const env = { ...(c.env as Record<string, unknown>), ...interpolateAll(step.env, c) };
    if (typeof step.run === "string") {
      const workingDirectory = String(interpolate(step["working-directory"] ?? WORKSPACE, c));
      sim.runSteps.push({ run: step.run, workingDirectory });
      for (const m of step.run.matchAll(/--out "\$RUNNER_TEMP\/([^"]+)"/g)) tempFiles.push(m[1]!);
      if (/tools\/ci\/aws-role\.sh/.test(step.run)) {
        const out = path.join(fs.mkdtempSync("/tmp/gha-"), "output");
        const r = spawnSync("bash", [path.join(repoRoot, "tools/ci/aws-role.sh")], {
          env: { PATH: process.env.PATH, GITHUB_OUTPUT: out, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? "")])) },
          encoding: "utf8",
        });
        expect(r.status, `${job.label}: role script: ${r.stdout}${r.stderr}`).to.equal(0);
        const role = /^role=(.*)$/m.exec(fs.readFileSync(out, "utf8"))![1]!;
        sim.roles.push(role);
        if (step.id) (c.steps as Record<string, unknown>)[step.id] = { outputs: { role } };
      }
      return;
    }
    if (typeof step.uses === "string" && step.uses.startsWith("aws-actions/configure-aws-credentials")) {
      sim.roles.push(String(interpolate(step.with["role-to-assume"], c)));
    } else if (typeof step.uses === "string" && step.uses.startsWith("pulumi/actions")) {
      sim.pulumi.push({ with: interpolateAll(step.with, c), tempFiles: [...tempFiles], index: sim.pulumi.length });
    }
  };
  for (const s of steps) runStep(s, ctx);
  return sim;
}

function matrixEntries(matrix: unknown): Record<string, string>[] {
  const m = matrix as { include?: Record<string, string>[] };
  expect(m?.include, "matrix include").to.be.an("array");
  return m.include!;
}

/** Every job the three workflows that touch AWS can produce, for every project and stack. */
function allJobs(): SimJob[] {
  const jobs: SimJob[] = [];

  // pull-request.yml: a preview per touched project and stack (here: all of them), same-repository PR.
  const pr = readYaml(".github/workflows/pull-request.yml");
  {
    const event = { pull_request: { head: { repo: { full_name: "example-org/aws-blueprints" } }, number: 1 } };
    const ctx = baseContext(event, pr.env);
    const all = affected(repoRoot, "all").all;
    ctx.needs = { changes: { outputs: { any: "true", matrix: JSON.stringify(all) } } };
    const job = pr.jobs.preview;
    expect(condition(job.if, ctx), "preview runs for a same-repository pull request").to.equal(true);
    for (const entry of matrixEntries(interpolate(job.strategy.matrix, ctx))) {
      const c = { ...ctx, matrix: entry, env: { ...(ctx.env as object), ...interpolateAll(job.env, { ...ctx, matrix: entry }) }, steps: {} };
      jobs.push(simulateSteps(job.steps, c, { label: `pull-request preview ${entry.project}/${entry.stack}`, entry: entry as SimJob["entry"] }));
    }
  }

  // deploy.yml -> deploy-stage.yml, per stage.
  const deploy = readYaml(".github/workflows/deploy.yml");
  const stageWf = readYaml(".github/workflows/deploy-stage.yml");
  const changesStep = deploy.jobs.changes.steps.find((s: any) => s.id === "affected");
  const stagesRun = [...String(changesStep.run).matchAll(/for stage in ([\w ]+); do/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
  expect(stagesRun, "the changes job computes one matrix per stage").to.deep.equal(["dev", "prod"]);
  const outputs = Object.fromEntries(
    stagesRun.map((stage) => {
      const r = affected(repoRoot, "all", [stage]);
      return [stage, JSON.stringify({ platform: r.platform, workloads: r.workloads, hasPlatform: r.hasPlatform, hasWorkloads: r.hasWorkloads })];
    }),
  );
  for (const [callName, call] of Object.entries<any>(deploy.jobs).filter(([, j]) => j.uses === "./.github/workflows/deploy-stage.yml")) {
    const ctx = baseContext({}, deploy.env);
    ctx.needs = { changes: { outputs }, dev: { result: "success" } };
    const inputs = interpolateAll(call.with, ctx);
    const sctx = baseContext({}, stageWf.env);
    sctx.inputs = inputs;
    sctx.needs = { platform: { result: "success" } };
    for (const [jobName, job] of Object.entries<any>(stageWf.jobs)) {
      if (!condition(job.if, sctx)) continue;
      for (const entry of matrixEntries(interpolate(job.strategy?.matrix, sctx))) {
        const c = { ...sctx, matrix: entry, steps: {} };
        jobs.push(
          simulateSteps(job.steps, c, {
            label: `deploy ${callName} ${jobName} ${entry.project}/${entry.stack}`,
            entry: entry as SimJob["entry"],
            environment: String(interpolate(job.environment, c)),
          }),
        );
      }
    }
  }

  // nightly.yml: the dev stacks, platform first.
  const nightly = readYaml(".github/workflows/nightly.yml");
  {
    const ctx = baseContext({}, nightly.env);
    const dev = affected(repoRoot, "all", ["dev"]).workloads;
    ctx.needs = { discover: { outputs: { workloads: JSON.stringify(dev), hasWorkloads: String(dev.include.length > 0) } }, platform: { result: "success" } };
    const p = nightly.jobs.platform;
    jobs.push(simulateSteps(p.steps, { ...ctx, steps: {} }, { label: "nightly platform", entry: { project: "platform", dir: ".", stack: "dev" }, environment: String(interpolate(p.environment, ctx)) }));
    const w = nightly.jobs.workload;
    for (const entry of matrixEntries(interpolate(w.strategy.matrix, ctx))) {
      const c = { ...ctx, matrix: entry, steps: {} };
      jobs.push(simulateSteps(w.steps, c, { label: `nightly ${entry.project}/${entry.stack}`, entry: entry as SimJob["entry"], environment: String(interpolate(w.environment, c)) }));
    }
  }
  return jobs;
}

/** Where a path pulumi/actions receives points, resolved the way the CLI resolves it (from work-dir). */
function resolvePulumiPath(value: string, workDir: string): { repoPath?: string; tempFile?: string } {
  if (value.startsWith(`${WORKSPACE}/`)) return { repoPath: path.join(repoRoot, value.slice(WORKSPACE.length + 1)) };
  if (value.startsWith(`${RUNNER_TEMP}/`)) return { tempFile: value.slice(RUNNER_TEMP.length + 1) };
  if (path.isAbsolute(value)) return {};
  return { repoPath: path.join(repoRoot, workDir, value) };
}

function pathProblems(job: SimJob): string[] {
  const problems: string[] = [];
  for (const step of job.pulumi) {
    const workDir = String(step.with["work-dir"] ?? "./");
    const workAbs = resolvePulumiPath(workDir, ".").repoPath ?? path.join(repoRoot, workDir);
    if (!fs.existsSync(path.join(workAbs, "Pulumi.yaml"))) problems.push(`${job.label}: work-dir ${workDir} has no Pulumi.yaml`);
    const rel = path.relative(repoRoot, workAbs) || ".";
    for (const [key, marker] of [["policyPacks", "PulumiPolicy.yaml"], ["policyPackConfigs", ""]] as const) {
      const value = step.with[key];
      if (value === undefined || value === "") {
        problems.push(`${job.label}: pulumi/actions step without ${key}`);
        continue;
      }
      const r = resolvePulumiPath(String(value), rel);
      if (r.tempFile !== undefined) {
        if (!step.tempFiles.includes(r.tempFile)) problems.push(`${job.label}: ${key} ${value} is not written by an earlier step`);
      } else if (!r.repoPath || !fs.existsSync(path.join(r.repoPath, marker))) {
        problems.push(`${job.label}: ${key} ${value} does not exist from work-dir ${workDir}`);
      }
    }
  }
  return problems;
}

describe("every job the workflows can produce", function () {
  this.timeout(60_000);
  let jobs: SimJob[];
  before(() => {
    jobs = allJobs();
  });

  it("covers every project and stack in previews, both deploy stages, and the nightly dev stacks", () => {
    const previews = jobs.filter((j) => j.label.startsWith("pull-request")).map((j) => `${j.entry.project}/${j.entry.stack}`).sort();
    const expected = affected(repoRoot, "all").all.include.map((t) => `${t.project}/${t.stack}`).sort();
    expect(previews).to.deep.equal(expected);
    const deploys = jobs.filter((j) => j.label.startsWith("deploy")).map((j) => `${j.entry.project}/${j.entry.stack}`).sort();
    expect(deploys).to.deep.equal(expected);
    expect(jobs.filter((j) => j.label.startsWith("nightly")).every((j) => j.entry.stack === "dev")).to.equal(true);
  });

  it("hands pulumi/actions paths that resolve from its work-dir (the pack, the merged config)", () => {
    const problems = jobs.flatMap(pathProblems);
    expect(problems).to.deep.equal([]);
    expect(jobs.every((j) => j.pulumi.length > 0)).to.equal(true);
  });

  it("the path check catches a pack path given relative to the repository root (so it can fail)", () => {
    const workload = jobs.find((j) => j.entry.dir !== ".")!;
    const broken: SimJob = { ...workload, pulumi: workload.pulumi.map((s) => ({ ...s, with: { ...s.with, policyPacks: "policy-packs/aws-compliance" } })) };
    expect(pathProblems(broken).join("\n")).to.include("does not exist from work-dir");
  });

  it("names one stage per job: stack, environment, account and role agree", () => {
    for (const job of jobs) {
      const stage = job.entry.stack;
      expect(job.pulumi.length, job.label).to.be.greaterThan(0);
      for (const step of job.pulumi) expect(String(step.with["stack-name"]), job.label).to.equal(`example-org/${job.entry.project}/${stage}`);
      if (job.label.startsWith("deploy")) expect(job.environment, job.label).to.equal(ENVIRONMENTS[stage]);
      if (job.label.startsWith("nightly")) expect(job.environment, job.label).to.equal("development");
      const kind = job.label.startsWith("pull-request") ? "preview" : "deploy";
      expect(job.roles, job.label).to.have.length.greaterThan(0);
      for (const role of job.roles) expect(role, job.label).to.equal(`arn:aws:iam::${ACCOUNTS[stage]}:role/platform/ci-${job.entry.project}-${kind}`);
    }
  });

  it("previews with the policy pack before every up, with the same pack and config", () => {
    for (const job of jobs.filter((j) => !j.label.startsWith("pull-request"))) {
      const commands = job.pulumi.map((s) => s.with.command);
      expect(commands, job.label).to.deep.equal(["preview", "up"]);
      const [preview, up] = job.pulumi;
      for (const key of ["policyPacks", "policyPackConfigs", "stack-name", "work-dir"]) expect(preview!.with[key], `${job.label} ${key}`).to.equal(up!.with[key]);
    }
    for (const job of jobs.filter((j) => j.label.startsWith("pull-request"))) expect(job.pulumi.map((s) => s.with.command), job.label).to.deep.equal(["preview"]);
  });

  it("merges the pack config for the job's own project and stage", () => {
    for (const job of jobs) {
      const merge = job.runSteps.find((s) => /policy:config/.test(s.run));
      expect(merge, job.label).to.not.equal(undefined);
      expect(merge!.workingDirectory, job.label).to.equal(WORKSPACE);
      expect(merge!.run).to.match(/--project "\$PROJECT" --stack "\$STAGE"/);
    }
  });

  it("pins the Pulumi CLI to the version of @pulumi/pulumi the project is tested with", () => {
    const version = require("@pulumi/pulumi/package.json").version as string;
    for (const job of jobs) for (const step of job.pulumi) expect(step.with["pulumi-version"], job.label).to.equal(version);
  });
});

describe("the role script fails closed", () => {
  const run = (env: Record<string, string>) => {
    const out = path.join(fs.mkdtempSync("/tmp/gha-"), "output");
    const r = spawnSync("bash", [path.join(repoRoot, "tools/ci/aws-role.sh")], { env: { PATH: process.env.PATH!, GITHUB_OUTPUT: out, ...env }, encoding: "utf8" });
    return { status: r.status, text: r.stdout + r.stderr, output: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "" };
  };

  it("a prod job without AWS_ACCOUNT_ID_PROD is an error naming it, never the dev account", () => {
    const r = run({ STAGE: "prod", PROJECT: "ecommerce", KIND: "deploy", AWS_ACCOUNT_ID_DEV: ACCOUNTS.dev! });
    expect(r.status).to.equal(1);
    expect(r.text).to.include("::error::the repository secret AWS_ACCOUNT_ID_PROD is not set");
    expect(r.output).to.equal("");
  });

  it("rejects an account id that is not 12 digits, an unknown stage and an unknown role kind", () => {
    expect(run({ STAGE: "dev", PROJECT: "banking", KIND: "preview", AWS_ACCOUNT_ID_DEV: "12345" }).text).to.include("AWS_ACCOUNT_ID_DEV must be a 12-digit AWS account id");
    expect(run({ STAGE: "staging", PROJECT: "banking", KIND: "preview", AWS_ACCOUNT_ID_DEV: ACCOUNTS.dev! }).text).to.include("stage 'staging' is not one of: dev, prod");
    expect(run({ STAGE: "dev", PROJECT: "banking", KIND: "admin", AWS_ACCOUNT_ID_DEV: ACCOUNTS.dev! }).text).to.include("role kind 'admin' is not one of: preview, deploy");
  });

  it("gives the stage's own role", () => {
    const r = run({ STAGE: "prod", PROJECT: "banking", KIND: "deploy", AWS_ACCOUNT_ID_DEV: ACCOUNTS.dev!, AWS_ACCOUNT_ID_PROD: ACCOUNTS.prod! });
    expect(r.status).to.equal(0);
    expect(r.output.trim()).to.equal(`role=arn:aws:iam::${ACCOUNTS.prod}:role/platform/ci-banking-deploy`);
  });
});

describe("pull requests from forks", () => {
  const pr = readYaml(".github/workflows/pull-request.yml");
  const ctxFor = (fullName: string) => {
    const ctx = baseContext({ pull_request: { head: { repo: { full_name: fullName } } } }, pr.env);
    ctx.needs = { changes: { outputs: { any: "true" } } };
    return ctx;
  };

  it("skip the cloud preview (no secrets, no OIDC token) and say so", () => {
    expect(condition(pr.jobs.preview.if, ctxFor("someone/aws-blueprints"))).to.equal(false);
    expect(condition(pr.jobs["fork-notice"].if, ctxFor("someone/aws-blueprints"))).to.equal(true);
    expect(JSON.stringify(pr.jobs["fork-notice"].steps)).to.include("::notice::");
  });

  it("while same-repository pull requests preview and get no notice", () => {
    expect(condition(pr.jobs.preview.if, ctxFor("example-org/aws-blueprints"))).to.equal(true);
    expect(condition(pr.jobs["fork-notice"].if, ctxFor("example-org/aws-blueprints"))).to.equal(false);
  });
});
