/** Resolves after every promise callback already queued has run (one macrotask later). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
