/**
 * Workers scheduled by expected size: the stacks that took longest last time start first (longest
 * processing time first), so that on few cores the run does not end with one big stack alone.
 * Expected times come from `.plan/cache/durations.json`, written after each run; a stack never
 * planned before counts as the longest (it may be big, and it is measured this time). Entries for
 * directories that no longer exist are dropped at each write.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export function durationsFile(repoRoot: string): string {
  return path.join(repoRoot, ".plan", "cache", "durations.json");
}

function read(repoRoot: string): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(durationsFile(repoRoot), "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

const keyOf = (repoRoot: string, dir: string, stack: string) => `${path.relative(repoRoot, path.resolve(dir)) || "."}#${stack}`;

/** The targets, longest expected first; ties keep their order (the platform first). */
export function bySize<T extends { dir: string; stack: string }>(repoRoot: string, targets: T[]): T[] {
  const known = read(repoRoot);
  const expected = (t: T) => known[keyOf(repoRoot, t.dir, t.stack)] ?? Number.POSITIVE_INFINITY;
  return targets.map((t, i) => ({ t, i })).sort((a, b) => expected(b.t) - expected(a.t) || a.i - b.i).map((x) => x.t);
}

/** Remember how long each stack took (merged with what was known). */
export function recordDurations(repoRoot: string, plans: { dir: string; stack: string; status: string; timings: { totalMs: number } }[]): void {
  const known = read(repoRoot);
  for (const p of plans) if (p.status === "ok") known[keyOf(repoRoot, path.resolve(repoRoot, p.dir), p.stack)] = p.timings.totalMs;
  // Projects that are gone (a test's temporary copy, a deleted project) are forgotten.
  for (const key of Object.keys(known)) if (!fs.existsSync(path.resolve(repoRoot, key.slice(0, key.lastIndexOf("#"))))) delete known[key];
  try {
    fs.mkdirSync(path.dirname(durationsFile(repoRoot)), { recursive: true });
    fs.writeFileSync(durationsFile(repoRoot), `${JSON.stringify(known, null, 2)}\n`);
  } catch {
    // only scheduling gets worse
  }
}
