import { expect } from "chai";
import { z } from "zod";
import { ConfigError, parseStackConfig, ProjectDefinition } from "../../shared/config";
import { Profiles } from "../../shared/profiles";

const definition: ProjectDefinition<{ replicaRegions: z.ZodOptional<z.ZodArray<z.ZodString>>; shards: z.ZodDefault<z.ZodNumber> }> = {
  dataClassification: "confidential",
  compliance: ["fsbp", "pci-dss"],
  schema: { replicaRegions: z.array(z.string()).optional(), shards: z.number().int().min(1).max(64).default(2) },
  refine: (c, env) => (env === "prod" && (c.replicaRegions ?? []).length === 0 ? [{ key: "replicaRegions", value: c.replicaRegions, allowed: "prod needs at least one replica region" }] : []),
};

function parse(raw: Record<string, string>, stack = "dev", secretKeys: string[] = []) {
  return parseStackConfig(definition, { project: "shop", stack, organization: "organization", raw: { "aws:region": "eu-west-1", ...raw }, secretKeys });
}

describe("stack config loader", () => {
  it("returns typed settings with the environment taken from the stack name", () => {
    const { settings } = parse({ "shop:owner": "team-shop" });
    expect(settings!.environment).to.equal("dev");
    expect(settings!.profile).to.deep.equal(Profiles.dev);
    expect(settings!.config.shards).to.equal(2);
    expect(settings!.platformStack).to.equal("organization/platform/dev");
    expect(settings!.tags).to.deep.equal({ project: "shop", environment: "dev", owner: "team-shop", "data-classification": "confidential", compliance: "fsbp pci-dss" });
  });

  it("parses structured and numeric values from their JSON text, keeps strings as strings", () => {
    const { settings } = parse({ "shop:owner": "1234", "shop:shards": "8", "shop:replicaRegions": '["us-west-2"]' });
    expect(settings!.owner).to.equal("1234");
    expect(settings!.config.shards).to.equal(8);
    expect(settings!.config.replicaRegions).to.deep.equal(["us-west-2"]);
  });

  it("applies named profile overrides and nothing else", () => {
    const { settings } = parse({ "shop:owner": "t", "shop:profileOverrides": JSON.stringify({ logRetentionDays: 90, maxInstances: 4 }) });
    expect(settings!.profile.logRetentionDays).to.equal(90);
    expect(settings!.profile.maxInstances).to.equal(4);
    expect(settings!.profile.deletionProtection).to.equal(false);
  });

  it("lists every problem at once, each with key, value and what is allowed", () => {
    const { problems } = parse({
      "aws:region": "moon-1",
      "shop:environment": "staging",
      "shop:shards": "100",
      "shop:colour": "blue",
      "shop:profileOverrides": JSON.stringify({ natStrategy: "Two", deletionProtection: false, logRetentionDays: 42 }),
    });
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p]));
    expect(Object.keys(byKey)).to.include.members([
      "aws:region",
      "shop:environment",
      "shop:owner",
      "shop:shards",
      "shop:colour",
      "shop:profileOverrides.natStrategy",
      "shop:profileOverrides",
      "shop:profileOverrides.logRetentionDays",
    ]);
    expect(byKey["shop:environment"]).to.deep.include({ value: "staging", allowed: 'must be one of "dev", "prod"' });
    expect(byKey["shop:owner"]!.value).to.equal(undefined);
    expect(byKey["shop:owner"]!.allowed).to.match(/^required/);
    expect(byKey["shop:shards"]).to.deep.include({ value: 100, allowed: "must be <= 64" });
    expect(byKey["shop:colour"]!.allowed).to.include("unknown key; shop understands: compliance, dataClassification, environment, owner, platformStack, profileOverrides, replicaRegions, shards");
    expect(byKey["shop:profileOverrides"]!.allowed).to.include("unknown key deletionProtection; allowed: availabilityZones");
    expect(byKey["shop:profileOverrides.logRetentionDays"]!.allowed).to.include("CloudWatch Logs retention values");
  });

  it("formats one error message naming the stack and every problem", () => {
    const { problems } = parse({ "shop:environment": "staging" });
    const err = new ConfigError("shop/dev", problems);
    expect(err.message).to.match(/^Stack config for shop\/dev is invalid \(2 problems\):/);
    expect(err.message).to.include('  - shop:environment = "staging": must be one of "dev", "prod"');
    expect(err.message).to.include("  - shop:owner missing: required");
  });

  it("requires an environment when the stack is not called dev or prod", () => {
    const { problems } = parse({ "shop:owner": "t" }, "feature-x");
    expect(problems).to.have.length(1);
    expect(problems[0]!.key).to.equal("shop:environment");
    const ok = parse({ "shop:owner": "t", "shop:environment": "dev" }, "feature-x");
    expect(ok.settings!.environment).to.equal("dev");
  });

  it("runs the project's cross-key rules (prod needs a replica region)", () => {
    const { problems } = parse({ "shop:owner": "t" }, "prod");
    expect(problems).to.deep.equal([{ key: "shop:replicaRegions", value: undefined, allowed: "prod needs at least one replica region" }]);
  });

  it("rejects overrides that contradict each other", () => {
    const { problems } = parse({ "shop:owner": "t", "shop:profileOverrides": JSON.stringify({ minInstances: 5, maxInstances: 2 }) });
    expect(problems[0]).to.deep.include({ key: "shop:profileOverrides.minInstances", value: 5 });
  });

  it("never prints a secret value in an error", () => {
    const { problems } = parse({ "shop:owner": "", "shop:colour": "hunter2" }, "dev", ["shop:owner", "shop:colour"]);
    expect(JSON.stringify(problems)).not.to.include("hunter2");
    expect(problems.find((p) => p.key === "shop:colour")!.value).to.equal("[secret]");
  });

  it("rejects tag-unsafe owners", () => {
    const { problems } = parse({ "shop:owner": "team<script>" });
    expect(problems[0]!.key).to.equal("shop:owner");
    expect(problems[0]!.allowed).to.include("AWS tag value");
  });
});
