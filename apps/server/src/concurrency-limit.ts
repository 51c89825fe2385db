/**
 * Wraps `fn` so that at most `limit` calls run at once; later calls wait their turn in arrival
 * order. A call that fails frees its place like one that succeeds.
 */
export function limitConcurrency<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  limit: number,
): (...args: A) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (...args) => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn(...args);
    } finally {
      // Hand the place straight to the next waiter, so no newcomer can slip in ahead of it.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
