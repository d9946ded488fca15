/** Code every project uses: stack config, environment profiles, tags. */
export * from "./config";
export * from "./profiles";
export * from "./tags";
export * from "./context";
