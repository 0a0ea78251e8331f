/**
 * The timer's resolution, read from the samples themselves, and what it means for an
 * interval's ends.
 *
 * A coarse clock (a 0.1 ms tick on a 2 ms import) or the result file's rounding puts every
 * sample on a grid origin + k·step. The step is the greatest common divisor of the gaps
 * between distinct values (Euclid's algorithm on floating-point numbers with a tolerance
 * of 1e-9 of the largest magnitude; refined as the whole span over its count of steps;
 * checked: every value must lie on the grid to 1e-4 of a step). Continuous values have no
 * such divisor above the tolerance: null. A result file's 0.001 ms rounding is a grid too,
 * a fine one: what matters is the step against the noise (detect.ts).
 *
 * Ties at the edge: on such a grid, an interval end that is 0 up to a fraction of a tick
 * is an artifact of the grid (a log ratio of 2.1/2.0 and one of 1.9/2.0 average to
 * −0.00125, not 0), not evidence of a change. `EDGE_TICKS` of a step is where an end
 * counts as 0: a quarter tick, below the half-tick averages that real shifts produce.
 */

export interface Grid {
  /** Distance between neighbouring values the timer can give, in the samples' unit. */
  step: number;
  /** A value on the grid (the smallest sample). */
  origin: number;
}

/** An interval end within this many steps of 0 is 0. */
export const EDGE_TICKS = 0.25;

/** Relative tolerance of the floating-point arithmetic on the samples. */
const RELATIVE_TOLERANCE = 1e-9;

function floatGcd(a: number, b: number, tolerance: number): number {
  let [x, y] = a >= b ? [a, b] : [b, a];
  while (y > tolerance) {
    const rest = x % y;
    x = y;
    // A remainder within the tolerance of y is a multiple of y that rounding pushed down.
    y = y - rest <= tolerance ? 0 : rest;
  }
  return x;
}

/** The grid the samples lie on, or null when they are continuous (or fewer than two distinct values). */
export function detectGrid(...samples: (readonly number[])[]): Grid | null {
  const values = samples.flat().filter(Number.isFinite);
  if (values.length < 2) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const largest = Math.max(Math.abs(sorted[0]!), Math.abs(sorted[sorted.length - 1]!));
  const tolerance = Math.max(largest * RELATIVE_TOLERANCE, Number.MIN_VALUE);
  let step = 0;
  for (let i = 1; i < sorted.length; i += 1) {
    const gap = sorted[i]! - sorted[i - 1]!;
    if (gap <= tolerance) continue;
    step = step === 0 ? gap : floatGcd(step, gap, tolerance);
    if (step <= tolerance) return null;
  }
  if (step === 0) return null;
  const origin = sorted[0]!;
  // Euclid's remainders carry rounding errors of ~1e-13: the whole span over its count of
  // steps is a far better step than the last remainder.
  const span = sorted[sorted.length - 1]! - origin;
  step = span / Math.round(span / step);
  for (const value of sorted) {
    const k = (value - origin) / step;
    if (Math.abs(k - Math.round(k)) > 1e-4) return null;
  }
  return { step, origin };
}

/** The timer's resolution of the samples (the grid's step), or null when they are continuous. */
export function detectResolution(...samples: (readonly number[])[]): number | null {
  return detectGrid(...samples)?.step ?? null;
}

/** The value on the grid nearest to `value`. */
export function onGrid(grid: Grid, value: number): number {
  return grid.origin + Math.round((value - grid.origin) / grid.step) * grid.step;
}

/**
 * How close to 0 (in the unit) an interval end must be to count as 0: a quarter of the
 * timer's step, or floating-point noise (1e-9 of `scale`) when the values are continuous.
 */
export function edgeTolerance(resolution: number | null, scale: number): number {
  const noise = Math.abs(scale) * RELATIVE_TOLERANCE;
  return resolution === null ? noise : Math.max(noise, resolution * EDGE_TICKS);
}
