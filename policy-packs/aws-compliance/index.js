// Entry point of the policy pack (package.json `main`): the JavaScript built from the TypeScript
// sources (`npm run build:pack`; `npm run check:generated` fails when it is stale). Pulumi's
// policy-pack runner loads it without compiling anything, here and when installed from the
// published tarball.
"use strict";
module.exports = require("./build/index.js");
