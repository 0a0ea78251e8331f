/**
 * The Python side of a timed run, passed with `-c` so nothing is read from disk (the
 * compiled binary carries it). Works on Python 3.8+.
 *
 * argv: [statement, comma-separated modules to check]. It times the statement with
 * perf_counter (wall) and process_time (CPU), counts what it read (rchar and syscr of
 * /proc/self/io before and after, Linux), the distinct module objects loaded and the
 * Python threads running after it, snapshots sys.modules, and imports nothing after the
 * statement: it writes its JSON line by hand. (It imported json there, which a
 * `python -c pass` baseline run paid for and a run whose package had loaded json did not —
 * with --pyc cold, compiling json every run — so "what the import adds", the statement's
 * process time minus the baseline's, lost part of the import.) It reads the peak resident
 * memory — VmHWM from /proc/self/status on Linux, because ru_maxrss there carries the
 * spawning parent's size across fork and exec — and writes one JSON line to file
 * descriptor 3, its quantities under their keys (quantities.ts): a channel the
 * measured package cannot break by replacing or closing sys.stdout. The descriptor is not
 * inherited by subprocesses the import starts. `time` is removed again from sys.modules
 * when the harness was the one to load it, so module counts match a plain
 * `python -c "import pkg"`. Markers on fd 2 delimit the statement's `-X importtime` lines.
 */
import { QUANTITIES, type QuantityValues } from "../quantities.ts";

/** File descriptor the harness reports on (the executor passes a pipe there). */
export const RESULT_FD = 3;
export const BEGIN_MARKER = "@@coldstart-begin@@";
export const END_MARKER = "@@coldstart-end@@";

export const HARNESS = `import sys
_cs_had_time = 'time' in sys.modules
from time import perf_counter as _cs_clock, process_time as _cs_cpu
if not _cs_had_time:
    del sys.modules['time']
import os as _cs_os
_cs_out = _cs_os.dup(${RESULT_FD})
_cs_os.close(${RESULT_FD})
_cs_code = compile(sys.argv[1], '<coldstart>', 'exec')
_cs_checks = [m for m in sys.argv[2].split(',') if m] if len(sys.argv) > 2 else []
_cs_globals = {'__name__': '__coldstart__', '__builtins__': __builtins__}
def _cs_mark(text):
    try:
        _cs_os.write(2, text)
    except OSError:
        pass
def _cs_io():
    try:
        with open('/proc/self/io') as _cs_file:
            return dict(_cs_row.split(': ') for _cs_row in _cs_file.read().splitlines())
    except (OSError, ValueError):
        return None
_cs_mark(b'\\n${BEGIN_MARKER}\\n')
_cs_io_start = _cs_io()
_cs_cpu_start = _cs_cpu()
_cs_start = _cs_clock()
exec(_cs_code, _cs_globals)
_cs_elapsed = _cs_clock() - _cs_start
_cs_cpu_elapsed = _cs_cpu() - _cs_cpu_start
_cs_io_end = _cs_io()
_cs_mark(b'\\n${END_MARKER}\\n')
_cs_modules = sorted(sys.modules)
_cs_distinct = len({id(_cs_m) for _cs_m in list(sys.modules.values()) if _cs_m is not None})
_cs_threads = len(sys._current_frames())
_cs_loaded = [m for m in _cs_checks if m in sys.modules]
def _cs_json(value):
    if value is None:
        return 'null'
    if value is True or value is False:
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return repr(value) if value == value and value not in (float('inf'), float('-inf')) else 'null'
    if isinstance(value, str):
        _cs_parts = ['"']
        for _cs_ch in value:
            _cs_o = ord(_cs_ch)
            if _cs_ch == '"' or _cs_ch == '\\\\':
                _cs_parts.append('\\\\' + _cs_ch)
            elif 0x20 <= _cs_o < 0x7f:
                _cs_parts.append(_cs_ch)
            elif _cs_o > 0xffff:
                _cs_o -= 0x10000
                _cs_parts.append('\\\\u%04x\\\\u%04x' % (0xd800 + (_cs_o >> 10), 0xdc00 + (_cs_o & 0x3ff)))
            else:
                _cs_parts.append('\\\\u%04x' % _cs_o)
        _cs_parts.append('"')
        return ''.join(_cs_parts)
    if isinstance(value, dict):
        return '{' + ', '.join(_cs_json(str(k)) + ': ' + _cs_json(v) for k, v in value.items()) + '}'
    return '[' + ', '.join(_cs_json(v) for v in value) + ']'
_cs_rss_mb = None
try:
    with open('/proc/self/status') as _cs_status:
        for _cs_field in _cs_status:
            if _cs_field.startswith('VmHWM:'):
                _cs_rss_mb = int(_cs_field.split()[1]) * 1024 / 1e6
except OSError:
    try:
        import resource
        _cs_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _cs_rss_mb = _cs_rss / 1e6 if sys.platform == 'darwin' else _cs_rss * 1024 / 1e6
    except Exception:
        pass
_cs_quantities = {'import_ms': _cs_elapsed * 1000.0, 'cpu_ms': _cs_cpu_elapsed * 1000.0, 'rss_mb': _cs_rss_mb,
                  'modules': _cs_distinct, 'threads': _cs_threads}
if _cs_io_start and _cs_io_end:
    _cs_quantities['read_mb'] = (int(_cs_io_end['rchar']) - int(_cs_io_start['rchar'])) / 1e6
    _cs_quantities['read_calls'] = int(_cs_io_end['syscr']) - int(_cs_io_start['syscr'])
_cs_line = _cs_json({'quantities': _cs_quantities, 'modules': _cs_modules, 'loaded': _cs_loaded}) + '\\n'
_cs_data = _cs_line.encode()
while _cs_data:
    _cs_data = _cs_data[_cs_os.write(_cs_out, _cs_data):]
_cs_os.close(_cs_out)
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
  /** The harness quantities of this run (those it could measure here). */
  quantities: QuantityValues;
  modules: string[];
  loaded: string[];
}

/** Parses the harness's result line; null when it is missing or malformed. */
export function parseHarnessOutput(text: string): HarnessOutput | null {
  const line = text.split("\n").find((candidate) => candidate.startsWith("{"));
  if (!line) return null;
  try {
    const value = JSON.parse(line) as { quantities?: Record<string, unknown>; modules?: unknown; loaded?: unknown };
    const reported = value.quantities ?? {};
    if (typeof reported.import_ms !== "number" || !Array.isArray(value.modules)) return null;
    const quantities: QuantityValues = {};
    for (const def of QUANTITIES) {
      const measured = reported[def.key];
      if (def.source === "harness" && typeof measured === "number" && Number.isFinite(measured)) quantities[def.key] = measured;
    }
    return { quantities, modules: value.modules as string[], loaded: (value.loaded as string[]) ?? [] };
  } catch {
    return null;
  }
}
