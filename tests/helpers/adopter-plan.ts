/**
 * Plan a project's stack with the adopter-specific example values of `tools/plan/adopter-examples.yaml`
 * (convention 1) and the project's policy-pack overlay (convention 2) applied, whether or not the
 * offline plan applies them itself yet: a temporary project directory whose Pulumi.yaml runs the
 * real program (`main` is absolute), and whose stack file is the real one plus the examples.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { repoRoot, runPlan, type PlanRun } from "./plan";

export function adopterExamples(project: string, stack: string): Record<string, unknown> {
  const file = path.join(repoRoot, "tools/plan/adopter-examples.yaml");
  const all = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  return { ...(all[project]?.["*"] ?? {}), ...(all[project]?.[stack] ?? {}) };
}

/** The stack's pack config: `config/<stack>.json` with `config/projects/<project>/<stack>.json` over it, policy by policy. */
export function layeredPackConfig(project: string, stack: string): Record<string, unknown> {
  const dir = path.join(repoRoot, "policy-packs/aws-compliance/config");
  const read = (f: string) => (fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, "utf8")) as Record<string, unknown>) : {});
  const base = read(path.join(dir, `${stack}.json`));
  const overlay = read(path.join(dir, "projects", project, `${stack}.json`));
  const merged: Record<string, unknown> = { ...base };
  for (const [policy, value] of Object.entries(overlay)) {
    const b = merged[policy];
    merged[policy] = b && typeof b === "object" && value && typeof value === "object" ? { ...b, ...value } : value;
  }
  return merged;
}

export function planWithAdopterExamples(
  projectDir: string,
  stack: string,
  edit: (config: Record<string, unknown>) => void = () => {},
  editPack: (packConfig: Record<string, any>) => void = () => {},
): PlanRun {
  const src = path.resolve(repoRoot, projectDir);
  const project = YAML.parse(fs.readFileSync(path.join(src, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  const stackFile = YAML.parse(fs.readFileSync(path.join(src, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${project.name}-`));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify({ ...project, main: path.join(src, String(project.main ?? "index.ts")) }));
  const config = { ...stackFile.config, ...adopterExamples(String(project.name), stack) };
  edit(config);
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
  const packConfig = path.join(dir, "pack-config.json");
  const pack = layeredPackConfig(String(project.name), stack);
  editPack(pack);
  fs.writeFileSync(packConfig, JSON.stringify(pack, null, 2));
  return runPlan(dir, stack, ["--policy-pack-config", packConfig]);
}

/** A stack file's config (plus the adopter examples when asked), edited, as the Pulumi CLI hands it to a program: every value a string. */
export function stackRawConfig(projectDir: string, project: string, stack: string, withExamples: boolean, edit: (c: Record<string, unknown>) => void = () => {}): Record<string, string> {
  const file = YAML.parse(fs.readFileSync(path.join(repoRoot, projectDir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const config = { ...file.config, ...(withExamples ? adopterExamples(project, stack) : {}) };
  edit(config);
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
