// Counts the ES module imports a plan worker makes (registered by reuse.ts with module.register()).
// An ES module cannot be unloaded from Node's module map, so a worker whose program imported one
// is not given another stack: the count is read synchronously from shared memory after each stack.
let count;

export async function initialize(data) {
  count = new Int32Array(data.counter);
}

export async function resolve(specifier, context, next) {
  if (count) Atomics.add(count, 0, 1);
  return next(specifier, context);
}
