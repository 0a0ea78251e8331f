/**
 * Warnings about the samples themselves: outliers (flagged, never dropped) and a slow
 * first run, which usually means a cold disk cache or missing bytecode.
 */
import type { Measurement } from "./result.ts";
import { median, modifiedZScores, OUTLIER_THRESHOLD } from "./stats.ts";

export function sampleWarnings(name: string, measurement: Measurement, warmup: number): string[] {
  const samples = measurement.samples ?? [];
  if (samples.length < 3) return [];
  const warnings: string[] = [];
  const scores = modifiedZScores(samples);
  const outliers = scores.flatMap((z, index) => (Math.abs(z) > OUTLIER_THRESHOLD ? [index] : []));
  const first = samples[0]!;
  const center = median(samples);
  if (scores[0]! > OUTLIER_THRESHOLD && first > center) {
    warnings.push(
      `${name}: the first run took ${first.toFixed(2)}ms against a median of ${center.toFixed(2)}ms` +
        (warmup === 0 ? "; use --warmup 1 (or more) to keep cache effects out of the samples" : "; caches may still be warming, try a larger --warmup"),
    );
  }
  const others = outliers.filter((index) => !(index === 0 && warnings.length));
  if (others.length) {
    warnings.push(
      `${name}: ${others.length} outlier${others.length > 1 ? "s" : ""} (run${others.length > 1 ? "s" : ""} ${others.map((i) => i + 1).join(", ")}) ` +
        "kept in the samples; the machine may be busy — close other programs or raise --iterations",
    );
  }
  return warnings;
}
