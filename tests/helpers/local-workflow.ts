/**
 * Run an Amazon States Language definition locally (aws-local-stepfunctions) with a handler per
 * Task state, without the definition's retry waits, and report what happened: the final status,
 * the output or the error name, and the states entered and retried in order.
 */
import { StateMachine } from "aws-local-stepfunctions";

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+); on Node 20 provide it.
const P = Promise as unknown as { withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } };
P.withResolvers ??= <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export interface LocalExecution {
  status: "SUCCEEDED" | "FAILED";
  /** The execution's output (SUCCEEDED). */
  output?: any;
  /** The error name and message (FAILED). */
  error?: string;
  message?: string;
  states: string[];
  retried: string[];
}

export async function executeLocally(definition: { States: Record<string, unknown> }, input: unknown, opts: { handlers: Record<string, (input: any) => Promise<any>>; context?: Record<string, unknown> }): Promise<LocalExecution> {
  const machine = new StateMachine(definition as any, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(input as any, {
    overrides: {
      taskResourceLocalHandlers: opts.handlers,
      // The definition's backoff, without the wait.
      retryIntervalOverrides: Object.fromEntries(Object.keys(definition.States).map((s) => [s, 0])),
    },
    ...(opts.context ? { context: opts.context as any } : {}),
  });
  const states: string[] = [];
  const retried: string[] = [];
  const collect = (async () => {
    for await (const e of execution.eventLogs) {
      if (e.type === "StateEntered") states.push(e.state.name);
      if (e.type === "StateRetried") retried.push(e.state.name);
    }
  })();
  try {
    const output = await execution.result;
    await collect;
    return { status: "SUCCEEDED", output, states, retried };
  } catch (error: any) {
    await collect.catch(() => undefined);
    return { status: "FAILED", error: error.cause?.name ?? error.name, message: String(error.message), states, retried };
  }
}
