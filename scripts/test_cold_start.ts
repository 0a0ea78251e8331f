#!/usr/bin/env bun
/**
 * coldstart-test: measure how long the imports of one working tree take in fresh
 * interpreters, write the result file, and gate on budgets.
 */
import { MEASURE_FLAGS, MEASURE_FLAGS_HELP, VERSION, measureFlags, parse } from "./lib/cli.ts";
import { runMain, UserError } from "./lib/errors.ts";
import { runSingle } from "./lib/single.ts";

const HELP = `coldstart-test ${VERSION}: measure the cold start of a Python package's imports

Usage: coldstart-test [options]
       bun scripts/test_cold_start.ts [options]

Measures the working tree of --repo (default: the git repository you are in): every
configured import statement in fresh interpreters, module counts, lazy-loading checks,
-X importtime offenders, and budgets. Writes benchmark_results/cold_start_<seconds>.json
and cold_start_latest.json.

${MEASURE_FLAGS_HELP}

Exit codes: 0 ok, 1 a budget limit was exceeded, 2 bad input or a failed measurement.`;

await runMain("coldstart-test", async () => {
  const { values, positionals } = parse(Bun.argv.slice(2), MEASURE_FLAGS, "coldstart-test");
  if (values.help || values.version) {
    console.log(values.help ? HELP : `coldstart-test ${VERSION}`);
    return 0;
  }
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"; coldstart-test takes only options (see --help)`);
  return runSingle(measureFlags(values), VERSION);
});
