/**
 * Source maps for the programs, not for their dependencies (required before esbuild-register).
 *
 * esbuild-register turns Node's source-map support on, so that an error in a program points at its
 * TypeScript line. Node then reads and parses the `.js.map` file of every module that names one,
 * at load: @pulumi/aws, @pulumi/pulumi and awsx ship a map beside each of their files. Measured with
 * `--cpu-prof` over all the stacks, that parsing (`node:source_map_cache`, the reads and the garbage
 * it leaves) was several percent of the workers' CPU, for maps of code nobody debugs offline. Files
 * under `node_modules` are compiled here without their `sourceMappingURL` comment; the programs,
 * components and pack keep theirs.
 */
"use strict";
const Module = require("node:module");

const MARKER = "//# sourceMappingURL=";
const IN_DEPENDENCY = `${require("node:path").sep}node_modules${require("node:path").sep}`;
const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithoutDependencyMaps(content, filename) {
  if (typeof content === "string" && typeof filename === "string" && filename.includes(IN_DEPENDENCY)) {
    const at = content.lastIndexOf(MARKER);
    // Only the trailing comment, on a line of its own: a marker elsewhere in the code is left alone.
    if (at > 0 && content[at - 1] === "\n" && !content.slice(at).trimEnd().includes("\n")) content = content.slice(0, at);
  }
  return compile.call(this, content, filename);
};
