#!/usr/bin/env python3
"""check_secret_compare.py - every comparison of secrets goes through am_ct_equal().

Usage: python3 tests/check_secret_compare.py SRC_DIR

am_ct_equal() (src/net/crypto.c) is CRYPTO_memcmp; tests/unit/test_crypto.c checks that it
is and that the auth paths call it. This check makes sure nothing else compares secrets:
it fails on any call of memcmp, bcmp, strcmp, strncmp, strcasecmp, strncasecmp, memmem
or strstr (or their __builtin_ forms) whose ARGUMENTS name a secret, anywhere in SRC_DIR but the body of am_ct_equal
itself. (A comparison written as a byte loop is not found; review catches those.)

What counts as naming a secret (SECRET below): an identifier containing sha256, digest,
hash (but not a hash-table index, see below), token, secret, password, passwd, hmac or
mac_, or api_key / apikey. Before matching, string literals and [...] subscripts are
removed (a literal prefix like "--api-key=" or a probe index a->hash[j] is no secret),
and identifiers naming a NAME of a secret rather than its value (token_name, env_name)
are allowed by ALLOW_IDENT. A line that must compare a secret-looking name for another
reason carries the comment `not-secret:` with the reason, and is skipped.

Prints each offending call as FILE:LINE: text; exits 1 if there is any, else 0.
"""

import os
import re
import sys

FUNCS = r"(?:memcmp|bcmp|strcmp|strncmp|strcasecmp|strncasecmp|memmem|strstr)"
CALL = re.compile(r"(?<![A-Za-z0-9_])(?:__builtin_)?" + FUNCS + r"\s*\(")
SECRET = re.compile(r"sha256|digest|hash|token|secret|passw|hmac|mac_|api_?key", re.I)
ALLOW_IDENT = re.compile(r"^(?:\w*_name|AM_SHA256_LEN|\w*_len)$")
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


def strip_subscripts(s):
    out, depth = [], 0
    for ch in s:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def call_args(text, start):
    """The argument text of the call whose '(' is at start (balanced parentheses)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
    return text[start + 1:]


TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)


def strip_comments(text):
    """Comments become blanks (newlines kept, so line numbers survive); one holding
    "not-secret:" leaves that marker. String literals are kept as they are."""
    def repl(m):
        c = m.group(0)
        if c[0] in "\"'":
            return c
        return (" not-secret: " if "not-secret:" in c else " ") + "\n" * c.count("\n")
    return TOKENS.sub(repl, text)


def offending(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = strip_comments(f.read())
    lines = text.split("\n")
    hits = []
    # The one sanctioned comparison: the body of am_ct_equal.
    sanctioned = None
    m = re.search(r"\bbool\s+am_ct_equal\s*\([^)]*\)\s*\{", text)
    if m:
        end = text.find("\n}", m.end())
        sanctioned = (m.start(), end)
    for m in CALL.finditer(text):
        if sanctioned and sanctioned[0] <= m.start() <= sanctioned[1]:
            continue
        line_no = text.count("\n", 0, m.start()) + 1
        if "not-secret:" in lines[line_no - 1]:
            continue
        args = strip_subscripts(STRING.sub('""', call_args(text, m.end() - 1)))
        idents = [w for w in re.findall(r"[A-Za-z_]\w*", args) if not ALLOW_IDENT.match(w)]
        if any(SECRET.search(w) for w in idents):
            hits.append((line_no, lines[line_no - 1].strip()))
    return hits


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    bad = 0
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            for line_no, line in offending(path):
                print(f"{os.path.relpath(path, root)}:{line_no}: {line}")
                bad += 1
    if bad:
        print(f"{bad} comparison(s) of secrets outside am_ct_equal() (src/net/crypto.c)")
        return 1
    print("every comparison of secrets goes through am_ct_equal()")
    return 0


if __name__ == "__main__":
    sys.exit(main())
