/**
 * Planned resources typed against `@pulumi/aws` v7's own Args, so a misspelt or removed property
 * fails to compile instead of silently testing nothing:
 *
 *   fixture<aws.sqs.QueueArgs>("aws:sqs/queue:Queue", { kmsMasterKeyId: "arn:..." }, { name: "jobs" })
 *
 * `unknown_<T>()` stands for a value unknown at preview in a typed position; `objectDoc(doc)` for a
 * policy document given as an object where the Args type says string (YAML programs, other
 * languages and `pulumi.jsonParse` outputs hand the engine objects).
 */
import type { PlannedResource } from "../../tools/policy/harness";
import { res, UNKNOWN } from "./policy";

type Opts = Parameters<typeof res>[2];

/** A planned resource of `type` whose inputs are checked against `A` (an `@pulumi/aws` Args type). */
export function fixture<A extends object>(type: string, args: A, opts: Opts = {}): PlannedResource {
  return res(type, args as unknown as Record<string, unknown>, opts);
}

/** A value unknown at preview, in a position typed `T`. */
export function unknown_<T = string>(): T {
  return UNKNOWN as unknown as T;
}

/** A policy document passed as an object where the Args type says string. */
export function objectDoc(doc: Record<string, unknown>): string {
  return doc as unknown as string;
}
