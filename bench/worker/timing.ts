/**
 * Batch timing inside workerd. Locally, performance.now() advances during a request but
 * only in whole milliseconds (in production it does not advance without I/O at all), so a
 * single operation cannot be timed: operations run in batches long enough that the
 * millisecond quantum is a small error, and each batch yields one per-operation average.
 */

/** How long to run an operation. */
export interface BatchPlan {
  /** Run this long before calibrating, so the JIT has seen the code. */
  warmupMs: number;
  /** A batch must take at least this long (quantization error ≤ 1 ms / minBatchMs). */
  minBatchMs: number;
  /** Stop starting batches after this much time. */
  budgetMs: number;
  /** And after this many batches. */
  maxBatches: number;
}

/** What the driver turns into medianUs / p99Us / opsPerSec. */
export interface BatchTiming {
  batchSize: number;
  /** Milliseconds per batch (integers: the clock's quantum). */
  batchMs: number[];
  totalOps: number;
  totalMs: number;
  /** Every call, warm-up and calibration included: what process CPU time is divided by. */
  allOps: number;
}

export const DEFAULT_PLAN: BatchPlan = { warmupMs: 200, minBatchMs: 20, budgetMs: 1500, maxBatches: 200 };

const MAX_BATCH = 1 << 20;

/** Times `op` in batches (see the module comment). Throws when the clock never advances. */
export async function timeBatches(
  op: () => Promise<unknown> | unknown,
  plan: BatchPlan = DEFAULT_PLAN,
): Promise<BatchTiming> {
  const warmupEnd = performance.now() + plan.warmupMs;
  let warmups = 0;
  while (performance.now() < warmupEnd || warmups < 3) {
    await op();
    warmups++;
  }
  const { size: batchSize, calls } = await calibrate(op, plan.minBatchMs);
  const batchMs: number[] = [];
  const start = performance.now();
  while (batchMs.length < plan.maxBatches && (batchMs.length < 5 || performance.now() - start < plan.budgetMs)) {
    const t0 = performance.now();
    for (let i = 0; i < batchSize; i++) await op();
    batchMs.push(performance.now() - t0);
  }
  const totalMs = performance.now() - start;
  const totalOps = batchSize * batchMs.length;
  return { batchSize, batchMs, totalOps, totalMs, allOps: warmups + calls + totalOps };
}

/**
 * The smallest power of two of operations whose fastest of three runs takes at least
 * `minBatchMs`: one slow run (the machine is shared) must not pick a batch so small that
 * the 1 ms quantum dominates the batches that follow.
 */
async function calibrate(
  op: () => Promise<unknown> | unknown,
  minBatchMs: number,
): Promise<{ size: number; calls: number }> {
  let calls = 0;
  for (let size = 1; size <= MAX_BATCH; size *= 2) {
    let fastest = Infinity;
    for (let run = 0; run < 3 && fastest >= minBatchMs; run++) {
      const t0 = performance.now();
      for (let i = 0; i < size; i++) await op();
      calls += size;
      fastest = Math.min(fastest, performance.now() - t0);
    }
    if (fastest >= minBatchMs) return { size, calls };
  }
  throw new Error(`performance.now() did not advance over ${MAX_BATCH} operations`);
}

/** Wall time of one call, in ms (1 ms quantum), and its result. */
export async function timeOnce<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
