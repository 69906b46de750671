// Summaries of a handful of numbers, as the sweep and the Runs panel report runs over seeds.

/** Mean and sample standard deviation (n − 1; 0 for one value) of `xs`, which must not be empty. */
export function meanAndSd(xs: readonly number[]): { mean: number; sd: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}
