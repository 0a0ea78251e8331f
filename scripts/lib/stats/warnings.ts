/**
 * What the samples themselves say about the machine: outliers (flagged, never dropped)
 * and a slow first run, which usually means a cold disk cache or missing bytecode.
 */
import { median, modifiedZScores, OUTLIER_THRESHOLD } from "./describe.ts";

export type SampleWarning =
  | { kind: "slow-first"; first: number; median: number }
  | { kind: "outliers"; runs: number[] };

/** A slow first run must stand out robustly, by 25% and by 1 ms: tiny imports jitter by more than 0.08 ms. */
const FIRST_RUN_RATIO = 1.25;
const FIRST_RUN_MS = 1;

export function sampleWarnings(samples: readonly number[]): SampleWarning[] {
  if (samples.length < 3) return [];
  const warnings: SampleWarning[] = [];
  const scores = modifiedZScores(samples);
  const first = samples[0]!;
  const center = median(samples);
  const slowFirst = scores[0]! > OUTLIER_THRESHOLD && first > center * FIRST_RUN_RATIO && first - center > FIRST_RUN_MS;
  if (slowFirst) warnings.push({ kind: "slow-first", first, median: center });
  const runs = scores.flatMap((z, index) => (Math.abs(z) > OUTLIER_THRESHOLD && !(index === 0 && slowFirst) ? [index + 1] : []));
  if (runs.length) warnings.push({ kind: "outliers", runs });
  return warnings;
}
