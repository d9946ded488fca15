/** Environment reading for the banking handlers: every problem at once, at cold start. */
export type Env = Record<string, string | undefined>;

export function readEnv<K extends string>(fn: string, env: Env, required: readonly K[], integers: Partial<Record<K, { min: number; max: number }>> = {}): Record<K, string> {
  const problems: string[] = [];
  const out = {} as Record<K, string>;
  for (const name of required) {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    else if (integers[name] && (!/^\d+$/.test(value) || Number(value) < integers[name]!.min || Number(value) > integers[name]!.max)) {
      problems.push(`${name} must be a whole number from ${integers[name]!.min} to ${integers[name]!.max}, got "${value}"`);
    } else out[name] = value;
  }
  if (problems.length > 0) throw new Error(`${fn}: invalid configuration: ${problems.join("; ")}`);
  return out;
}
