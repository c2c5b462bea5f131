#!/usr/bin/env python3
"""No include cycle among src/ files.

Every folder under src/ is an include directory, so `#include "x.h"` names a header by
its base name. A file's edges are its quoted includes; a header and its .c are one
module (x.h + x.c, and a private x_impl.h shared by x*.c files belongs to x), so a cycle
is any loop in the module graph, e.g. app.c includes control.h and control.c includes
app.h. Exit 1 with the cycles found, else 0.
Usage: include_cycles.py [SRC_DIR] (default: src/ next to this script's repo root)."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(name):
    """x.c, x.h and x_impl.h -> x."""
    base = name[:-2]
    return base[:-5] if base.endswith('_impl') else base


def modules(src):
    """module name -> set of module names it includes (only modules found in src)."""
    files = {}
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith(('.c', '.h')):
                files.setdefault(module_of(n), []).append(os.path.join(root, n))
    graph = {}
    for mod, paths in files.items():
        deps = set()
        for p in paths:
            with open(p, encoding='utf-8', errors='replace') as f:
                for inc in INCLUDE.findall(f.read()):
                    dep = module_of(os.path.basename(inc)) if inc.endswith('.h') else None
                    if dep and dep != mod and dep in files:
                        deps.add(dep)
        graph[mod] = deps
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def self_test():
    """The check must be able to fail: a two-module loop and an _impl.h are told apart."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'x'))
        files = {'a.c': '#include "a.h"\n#include "b.h"\n', 'a.h': '', 'x/b.c': '#include "a.h"\n',
                 'b.h': '', 'c.c': '#include "c_impl.h"\n', 'c_impl.h': '#include "c.h"\n',
                 'c.h': '#include "a.h"\n'}
        for name, text in files.items():
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        found = cycles(modules(d))
    assert found == [['a', 'b']], found


def main():
    self_test()
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'src')
    graph = modules(src)
    found = cycles(graph)
    for comp in found:
        edges = [f'{a} -> {b}' for a in comp for b in sorted(graph[a]) if b in comp]
        print('include cycle among ' + ', '.join(comp) + ':\n  ' + '\n  '.join(edges))
    print(f'{len(graph)} modules, {len(found)} include cycle(s)')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
