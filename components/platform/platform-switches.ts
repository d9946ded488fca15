/**
 * What the workload must know about the platform while the program runs, as plain values.
 *
 * Whether a resource exists cannot depend on an `Output`: Shield Advanced protections and the
 * QuickSight dashboard are created only when the platform has the subscriptions, and the IAM path
 * of every role is a plain string. So the program awaits these outputs of the platform stack
 * (`StackReference.getOutputDetails`) before it registers anything that depends on them. They come
 * from the platform's state, so `pulumi preview` and `pulumi up` see the same values (and so does
 * the offline plan, which answers the reference from the platform's own plan).
 */
import * as pulumi from "@pulumi/pulumi";
import type { RolePlacement } from "../security/service-role";
import { PlatformReference, type PlatformOutputs, type WorkloadProject } from "./platform-reference";

export interface PlatformSwitches {
  /** The platform subscribes to Shield Advanced: create Shield protections for internet-facing resources. */
  readonly shieldAdvanced: boolean;
  /** The platform subscribes to QuickSight Enterprise: create QuickSight assets. */
  readonly quicksight: boolean;
  /** The IAM path and permissions boundary every role of this workload must carry (the deploy role may create no other). */
  readonly rolePlacement: RolePlacement;
}

/** Await the platform outputs that decide what the program creates. */
export async function readPlatformSwitches(platform: PlatformReference, stackName: string, project: WorkloadProject): Promise<PlatformSwitches> {
  const [shield, quicksight, ciRoles] = await Promise.all([
    platform.stack.getOutputDetails("shieldAdvancedActive"),
    platform.stack.getOutputDetails("quicksightActive"),
    platform.stack.getOutputDetails("ciRoles"),
  ]);
  const roles = (ciRoles.value as PlatformOutputs["ciRoles"] | undefined)?.[project];
  if (!roles) {
    throw new pulumi.RunError(`The platform stack ${stackName} exports no ciRoles.${project}: deploy the platform stack first (pulumi up at the repository root), or set ${project}:platformStack to the stack that governs this account.`);
  }
  return {
    // Missing (an older platform) counts as off: a protection or dashboard without its subscription fails to deploy.
    shieldAdvanced: shield.value === true,
    quicksight: quicksight.value === true,
    rolePlacement: { path: roles.iamPath, permissionsBoundaryArn: roles.permissionsBoundaryArn },
  };
}
