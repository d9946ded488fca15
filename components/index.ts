/** The public surface of the shared components. */
export * from "./observability/log-group";
export * from "./platform/platform-reference";
export * from "./security/actions";
export * from "./security/encryption-key";
export * from "./security/policy-document";
export * from "./security/service-role";
export * from "./storage/encrypted-bucket";
export * from "./storage/log-delivery";
