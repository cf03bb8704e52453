/** What `lazyPort` returns: the stand-in to hand out, and a way to build the real one now. */
export interface LazyPort<T> {
  /** Forwards every method call to the real port, building it on the first call. */
  port: T;
  /** Builds the real port now (e.g. right after the server listens); resolves it. */
  warm(): Promise<T>;
}

/**
 * A port built on first use, for clients whose modules are slow to load and not needed to
 * start listening (azure-devops-node-api: ~100 ms and ~90 modules). Every method of `T` must
 * return a promise: a call before the port is built waits for it. A failed build is retried
 * by the next call.
 * @example
 *   const ado = lazyPort(async () => (require('./devops/ado-devops') as typeof import('./devops/ado-devops')).createAdoDevOps(opts));
 *   const devops: DevOpsPort = ado.port; server.listen(port, () => void ado.warm());
 */
export function lazyPort<T extends object>(build: () => T | Promise<T>): LazyPort<T> {
  let building: Promise<T> | undefined;
  const warm = (): Promise<T> => {
    building ??= Promise.resolve()
      .then(build)
      .catch((err: unknown) => {
        building = undefined;
        throw err;
      });
    return building;
  };
  const methods = new Map<PropertyKey, (...args: unknown[]) => Promise<unknown>>();
  const port = new Proxy({} as T, {
    get(_target, name) {
      // Not a thenable: `await port` must give the port itself.
      if (name === 'then') return undefined;
      let method = methods.get(name);
      if (!method) {
        method = async (...args: unknown[]) => {
          const real = (await warm()) as Record<PropertyKey, unknown>;
          const fn = real[name];
          if (typeof fn !== 'function') throw new TypeError(`${String(name)} is not a method`);
          return (fn as (...a: unknown[]) => unknown).apply(real, args);
        };
        methods.set(name, method);
      }
      return method;
    },
  });
  return { port, warm };
}
