/** Environment-variable reading shared by the e-commerce handlers' configuration modules. */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(fn: string, problems: string[]) {
    super(`${fn}: invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Reads environment variables, collecting problems instead of stopping at the first. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  required(name: string): string {
    const value = this.env[name]?.trim();
    if (!value) {
      this.problems.push(`${name} is required`);
      return "";
    }
    return value;
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  positiveNumber(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      this.problems.push(`${name} must be a number greater than 0, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  done(fn: string): void {
    if (this.problems.length > 0) throw new ConfigError(fn, this.problems);
  }
}

