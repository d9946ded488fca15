/**
 * The reviewer's plan end to end: a project in its own git repository at two commits, planned with
 * `--base HEAD --report <dir> --json`, then the HTML report opened in a real headless Chromium.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { buildDiagram } from "../../tools/plan/report/diagram";
import { commentMarker } from "../../tools/plan/report/render";
import { repoRoot } from "../helpers/plan";

// Debian's chromium (.ci/run installs it); GitHub's Ubuntu runners ship Google Chrome instead.
const chromiumPath = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/google-chrome"].find((p) => fs.existsSync(p)) ?? "/usr/bin/chromium";

const v1 = `"use strict";
const aws = require("@pulumi/aws");
const key = new aws.kms.Key("data", { enableKeyRotation: true, deletionWindowInDays: 30 });
const queue = new aws.sqs.Queue("jobs", { name: "jobs-v1", kmsMasterKeyId: key.id });
new aws.dynamodb.Table("orders", { billingMode: "PAY_PER_REQUEST", hashKey: "id", attributes: [{ name: "id", type: "S" }], tags: { team: "a" } });
new aws.sns.Topic("old", { kmsMasterKeyId: key.id });
exports.queueUrl = queue.url;
`;

const v2 = `"use strict";
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");
class Store extends pulumi.ComponentResource {
  constructor(name, args, opts) {
    super("blueprints:storage:Store", name, {}, opts);
    this.bucket = new aws.s3.Bucket(name, {}, { parent: this });
    new aws.s3.BucketVersioning(name, { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });
    this.registerOutputs({});
  }
}
const key = new aws.kms.Key("data", { enableKeyRotation: true, deletionWindowInDays: 30 });
const queue = new aws.sqs.Queue("jobs", { name: "jobs-v2", kmsMasterKeyId: key.id });
new aws.dynamodb.Table("orders", { billingMode: "PAY_PER_REQUEST", hashKey: "id", attributes: [{ name: "id", type: "S" }], tags: { team: "b" } });
const store = new Store("media", {});
new aws.ec2.VpcEndpoint("sqs", { vpcId: "vpc-0123456789abcdef0", serviceName: "com.amazonaws.us-east-1.sqs", vpcEndpointType: "Interface", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"], privateDnsEnabled: true });
exports.queueUrl = queue.url;
exports.bucket = store.bucket.bucket;
`;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

describe("offline plan for reviewers: --base, --report, cost and the HTML report", function () {
  this.timeout(600_000);
  let dir: string;
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  let doc: any;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-repo-"));
    const project = path.join(dir, "app");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: app\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config:\n  aws:region: us-east-1\n");
    fs.writeFileSync(path.join(project, "index.js"), v1);
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "v1");
    fs.writeFileSync(path.join(project, "index.js"), v2);
    out = path.join(dir, "report");
    run = spawnSync(
      process.execPath,
      ["--require", require.resolve("esbuild-register"), path.join(repoRoot, "tools/plan/cli.ts"), "--project", project, "--stack", "dev", "--base", "HEAD", "--report", out, "--json", path.join(out, "plan.json"), "--no-tree"],
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 },
    );
    if (fs.existsSync(path.join(out, "plan.json"))) doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("plans both sides and leaves no worktree behind", () => {
    expect(doc, `${run.stdout}\n${run.stderr}`).to.be.an("object");
    expect(doc.status).to.equal("ok");
    expect(git(dir, "worktree", "list").split("\n")).to.have.length(1);
    expect(String(run.stdout)).to.match(/app\/dev\s+vs HEAD: \+\d+ ~1 \+-1 -1/);
  });

  it("reports added, removed, replaced (ForceNew input) and updated resources with the keys that differ", () => {
    const c = doc.changes;
    expect(c.base.ref).to.equal("HEAD");
    expect(c.base.commit).to.equal(git(dir, "rev-parse", "HEAD"));
    expect(c.baseStatus).to.equal("ok");
    const names = (list: { name: string; type: string }[]) => list.map((r) => `${r.type} ${r.name}`).sort();
    expect(names(c.added)).to.deep.equal(["aws:ec2/vpcEndpoint:VpcEndpoint sqs", "aws:s3/bucket:Bucket media", "aws:s3/bucketVersioning:BucketVersioning media", "blueprints:storage:Store media"]);
    expect(names(c.removed)).to.deep.equal(["aws:sns/topic:Topic old"]);
    expect(c.replaced).to.have.length(1);
    expect(c.replaced[0]).to.include({ name: "jobs", type: "aws:sqs/queue:Queue" });
    expect(c.replaced[0].keys).to.deep.equal(["name"]);
    expect(c.changed).to.have.length(1);
    expect(c.changed[0]).to.include({ name: "orders" });
    expect(c.changed[0].keys).to.include("tags.team");
    expect(c.unchanged).to.equal(1); // the key
    expect(c.outputs).to.deep.equal({ added: ["bucket"], removed: [], changed: ["queueUrl"] });
  });

  it("lists the policy findings the change introduces, on the new resources", () => {
    const bucketUrn = doc.resources.find((r: any) => r.type === "aws:s3/bucket:Bucket").urn;
    const onBucket = doc.changes.findings.new.filter((v: any) => v.urn === bucketUrn);
    expect(onBucket.length).to.be.greaterThan(0);
    // Every new finding is a finding of the head plan.
    for (const v of doc.changes.findings.new) expect(doc.violations.some((h: any) => h.policy === v.policy && h.urn === v.urn)).to.equal(true);
  });

  it("prices the stack and the change: two interface endpoint AZs are the difference", () => {
    expect(doc.cost.currency).to.equal("USD");
    expect(doc.cost.priceDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
    const endpoint = doc.cost.items.find((i: any) => i.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
    expect(endpoint.monthlyUsd).to.equal(14.6);
    expect(endpoint.usageRates.join(" ")).to.match(/\$0\.01 per GB/);
    const key = doc.cost.items.find((i: any) => i.type === "aws:kms/key:Key");
    expect(key.monthlyUsd).to.equal(1);
    expect(doc.cost.monthlyUsd).to.equal(15.6);
    expect(doc.changes.cost).to.deep.equal({ baseMonthlyUsd: 1, monthlyUsd: 15.6, deltaUsd: 14.6 });
  });

  it("writes the Markdown report with the change report, cost and Mermaid diagram, and summary.md", () => {
    const md = fs.readFileSync(path.join(out, "app.dev.md"), "utf8");
    expect(md).to.contain("## Changes vs `HEAD`");
    expect(md).to.match(/\| \+- {2}replace \| jobs \| `aws:sqs\/queue:Queue` \| name \|/);
    expect(md).to.contain("## Cost (monthly, list prices)");
    expect(md).to.contain("```mermaid\nflowchart LR");
    // The component is one node, labelled with its type and its services.
    expect(md).to.match(/\["media \(Store\)<br\/><small>s3 x2<\/small>"\]/);
    const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
    expect(summary.startsWith(commentMarker)).to.equal(true);
    const status = doc.violations.some((v: any) => v.enforcementLevel === "mandatory") ? "DENY" : "ok";
    const m = doc.violations.filter((v: any) => v.enforcementLevel === "mandatory").length;
    expect(summary, summary).to.contain(`| app/dev | ${status} | ${doc.resources.length} | ${m}/${doc.violations.length - m} | $15.60 | +4 ~1 +-1 -1 | +$14.60 | ${doc.changes.findings.new.length}/${doc.changes.findings.fixed.length} |`);
  });

  it("draws the diagram and the compliance matrix in headless Chromium", async () => {
    expect(fs.existsSync(chromiumPath), `${chromiumPath} missing: apt-get install chromium (.ci/run does)`).to.equal(true);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chromium-profile-"));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(out, "app.dev.html")}`);
      // Evaluated in the page (strings: this project's TypeScript has no DOM library).
      await page.waitForFunction('document.body.dataset.diagram !== "pending"', null, { timeout: 120_000 });
      expect(await page.evaluate("document.body.dataset.diagram")).to.equal("drawn");
      const expected = buildDiagram(doc.resources);
      expect(await page.locator("#diagram svg g.node").count()).to.equal(expected.nodes.length);
      expect(await page.locator("#diagram svg").textContent()).to.contain("media (Store)");

      const rows = (await page.evaluate(
        `[...document.querySelectorAll("table.matrix tbody tr")].map((tr) => ({ urn: tr.getAttribute("data-urn") || "", fails: tr.querySelectorAll("td.fail").length }))`,
      )) as { urn: string; fails: number }[];
      const urnOf = (type: string, name: string) => doc.resources.find((r: any) => r.type === type && r.name === name).urn;
      const rowUrns = rows.map((r) => r.urn);
      // One row per resource a resource policy ran on: each AWS resource here, not the stack or the component.
      for (const [t, n] of [["aws:kms/key:Key", "data"], ["aws:sqs/queue:Queue", "jobs"], ["aws:dynamodb/table:Table", "orders"], ["aws:s3/bucket:Bucket", "media"]]) expect(rowUrns, `${t} ${n}`).to.include(urnOf(t!, n!));
      expect(new Set(rowUrns).size).to.equal(rowUrns.length);
      for (const r of doc.resources.filter((x: any) => !x.custom)) expect(rowUrns).to.not.include(r.urn);
      // Each resource-level finding is a failed (or undecidable/exempt) cell on its row.
      const withFindings = new Set(doc.violations.filter((v: any) => v.urn && doc.resources.some((r: any) => r.urn === v.urn && r.custom)).map((v: any) => v.urn));
      for (const urn of withFindings) expect(rowUrns, String(urn)).to.include(urn);
      const bucketRow = rows.find((r) => r.urn === urnOf("aws:s3/bucket:Bucket", "media"))!;
      expect(bucketRow.fails).to.be.greaterThan(0);
      const costRows = await page.locator("#cost-table tbody tr").count();
      expect(costRows).to.be.greaterThan(1);
    } finally {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
