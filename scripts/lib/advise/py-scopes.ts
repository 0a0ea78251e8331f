/**
 * The scope analysis of the analysis program (py-analyze.ts), Python 3.8–3.13: every use
 * of a name with the scope it occurs in and its role when it runs at import (base,
 * metaclass, keyword, decorator, default, annotation, class-body, main), and every
 * module-level binding and `global` declaration.
 *
 * Python's rules: decorators, defaults and (unless `from __future__ import annotations`)
 * annotations of a `def` belong to the enclosing scope; a class body does not enclose its
 * methods; comprehensions and lambdas are scopes of their own inside the `def` around
 * them; annotations of a function's local variables never run; `if TYPE_CHECKING:` bodies
 * never run; the `if __name__ == '__main__':` block is module code with a role of its own.
 * `resolve` tells whether a use reads the module's global.
 */

export const SCOPES = String.raw`class Scope(object):
    def __init__(self, kind, node, parent, qual):
        self.kind, self.node, self.parent, self.qual = kind, node, parent, qual
        self.locals, self.globals, self.nonlocals = set(), set(), set()

def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == 'TYPE_CHECKING') or (isinstance(test, ast.Attribute) and test.attr == 'TYPE_CHECKING')

def _is_main(test):
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == '__name__']
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == '__main__']
    return bool(names and consts)

def _bound(alias, node):
    if isinstance(node, ast.Import):
        return alias.asname or alias.name.split('.')[0]
    return alias.asname or alias.name

class Analyzer(object):
    def __init__(self, tree, future):
        self.future = future
        self.uses = []
        self.module_bindings = []
        self.global_decls = []
        self.module = Scope('module', tree, None, '')
        for s in tree.body:
            self.stmt(s, self.module, None)

    def bind(self, scope, name, node):
        scope.locals.add(name)
        if scope.kind == 'module' or name in scope.globals:
            self.module_bindings.append((name, getattr(node, 'lineno', 0), getattr(node, 'end_lineno', 0)))

    def stmt(self, node, scope, role):
        if isinstance(node, ast.If) and scope.kind == 'module' and _is_type_checking(node.test):
            for s in node.orelse:
                self.stmt(s, scope, role)
            return
        if isinstance(node, ast.If) and scope.kind == 'module' and _is_main(node.test):
            self.visit(node.test, scope, role)
            for s in node.body:
                self.stmt(s, scope, ('main', node))
            for s in node.orelse:
                self.stmt(s, scope, role)
            return
        self.visit(node, scope, role)

    def args_outer(self, args, scope, name):
        for d in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self.visit(d, scope, ('default', name))
        if not self.future:
            every = list(getattr(args, 'posonlyargs', [])) + list(args.args) + list(args.kwonlyargs)
            every += [a for a in (args.vararg, args.kwarg) if a is not None]
            for a in every:
                if a.annotation is not None:
                    self.visit(a.annotation, scope, ('annotation', name))

    def bind_args(self, args, scope):
        every = list(getattr(args, 'posonlyargs', [])) + list(args.args) + list(args.kwonlyargs)
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for a in every:
            self.bind(scope, a.arg, a)

    def qual(self, scope, name):
        return (scope.qual + '.' + name) if scope.qual else name

    def visit(self, node, scope, role):
        if isinstance(node, _FUNCS):
            self.bind(scope, node.name, node)
            for d in node.decorator_list:
                self.visit(d, scope, ('decorator', node.name))
            self.args_outer(node.args, scope, node.name)
            if node.returns is not None and not self.future:
                self.visit(node.returns, scope, ('annotation', node.name))
            fs = Scope('function', node, scope, self.qual(scope, node.name))
            self.bind_args(node.args, fs)
            for s in node.body:
                self.stmt(s, fs, None)
        elif isinstance(node, ast.Lambda):
            self.args_outer(node.args, scope, 'lambda')
            ls = Scope('lambda', node, scope, self.qual(scope, '<lambda>'))
            self.bind_args(node.args, ls)
            self.visit(node.body, ls, role)
        elif isinstance(node, ast.ClassDef):
            self.bind(scope, node.name, node)
            for d in node.decorator_list:
                self.visit(d, scope, ('decorator', node.name))
            for b in node.bases:
                self.visit(b, scope, ('base', node.name))
            for k in node.keywords:
                self.visit(k.value, scope, ('metaclass' if k.arg == 'metaclass' else 'keyword', node.name))
            cs = Scope('class', node, scope, self.qual(scope, node.name))
            for s in node.body:
                self.stmt(s, cs, ('class-body', node.name) if role is None or role[0] != 'main' else role)
        elif isinstance(node, _COMPS):
            gens = node.generators
            self.visit(gens[0].iter, scope, role)
            cs = Scope('comp', node, scope, scope.qual)
            for i, g in enumerate(gens):
                self.visit(g.target, cs, role)
                if i:
                    self.visit(g.iter, cs, role)
                for c in g.ifs:
                    self.visit(c, cs, role)
            for f in ('elt', 'key', 'value'):
                if getattr(node, f, None) is not None:
                    self.visit(getattr(node, f), cs, role)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                self.bind(scope, node.id, node)
            else:
                self.uses.append((node.id, node.lineno, scope, ('del', None) if isinstance(node.ctx, ast.Del) and role is None else role))
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.visit(node.value, scope, role)
            self.visit(node.target, scope, role)
            if scope.kind in ('module', 'class') and not self.future:
                t = node.target.id if isinstance(node.target, ast.Name) else None
                self.visit(node.annotation, scope, ('annotation', t))
        elif isinstance(node, ast.Global):
            scope.globals.update(node.names)
            for n in node.names:
                self.global_decls.append((n, node.lineno, scope.qual))
        elif isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                if a.name != '*':
                    self.bind(scope, _bound(a, node), node)
        elif isinstance(node, ast.NamedExpr):
            self.visit(node.value, scope, role)
            s = scope
            while s.kind == 'comp':
                s = s.parent
            self.visit(node.target, s, role)
        else:
            for f in ('name', 'rest'):
                v = getattr(node, f, None)
                if isinstance(v, str) and not isinstance(node, (ast.alias, ast.keyword, ast.Attribute)):
                    self.bind(scope, v, node)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.stmt(child, scope, role)
                else:
                    self.visit(child, scope, role)

    def resolve(self, name, scope):
        # 'module' when the name is the module's global there, else None.
        s, first = scope, True
        while s is not None:
            if s.kind == 'module' or name in s.globals:
                return 'module'
            if s.kind == 'class':
                if first and name in s.locals:
                    return None
            elif name in s.locals and name not in s.nonlocals:
                return None
            first = False
            s = s.parent
        return 'module'
`;
