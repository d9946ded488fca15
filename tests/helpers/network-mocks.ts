/**
 * Extra answers for the mocks of `tests/helpers/mocks.ts`, for the network and edge components:
 * the outputs of `awsx:ec2:Vpc` (a remote component: `mocks.ts` answers components with no state)
 * and `aws:ec2/getRouteTables:getRouteTables` (not answered by the offline plan's mocks yet). Call
 * it right after `setupMocks()` in `before()`: it wraps the mocks that call installed.
 */
import { defaultMockContext, hex, mockAwsxComponent } from "../../tools/plan/aws-mocks";

const settings = require("@pulumi/pulumi/runtime/settings");

/** Route tables the mock VPC has (one per subnet of two AZs and three tiers, plus the main table). */
export function mockRouteTableIds(vpcId: string): string[] {
  return Array.from({ length: 7 }, (_, i) => `rtb-${hex(`${vpcId}/rtb/${i}`, 17)}`);
}

export function answerNetworkMocks(): void {
  const monitor = settings.getMonitor();
  const base = monitor.mocks;
  monitor.mocks = {
    newResource(args: any) {
      if (args.type.startsWith("awsx:")) {
        const answer = mockAwsxComponent(args.type, args.name, args.inputs, defaultMockContext);
        if (answer) return answer;
      }
      return base.newResource(args);
    },
    call(args: any) {
      const result = base.call(args);
      if (args.token === "aws:ec2/getRouteTables:getRouteTables") {
        return { id: defaultMockContext.region, vpcId: args.inputs.vpcId, ids: mockRouteTableIds(String(args.inputs.vpcId)), tags: {} };
      }
      return result;
    },
  };
}
