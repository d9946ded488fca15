/**
 * What every component needs from its stack, in one object: the required tags and the environment
 * profile (sizes and protections). `StackSettings` satisfies it, so a project passes its settings.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ComplianceRegime, DataClassification } from "./config";
import type { EnvironmentProfile } from "./profiles";
import type { RequiredTags } from "./tags";

export interface BlueprintContext {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly profile: EnvironmentProfile;
  readonly tags: RequiredTags;
  readonly dataClassification: DataClassification;
  readonly compliance: readonly ComplianceRegime[];
}

/**
 * Options for a stateful child (database, table, bucket with records, file system, key): in prod
 * `protect` and `retainOnDelete`, set on the child itself because the SDK does not pass
 * `retainOnDelete` down from a component, and resource transforms do not run under mocks.
 */
export function statefulOptions(context: BlueprintContext, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const keep = context.profile.protectStatefulResources;
  return { ...opts, protect: opts.protect ?? keep, retainOnDelete: opts.retainOnDelete ?? keep };
}

/**
 * A physical name for resources that need one (AWS names that must be unique or readable):
 * `<project>-<stack>-<suffix>`, lower case, trimmed to `max` characters.
 */
export function physicalName(context: Pick<BlueprintContext, "project" | "stack">, suffix: string, max = 63): string {
  const name = `${context.project}-${context.stack}-${suffix}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-");
  return name.slice(0, max).replace(/-$/, "");
}
