// Mocha setup, loaded before every test file (see .mocharc.json).
// The AWS SDK v3 warns once per process that Node 20 support ends in 2027; tests do not need it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";
