/**
 * `--base <git-ref>`: plan the same stacks as they are at another commit.
 *
 * The ref is checked out into a temporary `git worktree` (detached; the user's checkout is not
 * touched), the repository's `node_modules` is linked into it, and this working tree's plan CLI
 * plans it (`PLAN_REPO_ROOT` points the CLI at the worktree), so both sides are planned by the
 * same tool and differ only by the programs, components, config and policy pack at each commit.
 * The worktree is removed afterwards, also when the plan fails. A `--project` in another git
 * repository is compared with that repository's ref (this repository's pack and tools plan it).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface BasePlanResult {
  ref: string;
  commit: string;
  /** The base plan's JSON documents (the offline plan's contract), one per stack planned. */
  plans: Record<string, any>[];
  /** Why a requested project could not be planned at the base (e.g. it did not exist). */
  missingProjects: string[];
}

function git(cwd: string, args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

function gitRootOf(dir: string): string | undefined {
  const r = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The commit a ref names, or an error that says what was given. */
export function resolveRef(repoRoot: string, ref: string): string {
  try {
    return git(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base '${ref}': not a commit in this repository (try a branch, tag or SHA; in CI, fetch it first: git fetch origin <ref>)`);
  }
}

/**
 * Plan `ref` with the given plan arguments (without `--json`, `--report`, `--base`). Project
 * directories in `args` are mapped from the working tree to the worktree.
 */
export async function planBase(repoRoot: string, ref: string, args: string[], projectDir?: string): Promise<BasePlanResult> {
  // The repository the ref belongs to: this one, or the one holding a --project from elsewhere.
  const gitRoot = gitRootOf(projectDir ? path.resolve(projectDir) : repoRoot) ?? repoRoot;
  const own = path.resolve(gitRoot) === path.resolve(repoRoot);
  const commit = resolveRef(gitRoot, ref);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-"));
  const tree = path.join(tmp, "tree");
  git(gitRoot, ["worktree", "add", "--detach", "--quiet", tree, commit]);
  try {
    if (!fs.existsSync(path.join(tree, "node_modules"))) fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(tree, "node_modules"), "dir");
    const missingProjects: string[] = [];
    const mapped = [...args];
    if (projectDir) {
      const rel = path.relative(gitRoot, path.resolve(projectDir));
      const inside = !rel.startsWith("..") && !path.isAbsolute(rel);
      const baseDir = inside ? path.join(tree, rel) : path.resolve(projectDir);
      if (inside && !fs.existsSync(path.join(baseDir, "Pulumi.yaml"))) missingProjects.push(rel || ".");
      const i = mapped.indexOf("--project");
      if (i >= 0) mapped[i + 1] = baseDir;
      if (missingProjects.length > 0) return { ref, commit, plans: [], missingProjects };
    }
    const json = path.join(tmp, "base.json");
    const cli = path.join(__dirname, "cli.ts");
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ["--require", require.resolve("esbuild-register"), cli, ...mapped, "--no-tree", "--json", json], {
        cwd: tree,
        env: { ...process.env, ...(own ? { PLAN_REPO_ROOT: tree } : {}), NO_COLOR: "1", BLUEPRINTS_BUNDLE_CACHE: process.env.BLUEPRINTS_BUNDLE_CACHE ?? path.join(repoRoot, ".plan", "cache", "bundles") },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.on("error", reject);
      child.on("exit", (c) => (c !== null && c <= 2 && fs.existsSync(json) ? resolve(c) : reject(new Error(`planning ${ref} failed (exit ${c}):\n${err.trim()}`))));
    });
    void code;
    const doc = JSON.parse(fs.readFileSync(json, "utf8"));
    return { ref, commit, plans: Array.isArray(doc) ? doc : [doc], missingProjects };
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", tree], { cwd: gitRoot });
    fs.rmSync(tmp, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: gitRoot });
  }
}
