/**
 * `--report <dir>`: per planned stack `<project>.<stack>.md` (summary, findings, cost, the Mermaid
 * diagram and, with `--base`, the change report) and `<project>.<stack>.html` (the same, with the
 * diagram drawn by the bundled `mermaid` package, a compliance matrix and the cost table), plus
 * `summary.md` for all stacks (what the pull-request workflow posts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { CostEstimate } from "../cost/estimate";
import { formatUsd, loadPrices } from "../cost/estimate";
import type { StackChanges } from "../diff";
import type { StackPlan } from "../types";
import { byUrn, topComponentOf } from "./components";
import { buildDiagram, Diagram } from "./diagram";

export interface StackReport {
  plan: StackPlan;
  cost?: CostEstimate;
  changes?: StackChanges;
}

/** The marker the pull-request workflow finds its own comment by. */
export const commentMarker = "<!-- aws-blueprints-offline-plan -->";

const cell = (s: string) => s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const signed = (x: number) => `${x >= 0 ? "+" : "-"}${formatUsd(Math.abs(x))}`;

export function fileBase(plan: Pick<StackPlan, "project" | "stack">): string {
  return `${plan.project}.${plan.stack}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

function statusOf(plan: StackPlan): "FAIL" | "DENY" | "ok" {
  if (plan.status === "error") return "FAIL";
  return plan.violations.some((v) => v.enforcementLevel === "mandatory") ? "DENY" : "ok";
}

function label(plan: StackPlan, urn: string | undefined | null): string {
  if (!urn) return "(stack)";
  const r = plan.resources.find((x) => x.urn === urn);
  if (r) return `${r.name} (${r.type})`;
  const parts = urn.split("::");
  return `${parts[parts.length - 1]} (${parts[parts.length - 2]?.split("$").pop()})`;
}

function firstDetail(message: string): string {
  const lines = message.split("\n").filter((l) => l.trim());
  return (lines.length > 1 ? lines.slice(1).join(" ") : lines[0] ?? "").slice(0, 400);
}

function changeCounts(c: StackChanges): string {
  return `${c.added.length} to add, ${c.changed.length} to change, ${c.replaced.length} to replace, ${c.removed.length} to delete`;
}

/** The change report of one stack, as Markdown. */
export function changesMarkdown(plan: StackPlan, c: StackChanges, limit = 60): string {
  const out = [`## Changes vs ${code(c.base.ref)} (${c.base.commit.slice(0, 7)})`, ""];
  if (c.baseStatus === "missing") out.push(`The stack does not exist at ${code(c.base.ref)}: everything is new.`, "");
  if (c.baseStatus === "error") out.push(`The base failed to plan: ${cell(c.baseError ?? "")}`, "");
  out.push(`**${changeCounts(c)}**, ${c.unchanged} unchanged${c.cost ? `; cost ${formatUsd(c.cost.baseMonthlyUsd)} -> ${formatUsd(c.cost.monthlyUsd)} a month (${signed(c.cost.deltaUsd)})` : ""}.`, "");
  const rows: string[] = [];
  const add = (op: string, list: StackChanges["added"]) => {
    for (const r of list) rows.push(`| ${op} | ${cell(r.name)} | ${code(r.type)} | ${cell(r.keys.slice(0, 8).join(", "))}${r.keys.length > 8 ? ", ..." : ""} |`);
  };
  add("+-  replace", c.replaced);
  add("-  delete", c.removed);
  add("~  update", c.changed);
  add("+  create", c.added);
  if (rows.length > 0) {
    out.push("| op | resource | type | inputs that differ |", "|---|---|---|---|", ...rows.slice(0, limit));
    if (rows.length > limit) out.push(`| | ... ${rows.length - limit} more | | |`);
    out.push("");
  }
  if (c.findings.new.length > 0 || c.findings.fixed.length > 0) {
    out.push(`Policy findings: ${c.findings.new.length} new, ${c.findings.fixed.length} fixed.`, "");
    for (const v of c.findings.new) out.push(`- new [${v.enforcementLevel}] ${code(v.policy)} ${cell(label(plan, v.urn))}: ${cell(firstDetail(v.message))}`);
    for (const v of c.findings.fixed) out.push(`- fixed ${code(v.policy)} ${cell(v.urn?.split("::").pop() ?? "(stack)")}`);
    out.push("");
  }
  const o = c.outputs;
  if (o.added.length + o.removed.length + o.changed.length > 0) {
    out.push(`Outputs: ${[...o.added.map((k) => `+${k}`), ...o.changed.map((k) => `~${k}`), ...o.removed.map((k) => `-${k}`)].join(", ")}`, "");
  }
  return out.join("\n");
}

function findingsMarkdown(plan: StackPlan): string {
  const out = ["## Policy findings", ""];
  if (!plan.policyPack) return [...out, "No policy pack.", ""].join("\n");
  if (plan.violations.length === 0) out.push(`${plan.policyPack.name}@v${plan.policyPack.version}: no violations.`, "");
  else {
    const rank = (l: string) => (l === "mandatory" ? 0 : 1);
    const sorted = [...plan.violations].sort((a, b) => rank(a.enforcementLevel) - rank(b.enforcementLevel) || a.policy.localeCompare(b.policy));
    out.push("| level | policy | resource | finding |", "|---|---|---|---|");
    for (const v of sorted) out.push(`| ${v.enforcementLevel} | ${code(v.policy)} | ${cell(label(plan, v.urn))} | ${cell(firstDetail(v.message))} |`);
    out.push("");
  }
  if (plan.exemptions.length > 0) {
    out.push(`Exempted: ${plan.exemptions.length}`, "");
    for (const e of plan.exemptions) out.push(`- ${cell(e.message.replace(/^EXEMPTED /, ""))}`);
    out.push("");
  }
  return out.join("\n");
}

function costMarkdown(cost: CostEstimate, top = 10): string {
  const prices = loadPrices();
  const out = [
    "## Cost (monthly, list prices)",
    "",
    `**${formatUsd(cost.monthlyUsd)} a month** in ${cost.region} at idle (prices of ${cost.priceDate}; ${prices.source.split(".")[0]}).`,
    "Usage-based services are counted at an idle baseline; their unit rates are listed to scale them to real traffic.",
    "",
    "| resource | type | $/month | basis |",
    "|---|---|---:|---|",
  ];
  for (const i of cost.items.filter((x) => x.monthlyUsd > 0).slice(0, top)) out.push(`| ${cell(i.name)} | ${code(i.type)} | ${formatUsd(i.monthlyUsd)} | ${cell(i.basis)} |`);
  const rest = cost.items.filter((x) => x.monthlyUsd > 0).slice(top);
  if (rest.length > 0) out.push(`| ${rest.length} more | | ${formatUsd(rest.reduce((s, i) => s + i.monthlyUsd, 0))} | |`);
  out.push("");
  const rates = new Map<string, number>();
  for (const i of cost.items) for (const r of i.usageRates) rates.set(r, (rates.get(r) ?? 0) + 1);
  if (rates.size > 0) {
    out.push("<details><summary>Usage rates (charged on top of the idle figure)</summary>", "");
    for (const [r, n] of [...rates.entries()].sort()) out.push(`- ${cell(r)}: ${n} resource${n > 1 ? "s" : ""}`);
    out.push("", "</details>", "");
  }
  if (cost.unpriced.length > 0) out.push(`Not priced (no rule in the price table): ${cost.unpriced.map(code).join(", ")}`, "");
  for (const n of cost.notes) out.push(`Note: ${cell(n)}`, "");
  return out.join("\n");
}

function headline(r: StackReport): string {
  const p = r.plan;
  if (p.status === "error") return `**FAIL**: ${cell(p.error?.split("\n")[0] ?? "")}`;
  const m = p.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const a = p.violations.length - m;
  return `**${statusOf(p)}** · ${p.resources.length} resources · ${m} mandatory, ${a} advisory, ${p.exemptions.length} exempted${r.cost ? ` · ${formatUsd(r.cost.monthlyUsd)} a month` : ""}`;
}

/** The Markdown report of one stack. */
export function stackMarkdown(r: StackReport, diagram: Diagram = buildDiagram(r.plan.resources)): string {
  const p = r.plan;
  const parts = [`# ${p.project}/${p.stack}`, "", headline(r), ""];
  if (r.changes) parts.push(changesMarkdown(p, r.changes));
  if (p.status !== "error") {
    parts.push(findingsMarkdown(p));
    if (r.cost) parts.push(costMarkdown(r.cost));
    parts.push("## Architecture", "", `${diagram.nodes.length} components and service groups, ${diagram.edges.length} data flows (an arrow: a resource took an input from another).`, "", "```mermaid", diagram.mermaid, "```", "");
  }
  return parts.join("\n");
}

/** `summary.md`: every stack in one table, then each stack's change report in a collapsed section. */
export function summaryMarkdown(reports: StackReport[], opts: { base?: string; maxChars?: number; removedStacks?: { name: string; resources: number }[] } = {}): string {
  const withBase = reports.some((r) => r.changes);
  const out = [commentMarker, "## Offline plan", ""];
  if (opts.base) out.push(`Compared with ${code(opts.base)}.`, "");
  const head = ["stack", "status", "resources", "findings (mandatory/advisory)", "$/month"];
  if (withBase) head.push("changes (+ ~ +- -)", "cost change", "findings new/fixed");
  out.push(`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`);
  for (const r of reports) {
    const p = r.plan;
    const m = p.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const row = [`${p.project}/${p.stack}`, statusOf(p), String(p.resources.length), `${m}/${p.violations.length - m}`, r.cost ? formatUsd(r.cost.monthlyUsd) : "-"];
    if (withBase) {
      const c = r.changes;
      row.push(c ? `+${c.added.length} ~${c.changed.length} +-${c.replaced.length} -${c.removed.length}` : "-", c?.cost ? signed(c.cost.deltaUsd) : "-", c ? `${c.findings.new.length}/${c.findings.fixed.length}` : "-");
    }
    out.push(`| ${row.map(cell).join(" | ")} |`);
  }
  out.push("");
  for (const r of opts.removedStacks ?? []) out.push(`**${cell(r.name)}** exists at the base and not here: its ${r.resources} resources would be deleted with the stack.`, "");
  const failed = reports.filter((r) => r.plan.status === "error");
  for (const r of failed) out.push(`**${r.plan.project}/${r.plan.stack} failed**: ${cell(r.plan.error?.split("\n")[0] ?? "")}`, "");
  const prices = loadPrices();
  out.push(`Costs: list prices of ${prices.priceDate} at an idle baseline (\`tools/plan/cost/prices.json\`).`, "");
  let text = out.join("\n");
  const max = opts.maxChars ?? 60000;
  for (const r of reports) {
    const c = r.changes;
    if (!c || c.added.length + c.changed.length + c.replaced.length + c.removed.length + c.findings.new.length + c.findings.fixed.length === 0) continue;
    const section = [`<details><summary>${r.plan.project}/${r.plan.stack}: ${changeCounts(c)}</summary>`, "", changesMarkdown(r.plan, c, 40).replace(/^## .*\n/, ""), "</details>", ""].join("\n");
    if (text.length + section.length > max) {
      text += `\n(more changes in the full reports: the job's artifact)\n`;
      break;
    }
    text += `\n${section}`;
  }
  return text;
}

let mermaidPayload: string | undefined;
/** mermaid's browser bundle, gzipped and base64-encoded (about 1.3 MB instead of 3.6 MB). */
function mermaidBundle(): string {
  if (!mermaidPayload) {
    const file = require.resolve("mermaid/dist/mermaid.min.js");
    mermaidPayload = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).toString("base64");
  }
  return mermaidPayload;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export type CellState = "pass" | "fail" | "exempt" | "undecidable";

/** The compliance matrix: per resource type, its resources by the resource policies that ran on them. */
export function complianceMatrix(plan: StackPlan): { type: string; policies: string[]; rows: { urn: string; name: string; cells: Record<string, CellState> }[] }[] {
  const state = new Map<string, CellState>();
  const key = (policy: string, urn: string) => `${policy}\u0000${urn}`;
  for (const c of plan.checks ?? []) state.set(key(c.policy, c.urn), "pass");
  for (const v of plan.violations) {
    if (!v.urn) continue;
    const undecidable = (v as { unknown?: boolean }).unknown === true || v.message.startsWith("can't run policy");
    const k = key(v.policy, v.urn);
    const prev = state.get(k);
    if (undecidable) {
      if (prev !== "fail") state.set(k, "undecidable");
    } else state.set(k, "fail");
  }
  for (const e of plan.exemptions) if (e.urn && state.get(key(e.policy, e.urn)) !== "fail") state.set(key(e.policy, e.urn), "exempt");
  const byType = new Map<string, Map<string, Record<string, CellState>>>();
  const policiesOf = new Map<string, Set<string>>();
  const index = byUrn(plan.resources);
  for (const [k, s] of state) {
    const [policy, urn] = k.split("\u0000") as [string, string];
    const r = index.get(urn);
    if (!r) continue;
    const rows = byType.get(r.type) ?? new Map();
    const cells = rows.get(urn) ?? {};
    cells[policy] = s;
    rows.set(urn, cells);
    byType.set(r.type, rows);
    policiesOf.set(r.type, (policiesOf.get(r.type) ?? new Set()).add(policy));
  }
  return [...byType.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([type, rows]) => ({
      type,
      policies: [...policiesOf.get(type)!].sort(),
      rows: [...rows.entries()].map(([urn, cells]) => ({ urn, name: index.get(urn)!.name, cells })).sort((a, b) => a.name.localeCompare(b.name)),
    }));
}

/** The self-contained HTML report of one stack. */
export function stackHtml(r: StackReport, diagram: Diagram = buildDiagram(r.plan.resources)): string {
  const p = r.plan;
  const index = byUrn(p.resources);
  const sym: Record<CellState, string> = { pass: "✓", fail: "✗", exempt: "E", undecidable: "?" };
  const matrix = complianceMatrix(p);
  const matrixHtml = matrix
    .map((t) => {
      const head = t.policies.map((x) => `<th class="rot" title="${esc(x)}"><span>${esc(x)}</span></th>`).join("");
      const rows = t.rows
        .map((row) => {
          const comp = topComponentOf(index.get(row.urn)!, index);
          const cells = t.policies.map((x) => {
            const s = row.cells[x];
            return s ? `<td class="${s}" title="${esc(`${x}: ${s}`)}">${sym[s]}</td>` : `<td class="na"></td>`;
          });
          return `<tr data-urn="${esc(row.urn)}"><th>${esc(row.name)}${comp && comp.urn !== row.urn ? ` <small>${esc(comp.name)}</small>` : ""}</th>${cells.join("")}</tr>`;
        })
        .join("\n");
      return `<h3><code>${esc(t.type)}</code> (${t.rows.length})</h3><table class="matrix" data-type="${esc(t.type)}"><thead><tr><th></th>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    })
    .join("\n");
  const counts = { pass: 0, fail: 0, exempt: 0, undecidable: 0 };
  for (const t of matrix) for (const row of t.rows) for (const s of Object.values(row.cells)) counts[s]++;
  const findings = p.violations
    .map((v) => `<tr class="${v.enforcementLevel}"><td>${esc(v.enforcementLevel)}</td><td><code>${esc(v.policy)}</code></td><td>${esc(label(p, v.urn))}</td><td>${esc(firstDetail(v.message))}</td></tr>`)
    .join("\n");
  const costRows = (r.cost?.items ?? [])
    .filter((i) => i.monthlyUsd > 0 || i.usageRates.length > 0)
    .map((i) => `<tr><td>${esc(i.name)}</td><td><code>${esc(i.type)}</code></td><td>${esc(i.component ?? "")}</td><td class="num">${formatUsd(i.monthlyUsd)}</td><td>${esc(i.basis)}${i.usageRates.length ? `<br/><small>+ usage: ${esc(i.usageRates.join("; "))}</small>` : ""}</td></tr>`)
    .join("\n");
  const changes = r.changes ? `<section id="changes"><pre class="md">${esc(changesMarkdown(p, r.changes))}</pre></section>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`${p.project}/${p.stack}`)}: offline plan</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f23;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:14px;margin:18px 0 4px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
.num{text-align:right;white-space:nowrap}.mandatory td:first-child{color:#b00020;font-weight:600}.advisory td:first-child{color:#9a6700}
.matrix td{text-align:center;width:18px;padding:2px}.matrix th small{color:#666}
th.rot{height:150px;white-space:nowrap;vertical-align:bottom;padding:2px}th.rot span{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:400}
td.pass{background:#dafbe1;color:#116329}td.fail{background:#ffebe9;color:#b00020;font-weight:700}td.exempt{background:#ddf4ff;color:#0550ae}td.undecidable{background:#fff8c5;color:#7d4e00}
#diagram{overflow:auto;border:1px solid #ddd;padding:8px;background:#fff}pre.md{white-space:pre-wrap;background:#f6f8fa;padding:8px}
.legend span{display:inline-block;padding:0 6px;margin-right:6px}
</style></head>
<body data-diagram="pending">
<h1>${esc(`${p.project}/${p.stack}`)}</h1>
<p>${esc(headline(r).replace(/\*\*/g, ""))}</p>
${changes}
<section><h2>Architecture</h2><p>${diagram.nodes.length} components and service groups, ${diagram.edges.length} data flows (an arrow: a resource took an input from another).</p>
<div id="diagram"><pre class="mermaid">${esc(diagram.mermaid)}</pre></div></section>
<section id="cost"><h2>Cost: ${r.cost ? formatUsd(r.cost.monthlyUsd) : "-"} a month at idle</h2>
<p>List prices of ${esc(r.cost?.priceDate ?? "")} in ${esc(r.cost?.region ?? "")}; usage-based services at an idle baseline, their unit rates beside them.${r.cost?.unpriced.length ? ` Not priced: ${esc(r.cost.unpriced.join(", "))}.` : ""}</p>
<table id="cost-table"><thead><tr><th>resource</th><th>type</th><th>component</th><th>$/month</th><th>basis</th></tr></thead><tbody>
${costRows}
</tbody></table></section>
<section id="compliance"><h2>Compliance matrix</h2>
<p class="legend"><span class="pass">✓ pass ${counts.pass}</span><span class="fail">✗ fail ${counts.fail}</span><span class="exempt">E exempt ${counts.exempt}</span><span class="undecidable">? undecidable ${counts.undecidable}</span> (resource policies by resource; stack-level findings are in the list below)</p>
${matrixHtml}
<h3>Findings (${p.violations.length})</h3>
<table id="findings"><thead><tr><th>level</th><th>policy</th><th>resource</th><th>finding</th></tr></thead><tbody>
${findings}
</tbody></table></section>
<script type="application/octet-stream" id="mermaid-bundle">${mermaidBundle()}</script>
<script>
(async () => {
  try {
    const gz = Uint8Array.from(atob(document.getElementById("mermaid-bundle").textContent.trim()), (c) => c.charCodeAt(0));
    const src = await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    await new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = url;
      s.onload = resolve;
      s.onerror = () => reject(new Error("the bundled mermaid did not load"));
      document.head.appendChild(s);
    });
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", maxTextSize: 1000000, maxEdges: 5000, flowchart: { useMaxWidth: false } });
    await mermaid.run({ querySelector: "#diagram .mermaid" });
    document.body.dataset.diagram = document.querySelector("#diagram svg") ? "drawn" : "missing";
  } catch (e) {
    document.body.dataset.diagram = "error: " + (e && e.message ? e.message : e);
  }
})();
</script>
</body></html>
`;
}

/** Write every stack's Markdown and HTML report and `summary.md` into `dir`. */
export function writeReports(dir: string, reports: StackReport[], opts: { base?: string; removedStacks?: { name: string; resources: number }[] } = {}): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const r of reports) {
    const diagram = buildDiagram(r.plan.resources);
    const base = path.join(dir, fileBase(r.plan));
    fs.writeFileSync(`${base}.md`, stackMarkdown(r, diagram));
    fs.writeFileSync(`${base}.html`, stackHtml(r, diagram));
    written.push(`${base}.md`, `${base}.html`);
  }
  fs.writeFileSync(path.join(dir, "summary.md"), summaryMarkdown(reports, opts));
  written.push(path.join(dir, "summary.md"));
  return written;
}
