/**
 * Start one Pulumi program the way the Node.js language host does (mock engine, stack config,
 * `runInPulumiStack(require(main))`) and print the wall time and peak memory as JSON. The bench runs
 * it under different loaders (esbuild-register transpile-only vs ts-node type-checking) to compare start-up.
 *
 *   node <loader flags> tools/bench/start-program.ts <project dir> <stack>
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { defaultAdopterExamplesFile, overlayAdopterExamples, readAdopterExamples } from "../plan/adopter-examples";
import { defaultMockContext, mockAwsInvoke, mockAwsResource } from "../plan/aws-mocks";
import { loadStackConfig, readProject } from "../plan/project";

async function main() {
  const started = process.hrtime.bigint();
  const [dir = ".", stack = "dev"] = process.argv.slice(2);
  const project = readProject(path.resolve(dir));
  const cfg = loadStackConfig(project, stack);
  const ctx = { ...defaultMockContext, region: cfg.config["aws:region"] ?? defaultMockContext.region };
  await pulumi.runtime.setMocks(
    {
      newResource: (a) =>
        a.type === "pulumi:pulumi:StackReference"
          ? { id: a.name, state: { name: a.name, outputs: {} } }
          : a.custom && a.type.startsWith("aws:")
            ? mockAwsResource(a.type, a.name, a.inputs, ctx)
            : { id: a.custom ? `${a.name}-id` : undefined, state: a.inputs },
      call: (a) => mockAwsInvoke(a.token, a.inputs, ctx) ?? a.inputs,
    },
    project.name,
    stack,
    false,
    "organization",
  );
  // The adopter-specific keys the offline plan fills in (no value is committed for them).
  const config = overlayAdopterExamples(cfg.config, readAdopterExamples(defaultAdopterExamplesFile), project.name, stack).config;
  pulumi.runtime.setAllConfig(config, cfg.secretKeys);
  process.chdir(project.dir);
  await pulumi.runtime.runInPulumiStack(async () => require(project.main));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(JSON.stringify({ ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
