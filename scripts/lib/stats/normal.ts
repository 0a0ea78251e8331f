/**
 * The standard normal distribution: density, tails, quantile. Moved unchanged from
 * significance.ts (checked against scipy.stats.norm in test/significance.test.ts and
 * test/stats-normal.test.ts). Pure and deterministic.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Upper tail P(Z > x) of the standard normal. Marsaglia's Taylor series (2004) near the
 * centre, a Laplace continued fraction in the tails; relative error below 1e-13.
 */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 1 - normalSf(-x);
  if (x > 40) return 0;
  if (x < 3) {
    // Phi(x) = 1/2 + phi(x) * (x + x^3/3 + x^5/(3*5) + ...)
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 3; k < 400; k += 2) {
      term *= x2 / k;
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    return 0.5 - normalPdf(x) * sum;
  }
  // Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated bottom-up.
  let fraction = x;
  for (let k = 80; k >= 1; k -= 1) fraction = x + k / fraction;
  return normalPdf(x) / fraction;
}

/** Standard normal cumulative distribution P(Z <= x). */
export function normalCdf(x: number): number {
  return normalSf(-x);
}

/**
 * Standard normal quantile (inverse CDF): Acklam's rational approximation refined by
 * two Newton steps on `normalCdf`, accurate to about 1e-12 for p in (1e-300, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let step = 0; step < 2; step += 1) {
    const density = normalPdf(x);
    if (density === 0) break;
    // Newton on the tail that keeps precision: d/dx cdf = density, d/dx sf = -density.
    x = p < 0.5 ? x - (normalCdf(x) - p) / density : x + (normalSf(x) - (1 - p)) / density;
  }
  return x;
}
