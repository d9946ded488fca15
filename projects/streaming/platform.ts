/**
 * The platform outputs that decide what this program creates, awaited as plain values: whether a
 * resource exists cannot depend on an `Output`. QuickSight assets exist only when the platform
 * subscribes to QuickSight (`quicksightActive`), and every role carries the platform's IAM path and
 * permissions boundary. Read from the platform stack's state (`getOutputDetails`), so preview, up
 * and the offline plan see the same values. (Same contract as projects/ecommerce/platform.ts; a
 * shared home in components/platform would serve both.)
 */
import * as pulumi from "@pulumi/pulumi";
import type { RolePlacement } from "../../components/compute/role";
import { PlatformReference, type PlatformOutputs } from "../../components/platform/platform-reference";

export interface PlatformSwitches {
  readonly shieldAdvanced: boolean;
  readonly quicksight: boolean;
  readonly rolePlacement: RolePlacement;
}

export async function readPlatformSwitches(platform: PlatformReference, stackName: string): Promise<PlatformSwitches> {
  const [shield, quicksight, ciRoles] = await Promise.all([
    platform.stack.getOutputDetails("shieldAdvancedActive"),
    platform.stack.getOutputDetails("quicksightActive"),
    platform.stack.getOutputDetails("ciRoles"),
  ]);
  const roles = (ciRoles.value as PlatformOutputs["ciRoles"] | undefined)?.streaming;
  if (!roles) throw new pulumi.RunError(`The platform stack ${stackName} exports no ciRoles.streaming: deploy the platform stack first, or set streaming:platformStack.`);
  return {
    shieldAdvanced: shield.value === true,
    quicksight: quicksight.value === true,
    rolePlacement: { path: roles.iamPath, permissionsBoundaryArn: roles.permissionsBoundaryArn },
  };
}
