/**
 * Inputs checked against `@pulumi/aws` 7 as the provider's Check (or the CLI's type-check) would:
 * a property a resource type does not take (removed in v7, misspelt) is an error naming the
 * resource, the property and, where one is close, what to use instead. The property sets are
 * tools/schema/aws-properties.json, generated from the package's own type definitions.
 */
import * as path from "node:path";

interface TypeProps {
  in: string[];
  deprecated?: Record<string, string>;
}
interface Schema {
  version: string;
  aliases: Record<string, string>;
  types: Record<string, TypeProps>;
}

let schema: Schema | undefined;
function load(): Schema {
  schema ??= require(path.join(__dirname, "..", "schema", "aws-properties.json")) as Schema;
  return schema;
}

/**
 * Renames the v7 migration guide documents for inputs v7 removed (upgrade-guide "v7.0.0"), where
 * the new name is not close enough in spelling to be found by distance.
 */
const movedInV7: Record<string, Record<string, string>> = {
  "aws:rds/instance:Instance": { name: "dbName" },
  "aws:ec2/instance:Instance": { cpuCoreCount: "cpuOptions.coreCount", cpuThreadsPerCore: "cpuOptions.threadsPerCore" },
  "aws:ec2/launchTemplate:LaunchTemplate": { elasticGpuSpecifications: "(removed: Elastic Graphics is retired)", elasticInferenceAccelerator: "(removed: Elastic Inference is retired)" },
};

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
  }
  return d[x.length]![y.length]!;
}

/** The closest input of the type: a documented rename, a plural/singular form, or a near spelling. */
export function suggestion(type: string, prop: string, inputs: readonly string[]): string | undefined {
  const moved = movedInV7[type]?.[prop];
  if (moved) return moved;
  const singular = prop.replace(/s$/, "");
  if (singular !== prop && inputs.includes(singular)) return singular;
  if (inputs.includes(`${prop}s`)) return `${prop}s`;
  let best: { name: string; d: number } | undefined;
  for (const name of inputs) {
    const d = distance(prop, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(prop.length / 4)) ? best.name : undefined;
}

export interface InputProblem {
  urn: string;
  type: string;
  name: string;
  property: string;
  message: string;
}

/** Problems with one custom resource's inputs; none for types the schema does not know. */
export function checkInputs(r: { urn: string; type: string; name: string; inputs: Record<string, unknown> }): InputProblem[] {
  const s = load();
  const token = s.types[r.type] ? r.type : s.aliases[r.type];
  const props = token ? s.types[token] : undefined;
  if (!props) return [];
  const known = new Set(props.in);
  const problems: InputProblem[] = [];
  for (const property of Object.keys(r.inputs)) {
    if (known.has(property) || property.startsWith("__")) continue;
    const instead = suggestion(token!, property, props.in);
    problems.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      property,
      message:
        `${r.type} '${r.name}': @pulumi/aws ${s.version} has no input '${property}'` +
        (instead ? (instead.startsWith("(") ? ` ${instead}` : `; use '${instead}'`) : "") +
        " (a type-checked program fails on it; without type-checking @pulumi/aws drops it silently)",
    });
  }
  return problems;
}

const wrapped = new WeakSet<object>();

let reportProblem: ((p: InputProblem) => void) | undefined;

/**
 * A generated @pulumi/aws class copies only the inputs it knows into its registration, so an input
 * v7 no longer takes (a JavaScript program, or TypeScript run without type-checking) would vanish
 * silently. Each resource class the program loads is wrapped (a Proxy whose construct trap reads
 * the arguments first), and its unknown inputs reported. Resources read by id (`get`) are skipped.
 * The hook is installed once; a worker that plans several stacks passes each stack's `onProblem`.
 */
export function reportUnknownAwsInputs(onProblem: (p: InputProblem) => void): void {
  const installed = reportProblem !== undefined;
  reportProblem = onProblem;
  if (installed) return;
  const Module = require("node:module") as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const originalLoad = Module._load;
  const wrap = (exported: Record<string, unknown>) => {
    for (const key of Object.keys(exported)) {
      const desc = Object.getOwnPropertyDescriptor(exported, key);
      const cls = desc && "value" in desc ? desc.value : undefined;
      if (typeof cls !== "function" || wrapped.has(cls) || !desc!.writable) continue;
      const type = (cls as { __pulumiType?: unknown }).__pulumiType;
      if (typeof type !== "string" || !type.startsWith("aws:")) continue;
      const proxy: object = new Proxy(cls, {
        construct(target, argList, newTarget): object {
          const [name, args, opts] = argList as [string, Record<string, unknown> | undefined, { id?: unknown; urn?: unknown } | undefined];
          if (args && typeof args === "object" && opts?.id === undefined && opts?.urn === undefined) {
            for (const p of checkInputs({ urn: "", type, name: String(name), inputs: args })) reportProblem?.(p);
          }
          return Reflect.construct(target, argList, newTarget === proxy ? target : newTarget);
        },
      });
      wrapped.add(proxy);
      exported[key] = proxy;
    }
  };
  Module._load = function (request: string, parent: unknown, isMain: boolean) {
    const exported = originalLoad.call(this, request, parent, isMain);
    const from = (parent as { filename?: string } | undefined)?.filename ?? "";
    if (exported && typeof exported === "object" && from.includes(`${path.sep}@pulumi${path.sep}aws${path.sep}`)) wrap(exported as Record<string, unknown>);
    return exported;
  };
}
