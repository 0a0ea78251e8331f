/**
 * The Python side of the importers run (see why.ts): a `sys.meta_path` finder that records,
 * for every module the statement imports, who imported it, from which file and line.
 */

export const WHY_MARKER = "@@coldstart-why@@";

/**
 * Shared Python helpers (location of files, output on the duplicated fd). Only `sys` and
 * `os` are used before the statement: both are loaded by every interpreter's start-up, so
 * the harness adds no module the statement could otherwise have been the one to import.
 */
export const WHY_COMMON = String.raw`import sys, os
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
_cs_exit = os._exit
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
    # The report is out: end now. A thread the package left running (not a daemon) would
    # otherwise keep the interpreter alive until the timeout, for nothing.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    _cs_exit(1 if error is not None else 0)
`;

/**
 * The importers program. argv: [statement, root...]. Prints one marked JSON line (see the
 * file comment): `{python, error, warnings, modules: {name: ImporterRecord}}`.
 */
export const IMPORTERS = WHY_COMMON + String.raw`
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
        # To its end, blank lines and comments inside brackets skipped: attrs'
        # from attr import ( names 18 on as many lines.
        extra = 0
        while text and extra < 1000:
            depth = 0
            for ch in text:
                if ch in '([{':
                    depth += 1
                elif ch in ')]}':
                    depth -= 1
            if depth <= 0 and not text.endswith('\\'):
                break
            extra += 1
            raw = get(lineno + extra)
            if not raw:
                break  # the end of the file
            more = bare(raw)
            if not more or more.startswith('#'):
                if depth > 0:
                    continue
                break
            text = (text[:-1].rstrip() if text.endswith('\\') else text) + ' ' + more
        text = text.replace('( ', '(').replace(' )', ')').replace(',)', ')')
        if len(text) > 200:
            # Too long to quote: its start and its end (the closing bracket), the middle marked.
            head, tail = text[:150], text[-45:]
            cut = head.rfind(', ')
            if cut > 40:
                head = head[:cut + 1]
            cut = tail.find(', ')
            if 0 <= cut < len(tail) - 2:
                tail = tail[cut + 2:]
            text = head + ' \u2026 ' + tail
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
# requests.packages does, or at start-up, as os.path for posixpath): the other names point at
# the one the module calls itself; a module that calls itself by no name in sys.modules, at
# the name that passed the finder. So an extension that puts itself into sys.modules (a
# mypyc-compiled charset_normalizer.md) is known by its own __name__.
_cs_byid = {}
for _cs_name in sorted(_cs_after):
    try:
        _cs_own = object.__getattribute__(_cs_after[_cs_name], '__name__') == _cs_name
    except Exception:
        _cs_own = False
    if _cs_own:
        _cs_byid.setdefault(id(_cs_after[_cs_name]), _cs_name)
for _cs_name in sorted(_cs_after):
    if _cs_name in _cs_seen or _cs_name in _cs_startup:
        _cs_byid.setdefault(id(_cs_after[_cs_name]), _cs_name)
_cs_modules = {}
for _cs_name in sorted(_cs_after):
    _cs_rec = {'by': None, 'file': None, 'line': None, 'code': None}
    _cs_a = _cs_byid.get(id(_cs_after[_cs_name]))
    if _cs_name in _cs_startup:
        _cs_rec['startup'] = True
        if _cs_a is not None and _cs_a != _cs_name:
            _cs_rec['alias'] = _cs_a
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
        elif _cs_a is not None and _cs_a != _cs_name:
            _cs_rec['alias'] = _cs_a
    _cs_k = _cs_kind(_cs_name, _cs_after[_cs_name])
    if _cs_k is not None:
        _cs_rec['kind'] = _cs_k
    _cs_modules[_cs_name] = _cs_rec

_cs_emit({'python': '.'.join(str(x) for x in sys.version_info[:3]), 'error': _cs_err, 'warnings': _cs_warnings, 'modules': _cs_modules})
_cs_finish(_cs_err, _cs_exc)
`;
