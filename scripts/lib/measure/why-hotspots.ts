/**
 * The Python side of the hotspots run (see why.ts): a profiler, active only while the
 * statement runs, timing the calls made by each module's top-level code.
 */
import { WHY_COMMON } from "./why-importers.ts";

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
export const HOTSPOTS = WHY_COMMON + String.raw`
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
