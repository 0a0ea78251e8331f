/**
 * The Python side of the hotspots run (see why.ts): times, while the statement runs, each
 * module's import and the calls its top-level code makes, without slowing down the code those
 * calls run (no profiler).
 */
import { WHY_COMMON } from "./why-importers.ts";

/**
 * The hotspots program. argv: [statement, root...]. Prints one marked JSON line:
 * `{python, error, warnings, method, statement_ms, raw_statement_ms, event_us, overhead_ms,
 * modules: {name: HotspotModule}}` (`method`: "monitoring" or "instrument"; `event_us`: the
 * harness's average cost per event it handled; `overhead_ms`: all the harness time taken off).
 *
 * A module's figures are timed as `-X importtime` times them: from the start to the end of its
 * import (`_find_and_load`), minus the harness's own time; `self_ms` leaves out the imports
 * nested in it. Its calls are spans inside that span, so no call costs more than its module
 * and a module's calls add up to at most its self time, by construction (a final clamp only
 * absorbs rounding); hotspot-merge.ts bounds merged runs by the unprofiled figures as well.
 *
 * Why no profiler. sys.setprofile fires on every call and return anywhere. On 3.8–3.10 each
 * event costs 0.5–1 µs even with a C callback (the interpreter copies the frame's locals into
 * a dict and back around it, so the cost grows with the function's locals); on 3.11 profiling
 * also turns the specialising interpreter off. `re.compile` of a long pattern runs 3–10×
 * slower under it, and no calibration of a per-event cost takes that back out: the cost
 * differs per function and with the machine's load. The phantom of the issue is that: the
 * three `urllib3/util/url.py` lines (112, 127, 128 ms against 12.4 ms for the module) are in
 * the ratio of their profiler events (16.9k, 18.7k, 18.6k), not counted twice (the profiler
 * only ever recorded direct callees of a module body; `re`'s cache is not involved: the three
 * patterns differ).
 *
 * Measured on test/fixtures/hotspots (long distinct patterns, 400 small classes defined in a
 * loop, an Enum of 300 members, a 200 ms sleep, nested imports) against a copy with
 * perf_counter() around each of those lines, unprofiled: 11–15 alternating runs per method on
 * a 2-core VM under a load of 5–9. Error of the worst line / median over the 9 lines (median
 * of the per-run ratios):
 *
 *   method                                   3.8          3.11          3.12          3.13
 *   setprofile, events x calibrated cost     +960%/723%   +1065%/314%   +1264%/139%   +1208%/228%
 *   the same scaled per module to the        95%/17%      147%/30%      173%/41%      309%/51%
 *     -X importtime self time (single runs show 0 ms for over-corrected lines)
 *   SIGALRM sampling, 100 µs, time-weighted  crashes¹     +192%/118%    –             –
 *   source instrumentation ("instrument")    42%/7%       136%²/11%     77%/7%        49%³/8%
 *   sys.monitoring, local events             –            –             52%/11%       1000%²/8%
 *
 *   ¹ the handler is re-entered by the next signal until the stack overflows; on 3.11 each
 *     signal costs ~40 µs outside the handler on a VM, so everything runs 1.5–2x slower.
 *   ² a collection's pause landing on that line in most runs of one side (the minima agree
 *     within 10%); where a due collection falls moves with any harness's allocations.
 *   ³ the class loop: code compiled from source at run time ran it faster than the .pyc code.
 *
 * Run in the same process as the timed copy (both measure the same moment), instrument and
 * monitoring agree with perf_counter within 3% on every line but the class loop, whose
 * perf_counter span also holds the harness's own work for each of its 400 iterations.
 * test/hotspots-accuracy.test.ts holds every line to 25%.
 *
 * So, per interpreter:
 *
 * - **monitoring** (3.12+): sys.monitoring with local events only. `_find_and_load` gets
 *   PY_START/PY_RETURN; `_call_with_frames_removed` gets CALL, which shows each module's code
 *   object just before the loader execs it, and that code (and the statement's) then gets
 *   PY_START, PY_RETURN, CALL, C_RETURN/C_RAISE and LINE. PY_UNWIND (global) ends imports and
 *   bodies that raise. A call ends at its C_RETURN, or, a Python function, at its body's next
 *   event. Nothing fires inside the calls. Falls back to instrumentation when no tool id is free.
 * - **instrument** (3.8–3.11): `SourceLoader.get_code` is wrapped: each source module is loaded
 *   as usual (its .pyc), then compiled again from its text with its top-level calls timed
 *   (`f(x)` becomes `_cs_hr(_cs_hc(tok, depth, line, f)(x))`: the callee is still called by the
 *   module's own frame; class statements and decorated defs are framed), and
 *   `importlib._bootstrap._find_and_load` is wrapped to time each import. Compiling runs with
 *   the collector off, is harness time, and stops after 15 s of it (a warning says so; the
 *   executor gives the run three times the timeout; COLDSTART_HOTSPOTS_COMPILE_S sets it).
 *
 * Either way the harness's own time inside a span is measured and taken off. A collection's
 * pause (gc.callbacks) is the import's, but not the cost of whichever line allocated when it
 * was due (any harness moves that moment; a 10-40 ms pause on a busy machine otherwise makes a
 * phantom of a random line): it is taken out of the call it fell in and listed as its module's
 * "(garbage collection)" call (line null, count = collections). Before the statement only
 * `sys`, `os` and the built-in `time`, `gc` are imported.
 */
export const HOTSPOTS = WHY_COMMON + String.raw`
_cs_had_time = 'time' in sys.modules
from time import perf_counter as _cs_clock
if not _cs_had_time:
    del sys.modules['time']
_cs_had_gc = 'gc' in sys.modules
import gc as _cs_gc
if not _cs_had_gc:
    del sys.modules['gc']
_cs_builtins_mod = sys.modules.get('builtins')
_cs_boot = sys.modules.get('_frozen_importlib') or sys.modules.get('importlib._bootstrap')
_cs_ext = sys.modules.get('_frozen_importlib_external') or sys.modules.get('importlib._bootstrap_external')
_cs_thread = sys.modules.get('_thread')
_cs_warn = sys.modules.get('_warnings')
_cs_moduletype = type(sys)
_cs_functype = type(_cs_machinery)
_cs_methodtype = type(_cs_machinery.__get__(1))
_cs_import = getattr(_cs_builtins_mod, '__import__', None)
_cs_build_class = getattr(_cs_builtins_mod, '__build_class__', None)
_cs_typeget = type.__dict__['__module__'].__get__, type.__dict__['__qualname__'].__get__

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

def _cs_callname(f):
    # (name, import machinery?) of a callable, read without running any of its code: a Python
    # function as its module and qualified name, a class as itself, a C function as Python
    # spells it ('list.append'), any other object as its type's '__call__'.
    t = type(f)
    if t is _cs_methodtype:
        f = f.__func__
        t = type(f)
    if t is _cs_functype:
        c = f.__code__
        m = f.__globals__.get('__name__')
        q = getattr(c, 'co_qualname', None) or f.__qualname__
        return ((m + '.' + q) if isinstance(m, str) and m else q), _cs_machinery(c)
    if isinstance(f, type):
        m = _cs_typeget[0](f)
        q = _cs_typeget[1](f)
        return ((m + '.' + q) if isinstance(m, str) and m != 'builtins' else q), False
    if t.__name__ in ('builtin_function_or_method', 'method_descriptor', 'wrapper_descriptor', 'method-wrapper', 'classmethod_descriptor'):
        return _cs_cname(f), f is _cs_import
    m = _cs_typeget[0](t)
    q = _cs_typeget[1](t)
    return ((m + '.' + q) if isinstance(m, str) and m != 'builtins' else q) + '.__call__', False

def _cs_state():
    # Shared results. calls[(module, line, call)] = [seconds, count, import seconds];
    # mods[name] = [seconds of its import, seconds of the imports nested in it]; files[name] =
    # (file, globals); ovh = [seconds the harness spent while the statement ran, its events].
    return {}, {}, {}, [0.0, 0]

_cs_calls, _cs_mods, _cs_files, _cs_ovh = _cs_state()
# Collections' pauses by module (the module whose code was running): [seconds, collections].
_cs_gcmods = {}
try:
    _cs_budget = float(os.environ.get('COLDSTART_HOTSPOTS_COMPILE_S') or 15.0)
except ValueError:
    _cs_budget = 15.0

_cs_gcs = [0.0]

def _cs_gc_watch(charge):
    # Collections' pauses. A pause inside the harness's own code is not harness time (the
    # collection was due, the harness's allocation only set it off), so each timed stretch of
    # harness code leaves out the pauses that fell in it (gcs). And a pause is not the cost of
    # the line that happened to allocate when it was due (any harness moves that moment): it is
    # taken out of the call it fell in and charged to the module whose code was running
    # ('(garbage collection)'), by charge(seconds).
    started = [0.0]
    clock = _cs_clock
    gcs = _cs_gcs

    def watch(phase, info):
        if phase == 'start':
            started[0] = clock()
        else:
            d = clock() - started[0]
            gcs[0] += d
            try:
                charge(d)
            except Exception:
                pass
    return watch

def _cs_monitoring(statement_code):
    # sys.monitoring (3.12+), with local events only: _find_and_load gets PY_START and PY_RETURN;
    # _call_with_frames_removed gets CALL, which shows each module's code object just before the
    # loader execs it, and that code object (and the statement's) then gets PY_START, PY_RETURN,
    # CALL, C_RETURN, C_RAISE and LINE. PY_UNWIND, the only global event, ends the imports and
    # bodies that raise. Nothing fires inside the calls a module body makes.
    # Stack entries: [kind, frame, t0, o0, name or key, import seconds]
    #   kind 0: an import (_find_and_load), 2: a module body, 1: a call made by a module body.
    mon = sys.monitoring
    E = mon.events
    clock = _cs_clock
    FAL = _cs_boot._find_and_load.__code__
    CWFR = _cs_boot._call_with_frames_removed.__code__
    getframe = sys._getframe
    sysmods = sys.modules
    getdict = object.__getattribute__
    ident = _cs_thread.get_ident
    main = ident()
    callname = _cs_callname
    build_class = _cs_build_class
    run_code = getattr(_cs_builtins_mod, 'exec', None)
    functype = _cs_functype
    codetype = type(_cs_machinery.__code__)
    stack = []
    calls, mods, files, ovh = _cs_calls, _cs_mods, _cs_files, _cs_ovh
    gcs = _cs_gcs
    BODY = E.PY_START | E.PY_RETURN | E.CALL | E.C_RETURN | E.C_RAISE | E.LINE
    tool = [None]

    def close(e, t):
        d = t - e[2] - (ovh[0] - e[3])
        if d < 0.0:
            d = 0.0
        if e[0] == 1:
            own = d - e[5] - e[6]
            a = calls.get(e[4])
            if a is None:
                a = calls[e[4]] = [0.0, 0, 0.0]
            a[0] += own if own > 0.0 else 0.0
            a[1] += 1
            a[2] += e[5]
        elif e[0] == 0:
            m = mods.get(e[4])
            if m is None:
                m = mods[e[4]] = [0.0, 0.0]
            m[0] += d
            m[1] += e[5]
            if stack and stack[-1][0] == 1:
                stack[-1][5] += d
            for x in reversed(stack):
                if x[0] == 0:
                    x[5] += d
                    break

    def end_frame(f, t):
        # The frame's module body or import is over (returned or raised): close what it left open.
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][1] is f and stack[i][0] != 1:
                while len(stack) > i:
                    x = stack.pop()
                    if x[0] != 2:
                        close(x, t)
                return

    def py_start(code, off):
        t = clock()
        g = gcs[0]
        if ident() == main:
            f = getframe(1)
            if code is FAL:
                try:
                    name = f.f_locals.get('name')
                except Exception:
                    name = None
                e = [0, f, 0.0, 0.0, name if isinstance(name, str) else '?', 0.0, 0.0]
                stack.append(e)
                e[2] = clock()
                ovh[0] += e[2] - t - (gcs[0] - g)
                ovh[1] += 1
                e[3] = ovh[0]
                return
            name = None
            if code is statement_code:
                name = '__coldstart__'
            elif stack and stack[-1][0] == 0:
                gl = f.f_globals
                n = gl.get('__name__')
                m = sysmods.get(n) if isinstance(n, str) else None
                try:
                    if m is not None and getdict(m, '__dict__') is gl:
                        name = n
                        files[n] = (code.co_filename, gl)
                except Exception:
                    pass
            if name is not None:
                stack.append([2, f, t, ovh[0], name, 0.0, 0.0])
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def py_return(code, off, value):
        t = clock()
        g = gcs[0]
        if stack and ident() == main:
            end_frame(getframe(1), t)
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def py_unwind(code, off, exc):
        if stack and (code is FAL or code.co_name == '<module>'):
            py_return(code, off, None)

    def call(code, off, obj, arg0):
        t = clock()
        g = gcs[0]
        if code is CWFR:
            # The loader is about to run a module's code: let its body report.
            if obj is run_code and type(arg0) is codetype and arg0.co_name == '<module>':
                try:
                    mon.set_local_events(tool[0], arg0, BODY)
                except Exception:
                    pass
        elif stack and ident() == main:
            f = getframe(1)
            top = stack[-1]
            if top[0] == 1 and top[1] is f:
                # A Python call of this body has no return event here: its end is this event.
                close(stack.pop(), t)
                top = stack[-1] if stack else None
            if top is not None and top[0] == 2 and top[1] is f:
                if obj is build_class and type(arg0) is functype:
                    name, mach = 'class ' + arg0.__code__.co_name, False
                else:
                    name, mach = callname(obj)
                if not mach:
                    e = [1, f, 0.0, 0.0, (top[4], f.f_lineno, name), 0.0, 0.0]
                    stack.append(e)
                    e[2] = clock()
                    ovh[0] += e[2] - t - (gcs[0] - g)
                    ovh[1] += 1
                    e[3] = ovh[0]
                    return
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def c_return(code, off, obj, arg0):
        t = clock()
        g = gcs[0]
        if stack and code is not CWFR and ident() == main:
            top = stack[-1]
            if top[0] == 1 and top[1] is getframe(1):
                close(stack.pop(), t)
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def line(code, lineno):
        t = clock()
        g = gcs[0]
        if stack and ident() == main:
            top = stack[-1]
            if top[0] == 1 and top[1] is getframe(1):
                close(stack.pop(), t)
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    EVENTS = ((E.PY_START, py_start), (E.PY_RETURN, py_return), (E.PY_UNWIND, py_unwind), (E.CALL, call),
              (E.C_RETURN, c_return), (E.C_RAISE, c_return), (E.LINE, line))

    def start():
        for i in (mon.PROFILER_ID, 5, 4, 3):
            try:
                mon.use_tool_id(i, 'coldstart')
            except ValueError:
                continue
            tool[0] = i
            break
        if tool[0] is None:
            return False
        i = tool[0]
        for event, callback in EVENTS:
            mon.register_callback(i, event, callback)
        mon.set_local_events(i, FAL, E.PY_START | E.PY_RETURN)
        mon.set_local_events(i, CWFR, E.CALL)
        mon.set_local_events(i, statement_code, BODY)
        mon.set_events(i, E.PY_UNWIND)
        return True

    def stop():
        # True when the hooks were still ours at the end.
        i = tool[0]
        intact = mon.get_tool(i) == 'coldstart' and mon.get_events(i) == E.PY_UNWIND and mon.get_local_events(i, FAL) == E.PY_START | E.PY_RETURN
        try:
            mon.set_events(i, 0)
            for event, callback in EVENTS:
                mon.register_callback(i, event, None)
            mon.free_tool_id(i)
        except Exception:
            pass
        return intact

    def base(t0):
        stack.append([0, None, t0, ovh[0], '__coldstart__', 0.0, 0.0])

    def finish(t):
        while len(stack) > 1:
            x = stack.pop()
            if x[0] != 2:
                close(x, t)
        if stack:
            close(stack.pop(), t)

    gcmods = _cs_gcmods

    def charge(d):
        if stack and ident() == main:
            top = stack[-1]
            top[6] += d
            name = top[4][0] if top[0] == 1 else top[4]
            g = gcmods.get(name)
            if g is None:
                g = gcmods[name] = [0.0, 0]
            g[0] += d
            g[1] += 1

    return start, stop, base, finish, charge

def _cs_instrumenter():
    # Rewrites a module's syntax tree so that its top-level code times itself: every call made
    # there becomes '_cs_hr(_cs_hc(tok, depth, line, f)(args))' (the callee is still called from
    # the module's own frame), a class statement (and a decorated def) is framed by
    # '_cs_hs(...)' / '_cs_he(tok)', and each 'except' block of top-level code starts with
    # '_cs_hx(tok)', which ends the calls that raised. Function, lambda and class bodies and
    # generator expressions are left alone; list, set and dict comprehensions run at once and
    # are rewritten. The node classes come from a parsed template: 'ast' is not imported.
    tmpl = compile('_cs_hr(_cs_hc(1, f)(x))', '<coldstart>', 'exec', 0x400, True)
    Expr = type(tmpl.body[0])
    Call = type(tmpl.body[0].value)
    Name = type(tmpl.body[0].value.func)
    Constant = type(tmpl.body[0].value.args[0].func.args[0])
    load = tmpl.body[0].value.func.ctx
    AST = Expr.__mro__[-2]
    stmt = Expr.__mro__[1]
    expr = Call.__mro__[1]
    LOC = ('lineno', 'col_offset', 'end_lineno', 'end_col_offset')
    kind = 'kind' in Constant._fields

    def at(node, where):
        for a in LOC:
            if hasattr(where, a):
                setattr(node, a, getattr(where, a))
        return node

    def const(v, where):
        c = Constant(value=v)
        if kind:
            c.kind = None
        return at(c, where)

    def helper(name, args, where):
        return at(Call(func=at(Name(id=name, ctx=load), where), args=args, keywords=[]), where)

    def ex(node, tok, depth):
        k = type(node).__name__
        if k == 'Lambda' or k == 'GeneratorExp':
            return node
        if k == 'Call':
            # The callee is evaluated before the call starts (a sibling); the arguments after (nested).
            func = ex(node.func, tok, depth)
            node.args = [ex(a, tok, depth + 1) for a in node.args]
            for kw in node.keywords:
                kw.value = ex(kw.value, tok, depth + 1)
            node.func = helper('_cs_hc', [const(tok, node), const(depth, node), const(node.lineno, node), func], node)
            return helper('_cs_hr', [node], node)
        walk(node, tok, depth)
        return node

    def walk(node, tok, depth):
        for field in node._fields:
            v = getattr(node, field, None)
            if isinstance(v, list):
                if v and isinstance(v[0], stmt):
                    setattr(node, field, stmts(v, tok))
                    continue
                for i, item in enumerate(v):
                    if isinstance(item, expr):
                        v[i] = ex(item, tok, depth)
                    elif isinstance(item, AST):
                        part(item, tok, depth)
            elif isinstance(v, expr):
                setattr(node, field, ex(v, tok, depth))
            elif isinstance(v, AST):
                part(v, tok, depth)

    def part(node, tok, depth):
        k = type(node).__name__
        if k == 'arguments':
            node.defaults = [ex(d, tok, depth) for d in node.defaults]
            node.kw_defaults = [ex(d, tok, depth) if d is not None else None for d in node.kw_defaults]
            return
        walk(node, tok, depth)
        if k == 'ExceptHandler':
            node.body.insert(0, at(Expr(value=helper('_cs_hx', [const(tok, node)], node)), node))

    def stmts(body, tok):
        out = []
        for s in body:
            k = type(s).__name__
            if k in ('FunctionDef', 'AsyncFunctionDef', 'ClassDef'):
                s.decorator_list = [ex(d, tok, 1) for d in s.decorator_list]
                if k == 'ClassDef':
                    s.bases = [ex(b, tok, 1) for b in s.bases]
                    for kw in s.keywords:
                        kw.value = ex(kw.value, tok, 1)
                    label = 'class ' + s.name
                else:
                    part(s.args, tok, 1)
                    label = ('def ' + s.name) if s.decorator_list else None
                if label is None:
                    out.append(s)
                    continue
                out.append(at(Expr(value=helper('_cs_hs', [const(tok, s), const(s.lineno, s), const(label, s)], s)), s))
                out.append(s)
                out.append(at(Expr(value=helper('_cs_he', [const(tok, s)], s)), s))
                continue
            walk(s, tok, 0)
            out.append(s)
        return out

    def instrument(tree, tok):
        tree.body = stmts(tree.body, tok)
        return tree

    return instrument

def _cs_instrumented():
    # Source instrumentation (3.8-3.11): each source module is compiled again from its text with
    # its top-level calls timed (see _cs_instrumenter), and importlib._bootstrap._find_and_load is
    # wrapped to time every import. Nothing runs during the code that is measured.
    # Stack entries (lists):
    #   import  [0, t0, o0, name, import seconds, calls seconds]
    #   call    [1, t0, o0, tok, depth, key, machinery?, import seconds, calls seconds]
    clock = _cs_clock
    ident = _cs_thread.get_ident
    main = ident()
    callname = _cs_callname
    stack = []
    toks = []  # tok -> [module name, file, running?]
    calls, mods, files, ovh = _cs_calls, _cs_mods, _cs_files, _cs_ovh
    gcs = _cs_gcs
    instrument = _cs_instrumenter()
    gc = _cs_gc
    warn = _cs_warn
    ignore = ('ignore', None, Warning, None, 0)
    # Compiling costs 5-20x what loading a .pyc does: past this much harness time the remaining
    # modules are loaded as they are (their import is still timed, their calls are not).
    budget = [_cs_budget, 0]

    def close(e, t):
        d = t - e[1] - (ovh[0] - e[2])
        if d < 0.0:
            d = 0.0
        below = stack[-1] if stack else None
        if e[6]:
            # Import machinery called by the body (importlib.import_module): all of it is import time.
            if below is not None:
                below[4 if below[0] == 0 else 7] += d
            return
        own = d - e[7] - e[8] - e[9]
        a = calls.get(e[5])
        if a is None:
            a = calls[e[5]] = [0.0, 0, 0.0]
        a[0] += own if own > 0.0 else 0.0
        a[1] += 1
        a[2] += e[7]
        if below is not None:
            below[5 if below[0] == 0 else 8] += d

    def stale(tok, depth, t):
        # Calls of this module at this depth or deeper still open: they raised. They end now.
        while stack:
            e = stack[-1]
            if e[0] != 1 or e[3] != tok or e[4] < depth:
                return
            close(stack.pop(), t)

    def push(tok, depth, key, mach, t, g):
        stale(tok, depth, t)
        e = [1, 0.0, 0.0, tok, depth, key, mach, 0.0, 0.0, 0.0]
        stack.append(e)
        e[1] = clock()
        ovh[0] += e[1] - t - (gcs[0] - g)
        ovh[1] += 1
        e[2] = ovh[0]

    def hc(tok, depth, line, f):
        t = clock()
        g = gcs[0]
        try:
            x = toks[tok]
            if x[2] and ident() == main:
                name, mach = callname(f)
                push(tok, depth, (x[0], line, name), mach, t, g)
                return f
        except Exception:
            pass
        ovh[0] += clock() - t - (gcs[0] - g)
        return f

    def hr(value):
        t = clock()
        g = gcs[0]
        try:
            if stack and stack[-1][0] == 1 and ident() == main:
                close(stack.pop(), t)
        except Exception:
            pass
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1
        return value

    def hs(tok, line, label):
        t = clock()
        g = gcs[0]
        try:
            x = toks[tok]
            if x[2] and ident() == main:
                push(tok, 0, (x[0], line, label), False, t, g)
                return
        except Exception:
            pass
        ovh[0] += clock() - t - (gcs[0] - g)

    def he(tok):
        t = clock()
        g = gcs[0]
        try:
            if stack and stack[-1][0] == 1 and stack[-1][3] == tok and ident() == main:
                close(stack.pop(), t)
        except Exception:
            pass
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def hx(tok):
        t = clock()
        g = gcs[0]
        try:
            if ident() == main:
                stale(tok, 0, t)
        except Exception:
            pass
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def register(name, fn):
        toks.append([name, fn, False])
        return len(toks) - 1

    def begin(name):
        t = clock()
        g = gcs[0]
        e = [0, 0.0, 0.0, name, 0.0, 0.0, 0.0]
        stack.append(e)
        e[1] = clock()
        ovh[0] += e[1] - t - (gcs[0] - g)
        ovh[1] += 1
        e[2] = ovh[0]
        return e

    def end(e):
        # Ends an import (and what a failed import left open above it).
        t = clock()
        g = gcs[0]
        try:
            while stack and stack[-1] is not e:
                x = stack.pop()
                if x[0] == 1:
                    close(x, t)
            if stack:
                stack.pop()
            d = t - e[1] - (ovh[0] - e[2])
            if d < 0.0:
                d = 0.0
            m = mods.get(e[3])
            if m is None:
                m = mods[e[3]] = [0.0, 0.0]
            m[0] += d
            m[1] += e[4]
            for x in toks:
                if x[0] == e[3]:
                    x[2] = False
            if stack:
                below = stack[-1]
                below[4 if below[0] == 0 else 7] += d
        except Exception:
            pass
        ovh[0] += clock() - t - (gcs[0] - g)
        ovh[1] += 1

    def compile_module(data, path, name):
        # The module's code with its top-level calls timed; None when it cannot be had.
        if warn is not None:
            warn.filters.insert(0, ignore)
        # No collection while the syntax tree lives: the collector keeps the import's own schedule.
        on = gc.isenabled()
        gc.disable()
        try:
            tree = compile(data, path, 'exec', 0x400, True)
            tok = register(name, path)
            code = compile(instrument(tree, tok), path, 'exec', 0, True)
            del tree
            toks[tok][2] = True
            return code
        except Exception:
            return None
        finally:
            if on:
                gc.enable()
            if warn is not None:
                try:
                    warn.filters.remove(ignore)
                except ValueError:
                    pass

    def get_code_wrapper(orig):
        def get_code(self, fullname):
            code = orig(self, fullname)
            t = clock()
            g = gcs[0]
            try:
                path = self.get_filename(fullname)
                if ovh[0] > budget[0]:
                    budget[1] += 1
                elif code is not None and isinstance(path, str) and path.endswith('.py'):
                    new = compile_module(self.get_data(path), path, fullname)
                    if new is not None:
                        code = new
                        files[fullname] = (path, None)
            except Exception:
                pass
            ovh[0] += clock() - t - (gcs[0] - g)
            return code
        return get_code

    names = ('_cs_hc', '_cs_hr', '_cs_hs', '_cs_he', '_cs_hx')
    saved = {}

    def start(statement):
        # The statement (compiled with its calls timed) or None; hooks installed.
        tok = register('__coldstart__', '<coldstart>')
        code = None
        try:
            code = compile(instrument(compile(statement, '<coldstart>', 'exec', 0x400, True), tok), '<coldstart>', 'exec', 0, True)
            toks[tok][2] = True
        except Exception:
            code = None
        # The wrapper's frame carries the import system's file name: tracebacks and warnings
        # skip it as they skip importlib's own frames.
        ns = {'_cs_orig': _cs_boot._find_and_load, '_cs_begin': begin, '_cs_end': end, '_cs_ident': ident, '_cs_main': main}
        exec(compile('def _find_and_load(name, import_):\n'
                     '    if _cs_ident() != _cs_main:\n'
                     '        return _cs_orig(name, import_)\n'
                     '    e = _cs_begin(name)\n'
                     '    try:\n'
                     '        return _cs_orig(name, import_)\n'
                     '    finally:\n'
                     '        _cs_end(e)\n', '<frozen importlib._bootstrap>', 'exec'), ns)
        saved['fal'] = _cs_boot._find_and_load
        saved['get_code'] = _cs_ext.SourceLoader.__dict__['get_code']
        saved['new_fal'] = ns['_find_and_load']
        saved['new_get_code'] = get_code_wrapper(saved['get_code'])
        for n, h in zip(names, (hc, hr, hs, he, hx)):
            setattr(_cs_builtins_mod, n, h)
        _cs_ext.SourceLoader.get_code = saved['new_get_code']
        _cs_boot._find_and_load = saved['new_fal']
        return code

    def stop():
        intact = _cs_boot._find_and_load is saved['new_fal'] and _cs_ext.SourceLoader.__dict__.get('get_code') is saved['new_get_code']
        _cs_boot._find_and_load = saved['fal']
        _cs_ext.SourceLoader.get_code = saved['get_code']
        for n in names:
            try:
                delattr(_cs_builtins_mod, n)
            except Exception:
                pass
        return intact

    base_entry = []

    def base(t0):
        base_entry.append(begin('__coldstart__'))

    def finish(t):
        end(base_entry[0])

    gcmods = _cs_gcmods

    def charge(d):
        if stack and ident() == main:
            top = stack[-1]
            if top[0] == 1:
                top[9] += d
                name = top[5][0]
            else:
                top[6] += d
                name = top[3]
            g = gcmods.get(name)
            if g is None:
                g = gcmods[name] = [0.0, 0]
            g[0] += d
            g[1] += 1

    return start, stop, base, finish, charge, budget

_cs_err = None
_cs_exc = None
_cs_warnings = []
_cs_method = None
_cs_hooks = None
if hasattr(sys, 'monitoring'):
    try:
        _cs_hooks = _cs_monitoring(_cs_code)
        if _cs_hooks[0]():
            _cs_method = 'monitoring'
        else:
            _cs_hooks = None
    except Exception:
        _cs_hooks = None
if _cs_hooks is None:
    _cs_hooks = _cs_instrumented()
    _cs_method = 'instrument'
    _cs_code = _cs_hooks[0](_cs_statement) or _cs_code
_cs_watch = _cs_gc_watch(_cs_hooks[4])
_cs_gc.callbacks.append(_cs_watch)
_cs_t0 = _cs_clock()
_cs_hooks[2](_cs_t0)
try:
    exec(_cs_code, _cs_globals)
except BaseException as e:
    _cs_err = _cs_error(e)
    _cs_exc = e
finally:
    _cs_t1 = _cs_clock()
    try:
        _cs_hooks[3](_cs_t1)
    except Exception:
        pass
    _cs_intact = _cs_hooks[1]()
    try:
        _cs_gc.callbacks.remove(_cs_watch)
    except ValueError:
        pass
if _cs_method == 'instrument' and _cs_hooks[5][1]:
    _cs_warnings.append('%d modules imported after %.0f s of compiling were not instrumented: their calls are not timed'
                        % (_cs_hooks[5][1], _cs_hooks[5][0]))
if not _cs_intact:
    _cs_warnings.append('the package replaced or removed the hooks of the hotspots run (%s): times after that point are missing'
                        % ('sys.monitoring' if _cs_method == 'monitoring' else 'importlib._bootstrap._find_and_load'))

def _cs_ms(t):
    return max(0.0, t) * 1000.0

_cs_bymod = {}
for (_cs_m, _cs_line, _cs_call), _cs_a in _cs_calls.items():
    _cs_bymod.setdefault(_cs_m, []).append([_cs_ms(_cs_a[0]), _cs_line, _cs_call, _cs_a[1], _cs_ms(_cs_a[2])])
_cs_allmods = dict(sys.modules)
_cs_out_mods = {}
for _cs_m, _cs_v in _cs_mods.items():
    if _cs_m == '__coldstart__':
        _cs_f, _cs_r = None, 'statement'
    else:
        _cs_fg = _cs_files.get(_cs_m)
        if _cs_fg is None:
            # Not run by a source loader (an extension, a frozen or built-in module), or never found.
            _cs_mod = _cs_allmods.get(_cs_m)
            if _cs_mod is None:
                continue
            try:
                _cs_gl = object.__getattribute__(_cs_mod, '__dict__')
                _cs_fn = _cs_gl.get('__file__')
                _cs_fg = (_cs_fn, _cs_gl) if isinstance(_cs_fn, str) else None
            except Exception:
                _cs_fg = None
        _cs_f, _cs_r = _cs_where(_cs_fg[0], _cs_fg[1]) if _cs_fg else (None, None)
    _cs_total = _cs_ms(_cs_v[0])
    _cs_self = min(_cs_total, _cs_ms(_cs_v[0] - _cs_v[1]))
    _cs_list = list(_cs_bymod.get(_cs_m, ()))
    _cs_g = _cs_gcmods.get(_cs_m)
    if _cs_g is not None and _cs_g[0] > 0.0:
        _cs_list.append([_cs_ms(_cs_g[0]), None, '(garbage collection)', _cs_g[1], 0.0])
    _cs_list.sort(key=lambda x: (-x[0], x[1] or 0, x[2]))
    # Consistency by construction (calls nest in their module's span); the clamp only absorbs rounding.
    _cs_sum = sum(x[0] for x in _cs_list)
    if _cs_sum > _cs_self > 0.0:
        for _cs_x in _cs_list:
            _cs_x[0] *= _cs_self / _cs_sum
        _cs_sum = _cs_self
    _cs_rec = {'file': _cs_f, 'total_ms': _cs_total, 'self_ms': _cs_self, 'body_ms': max(0.0, _cs_self - _cs_sum),
               'calls': [{'line': x[1], 'call': x[2], 'ms': x[0], 'count': x[3], 'import_ms': x[4]} for x in _cs_list[:10]]}
    if _cs_r is not None:
        _cs_rec['root'] = _cs_r
    _cs_out_mods[_cs_m] = _cs_rec
_cs_stmt = _cs_out_mods.get('__coldstart__')
_cs_emit({'python': '.'.join(str(x) for x in sys.version_info[:3]), 'error': _cs_err, 'warnings': _cs_warnings,
          'method': _cs_method, 'event_us': (_cs_ovh[0] / _cs_ovh[1] * 1e6) if _cs_ovh[1] else 0.0,
          'overhead_ms': _cs_ovh[0] * 1000.0, 'raw_statement_ms': (_cs_t1 - _cs_t0) * 1000.0,
          'statement_ms': _cs_stmt['total_ms'] if _cs_stmt else max(0.0, _cs_t1 - _cs_t0 - _cs_ovh[0]) * 1000.0,
          'modules': _cs_out_mods})
_cs_finish(_cs_err, _cs_exc)
`;
