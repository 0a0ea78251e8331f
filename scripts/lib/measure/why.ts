/**
 * "Why is it slow": two uncounted Python runs per statement that explain a measurement.
 *
 * 1. **Importers** (`IMPORTERS`): a `sys.meta_path` finder at position 0 records, for every
 *    module the statement imports, who imported it — the importing module, file, line and
 *    that line's text — so a chain from the statement to any module can be drawn.
 * 2. **Hotspots** (`HOTSPOTS`): a `sys.setprofile` profiler, active only while the statement
 *    runs, times the calls made directly by each module's top-level code (Python and C
 *    calls) and each module's self time (its body's run time minus the nested imports).
 *
 * Both programs are passed with `-c` (nothing read from disk; the compiled binaries carry
 * them), run on Python 3.8–3.13, and take `argv = [statement, root, root...]`: the roots
 * are the measured tree's folders (the tree, and `tree/src` if you like); files under one
 * are reported relative to it (the first root that contains them).
 *
 * Output channel: before the statement runs, each program duplicates file descriptor 1
 * (`os.dup(1)`) and, when the statement is done, writes one line to that duplicate with
 * `os.write`: `\n@@coldstart-why@@{json}\n`. A package that replaces, wraps, closes or
 * redirects `sys.stdout` (even `os.close(1)` or `os.dup2(x, 1)`) cannot lose or corrupt it;
 * whatever the package printed is elsewhere in stdout, and the parsers take the last
 * marked line. The line is written even when the statement raises (`error` says how); the
 * process then exits with status 1 after printing the traceback to stderr.
 */

export const WHY_MARKER = "@@coldstart-why@@";

/** Where a file lives. "statement": the measured statement itself (file null). */
export type RootKind = "tree" | "site" | "stdlib" | "statement" | "other";

/** What an imported module is, from its own location (built-in and frozen modules are "stdlib"). */
export type ModuleKind = "stdlib" | "third-party" | "first-party" | "other";

/** A place in the source: the importing (or calling) module, its file, line and that line's text. */
export interface SourcePlace {
  /** The module whose code runs there (`f_globals['__name__']`); "__coldstart__" is the statement. */
  by: string | null;
  /** Relative to the root named by `root` (absolute for "other"); null for the statement. */
  file: string | null;
  /** 1-based line number. */
  line: number | null;
  /** The line's text, stripped (a statement continued over several lines is joined). */
  code: string | null;
  root?: RootKind;
}

/**
 * Who imported a module. `by` is the importing module ("__coldstart__" = the statement
 * itself), null when unknown (the module reached sys.modules without passing the finder:
 * inserted by C code or by hand, or found by a finder placed before ours). `startup`: the
 * module was loaded by interpreter start-up, before the statement ran.
 */
export interface ImporterRecord {
  by: string | null;
  file: string | null;
  line: number | null;
  code: string | null;
  startup?: true;
  /** Where the importing file lives (see `file`). */
  root?: RootKind;
  /** What the imported module itself is, from its own file (absent when it has no location). */
  kind?: ModuleKind;
  /** The function (qualified name on 3.11+) containing the import, when not at module top level. */
  function?: string;
  /**
   * Set when the importer is unknown but the same module object is in sys.modules under
   * another name that was imported normally (e.g. `requests.packages.urllib3` → `urllib3`).
   */
  alias?: string;
  /**
   * When the import ran inside a function: the nearest module-level line up the call stack
   * that led to it (e.g. `acme/__init__.py:3 configure()`), so an import done by a helper
   * called at import time still points at the caller's top-level line.
   */
  via?: SourcePlace;
}

/** Everything the importers run reports. */
export interface ImportersReport {
  /** `sys.version_info[:3]` joined with dots. */
  python: string;
  /** `Type: message` when the statement raised; null when it ran to the end. */
  error: string | null;
  /** What may make the records incomplete (the package moved or removed the finder). */
  warnings: string[];
  /** Every module in sys.modules right after the statement, by name. */
  modules: Record<string, ImporterRecord>;
}

/**
 * One line of a module's top-level code that calls something, aggregated over its calls.
 * `ms` excludes the imports the call made (those are `import_ms`, explained by importers),
 * so a module's hotspots add up to at most its `module_self_ms`.
 */
export interface Hotspot {
  module: string;
  /** As `ImporterRecord.file`: relative to `root`. */
  file: string | null;
  /** Line of the call in `module`'s top-level code; null for "(top-level code)". */
  line: number | null;
  /**
   * The callee: `re.compile`, `time.sleep`, `probe.get_info`, `dict.update`, `class Config`
   * (a class body run at import time). "(top-level code)" is the module's own bytecode
   * outside any call (self time no call accounts for).
   */
  call: string;
  /** Milliseconds, summed over `count` calls, nested imports excluded. */
  ms: number;
  /** How many times this line made this call (a loop: `re.compile(...) ×40`). */
  count: number;
  /** Milliseconds spent importing modules inside these calls (not in `ms`). */
  import_ms?: number;
  root?: RootKind;
  /** The module's self time, ms: its body's run time minus its nested imports. */
  module_self_ms?: number;
  /** The module's body run time including its nested imports, ms. */
  module_total_ms?: number;
  /** The whole statement under the profiler, ms: the denominator for "37% of import demopkg". */
  statement_ms?: number;
}

/** Per-module timing from the hotspots run. */
export interface HotspotModule {
  file: string | null;
  root?: RootKind;
  /** Body run time including nested imports, ms. */
  total_ms: number;
  /** total_ms minus nested imports, ms. */
  self_ms: number;
  /** self_ms spent in the body's own bytecode, outside any call, ms. */
  body_ms: number;
  /** The module's largest calls (up to 10), largest first. */
  calls: { line: number | null; call: string; ms: number; count: number; import_ms: number }[];
}

export interface HotspotsReport {
  python: string;
  error: string | null;
  /** The statement's run time under the profiler, ms (profiler overhead taken off, as every time here). */
  statement_ms: number;
  /** The statement's wall time with the profiler on, nothing taken off, ms. */
  raw_statement_ms: number;
  /** What may make the times incomplete (the package replaced the profiler). */
  warnings: string[];
  /** The measured cost of one profiler event, µs: what was taken off per event inside each span. */
  event_us: number;
  modules: Record<string, HotspotModule>;
}

/**
 * Shared Python helpers (location of files, output on the duplicated fd). Only `sys` and
 * `os` are used before the statement: both are loaded by every interpreter's start-up, so
 * the harness adds no module the statement could otherwise have been the one to import.
 */
const COMMON = String.raw`import sys, os
_cs_argv = sys.argv[1:]
_cs_statement = _cs_argv[0] if _cs_argv else 'pass'
_cs_sep = os.sep
_cs_libdir = os.path.dirname(os.path.abspath(os.__file__))
_cs_roots = []
for _cs_r in _cs_argv[1:]:
    if _cs_r:
        for _cs_v in (os.path.abspath(_cs_r), os.path.realpath(_cs_r)):
            if _cs_v not in _cs_roots:
                _cs_roots.append(_cs_v)
_cs_out = os.dup(1)
_cs_code = compile(_cs_statement, '<coldstart>', 'exec')
_cs_globals = {'__name__': '__coldstart__', '__builtins__': __builtins__}
_cs_impdir = os.path.join(_cs_libdir, 'importlib') + _cs_sep
_cs_zipimport = os.path.join(_cs_libdir, 'zipimport.py')

def _cs_machinery(c):
    # Functions of the import system (importlib, zipimport) are machinery; their module
    # bodies are ordinary importers.
    fn = c.co_filename
    if fn.startswith('<frozen importlib') or fn.startswith('<frozen zipimport') or fn.startswith(_cs_impdir) or fn == _cs_zipimport:
        return c.co_name != '<module>'
    return False

def _cs_where(fn, gl=None):
    # (file relative to its root, root kind) for a code file name.
    if fn is None:
        return None, None
    if fn == '<coldstart>':
        return None, 'statement'
    if fn.startswith('<frozen '):
        real = gl.get('__file__') if isinstance(gl, dict) else None
        if not isinstance(real, str):
            return fn, 'stdlib'
        fn = real
    if fn.startswith('<'):
        return fn, 'other'
    paths = [os.path.abspath(fn)]
    try:
        rp = os.path.realpath(fn)
        if rp != paths[0]:
            paths.append(rp)
    except Exception:
        pass
    for a in paths:
        i = max(a.rfind(_cs_sep + 'site-packages' + _cs_sep), a.rfind(_cs_sep + 'dist-packages' + _cs_sep))
        if i >= 0:
            return a[a.index(_cs_sep, i + 1) + 1:], 'site'
    for a in paths:
        for r in _cs_roots:
            if a.startswith(r + _cs_sep):
                return a[len(r) + 1:], 'tree'
    for a in paths:
        if a.startswith(_cs_libdir + _cs_sep):
            return a[len(_cs_libdir) + 1:], 'stdlib'
    return paths[0], 'other'

_cs_write = os.write
_cs_close = os.close
_cs_escapes = dict((i, '\\u%04x' % i) for i in list(range(32)) + list(range(0xd800, 0xe000)) + [0x2028, 0x2029])
_cs_escapes.update({ord('"'): '\\"', ord('\\'): '\\\\', ord('\n'): '\\n', ord('\t'): '\\t'})

def _cs_json(v):
    # A tiny JSON encoder, so the output does not depend on a json module the package may shadow.
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return repr(float(v)) if v == v and v not in (float('inf'), float('-inf')) else 'null'
    if isinstance(v, str):
        return '"' + v.translate(_cs_escapes) + '"'
    if isinstance(v, dict):
        return '{' + ','.join(_cs_json(str(k)) + ':' + _cs_json(x) for k, x in v.items()) + '}'
    return '[' + ','.join(_cs_json(x) for x in v) + ']'

def _cs_emit(payload):
    try:
        sys.stdout.flush()
    except BaseException:
        pass
    data = ('\n${WHY_MARKER}' + _cs_json(payload) + '\n').encode('utf-8')
    view = memoryview(data)
    while len(view):
        n = _cs_write(_cs_out, view)
        view = view[n:]

def _cs_error(e):
    try:
        return type(e).__name__ + ': ' + str(e)
    except BaseException:
        return type(e).__name__

def _cs_finish(error, exc):
    if exc is not None:
        try:
            import traceback
            traceback.print_exception(type(exc), exc, exc.__traceback__)
            sys.stderr.flush()
        except BaseException:
            pass
    _cs_close(_cs_out)
    if error is not None:
        raise SystemExit(1)
`;

/**
 * The importers program. argv: [statement, root...]. Prints one marked JSON line (see the
 * file comment): `{python, error, warnings, modules: {name: ImporterRecord}}`.
 */
export const IMPORTERS = COMMON + String.raw`
_cs_startup = set(sys.modules)
_cs_seen = {}
_cs_getframe = sys._getframe
_cs_loading = ('_find_and_load', '_find_and_load_unlocked')

def _cs_record(name):
    f = _cs_getframe(2)
    real = False
    while f is not None:
        c = f.f_code
        if not _cs_machinery(c):
            break
        if c.co_name in _cs_loading:
            real = True
        f = f.f_back
    # Only real imports count: importlib.util.find_spec() probes the finders without importing.
    if not real or f is None:
        return
    c = f.f_code
    gl = f.f_globals
    entry = [gl.get('__name__'), c.co_filename, f.f_lineno, gl, None, None]
    if c.co_name != '<module>':
        entry[4] = getattr(c, 'co_qualname', c.co_name)
        v = f.f_back
        while v is not None:
            vc = v.f_code
            if vc.co_name == '<module>' and not _cs_machinery(vc):
                vg = v.f_globals
                entry[5] = (vg.get('__name__'), vc.co_filename, v.f_lineno, vg)
                break
            v = v.f_back
    # A second real attempt for a name means the first one failed (or the module was
    # removed from sys.modules): the last attempt is the import that loaded it.
    _cs_seen[name] = entry

class _CsFinder(object):
    def find_spec(self, name, path=None, target=None):
        try:
            _cs_record(name)
        except Exception:
            pass
        return None

_cs_finder = _CsFinder()
sys.meta_path.insert(0, _cs_finder)
_cs_err = None
_cs_exc = None
try:
    exec(_cs_code, _cs_globals)
except BaseException as e:
    _cs_err = _cs_error(e)
    _cs_exc = e
finally:
    _cs_warnings = []
    try:
        _cs_pos = [i for i, f in enumerate(sys.meta_path) if f is _cs_finder]
        if not _cs_pos:
            _cs_warnings.append('the package removed the importers finder from sys.meta_path: later imports have unknown importers')
        elif _cs_pos[0] != 0:
            _cs_warnings.append('the package put %d finder(s) before the importers finder: modules they found have unknown importers' % _cs_pos[0])
        sys.meta_path.remove(_cs_finder)
    except BaseException:
        pass
while True:
    try:
        _cs_after = dict(sys.modules)
        break
    except RuntimeError:
        pass

import linecache
_cs_statement_lines = _cs_statement.splitlines()

def _cs_line(fn, lineno, gl):
    if lineno is None:
        return None
    if fn == '<coldstart>':
        lines = _cs_statement_lines
        get = lambda n: lines[n - 1] if 0 < n <= len(lines) else ''
    else:
        if fn.startswith('<frozen ') and isinstance(gl, dict) and isinstance(gl.get('__file__'), str):
            fn = gl['__file__']
        g = gl if isinstance(gl, dict) else None
        get = lambda n: linecache.getline(fn, n, g)
    def bare(line):
        # The line without a trailing comment (only when it has no string that could hold a '#').
        line = line.strip()
        if '#' in line and '"' not in line and "'" not in line:
            line = line[:line.index('#')].rstrip()
        return line
    try:
        text = bare(get(lineno))
        # Join a statement continued over several lines (open brackets or a backslash).
        extra = 0
        while text and extra < 12:
            depth = 0
            for ch in text:
                if ch in '([{':
                    depth += 1
                elif ch in ')]}':
                    depth -= 1
            if depth <= 0 and not text.endswith('\\'):
                break
            extra += 1
            more = bare(get(lineno + extra))
            if not more:
                if get(lineno + extra).strip().startswith('#'):
                    continue
                break
            text = (text[:-1].rstrip() if text.endswith('\\') else text) + ' ' + more
        text = text.replace('( ', '(').replace(' )', ')').replace(',)', ')')
        if len(text) > 200:
            text = text[:199] + '\u2026'
        return text or None
    except Exception:
        return None

def _cs_kind(name, mod):
    try:
        d = object.__getattribute__(mod, '__dict__')
    except Exception:
        return None
    fn = None
    spec = d.get('__spec__')
    origin = getattr(spec, 'origin', None) if spec is not None else None
    if origin in ('built-in', 'frozen'):
        return 'stdlib'
    fn = d.get('__file__') if isinstance(d.get('__file__'), str) else origin if isinstance(origin, str) else None
    if fn is None:
        p = d.get('__path__')
        try:
            for entry in p or ():
                if isinstance(entry, str):
                    fn = os.path.join(entry, '__init__.py')
                    break
        except Exception:
            pass
    top = name.split('.')[0]
    names = getattr(sys, 'stdlib_module_names', ())
    if fn is None:
        return 'stdlib' if top in names or top in sys.builtin_module_names else None
    root = _cs_where(fn)[1]
    if root == 'site':
        return 'third-party'
    if root == 'tree':
        return 'first-party'
    if root == 'stdlib' or top in names:
        return 'stdlib'
    return 'other'

# A module object known under several names (an alias put in sys.modules by hand, as
# requests.packages does): the names that did not pass the finder point at the one that did.
_cs_byid = {}
for _cs_name in sorted(_cs_after):
    if _cs_name in _cs_seen or _cs_name in _cs_startup:
        _cs_byid.setdefault(id(_cs_after[_cs_name]), _cs_name)
_cs_modules = {}
for _cs_name in sorted(_cs_after):
    _cs_rec = {'by': None, 'file': None, 'line': None, 'code': None}
    if _cs_name in _cs_startup:
        _cs_rec['startup'] = True
    else:
        _cs_e = _cs_seen.get(_cs_name)
        if _cs_e is not None:
            _cs_rec['by'] = _cs_e[0] if isinstance(_cs_e[0], str) else None
            _cs_rec['file'], _cs_rec['root'] = _cs_where(_cs_e[1], _cs_e[3])
            _cs_rec['line'] = _cs_e[2]
            _cs_rec['code'] = _cs_line(_cs_e[1], _cs_e[2], _cs_e[3])
            if _cs_e[4] is not None:
                _cs_rec['function'] = _cs_e[4]
                if _cs_e[5] is not None:
                    _cs_v = _cs_e[5]
                    _cs_vf, _cs_vr = _cs_where(_cs_v[1], _cs_v[3])
                    _cs_rec['via'] = {'by': _cs_v[0] if isinstance(_cs_v[0], str) else None, 'file': _cs_vf, 'line': _cs_v[2],
                                      'code': _cs_line(_cs_v[1], _cs_v[2], _cs_v[3]), 'root': _cs_vr}
        else:
            _cs_a = _cs_byid.get(id(_cs_after[_cs_name]))
            if _cs_a is not None and _cs_a != _cs_name:
                _cs_rec['alias'] = _cs_a
    _cs_k = _cs_kind(_cs_name, _cs_after[_cs_name])
    if _cs_k is not None:
        _cs_rec['kind'] = _cs_k
    _cs_modules[_cs_name] = _cs_rec

_cs_emit({'python': '.'.join(str(x) for x in sys.version_info[:3]), 'error': _cs_err, 'warnings': _cs_warnings, 'modules': _cs_modules})
_cs_finish(_cs_err, _cs_exc)
`;

/**
 * The hotspots program. argv: [statement, root...]. Prints one marked JSON line:
 * `{python, error, warnings, statement_ms, raw_statement_ms, event_us, modules: {name: HotspotModule}}`.
 *
 * The profiler keeps a stack of the frames that matter — module bodies, calls made
 * directly by a module body, and import-system entries (`_find_and_load`) — and ignores
 * every other event after a couple of identity checks. An import's whole duration (find,
 * load, run) is subtracted from the module (and the call) it happened under; what is left
 * of a module body's run time is its self time.
 *
 * Profiler overhead: every call and return anywhere costs one Python callback (0.2–0.5 µs),
 * which would inflate Python-heavy calls several times over (`re.compile` ×40: 4–8×). The
 * program counts the events inside every timed span and, after the statement, measures the
 * cost of one event (`event_us`, the fastest of a few runs of a calibration loop); every
 * reported time has events × event_us taken off. Calls into C (sleep, I/O) have no events
 * inside and need no correction.
 */
export const HOTSPOTS = COMMON + String.raw`
_cs_had_time = 'time' in sys.modules
from time import perf_counter as _cs_clock
if not _cs_had_time:
    del sys.modules['time']
_cs_builtins_mod = sys.modules.get('builtins')
_cs_boot = sys.modules.get('_frozen_importlib') or sys.modules.get('importlib._bootstrap')
_cs_moduletype = type(sys)

def _cs_cname(f):
    try:
        q = getattr(f, '__qualname__', None) or getattr(f, '__name__', None) or type(f).__name__
        m = getattr(f, '__module__', None)
        if m is None:
            s = getattr(f, '__self__', None)
            if isinstance(s, _cs_moduletype):
                m = s.__name__
            elif s is not None and '.' not in q:
                q = type(s).__name__ + '.' + q
        if m and m != 'builtins':
            return m + '.' + q
        return q
    except Exception:
        return '?'

def _cs_pyname(frame, c):
    m = frame.f_globals.get('__name__')
    q = getattr(c, 'co_qualname', c.co_name)
    return (m + '.' + q) if isinstance(m, str) and m else q

def _cs_profiler(statement_code):
    # Stack entries (lists); t: perf_counter seconds, n: the event counter.
    #   module body  [0, frame, t0, n0, nested_t, nested_n, name, filename, globals]
    #   import       [1, frame, t0, n0]
    #   python call  [2, callee frame, t0, n0, import_t, import_n, key, module entry, machinery?]
    #   C call       [3, caller frame, t0, n0, import_t, import_n, key, module entry, machinery?, function]
    # Results: mods[name] = [total_t, total_n, nested_t, nested_n, filename, globals]
    #          calls[(module, line, call)] = [t, n, count, import_t, import_n]
    FAL = _cs_boot._find_and_load.__code__
    imp = getattr(_cs_builtins_mod, '__import__', None)
    build_class = getattr(_cs_builtins_mod, '__build_class__', None)
    sysmods = sys.modules
    clock = _cs_clock
    machinery = _cs_machinery
    cname = _cs_cname
    pyname = _cs_pyname
    getdict = object.__getattribute__
    stack = []
    active = set()
    calls = {}
    mods = {}
    n = 0

    def done(e, t, n):
        kind = e[0]
        d = t - e[2]
        k = n - e[3]
        if kind == 1:
            if stack:
                below = stack[-1]
                if below[0] == 0:
                    below[4] += d
                    below[5] += k
                elif below[0] >= 2:
                    below[4] += d
                    below[5] += k
                    m = below[7]
                    m[4] += d
                    m[5] += k
        elif kind == 0:
            name = e[6]
            active.discard(name)
            m = mods.get(name)
            if m is None:
                m = mods[name] = [0.0, 0, 0.0, 0, e[7], e[8]]
            m[0] += d
            m[1] += k
            m[2] += e[4]
            m[3] += e[5]
        elif not e[8]:
            a = calls.get(e[6])
            if a is None:
                a = calls[e[6]] = [0.0, 0, 0, 0.0, 0]
            a[0] += d - e[4]
            a[1] += k - e[5]
            a[2] += 1
            a[3] += e[4]
            a[4] += e[5]

    def prof(frame, event, arg):
        nonlocal n
        n += 1
        try:
            if event == 'call':
                c = frame.f_code
                if c is FAL:
                    stack.append([1, frame, clock(), n])
                    return
                if c.co_name == '<module>':
                    if c is statement_code:
                        active.add('__coldstart__')
                        stack.append([0, frame, clock(), n, 0.0, 0, '__coldstart__', '<coldstart>', None])
                        return
                    gl = frame.f_globals
                    name = gl.get('__name__')
                    fn = c.co_filename
                    if isinstance(name, str) and name not in active and (not fn.startswith('<') or fn.startswith('<frozen')):
                        m = sysmods.get(name)
                        try:
                            same = m is not None and getdict(m, '__dict__') is gl
                        except Exception:
                            same = False
                        if same:
                            active.add(name)
                            stack.append([0, frame, clock(), n, 0.0, 0, name, fn, gl])
                            return
                if stack:
                    top = stack[-1]
                    if top[0] == 0:
                        if frame.f_back is top[1]:
                            stack.append([2, frame, clock(), n, 0.0, 0, (top[6], top[1].f_lineno, pyname(frame, c)), top, machinery(c)])
                    elif top[0] == 3 and top[9] is build_class and frame.f_back is top[1] and not (c.co_flags & 1) and top[6][2] == '__build_class__':
                        # The class body (not optimized, unlike a function such as a metaclass's __prepare__).
                        top[6] = (top[6][0], top[6][1], 'class ' + c.co_name)
                return
            if event == 'return':
                if stack:
                    top = stack[-1]
                    if frame is top[1]:
                        t = clock()
                        if top[0] == 3:
                            # A C call of this frame whose end was not seen: close it first.
                            done(stack.pop(), t, n)
                            if stack and frame is stack[-1][1]:
                                done(stack.pop(), t, n)
                        else:
                            done(stack.pop(), t, n)
                return
            if event == 'c_call':
                if stack:
                    top = stack[-1]
                    if top[0] == 0 and frame is top[1]:
                        stack.append([3, frame, clock(), n, 0.0, 0, (top[6], frame.f_lineno, cname(arg)), top, arg is imp, arg])
                return
            # c_return / c_exception. Matched by frame alone: a module body runs one C call at a
            # time, and 3.12+ reports a bound C method as a new object at each event.
            if stack:
                top = stack[-1]
                if top[0] == 3 and frame is top[1]:
                    done(stack.pop(), clock(), n)
        except Exception:
            pass

    def calibrate():
        # One event's cost inside a timed call: a small parser (methods, builtins, list and
        # dict work, the mix of typical library code), timed with and without the profiler,
        # fastest of several runs, divided by the events it produced.
        class Reader(object):
            def __init__(self, s):
                self.s = s
                self.i = 0
            def peek(self):
                return self.s[self.i] if self.i < len(self.s) else None
            def next(self):
                ch = self.peek()
                self.i += 1
                return ch
        def group(r):
            return {'k': r.next()}
        def parse(s):
            r = Reader(s)
            out = []
            while True:
                ch = r.next()
                if ch is None:
                    break
                if ch.isdigit():
                    out.append(int(ch))
                elif ch in '([':
                    out.append(group(r))
                else:
                    out.append(ch)
            return out
        def work(k):
            for _ in range(k):
                parse('ab(c1[d2ef3')
        off = on = None
        events = 0
        fake = [2, None, 0.0, 0, 0.0, 0, None, None, True]
        for _ in range(5):
            t = clock()
            work(100)
            d = clock() - t
            off = d if off is None or d < off else off
            stack.append(fake)
            n0 = n
            sys.setprofile(prof)
            t = clock()
            work(100)
            d = clock() - t
            sys.setprofile(None)
            events = n - n0
            stack.pop()
            on = d if on is None or d < on else on
        return max(0.0, (on - off) / events) if events > 0 else 0.0

    return prof, calibrate, stack, calls, mods

_cs_prof, _cs_calibrate, _cs_stack, _cs_calls, _cs_mods = _cs_profiler(_cs_code)
_cs_err = None
_cs_exc = None
_cs_t0 = _cs_clock()
sys.setprofile(_cs_prof)
try:
    exec(_cs_code, _cs_globals)
except BaseException as e:
    _cs_err = _cs_error(e)
    _cs_exc = e
finally:
    _cs_replaced = sys.getprofile() is not _cs_prof
    sys.setprofile(None)
_cs_t1 = _cs_clock()
_cs_warnings = []
if _cs_replaced:
    _cs_warnings.append('the package replaced or removed the profiler (sys.setprofile): times after that point are missing')
del _cs_stack[:]
try:
    _cs_ev = _cs_calibrate()
except Exception:
    _cs_ev = 0.0

def _cs_ms(t, k):
    return max(0.0, t - k * _cs_ev) * 1000.0

_cs_bymod = {}
for (_cs_m, _cs_line, _cs_call), _cs_a in _cs_calls.items():
    _cs_bymod.setdefault(_cs_m, []).append((_cs_ms(_cs_a[0], _cs_a[1]), _cs_line, _cs_call, _cs_a[2], _cs_ms(_cs_a[3], _cs_a[4])))
_cs_out_mods = {}
for _cs_m, _cs_v in _cs_mods.items():
    _cs_f, _cs_r = _cs_where(_cs_v[4], _cs_v[5])
    _cs_self = _cs_ms(_cs_v[0] - _cs_v[2], _cs_v[1] - _cs_v[3])
    _cs_list = sorted(_cs_bymod.get(_cs_m, ()), key=lambda x: (-x[0], x[1] or 0, x[2]))
    _cs_rec = {'file': _cs_f, 'total_ms': _cs_ms(_cs_v[0], _cs_v[1]), 'self_ms': _cs_self,
               'body_ms': max(0.0, _cs_self - sum(x[0] for x in _cs_list)),
               'calls': [{'line': x[1], 'call': x[2], 'ms': x[0], 'count': x[3], 'import_ms': x[4]} for x in _cs_list[:10]]}
    if _cs_r is not None:
        _cs_rec['root'] = _cs_r
    _cs_out_mods[_cs_m] = _cs_rec
_cs_stmt = _cs_out_mods.get('__coldstart__')
_cs_emit({'python': '.'.join(str(x) for x in sys.version_info[:3]), 'error': _cs_err, 'warnings': _cs_warnings,
          'event_us': _cs_ev * 1e6, 'raw_statement_ms': (_cs_t1 - _cs_t0) * 1000.0,
          'statement_ms': _cs_stmt['total_ms'] if _cs_stmt else (_cs_t1 - _cs_t0) * 1000.0, 'modules': _cs_out_mods})
_cs_finish(_cs_err, _cs_exc)
`;

/** Roots given to the programs: one folder or several (e.g. the tree and `tree/src`). */
function rootArgs(tree: string | readonly string[]): string[] {
  return typeof tree === "string" ? [tree] : [...tree];
}

/** argv of the importers run: spawn it directly (no shell), with the measurement's env. */
export function importersArgv(python: string, statement: string, tree: string | readonly string[]): string[] {
  return [python, "-c", IMPORTERS, statement, ...rootArgs(tree)];
}

/** argv of the hotspots run: spawn it directly (no shell), with the measurement's env. */
export function hotspotsArgv(python: string, statement: string, tree: string | readonly string[]): string[] {
  return [python, "-c", HOTSPOTS, statement, ...rootArgs(tree)];
}

/**
 * The last marked line whose JSON object has `modules` (an object), or null. Earlier and
 * malformed marked lines are skipped, so text the package printed (even a fake marker,
 * even after ours from an atexit handler) cannot replace the harness's line.
 */
function markedJson(stdout: string): Record<string, unknown> | null {
  let end = stdout.length;
  while (end > 0) {
    const at = stdout.lastIndexOf(WHY_MARKER, end - 1);
    if (at < 0) return null;
    const line = stdout.slice(at + WHY_MARKER.length).split("\n", 1)[0] ?? "";
    try {
      const value: unknown = JSON.parse(line);
      if (isObject(value) && isObject(value.modules)) return value;
    } catch {
      // not ours: keep looking
    }
    end = at;
  }
  return null;
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** The whole importers report from a child's stdout; null when its line is missing or malformed. */
export function parseImportersReport(stdout: string): ImportersReport | null {
  const value = markedJson(stdout);
  if (!value || !isObject(value.modules)) return null;
  const modules: Record<string, ImporterRecord> = Object.create(null);
  for (const [name, raw] of Object.entries(value.modules)) {
    if (!isObject(raw)) continue;
    modules[name] = raw as unknown as ImporterRecord;
  }
  return {
    python: typeof value.python === "string" ? value.python : "",
    error: typeof value.error === "string" ? value.error : null,
    warnings: stringList(value.warnings),
    modules,
  };
}

/** Who imported each module, from the importers run's stdout; null when its line is missing. */
export function parseImporters(stdout: string): Record<string, ImporterRecord> | null {
  return parseImportersReport(stdout)?.modules ?? null;
}

/** The whole hotspots report from a child's stdout; null when its line is missing or malformed. */
export function parseHotspotsReport(stdout: string): HotspotsReport | null {
  const value = markedJson(stdout);
  if (!value || !isObject(value.modules) || typeof value.statement_ms !== "number") return null;
  const modules: Record<string, HotspotModule> = Object.create(null);
  for (const [name, raw] of Object.entries(value.modules)) {
    if (isObject(raw) && typeof raw.self_ms === "number" && typeof raw.total_ms === "number" && Array.isArray(raw.calls)) {
      modules[name] = raw as unknown as HotspotModule;
    }
  }
  return {
    python: typeof value.python === "string" ? value.python : "",
    error: typeof value.error === "string" ? value.error : null,
    statement_ms: value.statement_ms,
    raw_statement_ms: typeof value.raw_statement_ms === "number" ? value.raw_statement_ms : value.statement_ms,
    warnings: stringList(value.warnings),
    event_us: typeof value.event_us === "number" ? value.event_us : 0,
    modules,
  };
}

export interface HotspotOptions {
  /** How many modules, those with the most self time (default 5). */
  modules?: number;
  /** How many calls per module, the largest (default 3). */
  calls?: number;
  /** Calls under this many ms are left out (default 0.1). */
  minMs?: number;
}

/** Milliseconds rounded to µs, for stable JSON. */
const ms3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The hotspots to store and show: for the `modules` modules with the most self time, their
 * `calls` largest calls (a module's own bytecode counts as one "(top-level code)" call),
 * all in one list, largest `ms` first. Null when the run's line is missing.
 */
export function parseHotspots(stdout: string | HotspotsReport, options: HotspotOptions = {}): Hotspot[] | null {
  const report = typeof stdout === "string" ? parseHotspotsReport(stdout) : stdout;
  if (!report) return null;
  return selectHotspots(report, options);
}

export function selectHotspots(report: HotspotsReport, options: HotspotOptions = {}): Hotspot[] {
  const moduleCount = options.modules ?? 5;
  const callCount = options.calls ?? 3;
  const minMs = options.minMs ?? 0.1;
  const ranked = Object.entries(report.modules)
    .filter(([, m]) => typeof m.self_ms === "number")
    .sort(([a, x], [b, y]) => y.self_ms - x.self_ms || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, moduleCount);
  const out: Hotspot[] = [];
  for (const [module, m] of ranked) {
    const candidates = [
      ...(m.calls ?? []).map((c) => ({ line: c.line, call: c.call, ms: c.ms, count: c.count, import_ms: c.import_ms })),
      { line: null, call: "(top-level code)", ms: m.body_ms ?? 0, count: 1, import_ms: 0 },
    ]
      .filter((c) => c.ms >= minMs)
      .sort((a, b) => b.ms - a.ms || (a.line ?? 0) - (b.line ?? 0))
      .slice(0, callCount);
    for (const c of candidates) {
      const spot: Hotspot = { module, file: m.file ?? null, line: c.line, call: c.call, ms: ms3(c.ms), count: c.count };
      if (c.import_ms > 0) spot.import_ms = ms3(c.import_ms);
      if (m.root) spot.root = m.root;
      spot.module_self_ms = ms3(m.self_ms);
      spot.module_total_ms = ms3(m.total_ms);
      spot.statement_ms = ms3(report.statement_ms);
      out.push(spot);
    }
  }
  return out.sort((a, b) => b.ms - a.ms || (a.module < b.module ? -1 : a.module > b.module ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0));
}
