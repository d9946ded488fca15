/** The change report's rules and the diagram's grouping, on hand-made plans. */
import { expect } from "chai";
import { differingPaths, diffPlans, PlanLike } from "../../tools/plan/diff";
import type { ResourceLike } from "../../tools/plan/report/components";
import { buildDiagram, escapeLabel } from "../../tools/plan/report/diagram";
import { commentMarker, summaryMarkdown } from "../../tools/plan/report/render";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const stackUrn = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
const r = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceLike> = {}): ResourceLike => ({
  urn: `urn:pulumi:dev::app::${extra.parent && extra.parent !== stackUrn ? `${extra.parent.split("::")[2]}$` : ""}${type}::${name}`,
  type,
  name,
  parent: stackUrn,
  custom: !type.startsWith("blueprints:"),
  inputs,
  propertyDependencies: {},
  ...extra,
});
const plan = (resources: ResourceLike[], extra: Partial<PlanLike> = {}): PlanLike => ({ project: "app", stack: "dev", status: "ok", resources, outputs: {}, violations: [], ...extra });
const ref = { ref: "main", commit: "0123456789abcdef" };

describe("change report rules", () => {
  it("paths that differ go down into objects and same-length arrays", () => {
    expect(differingPaths({ a: 1, tags: { x: "1", y: "2" }, rules: [{ p: 1 }, { p: 2 }] }, { a: 1, tags: { x: "1", y: "3" }, rules: [{ p: 1 }, { p: 5 }] })).to.deep.equal(["rules[1].p", "tags.y"]);
    expect(differingPaths({ list: [1] }, { list: [1, 2] })).to.deep.equal(["list"]);
    expect(differingPaths({ a: 1 }, { a: 1 })).to.deep.equal([]);
  });

  it("a ForceNew input is a replacement, another input an update; an unknown ForceNew input counts as a replacement", () => {
    const before = plan([r("aws:dynamodb/table:Table", "t", { name: "a", hashKey: "id", tags: { team: "x" } }), r("aws:sqs/queue:Queue", "q", { name: "q1" })]);
    const after = plan([r("aws:dynamodb/table:Table", "t", { name: "a", hashKey: "pk", tags: { team: "y" } }), r("aws:sqs/queue:Queue", "q", { name: UNKNOWN })]);
    const c = diffPlans(before, after, ref);
    expect(c.replaced.map((x) => [x.name, x.keys])).to.deep.equal([
      ["t", ["hashKey", "tags.team"]],
      ["q", ["name"]],
    ]);
    expect(c.changed).to.deep.equal([]);
    const tagOnly = diffPlans(before, plan([r("aws:dynamodb/table:Table", "t", { name: "a", hashKey: "id", tags: { team: "z" } }), before.resources[1]!]), ref);
    expect(tagOnly.changed.map((x) => [x.name, x.keys])).to.deep.equal([["t", ["tags.team"]]]);
    expect(tagOnly.unchanged).to.equal(1);
  });

  it("a stack that is new at the head reports everything added, with the base's cost as zero", () => {
    const c = diffPlans(undefined, plan([r("aws:kms/key:Key", "k", {})], { cost: { monthlyUsd: 1 } }), ref);
    expect(c.baseStatus).to.equal("missing");
    expect(c.added.map((x) => x.name)).to.deep.equal(["k"]);
    expect(c.cost).to.deep.equal({ baseMonthlyUsd: 0, monthlyUsd: 1, deltaUsd: 1 });
  });

  it("findings are matched by policy and resource: new, fixed, and kept ones not repeated", () => {
    const k = r("aws:kms/key:Key", "k", {});
    const v = (policy: string) => ({ policy, enforcementLevel: "advisory", urn: k.urn, message: `${policy} message` });
    const c = diffPlans(plan([k], { violations: [v("kept"), v("fixed")] }), plan([k], { violations: [v("kept"), v("new")] }), ref);
    expect(c.findings.new.map((x) => x.policy)).to.deep.equal(["new"]);
    expect(c.findings.fixed.map((x) => x.policy)).to.deep.equal(["fixed"]);
  });
});

describe("architecture diagram", () => {
  it("draws one node per top-level component with its services, loose resources per service, and data-flow edges labelled by input", () => {
    const key = r("blueprints:security:EncryptionKey", "data", {});
    const kmsKey = r("aws:kms/key:Key", "data", {}, { parent: key.urn });
    const bucket = r("blueprints:storage:EncryptedBucket", "media", {});
    const s3 = r("aws:s3/bucket:Bucket", "media", {}, { parent: bucket.urn });
    const sse = r("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "media", {}, { parent: bucket.urn, propertyDependencies: { rules: [kmsKey.urn], bucket: [s3.urn] } });
    const loose = r("aws:sqs/queue:Queue", "jobs", { kmsMasterKeyId: "x" }, { propertyDependencies: { kmsMasterKeyId: [kmsKey.urn] } });
    const d = buildDiagram([r("pulumi:pulumi:Stack", "app-dev", {}, { parent: undefined, custom: false }), key, kmsKey, bucket, s3, sse, loose]);
    expect(d.nodes.map((n) => [n.label, n.area, n.services])).to.deep.equal([
      ["data (EncryptionKey)", "security", ["kms"]],
      ["media (EncryptedBucket)", "storage", ["s3 x2"]],
      ["sqs", "stack", ["sqs"]],
    ]);
    const id = (label: string) => d.nodes.find((n) => n.label.startsWith(label))!.id;
    expect(d.edges).to.deep.equal([
      { from: id("data"), to: id("media"), properties: ["rules"] },
      { from: id("data"), to: id("sqs"), properties: ["kmsMasterKeyId"] },
    ]);
    expect(d.mermaid).to.contain(`${id("data")} -->|"rules"| ${id("media")}`);
    expect(d.mermaid).to.match(/subgraph a\d+\["storage"\]\n {4}n\d+\["media \(EncryptedBucket\)/);
  });

  it("a node feeding more than four others is a hub: its arrows are left out and its label says how many it feeds", () => {
    const key = r("aws:kms/key:Key", "shared", {}, { parent: undefined });
    const consumers = ["a", "b", "c", "d", "e"].map((n) => r("blueprints:data:Table", n, {}));
    const children = consumers.map((c) => r("aws:dynamodb/table:Table", c.name, {}, { parent: c.urn, propertyDependencies: { serverSideEncryption: [key.urn] } }));
    const d = buildDiagram([key, ...consumers, ...children]);
    expect(d.edges).to.deep.equal([]);
    expect(d.nodes.find((n) => n.label === "kms")!.services[0]).to.equal("used by 5");
    expect(buildDiagram([key, ...consumers, ...children], { hubFanOut: 5 }).edges).to.have.length(5);
  });

  it("escapes quotes and markup in labels", () => {
    expect(escapeLabel('a "b" <c> & d')).to.equal("a #quot;b#quot; &lt;c&gt; &amp; d");
  });
});

describe("summary.md", () => {
  it("starts with the comment marker, has a row per stack and names stacks that exist only at the base", () => {
    const p = { project: "app", stack: "dev", dir: "app", status: "ok" as const, resources: [], outputs: {}, violations: [], exemptions: [], notes: [], timings: { programMs: 0, policiesMs: 0, totalMs: 0 } };
    const text = summaryMarkdown([{ plan: p }], { base: "main", removedStacks: [{ name: "old/dev", resources: 12 }] });
    expect(text.split("\n")[0]).to.equal(commentMarker);
    expect(text).to.contain("| app/dev | ok | 0 | 0/0 | - |");
    expect(text).to.contain("**old/dev** exists at the base and not here: its 12 resources would be deleted with the stack.");
  });
});
