/** Environment reading for the health-records handlers: every missing or bad variable at once, at cold start. */
export function requireEnv<K extends string>(fn: string, env: NodeJS.ProcessEnv, names: readonly K[]): Record<K, string> {
  const missing = names.filter((n) => !env[n]?.trim());
  if (missing.length > 0) throw new Error(`${fn}: missing environment variable(s) ${missing.join(", ")}`);
  return Object.fromEntries(names.map((n) => [n, env[n]!.trim()])) as Record<K, string>;
}

/** Minimal logger (Powertools' `Logger` satisfies it; tests pass a recording one). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}
