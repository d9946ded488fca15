/** Human-readable output of the offline plan: a tree like `pulumi preview`'s, violations, summaries. */
import type { PlannedResource, StackPlan, Violation } from "./types";

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
export const red = paint(31);
export const yellow = paint(33);
export const green = paint(32);
export const dim = paint(2);
export const bold = paint(1);

function flags(r: PlannedResource): string {
  const f: string[] = [];
  if (r.protect) f.push("protect");
  if (r.retainOnDelete) f.push("retain");
  return f.length > 0 ? ` [${f.join(", ")}]` : "";
}

/** The resource tree, nested by parent, as `pulumi preview` prints it. */
export function renderTree(plan: StackPlan): string {
  const children = new Map<string, PlannedResource[]>();
  const urns = new Set(plan.resources.map((r) => r.urn));
  const roots: PlannedResource[] = [];
  for (const r of plan.resources) {
    if (r.parent && urns.has(r.parent)) {
      const list = children.get(r.parent) ?? [];
      list.push(r);
      children.set(r.parent, list);
    } else roots.push(r);
  }
  const rows: [string, string, string][] = [];
  const walk = (r: PlannedResource, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? "" : `${prefix}${last ? "└─ " : "├─ "}`;
    rows.push([`${branch}${r.type}`, `${r.name}${flags(r)}`, r.type === "pulumi:pulumi:StackReference" ? "read" : "create"]);
    const kids = children.get(r.urn) ?? [];
    const nextPrefix = depth === 0 ? "" : `${prefix}${last ? "   " : "│  "}`;
    kids.forEach((k, i) => walk(k, nextPrefix, i === kids.length - 1, depth + 1));
  };
  roots.forEach((r, i) => walk(r, "", i === roots.length - 1, 0));
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(4, ...rows.map((r) => r[1].length));
  const lines = [dim(`     ${"Type".padEnd(w0)}  ${"Name".padEnd(w1)}  Plan`)];
  for (const [t, n, p] of rows) lines.push(`${p === "read" ? " >" : green(" +")}   ${t.padEnd(w0)}  ${n.padEnd(w1)}  ${p}`);
  return lines.join("\n");
}

/** Resource counts per type, largest first. */
export function renderCounts(plan: StackPlan): string {
  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const creates = plan.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference").length;
  return [
    `Resources:`,
    `    ${green(`+ ${creates} to create`)}`,
    ...sorted.map(([t, n]) => `      ${String(n).padStart(4)}  ${t}`),
  ].join("\n");
}

function resourceLabel(plan: StackPlan, urn: string | undefined): string {
  if (!urn) return "(stack)";
  const r = plan.resources.find((x) => x.urn === urn);
  return r ? `${r.name} (${r.type})` : urn;
}

/** Violations grouped by policy, mandatory first. */
export function renderViolations(plan: StackPlan): string {
  if (plan.violations.length === 0) return plan.policyPack ? green(`Policies: ${plan.policyPack.name}@v${plan.policyPack.version}: no violations`) : "";
  const groups = new Map<string, Violation[]>();
  for (const v of plan.violations) {
    const key = `${v.policyPack}/${v.policy}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const rank = (l: string) => (l === "mandatory" ? 0 : l === "advisory" ? 1 : 2);
  const sorted = [...groups.values()].sort((a, b) => rank(a[0]!.enforcementLevel) - rank(b[0]!.enforcementLevel) || a[0]!.policy.localeCompare(b[0]!.policy));
  const lines = [bold("Policy violations:")];
  for (const vs of sorted) {
    const v0 = vs[0]!;
    const level = v0.enforcementLevel === "mandatory" ? red(`[${v0.enforcementLevel}]`) : yellow(`[${v0.enforcementLevel}]`);
    lines.push(`    ${level} ${v0.policyPack} ${bold(v0.policy)}${v0.severity ? ` (${v0.severity})` : ""}: ${vs.length} resource${vs.length === 1 ? "" : "s"}`);
    for (const v of vs) {
      const [first, ...rest] = v.message.split("\n").filter((l) => l.trim().length > 0);
      const detail = rest.length > 0 ? rest.join(" ") : first;
      lines.push(`        ${resourceLabel(plan, v.urn)}: ${detail}`);
    }
  }
  return lines.join("\n");
}

export function counts(plan: StackPlan): { mandatory: number; advisory: number } {
  return {
    mandatory: plan.violations.filter((v) => v.enforcementLevel === "mandatory").length,
    advisory: plan.violations.filter((v) => v.enforcementLevel !== "mandatory").length,
  };
}

/** One line per stack. */
export function renderSummaryLine(plan: StackPlan, width = 28): string {
  const name = `${plan.project}/${plan.stack}`.padEnd(width);
  const secs = `${(plan.timings.totalMs / 1000).toFixed(1)} s`;
  if (plan.status === "error") return `${red("FAIL")}  ${name}  ${red("program or config failed")}  ${secs}`;
  const c = counts(plan);
  const status = c.mandatory > 0 ? red("DENY") : (plan.unevaluated?.length ?? 0) > 0 ? yellow("PART") : green("ok  ");
  const exempt = plan.exemptions.length > 0 ? `, ${plan.exemptions.length} exempted` : "";
  const pack = plan.policyPack ? `${c.mandatory} mandatory, ${c.advisory} advisory${exempt}` : "no policy pack";
  return `${status}  ${name}  ${String(plan.resources.length).padStart(4)} resources  ${pack}  ${secs}`;
}

/** The full report of one stack. */
export function renderStack(plan: StackPlan, opts: { tree: boolean }): string {
  const parts = [bold(`=== ${plan.project}/${plan.stack} (${plan.dir}) ===`)];
  if (plan.status === "error") {
    parts.push(red(`error: ${plan.error}`));
  } else {
    if (opts.tree) parts.push(renderTree(plan));
    parts.push(renderCounts(plan));
    const v = renderViolations(plan);
    if (v) parts.push(v);
    if (plan.exemptions.length > 0) {
      parts.push([bold(`Exemptions (${plan.exemptions.length}):`), ...plan.exemptions.map((e) => `    ${e.message.replace(/^EXEMPTED /, "")}`)].join("\n"));
    }
    if (plan.unevaluated?.length) {
      parts.push(
        [
          yellow(`Not evaluated (${plan.unevaluated.length}): the verdict is partial`),
          ...plan.unevaluated.map((u) => `    ${u.type} ${u.urn.split("::").pop()}: ${u.reason}`),
        ].join("\n"),
      );
    }
    const outputNames = Object.keys(plan.outputs);
    if (outputNames.length > 0) parts.push(`Outputs: ${outputNames.join(", ")}`);
  }
  for (const n of plan.notes) parts.push(dim(`note: ${n}`));
  parts.push(renderSummaryLine(plan));
  return parts.join("\n\n");
}
