/**
 * The policy pack's layered config, merged into the single JSON `pulumi preview|up
 * --policy-pack-config` takes. One module for CI (through the CLI below), the offline plan and the
 * tests.
 *
 * Layers, later wins:
 *   <pack>/config/<stack>.json                      stack defaults (dev, prod), every project
 *   <pack>/config/projects/<project>/<stack>.json   project overlay (optional): the project's own switches
 *
 * In each layer a policy's entry is a level (`"advisory"`) or an object (`{ "enforcementLevel",
 * <settings>, "exemptions": [...] }`); `"all"` sets the level of every policy; `"$pack"` holds
 * settings every policy shares (e.g. `tagExemptions`), copied into each policy's entry unless the
 * entry sets its own. Objects merge key by key; `exemptions` lists are concatenated.
 *
 *   npm run -s policy:config -- --project <name or dir> --stack <stack> [--out <file>]
 *
 * prints (or writes) the merged JSON and exits 2, naming every problem, when a layer is invalid: a
 * policy the pack does not have, a setting a policy does not have, a bad level or exemption.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";

export const defaultPackDir = path.join(__dirname, "../../policy-packs/aws-compliance");

type Entry = Record<string, unknown>;
export type PackConfig = Record<string, unknown>;

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
const PACK_KEY = "$pack";

export interface PackConfigLayers {
  /** The files read, in order (those that exist). */
  files: string[];
  layers: PackConfig[];
}

/** The config files of a project and stack, read in layer order. */
export function readPackConfigLayers(packDir: string, project: string, stack: string): PackConfigLayers {
  const candidates = [path.join(packDir, "config", `${stack}.json`), path.join(packDir, "config", "projects", project, `${stack}.json`)];
  const files = candidates.filter((f) => fs.existsSync(f));
  const layers = files.map((f) => {
    try {
      const v = JSON.parse(fs.readFileSync(f, "utf8"));
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("the file must hold a JSON object");
      return v as PackConfig;
    } catch (e) {
      throw new Error(`policy pack config ${f}: ${(e as Error).message}`, { cause: e });
    }
  });
  return { files, layers };
}

const asEntry = (v: unknown): Entry => (typeof v === "string" ? { enforcementLevel: v } : v && typeof v === "object" && !Array.isArray(v) ? { ...(v as Entry) } : {});

function mergeEntry(a: Entry, b: Entry): Entry {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === "exemptions" && Array.isArray(out[k]) && Array.isArray(v)) out[k] = [...(out[k] as unknown[]), ...v];
    else if (v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" && !Array.isArray(out[k])) out[k] = { ...(out[k] as Entry), ...(v as Entry) };
    else out[k] = v;
  }
  return out;
}

/**
 * Merge layers into `--policy-pack-config` form. With `policies`, `$pack` settings are copied into
 * every policy's entry (as objects); without, they are dropped (the CLI would not accept them).
 */
export function mergePackConfig(layers: readonly PackConfig[], policies?: readonly Pick<Policy, "name">[]): PackConfig {
  const merged: Record<string, Entry> = {};
  let all: Entry | undefined;
  let shared: Entry = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === PACK_KEY) shared = mergeEntry(shared, asEntry(value));
      else if (key === "all") all = mergeEntry(all ?? {}, asEntry(value));
      else merged[key] = mergeEntry(merged[key] ?? {}, asEntry(value));
    }
  }
  const out: PackConfig = {};
  if (all) out.all = Object.keys(all).length === 1 && "enforcementLevel" in all ? all.enforcementLevel : all;
  const names = policies ? [...new Set([...policies.map((p) => p.name), ...Object.keys(merged)])] : Object.keys(merged);
  for (const name of names) {
    let e = merged[name];
    if (policies && Object.keys(shared).length > 0 && policies.some((p) => p.name === name)) e = mergeEntry(structuredClone(shared), e ?? {});
    if (!e) continue;
    out[name] = Object.keys(e).length === 1 && typeof e.enforcementLevel === "string" ? e.enforcementLevel : e;
  }
  return out;
}

/**
 * Problems with a merged config against a pack's policies: unknown policy names, unknown settings
 * (the CLI copies only `properties` and `required` from a policy's schema, so it would not say),
 * bad levels, and whatever `extra` adds per policy (the aws-compliance pack's exemption rules).
 */
export function packConfigProblems(policies: readonly Policy[], config: PackConfig, extra?: (policy: string, entry: Entry) => string[], replaced: Readonly<Record<string, string | readonly string[]>> = {}): string[] {
  const problems: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const [key, value] of Object.entries(config)) {
    const entry = asEntry(value);
    if (key === PACK_KEY) continue;
    const level = entry.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(String(level))) problems.push(`${key}: enforcementLevel '${String(level)}' is not one of ${LEVELS.join(", ")}`);
    if (typeof value !== "string" && (value === null || typeof value !== "object" || Array.isArray(value))) {
      problems.push(`${key}: must be a level (${LEVELS.join(", ")}) or an object, not ${JSON.stringify(value)}`);
      continue;
    }
    if (key === "all") {
      for (const k of Object.keys(entry)) if (k !== "enforcementLevel") problems.push(`all: '${k}' is not allowed (only enforcementLevel; shared settings go under "${PACK_KEY}")`);
      continue;
    }
    const policy = byName.get(key);
    if (!policy) {
      const by = replaced[key];
      const into = by === undefined ? [] : typeof by === "string" ? [by] : [...by];
      const names = into.map((n) => `'${n}'`);
      const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names[0];
      problems.push(
        into.length > 0
          ? `'${key}' was merged into ${list} (one finding per flaw, with every control it breaks): move its settings ${into.length > 1 ? "to the one that covers them" : "there"} (see \`npm run policy:list\`)`
          : `'${key}' is not a policy of the pack${suggest(key, [...byName.keys()])}`,
      );
      continue;
    }
    const settings = Object.keys(policy.configSchema?.properties ?? {});
    for (const k of Object.keys(entry)) {
      if (k !== "enforcementLevel" && !settings.includes(k)) problems.push(`${key}: '${k}' is not a setting of this policy (settings: ${settings.join(", ") || "none"})${suggest(k, settings)}`);
    }
    if (extra) problems.push(...extra(key, entry));
  }
  return [...new Set(problems)];
}

/** ", did you mean 'x'?" for a near miss. */
function suggest(word: string, options: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 4)) ? `; did you mean '${best}'?` : "";
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The policies a pack merged into others (`lib/policy.ts`'s `replacedPolicies`), if it says. */
function packReplacements(packDir: string): Readonly<Record<string, string | readonly string[]>> {
  const lib = path.join(packDir, "lib", "policy.ts");
  if (!fs.existsSync(lib)) return {};
  return (require(lib) as { replacedPolicies?: Record<string, string | readonly string[]> }).replacedPolicies ?? {};
}

/** A pack module's own per-policy check, if it exports one (`lib/policy.ts`'s `policyConfigProblems`). */
function packChecker(packDir: string): ((policy: string, entry: Entry) => string[]) | undefined {
  const lib = path.join(packDir, "lib", "policy.ts");
  if (!fs.existsSync(lib)) return undefined;
  const mod = require(lib) as { exemptionProblems?: (policy: string, e: unknown, i: number) => string[] };
  if (!mod.exemptionProblems) return undefined;
  const check = mod.exemptionProblems;
  return (policy, entry) => (Array.isArray(entry.exemptions) ? entry.exemptions.flatMap((e, i) => check(policy, e, i)) : entry.exemptions === undefined ? [] : [`${policy}.exemptions: must be a list`]);
}

export interface BuiltPackConfig {
  config: PackConfig;
  files: string[];
  problems: string[];
}

/** Read, merge and check the config of one project and stack for a pack's policies. */
export function buildPackConfig(opts: { packDir?: string; project: string; stack: string; policies: readonly Policy[] }): BuiltPackConfig {
  const packDir = opts.packDir ?? defaultPackDir;
  const { files, layers } = readPackConfigLayers(packDir, opts.project, opts.stack);
  const check = packChecker(packDir);
  const replaced = packReplacements(packDir);
  const problems: string[] = [];
  layers.forEach((layer, i) => {
    for (const p of packConfigProblems(opts.policies, layer, check, replaced)) problems.push(`${rel(files[i]!)}: ${p}`);
    const shared = layer[PACK_KEY];
    if (shared !== undefined && (shared === null || typeof shared !== "object" || Array.isArray(shared))) problems.push(`${rel(files[i]!)}: ${PACK_KEY}: must be an object of settings every policy has`);
    for (const k of Object.keys(asEntry(shared))) {
      if (k === "enforcementLevel") problems.push(`${rel(files[i]!)}: ${PACK_KEY}: set levels with "all", not enforcementLevel`);
      else if (!opts.policies.every((p) => Object.keys(p.configSchema?.properties ?? {}).includes(k))) problems.push(`${rel(files[i]!)}: ${PACK_KEY}: '${k}' is not a setting every policy has`);
    }
  });
  return { config: mergePackConfig(layers, opts.policies), files, problems };
}

const rel = (f: string) => path.relative(process.cwd(), f) || f;

/** A project's name from a name or a directory holding Pulumi.yaml. */
export function projectName(projectOrDir: string): string {
  const file = path.join(projectOrDir, "Pulumi.yaml");
  if (fs.existsSync(file)) {
    const m = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(file, "utf8"));
    if (m) return m[1]!;
  }
  if (projectOrDir.includes("/") || projectOrDir === ".") throw new Error(`--project ${projectOrDir}: no Pulumi.yaml with a name there`);
  return projectOrDir;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const project = value("--project");
  const stack = value("--stack");
  const out = value("--out");
  const packDir = path.resolve(value("--policy-pack") ?? defaultPackDir);
  if (!project || !stack) {
    console.error("usage: npm run -s policy:config -- --project <name or dir> --stack <stack> [--out <file>] [--policy-pack <dir>]");
    process.exit(2);
  }
  try {
    const { loadPolicyPack } = require("./harness") as typeof import("./harness");
    const pack = loadPolicyPack(packDir);
    const built = buildPackConfig({ packDir, project: projectName(project), stack, policies: pack.policies });
    if (built.files.length === 0) throw new Error(`no config for stack '${stack}' in ${path.join(packDir, "config")} (expected ${stack}.json)`);
    if (built.problems.length > 0) {
      console.error(`policy pack config for ${projectName(project)}/${stack} is invalid (${built.problems.length} problem${built.problems.length === 1 ? "" : "s"}):\n  - ${built.problems.join("\n  - ")}`);
      process.exit(2);
    }
    const json = `${JSON.stringify(built.config, null, 2)}\n`;
    if (out) {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, json);
      console.error(`wrote ${out} from ${built.files.map((f) => path.relative(process.cwd(), f)).join(" + ")}`);
    } else process.stdout.write(json);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
