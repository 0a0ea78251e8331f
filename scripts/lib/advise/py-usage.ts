/**
 * The usage recorder of the profile program (py-profile.ts), Python 3.8–3.13: which
 * modules ran code while it is on — a Python function whose globals are the module's
 * (each code object counted at its first run), or a C function or a class whose
 * `__module__` it is (read without running package code). `sys.monitoring` on 3.12+
 * (PY_START, disabled per code object after its first event, and CALL), `sys.setprofile`
 * (and `threading.setprofile`, when threading is loaded) before. Calls made by the
 * program itself (starting and stopping the recorder) are not counted.
 */

export const USAGE_RECORDER = String.raw`def _cs_modname(fn):
    # The module of a C function or a class (attribute reads that run no package code).
    try:
        t = type(fn)
        if t is _cs_bft:
            m = fn.__module__
            if m is None:
                s = fn.__self__
                if type(s) is _cs_mt:
                    m = s.__name__
            return m
        if isinstance(fn, type):
            return _cs_tmod(fn, type)
    except BaseException:
        pass
    return None
_cs_bft = type(len)
_cs_mt = type(sys)
_cs_tmod = type.__dict__['__module__'].__get__
_cs_ran = set()
# This program's own namespace: calls made from it (starting and stopping the profiler) are not the workload's.
_cs_main = globals()

def _cs_usage_on():
    mon = getattr(sys, 'monitoring', None)
    if mon is not None:
        ids = [2] + [i for i in range(6) if i != 2]
        tid = None
        for i in ids:
            if mon.get_tool(i) is None:
                tid = i
                break
        if tid is not None:
            mon.use_tool_id(tid, 'coldstart-advise')
            ran = _cs_ran
            disable = mon.DISABLE
            def start(code, offset):
                try:
                    n = _cs_getframe(1).f_globals.get('__name__')
                    if isinstance(n, str):
                        ran.add(n)
                except BaseException:
                    pass
                return disable
            def call(code, offset, fn, arg0):
                if code.co_filename == '<string>' and _cs_getframe(1).f_globals is _cs_main:
                    return
                m = _cs_modname(fn)
                if isinstance(m, str):
                    ran.add(m)
            mon.register_callback(tid, mon.events.PY_START, start)
            mon.register_callback(tid, mon.events.CALL, call)
            mon.set_events(tid, mon.events.PY_START | mon.events.CALL)
            return ('monitoring', tid)
        _cs_warnings.append('every sys.monitoring tool id is taken: usage profiled with sys.setprofile')
    seen = set()
    ran = _cs_ran
    def prof(frame, event, arg):
        try:
            if event == 'call':
                c = frame.f_code
                if c not in seen:
                    seen.add(c)
                    n = frame.f_globals.get('__name__')
                    if isinstance(n, str):
                        ran.add(n)
            elif event == 'c_call' and frame.f_globals is not _cs_main:
                m = _cs_modname(arg)
                if isinstance(m, str):
                    ran.add(m)
        except BaseException:
            pass
    th = sys.modules.get('threading')
    if th is not None:
        th.setprofile(prof)
    sys.setprofile(prof)
    return ('setprofile', prof)

def _cs_usage_off(tool):
    if tool[0] == 'monitoring':
        mon = sys.monitoring
        mon.set_events(tool[1], 0)
        mon.register_callback(tool[1], mon.events.PY_START, None)
        mon.register_callback(tool[1], mon.events.CALL, None)
        mon.free_tool_id(tool[1])
        return
    replaced = sys.getprofile() is not tool[1]
    sys.setprofile(None)
    if replaced:
        _cs_warnings.append('the workload replaced the profiler (sys.setprofile): usage after that point is missing')
    th = sys.modules.get('threading')
    if th is not None:
        try:
            th.setprofile(None)
        except BaseException:
            pass
`;
