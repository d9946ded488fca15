/**
 * Which Pulumi projects and stacks a change touches, as a GitHub Actions matrix.
 *
 *   node --require esbuild-register tools/ci/affected.ts --base <git rev> [--stacks dev,prod]
 *   node --require esbuild-register tools/ci/affected.ts --all
 *
 * Prints one JSON object: { any, platform, workloads: { include: [...] }, all: { include: [...] } },
 * each entry `{ project, dir, stack }`. A change under components/, shared/, policy-packs/ or to the
 * package or TypeScript config touches every project; a change under projects/<p>/ touches <p>;
 * the root Pulumi*.yaml and projects/platform/ touch the platform. Tests and docs touch nothing.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { discoverProjects } from "../plan/project";

export interface Target {
  project: string;
  dir: string;
  stack: string;
}

const everything = [/^components\//, /^shared\//, /^policy-packs\//, /^package(-lock)?\.json$/, /^tsconfig\.json$/];

/** The project directories (relative, "." for the root) a list of changed paths touches. */
export function touchedDirs(changed: readonly string[], projectDirs: readonly string[]): Set<string> {
  const touched = new Set<string>();
  for (const file of changed) {
    if (everything.some((re) => re.test(file))) return new Set(projectDirs);
    if (/^Pulumi(\.[^/]+)?\.ya?ml$/.test(file) || file.startsWith("projects/platform/")) {
      if (projectDirs.includes(".")) touched.add(".");
      continue;
    }
    const dir = projectDirs.find((d) => d !== "." && (file === d || file.startsWith(`${d}/`)));
    if (dir) touched.add(dir);
  }
  return touched;
}

/** Matrix entries for the touched projects, platform separate so that it can run first. */
export function affected(root: string, changed: readonly string[] | "all", stacks?: readonly string[]) {
  const projects = discoverProjects(root).map((p) => ({ ...p, rel: path.relative(root, p.dir) || "." }));
  const dirs = changed === "all" ? new Set(projects.map((p) => p.rel)) : touchedDirs(changed, projects.map((p) => p.rel));
  const targets: Target[] = projects
    .filter((p) => dirs.has(p.rel))
    .flatMap((p) => p.stacks.filter((s) => !stacks || stacks.includes(s)).map((stack) => ({ project: p.name, dir: p.rel, stack })));
  const platform = targets.filter((t) => t.dir === ".");
  const workloads = targets.filter((t) => t.dir !== ".");
  return {
    any: targets.length > 0,
    platform: { include: platform },
    hasPlatform: platform.length > 0,
    workloads: { include: workloads },
    hasWorkloads: workloads.length > 0,
    all: { include: targets },
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const root = path.resolve(__dirname, "..", "..");
  const stacksArg = args.includes("--stacks") ? args[args.indexOf("--stacks") + 1]!.split(",") : undefined;
  let changed: string[] | "all" = "all";
  if (!args.includes("--all")) {
    const base = args.includes("--base") ? args[args.indexOf("--base") + 1] : undefined;
    if (!base) {
      console.error("usage: affected.ts --base <rev> | --all [--stacks dev,prod]");
      process.exit(2);
    }
    changed = execFileSync("git", ["diff", "--name-only", `${base}...HEAD`], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
  }
  console.log(JSON.stringify(affected(root, changed, stacksArg)));
}
