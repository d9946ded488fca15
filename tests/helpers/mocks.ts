/**
 * Pulumi's runtime mocks, in-process, for component tests. Records every registration with what
 * the engine would see (inputs, parent, protect, retainOnDelete, dependencies) and answers with
 * AWS-shaped ids and ARNs (the offline plan's own mocks).
 *
 *   let mocks: MockRecorder;
 *   before(async () => { mocks = await setupMocks(); });   // each file: one process runs them all
 *   beforeEach(() => mocks.reset());
 *   it("...", async () => { new EncryptedBucket(...); await mocks.settle(); mocks.one("aws:s3/bucket:Bucket") });
 */
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintContext } from "../../shared/context";
import { Environment, Profiles } from "../../shared/profiles";
import { requiredTags } from "../../shared/tags";
import { defaultMockContext, mockAwsInvoke, mockAwsResource, mockAwsxComponent, MockContext } from "../../tools/plan/aws-mocks";

const settings = require("@pulumi/pulumi/runtime/settings");
const rpc = require("@pulumi/pulumi/runtime/rpc");

/** One registration, as the engine receives it. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  inputs: Record<string, any>;
  parent: string;
  protect: boolean;
  retainOnDelete: boolean;
  dependencies: string[];
}

export interface MockRecorder {
  /** Every registration since the last `reset`, in order. */
  readonly registrations: Registration[];
  /** Every invoke token since the last `reset`. */
  readonly invokes: string[];
  /** Forget what was recorded (call in `beforeEach`). */
  reset(): void;
  /** Wait until every registration and invoke in flight has completed. */
  settle(): Promise<void>;
  /** Registrations of a type. */
  ofType(type: string): Registration[];
  /** The one registration of a type (and name, if given); fails when there are none or several. */
  one(type: string, name?: string): Registration;
  /** Custom resources registered under a component's URN, directly or through nested components. */
  descendantsOf(urn: string): Registration[];
}

/** Install fresh mocks (project `test`, stack `dev` unless given) and return their recorder. */
export async function setupMocks(options: { project?: string; stack?: string; context?: Partial<MockContext> } = {}): Promise<MockRecorder> {
  const ctx: MockContext = { ...defaultMockContext, ...options.context };
  const registrations: Registration[] = [];
  const invokes: string[] = [];

  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (!args.custom) return mockAwsxComponent(args.type, args.name, args.inputs, defaultMockContext) ?? { id: undefined, state: {} };
        if (args.type.startsWith("aws:")) return mockAwsResource(args.type, args.name, args.inputs, ctx);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        invokes.push(args.token);
        return mockAwsInvoke(args.token, args.inputs, ctx) ?? args.inputs;
      },
    },
    options.project ?? "test",
    options.stack ?? "dev",
    false,
    "organization",
  );

  const monitor = settings.getMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
    const rec: Registration = {
      type: req.getType(),
      name: req.getName(),
      urn: "",
      custom: req.getCustom(),
      inputs: {},
      parent: req.getParent(),
      protect: Boolean(req.getProtect()),
      retainOnDelete: Boolean(req.getRetainondelete()),
      dependencies: req.getDependenciesList(),
    };
    registrations.push(rec);
    rec.inputs = rpc.deserializeProperties(req.getObject()) ?? {};
    return original(req, (err: unknown, resp: any) => {
      if (!err && resp) rec.urn = resp.getUrn();
      callback(err, resp);
    });
  };

  const ofType = (type: string) => registrations.filter((r) => r.type === type);
  return {
    registrations,
    invokes,
    reset() {
      registrations.length = 0;
      invokes.length = 0;
    },
    async settle() {
      // Registrations started inside applies join the queue while it drains: wait until it stays empty.
      for (let i = 0; i < 5; i++) {
        await settings.waitForRPCs();
        await new Promise((r) => setImmediate(r));
      }
    },
    ofType,
    one(type: string, name?: string) {
      const found = ofType(type).filter((r) => name === undefined || r.name === name);
      if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
      }
      return found[0]!;
    },
    descendantsOf(urn: string) {
      const under = new Set([urn]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const r of registrations) {
          if (r.urn && !under.has(r.urn) && under.has(r.parent)) {
            under.add(r.urn);
            grew = true;
          }
        }
      }
      return registrations.filter((r) => r.custom && r.urn !== urn && under.has(r.urn));
    },
  };
}

/** A context for components, as a stack of `environment` would pass (its settings). */
export function testContext(environment: Environment, overrides: Partial<BlueprintContext> = {}): BlueprintContext {
  return {
    project: "test",
    stack: environment,
    region: defaultMockContext.region,
    profile: Profiles[environment],
    tags: requiredTags({ project: "test", environment, owner: "team-test", dataClassification: "confidential", compliance: ["fsbp"] }),
    dataClassification: "confidential",
    compliance: ["fsbp"],
    ...overrides,
  };
}

/** The value of an Output (it must be known: update-mode mocks resolve everything they return). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Parse a JSON policy document input into its statements. */
export function statementsOf(policy: unknown): any[] {
  const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  return (doc as { Statement: any[] }).Statement;
}

/** The statement with a Sid; fails when absent. */
export function statement(policy: unknown, sid: string): any {
  const s = statementsOf(policy).find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${JSON.stringify(policy)}`);
  return s;
}
