/** Test helper: two real interpreters of different versions on this machine, if there are two. */
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

function probe(python: string): { executable: string; minor: string } | null {
  const result = Bun.spawnSync([python, "-c", "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])"], { stderr: "ignore" });
  if (result.exitCode !== 0) return null;
  const [executable, minor] = result.stdout.toString().trim().split("\n");
  return executable && minor ? { executable, minor } : null;
}

/**
 * python3 (as its real executable) and an interpreter of another Python 3.8+ version from
 * pyenv or uv (by path, so no shim decides); null when this machine has only one.
 */
export function twoInterpreters(): [string, string] | null {
  const first = probe("python3");
  if (!first) return null;
  const roots = [join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions"), join(homedir(), ".local", "share", "uv", "python")];
  for (const root of roots) {
    const names = existsSync(root) ? readdirSync(root).sort().reverse() : [];
    for (const name of names) {
      const minor = /(?:^|-)(3\.(\d+))\./.exec(`${name}.`);
      if (!minor || Number(minor[2]) < 8 || minor[1] === first.minor) continue;
      const python = join(root, name, "bin", `python${minor[1]}`);
      const found = existsSync(python) ? probe(python) : null;
      if (found && found.minor !== first.minor) return [first.executable, python];
    }
  }
  return null;
}
