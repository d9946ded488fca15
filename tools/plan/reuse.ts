/**
 * A plan worker plans several stacks, one after another, instead of one process per stack: each
 * new process paid about 0.9 s of CPU to load `@pulumi/pulumi`, `@pulumi/aws`, awsx and the pack
 * again, and started with a cold JIT (measured in `npm run bench`, "worker reuse").
 *
 * The Pulumi runtime's per-run state lives in a store that `withLocalStorage` makes fresh for each
 * run (how the Automation API runs several inline programs in one process), so what remains is
 * what the program itself left in the process. A `JobScope` is opened before a stack and closed
 * after it: closing undoes the working directory, environment variables, exit code and process
 * listeners, and unloads every module the program loaded except the repository's dependencies
 * (`@pulumi/aws` and the rest stay loaded, which is the point). What cannot be undone makes the
 * worker retire after the stack, and the next stack gets a fresh process, as before:
 *  - an ES module was imported (Node cannot unload one; counted by `esm-count.mjs`);
 *  - timers, sockets or other handles the program left open;
 *  - globals the program defined (a dependency's globals stay, as its modules do);
 *  - a stack that failed or timed out (its program may still be running);
 *  - a program that uses its own copy of `@pulumi/pulumi`.
 */
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as url from "node:url";

let esmImports: Int32Array | undefined;
/** The repository's node_modules (real path, with a trailing separator): modules under it stay loaded. */
let dependencyPrefix: string | undefined;
/** Globals defined while a dependency's module was compiled: shared like the module itself. */
const dependencyGlobals = new Set<string>();

/**
 * Start watching what stacks leave behind; call once, before any program is loaded, with the
 * repository's node_modules: counts ES module imports, and notes the globals its modules define.
 */
export function watchForReuse(dependencies: string): void {
  if (esmImports) return;
  esmImports = new Int32Array(new SharedArrayBuffer(4));
  (Module as unknown as { register: (specifier: string, options: object) => void }).register(url.pathToFileURL(path.join(__dirname, "esm-count.mjs")).href, {
    data: { counter: esmImports.buffer },
  });
  const prefix = (dependencyPrefix = realDir(dependencies) + path.sep);
  const proto = Module.prototype as unknown as { _compile: (content: string, filename: string) => unknown };
  const compile = proto._compile;
  proto._compile = function compileNotingGlobals(this: unknown, content: string, filename: string) {
    if (!filename.startsWith(prefix)) return compile.call(this, content, filename);
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    try {
      return compile.call(this, content, filename);
    } finally {
      for (const g of Object.getOwnPropertyNames(globalThis)) if (!before.has(g)) dependencyGlobals.add(g);
    }
  };
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Whether `file` is one of the repository's dependencies (what `watchForReuse` was given). */
export function isDependency(file: string): boolean {
  return dependencyPrefix !== undefined && realDir(file).startsWith(dependencyPrefix);
}

/** Globals the Pulumi SDK itself defines (runtime/state.js), which are per-run or shared on purpose. */
const sdkGlobals = new Set(["asyncLocalStorage", "globalStore", "stackResource"]);

function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const h of process.getActiveResourcesInfo()) counts.set(h, (counts.get(h) ?? 0) + 1);
  return counts;
}

export class JobScope {
  private readonly cwd = process.cwd();
  private readonly env = { ...process.env };
  private readonly exitCode = process.exitCode;
  private readonly listeners = new Map<string | symbol, unknown[]>(process.eventNames().map((e) => [e, process.listeners(e as never)]));
  private readonly globals = new Set(Object.getOwnPropertyNames(globalThis));
  private readonly handles = handleCounts();
  private readonly esmAtStart = esmImports ? Atomics.load(esmImports, 0) : 0;
  private modules: Set<string> | undefined;

  /** Call just before the program loads: the modules loaded from here on are the program's. */
  programStarts(): void {
    this.modules = new Set(Object.keys(require.cache));
  }

  /**
   * Undo what the stack changed in the process. Returns why this process cannot plan another
   * stack; empty when it can. The repository's dependencies (`watchForReuse`) stay loaded.
   */
  close(): string[] {
    const reasons: string[] = [];
    if (!esmImports) reasons.push("this process does not watch for reuse (watchForReuse)");
    else if (Atomics.load(esmImports, 0) !== this.esmAtStart) reasons.push("the program imported an ES module, which cannot be unloaded");
    const now = handleCounts();
    const opened = [...now].filter(([h, n]) => n > (this.handles.get(h) ?? 0)).map(([h]) => h);
    if (opened.length > 0) reasons.push(`the program left handles open: ${opened.join(", ")}`);
    const defined = Object.getOwnPropertyNames(globalThis).filter((g) => !this.globals.has(g) && !sdkGlobals.has(g) && !dependencyGlobals.has(g));
    if (defined.length > 0) reasons.push(`the program defined globals: ${defined.join(", ")}`);

    for (const event of process.eventNames()) {
      const before = this.listeners.get(event) ?? [];
      for (const l of process.listeners(event as never) as unknown[]) if (!before.includes(l)) process.removeListener(event as never, l as never);
    }
    for (const k of Object.keys(process.env)) if (!(k in this.env)) delete process.env[k];
    for (const [k, v] of Object.entries(this.env)) if (process.env[k] !== v) process.env[k] = v;
    process.exitCode = this.exitCode;
    try {
      process.chdir(this.cwd);
    } catch {
      reasons.push(`the working directory ${this.cwd} is gone`);
    }
    if (this.modules) {
      // Module ids are real paths already.
      for (const id of Object.keys(require.cache)) {
        if (!this.modules.has(id) && !(dependencyPrefix && id.startsWith(dependencyPrefix))) delete require.cache[id];
      }
    }
    return reasons;
  }
}
