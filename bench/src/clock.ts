// One monotonic clock for every process of the run: process.hrtime is CLOCK_MONOTONIC, shared across processes (and V8 profiles).

/** Milliseconds on the machine-wide monotonic clock; comparable between the bench's processes. */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `condition` (polled every `everyMs`), at most `ms`; throws naming what did not happen. */
export async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 50): Promise<void> {
  const deadline = monoMs() + ms;
  while (!(await condition())) {
    if (monoMs() > deadline) throw new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Settles like `promise`, or rejects after `ms` naming what did not happen. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
