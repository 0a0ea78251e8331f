/**
 * The Python side of a timed run, passed with `-c` so nothing is read from disk (the
 * compiled binaries carry it). Works on Python 3.8+.
 *
 * argv: [statement, comma-separated modules to check]. It times the statement with
 * perf_counter, snapshots sys.modules *before* importing json (so the harness's own
 * imports are neither timed nor counted), and prints one marked JSON line.
 * `time` is removed again from sys.modules when the harness was the one to load it, so
 * module counts match a plain `python -c "import pkg"`.
 */
export const RESULT_MARKER = "@@coldstart-result@@";
export const BEGIN_MARKER = "@@coldstart-begin@@";
export const END_MARKER = "@@coldstart-end@@";

export const HARNESS = `import sys
_cs_had_time = 'time' in sys.modules
from time import perf_counter as _cs_clock
if not _cs_had_time:
    del sys.modules['time']
_cs_code = compile(sys.argv[1], '<coldstart>', 'exec')
_cs_checks = [m for m in sys.argv[2].split(',') if m] if len(sys.argv) > 2 else []
_cs_globals = {'__name__': '__coldstart__', '__builtins__': __builtins__}
sys.stderr.write('\\n${BEGIN_MARKER}\\n')
sys.stderr.flush()
_cs_start = _cs_clock()
exec(_cs_code, _cs_globals)
_cs_elapsed = _cs_clock() - _cs_start
sys.stderr.write('\\n${END_MARKER}\\n')
sys.stderr.flush()
_cs_modules = sorted(sys.modules)
_cs_loaded = [m for m in _cs_checks if m in sys.modules]
import json
sys.stdout.write('\\n${RESULT_MARKER}' + json.dumps({'import_ms': _cs_elapsed * 1000.0, 'modules': _cs_modules, 'loaded': _cs_loaded}) + '\\n')
sys.stdout.flush()
`;

/** Asks an interpreter who it really is; printed as one JSON line. */
export const PROBE = `import sys, json, platform, os
print(json.dumps({
    'executable': sys.executable,
    'version': sys.version,
    'version_info': list(sys.version_info[:3]),
    'platform': platform.platform(),
    'machine': platform.machine(),
    'processor': platform.processor(),
    'prefix': sys.prefix,
    'base_prefix': getattr(sys, 'base_prefix', sys.prefix),
    'cpu_count': os.cpu_count(),
}))
`;

export interface HarnessOutput {
  import_ms: number;
  modules: string[];
  loaded: string[];
}

/** Finds the harness's result line in a child's stdout (the package may print too). */
export function parseHarnessOutput(stdout: string): HarnessOutput | null {
  const at = stdout.lastIndexOf(RESULT_MARKER);
  if (at < 0) return null;
  const line = stdout.slice(at + RESULT_MARKER.length).split("\n", 1)[0] ?? "";
  try {
    const value = JSON.parse(line) as HarnessOutput;
    return typeof value.import_ms === "number" && Array.isArray(value.modules) ? value : null;
  } catch {
    return null;
  }
}
