// Entry point of the policy pack, in plain JavaScript so that the Pulumi CLI's policy analyzer can
// load it whatever runtime options it honours: it registers a transpile-only TypeScript loader
// (esbuild, the same as the programs use) unless one is present, then loads the pack (pack.ts).
"use strict";
if (!require.extensions[".ts"]) require("esbuild-register/dist/node").register({ target: "node20" });
module.exports = require("./pack.ts");
