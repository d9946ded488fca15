/**
 * Account subscriptions, each behind a config switch (off in dev, on in prod):
 *
 * - Shield Advanced (`platform:shieldAdvanced`, with `platform:shieldAdvancedAcknowledgeCost`):
 *   USD 3,000 a month with a one-year commitment; destroying it only turns auto-renewal off (and
 *   only in the last 30 days of the term). Protected, so that removing it from code fails loudly.
 * - QuickSight Enterprise (`platform:quicksight`): must exist before any other QuickSight resource;
 *   deleting it wipes QuickSight in every region, so it is protected, retained on delete, and its
 *   termination protection is on. The platform also creates the admin group workloads grant
 *   dashboards to.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../../shared/context";
import type { PlatformSettings } from "./config";

/** Workload QuickSight assets live in the default namespace. */
export const quicksightNamespace = "default";

export interface AccountSubscriptionsArgs {
  settings: PlatformSettings;
}

export class AccountSubscriptions extends pulumi.ComponentResource {
  readonly shieldAdvancedActive: boolean;
  readonly quicksightActive: boolean;
  /** `default` when QuickSight is active, else empty. */
  readonly quicksightNamespace: string;
  /** The QuickSight admin group's ARN when active, else empty. */
  readonly quicksightAdminGroupArn: pulumi.Output<string>;

  constructor(name: string, args: AccountSubscriptionsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:AccountSubscriptions", name, {}, opts);
    const { config } = args.settings;

    this.shieldAdvancedActive = config.shieldAdvanced && config.shieldAdvancedAcknowledgeCost === true;
    if (this.shieldAdvancedActive) {
      new aws.shield.Subscription("shield-advanced", { autoRenew: "ENABLED" }, { parent: this, protect: true });
    }

    this.quicksightActive = config.quicksight;
    this.quicksightNamespace = config.quicksight ? quicksightNamespace : "";
    if (config.quicksight) {
      const subscription = new aws.quicksight.AccountSubscription(
        "quicksight",
        {
          // Both are required by the config rules when quicksight is on.
          accountName: config.quicksightAccountName!,
          notificationEmail: config.quicksightNotificationEmail!,
          edition: "ENTERPRISE",
          authenticationMethod: config.quicksightAuthenticationMethod,
        },
        { parent: this, protect: true, retainOnDelete: true },
      );
      new aws.quicksight.AccountSettings(
        "quicksight-settings",
        { terminationProtectionEnabled: true, defaultNamespace: quicksightNamespace },
        { parent: this, dependsOn: [subscription], protect: true, retainOnDelete: true },
      );
      const admins = new aws.quicksight.Group(
        "quicksight-admins",
        { groupName: physicalName(args.settings, "quicksight-admins"), namespace: quicksightNamespace, description: "Owners of the workloads' QuickSight assets" },
        { parent: this, dependsOn: [subscription] },
      );
      this.quicksightAdminGroupArn = admins.arn;
    } else {
      this.quicksightAdminGroupArn = pulumi.output("");
    }
    this.registerOutputs({ shieldAdvancedActive: this.shieldAdvancedActive, quicksightActive: this.quicksightActive, quicksightAdminGroupArn: this.quicksightAdminGroupArn });
  }
}
