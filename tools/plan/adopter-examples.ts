/**
 * Adopter-specific config keys in the offline plan.
 *
 * Values only an adopter can give (their GitHub repository, a globally unique QuickSight account
 * name, e-mail addresses, domain names, certificate ARNs, hosted zones, signing keys, cost
 * acknowledgements) are never committed in a `Pulumi.<stack>.yaml`: a real stack without them fails
 * config validation, naming the key and the `pulumi config set` command. So that `npm run plan` still
 * plans every stack on a fresh clone, the plan overlays example values for exactly those keys from
 * one file, `tools/plan/adopter-examples.yaml`:
 *
 *   <project name>:
 *     "*":            { "<project>:<key>": <value>, ... }   # every stack of the project
 *     <stack name>:   { "<project>:<key>": <value>, ... }   # this stack (wins over "*")
 *
 * A key the stack file (or Pulumi.yaml) sets is left alone: once the adopter sets a key, the plan
 * plans their value. The programs themselves never see the difference.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export const defaultAdopterExamplesFile = path.join(__dirname, "adopter-examples.yaml");

export type AdopterExamples = Record<string, Record<string, Record<string, unknown>>>;

/** Read and shape-check the examples file; throws with the file, the path and what is allowed. */
export function readAdopterExamples(file: string): AdopterExamples {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(doc)) throw new Error(`${file}: must map project names to stacks ("*" or a stack name) to { "<project>:<key>": value }`);
  for (const [project, stacks] of Object.entries(doc)) {
    if (!isObject(stacks)) throw new Error(`${file}: ${project} must map stack names (or "*") to config keys`);
    for (const [stack, keys] of Object.entries(stacks)) {
      if (!isObject(keys)) throw new Error(`${file}: ${project}.${stack} must map "<project>:<key>" to a value`);
      for (const key of Object.keys(keys)) {
        if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`${file}: ${project}.${stack}: '${key}' is not a fully qualified config key such as ${project}:githubRepository`);
      }
    }
  }
  return doc as AdopterExamples;
}

/** The example values for one project's stack: "*" first, then the stack's own entry. */
export function examplesFor(examples: AdopterExamples, project: string, stack: string): Record<string, unknown> {
  return { ...(examples[project]?.["*"] ?? {}), ...(examples[project]?.[stack] ?? {}) };
}

/**
 * Overlay the examples on a stack's raw config (`{ "<ns>:<key>": "<string>" }`, as the CLI passes
 * it). Returns the new config and the keys that took an example value, sorted.
 */
export function overlayAdopterExamples(
  config: Readonly<Record<string, string>>,
  examples: AdopterExamples,
  project: string,
  stack: string,
): { config: Record<string, string>; overlaid: string[] } {
  const out = { ...config };
  const overlaid: string[] = [];
  for (const [key, value] of Object.entries(examplesFor(examples, project, stack))) {
    if (key in out) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
    overlaid.push(key);
  }
  return { config: out, overlaid: overlaid.sort() };
}
