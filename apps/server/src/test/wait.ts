/** Polls `check` until it returns a value other than undefined; fails after `ms`. */
export async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
  what = "the condition",
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
