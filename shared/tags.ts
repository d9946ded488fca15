/**
 * Tagging. Every taggable AWS resource carries the five required tags in its own `tags` input, so
 * that policies and tests see them in the resource inputs, offline and in a real preview alike
 * (stack-config `aws:defaultTags` is applied by the provider and never reaches the program's view).
 */
import type { Environment } from "./profiles";

/** The tag keys every taggable resource must carry. */
export const RequiredTagKeys = ["project", "environment", "owner", "data-classification", "compliance"] as const;
export type RequiredTagKey = (typeof RequiredTagKeys)[number];
export type RequiredTags = Readonly<Record<RequiredTagKey, string>>;

/** Build the required tags. `compliance` is a space-separated list, `none` when empty. */
export function requiredTags(input: {
  project: string;
  environment: Environment;
  owner: string;
  dataClassification: string;
  compliance: readonly string[];
}): RequiredTags {
  return Object.freeze({
    project: input.project,
    environment: input.environment,
    owner: input.owner,
    "data-classification": input.dataClassification,
    compliance: input.compliance.length > 0 ? [...new Set(input.compliance)].sort().join(" ") : "none",
  });
}

/**
 * Merge the required tags with a resource's own tags. The required keys win: a component cannot
 * drop or rename them by accident. A `Name` tag is added when a name is given.
 */
export function withTags(required: RequiredTags, own: Record<string, string> = {}, name?: string): Record<string, string> {
  return { ...(name ? { Name: name } : {}), ...own, ...required };
}

/** Which required tags are missing or empty in a `tags` map (used by tests and policies). */
export function missingRequiredTags(tags: Record<string, unknown> | undefined | null): RequiredTagKey[] {
  return RequiredTagKeys.filter((k) => {
    const v = tags?.[k];
    return typeof v !== "string" || v.length === 0;
  });
}
