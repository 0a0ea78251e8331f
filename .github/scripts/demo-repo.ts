#!/usr/bin/env bun
/**
 * The demo repository for CI: `bun .github/scripts/demo-repo.ts DIR` builds it in DIR
 * (branch `main` imports heavy modules eagerly, `lazy` defers them; see scripts/demo.ts)
 * and prints the two commits. The cold start workflow benchmarks main against lazy there.
 */
import { resolve } from "node:path";
import { buildDemoRepo } from "../../scripts/demo.ts";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: bun .github/scripts/demo-repo.ts DIR\n");
  process.exit(2);
}
const commits = await buildDemoRepo(resolve(dir));
process.stdout.write(`demo repository in ${resolve(dir)}: main ${commits.main.slice(0, 9)}, lazy ${commits.lazy.slice(0, 9)}\n`);
