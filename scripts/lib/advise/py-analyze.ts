/**
 * The analysis program: facts about import statements, from Python's own `ast` (standard
 * library only; Python 3.8–3.13; run with `-I`, so nothing from the tree can shadow the
 * standard library). It reads files, imports nothing of theirs, and decides nothing: the
 * rules live in movability.ts, the text surgery in rewrite.ts.
 *
 * argv: [JSON `{files: [{path, lines: [n...]}]}`]. Report (fd 3), one JSON line:
 * `{files: [FileFacts]}` (see facts.ts for the shape). Per file: the syntax error if any,
 * `from __future__ import annotations`, the literal `__all__` names, module-level
 * `__getattr__`/`__dir__`, where `TYPE_CHECKING` is bound, every module-level name, the
 * newline style. Per requested line: the import statement there (position, exact text,
 * trailing comment, names it binds, whether it stands alone at module top level), the
 * module-level uses of those names (base class, decorator, default, annotation evaluated
 * at import, class body, lambda, expression, `del`), the functions that use them (where
 * an import goes: after the docstring, with the body's indentation) and the `if __name__
 * == '__main__':` block, and other module-level bindings of the names.
 *
 * Which names are uses, and in which scope, is py-scopes.ts's part.
 */
import { SCOPES } from "./py-scopes.ts";

export const ANALYZE = String.raw`import sys, os, ast, json
_out = os.dup(3)
os.close(3)
_req = json.loads(sys.argv[1])
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)

` + SCOPES + String.raw`def _site(scope):
    s = scope
    while s is not None:
        if s.kind == 'function':
            return s
        s = s.parent
    return None

def _insertion(node, lines):
    # (line, indent) before which an import goes in node's body (after the docstring), or a problem.
    body = node.body
    k = 1 if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)) else 0
    if k >= len(body):
        return None, None, 'its body is only a docstring'
    first = body[k]
    line = min([first.lineno] + [d.lineno for d in getattr(first, 'decorator_list', [])])
    col = first.col_offset if line == first.lineno else min(d.col_offset - 1 for d in first.decorator_list)
    text = lines[line - 1] if line - 1 < len(lines) else b''
    prefix = text[:col]
    if prefix.strip() != b'' or (k and body[0].end_lineno == line):
        return None, None, 'its body starts on the line of the def (or of the docstring)'
    return line, prefix.decode('utf-8'), None

def _all_names(tree):
    names, dynamic = [], False
    for s in tree.body:
        value = None
        if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '__all__' for t in s.targets):
            value = s.value
        elif isinstance(s, (ast.AugAssign, ast.AnnAssign)) and isinstance(s.target, ast.Name) and s.target.id == '__all__':
            value = s.value
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                and isinstance(s.value.func.value, ast.Name) and s.value.func.value.id == '__all__' and s.value.args:
            value = s.value.args[0]
            if s.value.func.attr == 'append':
                value = ast.List(elts=[value])
        else:
            continue
        if isinstance(value, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
            names.extend(e.value for e in value.elts)
        else:
            dynamic = True
    return names, dynamic

def _statement(tree, lines, source, line, an):
    found = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno <= line <= node.end_lineno:
            found = node
            break
    top = [s for s in tree.body if s.lineno <= line <= s.end_lineno]
    if found is None:
        what = type(top[0]).__name__ if top else None
        return {'line': line, 'found': False, 'what': what}
    node = found
    first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
    rest = last[node.end_col_offset:].strip()
    comment = rest.decode('utf-8') if rest.startswith(b'#') else None
    alone = first[:node.col_offset].strip() == b'' and (rest == b'' or comment is not None)
    names = [{'bound': _bound(a, node), 'name': a.name, 'asname': a.asname} for a in node.names if a.name != '*']
    bound = set(n['bound'] for n in names)
    out = {
        'line': line, 'found': True, 'lineno': node.lineno, 'endLineno': node.end_lineno,
        'topLevel': node in tree.body, 'container': None if node in tree.body else (type(top[0]).__name__ if top else None),
        'alone': alone, 'comment': comment, 'text': ast.get_source_segment(source, node),
        'kind': 'import' if isinstance(node, ast.Import) else 'from',
        'module': getattr(node, 'module', None), 'level': getattr(node, 'level', 0) or 0,
        'star': any(a.name == '*' for a in node.names), 'names': names, 'uses': [], 'sites': [], 'rebinds': [], 'globals': [],
    }
    sites = {}
    for name, ln, scope, role in an.uses:
        if name not in bound or an.resolve(name, scope) != 'module':
            continue
        fs = _site(scope)
        if fs is None and role is not None and role[0] == 'main':
            key = ('main', role[1].lineno)
            if key not in sites:
                at, indent, problem = _insertion(role[1], lines)
                sites[key] = {'kind': 'main', 'qualname': "if __name__ == '__main__'", 'line': role[1].lineno,
                              'insertLine': at, 'indent': indent, 'problem': problem, 'names': []}
            if name not in sites[key]['names']:
                sites[key]['names'].append(name)
        elif fs is None:
            kind = role[0] if role is not None else ('lambda' if scope.kind == 'lambda' else 'expression')
            detail = role[1] if role is not None and role[0] != 'main' else None
            out['uses'].append({'name': name, 'line': ln, 'role': kind, 'detail': detail})
        else:
            key = ('function', fs.node.lineno)
            if key not in sites:
                at, indent, problem = _insertion(fs.node, lines)
                sites[key] = {'kind': 'function', 'qualname': fs.qual, 'line': fs.node.lineno,
                              'insertLine': at, 'indent': indent, 'problem': problem, 'names': []}
            if name not in sites[key]['names']:
                sites[key]['names'].append(name)
    out['sites'] = sorted(sites.values(), key=lambda s: s['line'])
    out['rebinds'] = [{'name': n, 'line': a} for n, a, b in an.module_bindings if n in bound and not (node.lineno <= a <= node.end_lineno)]
    out['globals'] = [{'name': n, 'line': a, 'function': q} for n, a, q in an.global_decls if n in bound]
    return out

def _file(path, wanted):
    res = {'path': path, 'error': None, 'statements': []}
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as e:
        res['error'] = 'cannot read: ' + (e.strerror or str(e))
        return res
    try:
        source = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        res['error'] = 'not UTF-8: the rewrite edits UTF-8 files only'
        return res
    try:
        tree = ast.parse(source, path)
    except SyntaxError as e:
        res['error'] = 'SyntaxError: %s (line %s)' % (e.msg, e.lineno)
        return res
    except ValueError as e:
        res['error'] = 'cannot parse: %s' % e
        return res
    lines = source.encode('utf-8').splitlines(True) or [b'']
    future = any(isinstance(s, ast.ImportFrom) and s.module == '__future__' and any(a.name == 'annotations' for a in s.names) for s in tree.body)
    an = Analyzer(tree, future)
    names, dynamic = _all_names(tree)
    defined = set(n for n, a, b in an.module_bindings)
    tc = [a for n, a, b in an.module_bindings if n == 'TYPE_CHECKING']
    res.update({
        'futureAnnotations': future, 'all': names, 'allDynamic': dynamic,
        'hasGetattr': '__getattr__' in defined, 'hasDir': '__dir__' in defined,
        'typeChecking': min(tc) if tc else None, 'moduleNames': sorted(defined),
        'newline': '\r\n' if b'\r\n' in raw else '\n', 'lineCount': len(lines),
    })
    res['statements'] = [_statement(tree, lines, source, n, an) for n in wanted]
    return res

_result = {'files': [_file(f['path'], f['lines']) for f in _req['files']]}
_data = (json.dumps(_result) + '\n').encode('utf-8')
while _data:
    _data = _data[os.write(_out, _data):]
os.close(_out)
`;
