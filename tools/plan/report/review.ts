/**
 * What `npm run plan` adds for reviewers, after the stacks are planned: each stack's cost
 * estimate, with `--base <ref>` the change report against that ref, and with `--report <dir>` the
 * Markdown/HTML reports. Kept apart from `cli.ts`, which only calls `startBase` and `review`.
 */
import * as path from "node:path";
import { BasePlanResult, planBase } from "../base";
import { CostEstimate, estimateCost } from "../cost/estimate";
import { diffPlans, PlanLike, StackChanges } from "../diff";
import { loadStackConfig, readProject } from "../project";
import type { StackPlan } from "../types";
import { StackReport, writeReports } from "./render";

/** The stack's region as the program will see it (`aws:region`), us-east-1 when unset. */
export function stackRegion(repoRoot: string, plan: Pick<StackPlan, "dir" | "stack">): string {
  try {
    const cfg = loadStackConfig(readProject(path.resolve(repoRoot, plan.dir)), plan.stack).config;
    return String(cfg["aws:region"] ?? process.env.AWS_REGION ?? "us-east-1");
  } catch {
    return process.env.AWS_REGION ?? "us-east-1";
  }
}

export function costOf(repoRoot: string, plan: StackPlan): CostEstimate | undefined {
  if (plan.status === "error") return undefined;
  return estimateCost(plan.resources, stackRegion(repoRoot, plan));
}

/** The plan arguments to plan the base with: paths made absolute, outputs and base flags dropped. */
export function baseArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (["--json", "--report", "--base"].includes(a)) {
      i++;
      continue;
    }
    if (a === "--no-tree") continue;
    if (["--policy-pack", "--policy-pack-config"].includes(a) && argv[i + 1]) {
      out.push(a, path.resolve(argv[++i]!));
      continue;
    }
    if (a === "--stack-outputs" && argv[i + 1]) {
      const v = argv[++i]!;
      const eq = v.indexOf("=");
      out.push(a, eq < 0 ? v : `${v.slice(0, eq)}=${path.resolve(v.slice(eq + 1))}`);
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Start planning the base ref (in parallel with the working tree's plan). */
export function startBase(repoRoot: string, ref: string, argv: string[], projectDir?: string): Promise<BasePlanResult | Error> {
  return planBase(repoRoot, ref, baseArgs(argv), projectDir).catch((e: Error) => e);
}

export interface Reviewed {
  reports: StackReport[];
  /** What each stack's JSON document gains: `cost`, and `changes` with `--base`. */
  extras: Record<string, unknown>[];
  written: string[];
  /** Stacks at the base the working tree no longer has. */
  removedStacks: { name: string; resources: number }[];
  /** A failure planning the base (the change report is then missing; not fatal to the plan). */
  baseError?: string;
}

export async function review(repoRoot: string, plans: StackPlan[], opts: { base?: Promise<BasePlanResult | Error>; baseRef?: string; report?: string }): Promise<Reviewed> {
  const base = opts.base ? await opts.base : undefined;
  const baseError = base instanceof Error ? base.message : undefined;
  const reports: StackReport[] = plans.map((plan) => {
    const cost = costOf(repoRoot, plan);
    let changes: StackChanges | undefined;
    if (base && !(base instanceof Error)) {
      const b = base.plans.find((x) => x.project === plan.project && x.stack === plan.stack) as (PlanLike & { error?: string }) | undefined;
      const head: PlanLike = { ...plan, ...(cost ? { cost } : {}) };
      const failedBase = b && b.status === "error" ? (b.error ?? "failed").split("\n")[0] : undefined;
      changes = diffPlans(failedBase ? undefined : b, head, { ref: base.ref, commit: base.commit }, failedBase);
    }
    return { plan, ...(cost ? { cost } : {}), ...(changes ? { changes } : {}) };
  });
  const extras = reports.map((r) => ({
    ...(r.cost ? { cost: { monthlyUsd: r.cost.monthlyUsd, currency: r.cost.currency, priceDate: r.cost.priceDate, region: r.cost.region, items: r.cost.items, unpriced: r.cost.unpriced } } : {}),
    ...(r.changes ? { changes: r.changes } : {}),
  }));
  // Stacks planned at the base that the working tree no longer has (a project or stack file removed).
  const removedStacks =
    base && !(base instanceof Error)
      ? base.plans.filter((b) => !plans.some((p) => p.project === b.project && p.stack === b.stack)).map((b) => ({ name: `${b.project}/${b.stack}`, resources: Array.isArray(b.resources) ? b.resources.length : 0 }))
      : [];
  const written = opts.report ? writeReports(opts.report, reports, { ...(opts.baseRef ? { base: opts.baseRef } : {}), removedStacks }) : [];
  return { reports, extras, written, removedStacks, ...(baseError ? { baseError } : {}) };
}
