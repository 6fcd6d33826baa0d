// Summaries shared by every part of the bench: nearest-rank percentiles over samples.

/** @param {number[]} sorted ascending @param {number} p 0…100 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** @param {number[]} values */
export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/**
 * Per-operation samples in µs (Node, or per-batch averages from workerd) to the row shape
 * of results.json.
 * @param {number[]} samplesUs
 * @param {number} opsPerSec
 */
export function summarize(samplesUs, opsPerSec) {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  return {
    medianUs: round(percentile(sorted, 50)),
    p99Us: round(percentile(sorted, 99)),
    opsPerSec: round(opsPerSec),
    samples: sorted.length,
  };
}

/** Three significant digits, enough for numbers that drift by more than that. */
export function round(value) {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(digits));
}
