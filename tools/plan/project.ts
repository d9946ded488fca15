/**
 * The CLI's work before a program runs: read `Pulumi.yaml` and `Pulumi.<stack>.yaml`, merge project
 * config defaults with the stack's values, check declared types, stand in for `secure:` values
 * (which cannot be decrypted offline), and find the program's entry point.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export interface ProjectInfo {
  /** Absolute directory holding `Pulumi.yaml`. */
  readonly dir: string;
  readonly name: string;
  /** Absolute path of the program's entry file (.ts or .js). */
  readonly main: string;
  /** Stack names that have a `Pulumi.<stack>.yaml`. */
  readonly stacks: string[];
  /** Where stack files live (`stackConfigDir`, default the project dir). */
  readonly stackConfigDir: string;
  /** Raw `config:` block of `Pulumi.yaml`. */
  readonly projectConfig: Record<string, unknown>;
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}

/** Read a Pulumi project directory. */
export function readProject(dir: string): ProjectInfo {
  const abs = path.resolve(dir);
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
  if (!file) throw new ProjectError(`${abs} is not a Pulumi project: no Pulumi.yaml`);
  let doc: any;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    throw new ProjectError(`${file}: invalid YAML: ${(e as Error).message}`);
  }
  if (typeof doc.name !== "string" || doc.name.length === 0) throw new ProjectError(`${file}: 'name' is required`);
  const invalid = projectNameProblem(doc.name);
  if (invalid) throw new ProjectError(`${file}: project name '${doc.name}' is invalid: ${invalid}`);
  const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
  if (runtime !== "nodejs") throw new ProjectError(`${file}: runtime '${runtime}' is not supported offline (only nodejs)`);
  const stackConfigDir = path.resolve(abs, doc.stackConfigDir ?? ".");
  const stacks = fs.existsSync(stackConfigDir)
    ? fs
        .readdirSync(stackConfigDir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort()
    : [];
  return { dir: abs, name: doc.name, main: resolveMain(abs, doc.main), stacks, stackConfigDir, projectConfig: doc.config ?? {} };
}

/**
 * The Pulumi CLI's rule for project names (sdk/go/common/workspace: `^[A-Za-z0-9_.-]{1,100}$`), so
 * that a template's unreplaced `${PROJECT}` fails here as it fails `pulumi stack init`.
 */
export function projectNameProblem(name: string): string | undefined {
  if (name.length > 100) return "a project name must be 100 characters or less";
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return "a project name may only contain alphanumerics, hyphens, underscores and periods";
  return undefined;
}

/** Resolve the entry point as the Pulumi Node.js language host does. */
function resolveMain(dir: string, main: unknown): string {
  const candidates: string[] = [];
  if (typeof main === "string") {
    const p = path.resolve(dir, main);
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) candidates.push(path.join(p, "index.ts"), path.join(p, "index.js"));
    else candidates.push(p);
  } else {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      const m = JSON.parse(fs.readFileSync(pkg, "utf8")).main;
      if (typeof m === "string") candidates.push(path.resolve(dir, m));
    }
    candidates.push(path.join(dir, "index.ts"), path.join(dir, "index.js"));
  }
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) throw new ProjectError(`${dir}: no program entry point (looked for ${candidates.map((c) => path.relative(dir, c) || c).join(", ")})`);
  return found;
}

export interface StackConfig {
  /** `{ "<ns>:<key>": "<string>" }`, as the CLI passes it in `PULUMI_CONFIG`. */
  readonly config: Record<string, string>;
  /** Keys whose values are secrets. */
  readonly secretKeys: string[];
  /** Keys whose `secure:` value was stood in for, not decrypted. */
  readonly stoodIn: string[];
  /** Things the CLI would do that the offline plan cannot (ESC environments...). */
  readonly notes: string[];
}

/** What a `secure:` value is replaced with: recognisable, and never the real secret. */
export function secureStandIn(key: string): string {
  return `[offline-plan: secret ${key} not decrypted]`;
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function serialize(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Replace nested `{ secure: ... }` objects; returns whether any was found. */
function standInNested(value: unknown, key: string): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    let secret = false;
    const out = value.map((v) => {
      const r = standInNested(v, key);
      secret ||= r.secret;
      return r.value;
    });
    return { value: out, secret };
  }
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && typeof obj.secure === "string") return { value: secureStandIn(key), secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const r = standInNested(v, key);
      secret ||= r.secret;
      out[k] = r.value;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

const typeChecks: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  integer: (v) => typeof v === "number" && Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  array: (v) => Array.isArray(v),
};

/**
 * Merge `Pulumi.yaml` config (defaults and typed declarations) with `Pulumi.<stack>.yaml`, as the
 * CLI does before it starts the program. Throws `ProjectError` for what the CLI would reject.
 */
export function loadStackConfig(project: ProjectInfo, stack: string): StackConfig {
  const file = ["yaml", "yml"].map((e) => path.join(project.stackConfigDir, `Pulumi.${stack}.${e}`)).find((f) => fs.existsSync(f));
  if (!file) {
    throw new ProjectError(`${project.name}: no stack file Pulumi.${stack}.yaml in ${project.stackConfigDir} (stacks: ${project.stacks.join(", ") || "none"})`);
  }
  let doc: any;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    throw new ProjectError(`${file}: invalid YAML: ${(e as Error).message}`);
  }
  const notes: string[] = [];
  if (doc.environment) notes.push(`Pulumi ESC environment(s) ${JSON.stringify(doc.environment)} are not resolved offline`);

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const stoodIn: string[] = [];
  const declared = new Map<string, { type?: string; secret?: boolean }>();
  const problems: string[] = [];

  for (const [rawKey, decl] of Object.entries(project.projectConfig ?? {})) {
    const key = qualify(project.name, rawKey);
    if (decl !== null && typeof decl === "object" && !Array.isArray(decl)) {
      const d = decl as Record<string, unknown>;
      if ("value" in d) config[key] = serialize(d.value);
      else if ("default" in d) config[key] = serialize(d.default);
      if ("type" in d || "default" in d || "description" in d || "secret" in d) declared.set(key, { type: d.type as string | undefined, secret: d.secret === true });
    } else {
      config[key] = serialize(decl);
    }
  }

  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = qualify(project.name, rawKey);
    const { value: v, secret } = standInNested(value, key);
    if (secret) {
      secretKeys.add(key);
      stoodIn.push(key);
    }
    const d = declared.get(key);
    if (d?.type && !secret && typeChecks[d.type] && !typeChecks[d.type]!(v)) {
      problems.push(`${key}: declared as ${d.type} in Pulumi.yaml, got ${JSON.stringify(v)}`);
    }
    config[key] = serialize(v);
  }

  for (const [key, d] of declared) {
    if (!(key in config)) problems.push(`${key}: missing; Pulumi.yaml declares it${d.type ? ` (${d.type})` : ""} without a default`);
    if (d.secret && !secretKeys.has(key) && key in config) problems.push(`${key}: declared secret in Pulumi.yaml but set in plain text; use \`pulumi config set --secret\``);
  }
  if (problems.length > 0) throw new ProjectError(`Stack ${project.name}/${stack} config rejected (as the Pulumi CLI would):\n  - ${problems.join("\n  - ")}`);

  return { config, secretKeys: [...secretKeys].sort(), stoodIn: stoodIn.sort(), notes };
}

/** Every Pulumi project in a repository: the root one first, then `projects/*`. */
export function discoverProjects(root: string): ProjectInfo[] {
  const dirs: string[] = [];
  if (fs.existsSync(path.join(root, "Pulumi.yaml"))) dirs.push(root);
  const projectsDir = path.join(root, "projects");
  if (fs.existsSync(projectsDir)) {
    for (const d of fs.readdirSync(projectsDir).sort()) {
      const p = path.join(projectsDir, d);
      if (fs.existsSync(path.join(p, "Pulumi.yaml"))) dirs.push(p);
    }
  }
  return dirs.map(readProject);
}
