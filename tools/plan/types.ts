/** Shapes shared by the offline plan's parent process, its workers and its report. */
import type { PlannedResource, Violation } from "../policy/harness";

export type { PlannedResource, Violation };

export interface PlanJob {
  /** Absolute project directory. */
  projectDir: string;
  stack: string;
  organization: string;
  /** Preview mode: computed outputs are unknown, as in a first `pulumi preview`. */
  preview: boolean;
  /** Absolute policy pack directory, if any. */
  policyPack?: string;
  /** Absolute pack config file (`--policy-pack-config` format), if any. */
  policyPackConfig?: string;
  /** Root of the repository: where `@pulumi/*` resolve from when the project has none. */
  repoRoot: string;
  /** Absolute path of the adopter-examples file to overlay (tools/plan/adopter-examples.yaml), if any. */
  adopterExamples?: string;
  /** The stack's time limit (default 120 s): the stack ends with an error past it. */
  timeoutMs?: number;
  /** How long after a first error the program may still report others (default 2 s). */
  errorGraceMs?: number;
}

export interface StackPlan {
  project: string;
  stack: string;
  /** Project directory relative to the repo root. */
  dir: string;
  status: "ok" | "error";
  /** The failure, when status is error: the program's or config's own message. */
  error?: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  violations: Violation[];
  /** Resources exempted from a policy, with the reason (reported by the pack as EXEMPTED diagnostics). */
  exemptions: Violation[];
  /** (resource policy, resource) pairs the pack evaluated to the end: the compliance matrix (report). */
  checks?: { policy: string; urn: string }[];
  /** Components whose resources the plan could not evaluate (a provider builds them): the verdict is "partial". */
  unevaluated?: { urn: string; type: string; reason: string }[];
  /** Things worth knowing that are not violations (secrets stood in, unmocked invokes...). */
  notes: string[];
  policyPack?: { name: string; version: string; policies: number; config?: string };
  /** Adopter-specific keys the stack does not set, planned with example values (tools/plan/adopter-examples.yaml). */
  adopterExamples?: string[];
  timings: { programMs: number; policiesMs: number; totalMs: number };
}

/** Child -> parent messages. */
export type WorkerMessage =
  | { kind: "stackRef"; requestId: number; name: string }
  /** `reusable`: the worker can plan another stack; otherwise it exits, and `retire` says why (reuse.ts). */
  | { kind: "result"; plan: StackPlan; reusable: boolean; retire?: string[] };

/** Parent -> child messages. */
export type ParentMessage =
  | { kind: "plan"; job: PlanJob }
  | { kind: "stackRefResult"; requestId: number; outputs?: Record<string, unknown>; secretOutputNames?: string[]; error?: string };

/** A stack that did not plan: nothing recorded, and the error that says why. */
export function failedPlan(where: { project: string; stack: string; dir: string }, error: string): StackPlan {
  return { ...where, status: "error", error, resources: [], outputs: {}, violations: [], exemptions: [], notes: [], timings: { programMs: 0, policiesMs: 0, totalMs: 0 } };
}
