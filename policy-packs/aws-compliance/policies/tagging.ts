/** Tagging: every taggable resource carries the organisation's required tags (BP.Tags.1). */
import { resourcePolicy } from "../lib/policy";
import { get, isUnknown, parseJson, raw } from "../lib/values";
import taggable from "../taggable-types.json";

const taggableTypes = new Set<string>(taggable.types);

export const requiredTags = resourcePolicy(
  {
    name: "required-tags",
    description: "Taggable AWS resources must carry the required tags (owner, environment, data classification...).",
    severity: "low",
    controls: ["BP.Tags.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Pass the required tags in the resource's `tags` input (shared/tags.ts `withTags(settings.tags)`), or in its provider's `defaultTags.tags`.",
    resourceTypes: [...taggableTypes],
    config: {
      tags: {
        type: "array",
        items: { type: "string" },
        description: "Tag keys every taggable resource must have, with a non-empty value.",
        default: ["project", "environment", "owner", "data-classification", "compliance"],
      },
    },
  },
  ({ props, config, fail, args }) => {
    const tags = get(props, "tags");
    if (isUnknown(tags)) void props.tags;
    // A map on most resources; a list of { key, value, propagateAtLaunch } on Auto Scaling groups.
    const have = (
      Array.isArray(tags)
        ? Object.fromEntries(tags.map(raw).filter((t: any) => t && typeof t.key === "string").map((t: any) => [t.key, t.value]))
        : tags && typeof tags === "object"
          ? raw(tags)
          : {}
    ) as Record<string, unknown>;
    // The provider's default tags apply to every resource with a tag map (not to an Auto Scaling
    // group's tag list, which the provider does not merge them into).
    let defaults: Record<string, unknown> = {};
    const provider = (args as { provider?: { props: unknown } }).provider;
    if (!Array.isArray(tags) && provider) {
      const d = parseJson(get(provider.props, "defaultTags"));
      if (isUnknown(d)) void (provider.props as Record<string, unknown>).defaultTags;
      const t = d && typeof d === "object" ? raw((d as { tags?: unknown }).tags) : undefined;
      if (isUnknown(t)) void (provider.props as Record<string, unknown>).defaultTags;
      if (t && typeof t === "object") defaults = t as Record<string, unknown>;
    }
    const missing = (config.tags as string[]).filter((k) => {
      // The resource's own value wins over the default, even an empty one (as in tagsAll).
      const v = have[k] ?? defaults[k];
      if (isUnknown(v)) return false;
      return typeof v !== "string" || v.trim() === "";
    });
    if (missing.length > 0) fail(`missing required tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, `add ${missing.map((k) => `\`${k}\``).join(", ")} to \`tags\``);
  },
);

export const policies = [requiredTags];
