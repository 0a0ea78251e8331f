/**
 * Python helpers shared by the advise programs (py-profile.ts, py-run.ts), prepended to
 * their text. Works on Python 3.8–3.13 and imports nothing but `sys` and `os` (both
 * loaded by every interpreter's start-up), so the measured statement meets the same
 * sys.modules as in a timed run and every module it loads is its own.
 *
 * argv (all programs): [statement, workload source, workload file name, stdout path,
 * stderr path, root...]. The statement and the workload are compiled first (a syntax
 * error is reported, not raised). Then file descriptors 1 and 2 are pointed at the two
 * files (output of any size, from Python, C code or subprocesses, never fills a pipe or
 * the parent's memory) and `sys.argv` becomes `['-c']`, the same for every program, so
 * a workload sees one argv whatever runs it. The report is one JSON line on a
 * duplicate of file descriptor 3 (the executor's result pipe, see executor.ts), which
 * is closed first so that processes the workload starts do not inherit it.
 */

export const ADVISE_COMMON = String.raw`import sys, os
_cs_a = sys.argv[1:]
_cs_statement, _cs_wsrc, _cs_wname, _cs_stdout, _cs_stderr = (_cs_a + [''] * 5)[:5]
_cs_roots = []
for _cs_r in _cs_a[5:]:
    for _cs_v in (os.path.abspath(_cs_r), os.path.realpath(_cs_r)):
        if _cs_r and _cs_v not in _cs_roots:
            _cs_roots.append(_cs_v)
sys.argv[:] = ['-c']
_cs_sep = os.sep
_cs_libdir = os.path.dirname(os.path.abspath(os.__file__))
_cs_out = os.dup(3)
os.close(3)
_cs_write = os.write
_cs_exit = os._exit
_cs_escapes = dict((i, '\\u%04x' % i) for i in list(range(32)) + list(range(0xd800, 0xe000)) + [0x2028, 0x2029])
_cs_escapes.update({ord('"'): '\\"', ord('\\'): '\\\\', ord('\n'): '\\n', ord('\t'): '\\t'})

def _cs_json(v):
    # A small JSON encoder: the json module may be the package's to load, or shadowed.
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
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except BaseException:
            pass
    view = memoryview((_cs_json(payload) + '\n').encode('utf-8', 'replace'))
    while len(view):
        view = view[_cs_write(_cs_out, view):]
    os.close(_cs_out)

def _cs_compile(src, name):
    try:
        return compile(src, name, 'exec'), None
    except BaseException as e:
        return None, _cs_describe(e, name)

def _cs_describe(e, wanted=None):
    # 'Type: message (file:line)', the line being the last frame in the file 'wanted'.
    try:
        text = type(e).__name__ + (': ' + str(e) if str(e) else '')
    except BaseException:
        text = type(e).__name__
    where = None
    if isinstance(e, SyntaxError) and e.lineno:
        where = '%s:%d' % (e.filename or wanted, e.lineno)
        text = 'SyntaxError: ' + str(e.msg)
    tb = e.__traceback__
    while tb is not None:
        if wanted is not None and tb.tb_frame.f_code.co_filename == wanted:
            where = '%s:%d' % (wanted, tb.tb_lineno)
        tb = tb.tb_next
    return text + (' (' + where + ')' if where else '')

def _cs_status(e):
    # The exit status Python gives an exception escaping the program.
    if e is None:
        return 0
    if isinstance(e, SystemExit):
        c = e.code
        if c is None:
            return 0
        if isinstance(c, int):
            return c & 0xff
        return 1
    return 1

def _cs_redirect():
    for path, fd in ((_cs_stdout, 1), (_cs_stderr, 2)):
        if path:
            f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(f, fd)
            os.close(f)

def _cs_where(fn):
    # (file relative to the first root holding it, root kind) for a module's file.
    if not isinstance(fn, str):
        return None, None
    if fn.startswith('<'):
        return fn, 'other'
    a = os.path.abspath(fn)
    for p in (a, os.path.realpath(fn)):
        i = max(p.rfind(_cs_sep + 'site-packages' + _cs_sep), p.rfind(_cs_sep + 'dist-packages' + _cs_sep))
        if i >= 0:
            return p[p.index(_cs_sep, i + 1) + 1:], 'site'
    for p in (a, os.path.realpath(fn)):
        for r in _cs_roots:
            if p.startswith(r + _cs_sep):
                return p[len(r) + 1:], 'tree'
    if a.startswith(_cs_libdir + _cs_sep):
        return a[len(_cs_libdir) + 1:], 'stdlib'
    return a, 'other'

def _cs_module_file(mod):
    try:
        d = object.__getattribute__(mod, '__dict__')
    except BaseException:
        return None, False
    fn = d.get('__file__')
    return (fn if isinstance(fn, str) else None), ('__path__' in d)

_cs_code, _cs_cerr = _cs_compile(_cs_statement, '<coldstart>')
_cs_wcode, _cs_werr = _cs_compile(_cs_wsrc, _cs_wname or '<workload>')
_cs_globals = {'__name__': '__coldstart__', '__builtins__': __builtins__}
_cs_clock = None
try:
    _cs_had_time = 'time' in sys.modules
    from time import perf_counter as _cs_clock
    if not _cs_had_time:
        del sys.modules['time']
except BaseException:
    pass
`;
