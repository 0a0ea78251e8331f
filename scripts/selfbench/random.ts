/**
 * Seeded random numbers for the self-benchmark and its tests: the statistics' own
 * generator (scripts/lib/stats/random.ts), so there is one copy of it.
 */
export { exponential, mulberry32, normal, splitmix32 } from "../lib/stats/random.ts";
