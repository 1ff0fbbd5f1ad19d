#!/usr/bin/env python3
"""check_layers.py SRC_DIR: check that relorm's source tree keeps its layers.

Dependencies point one way, from the SQL-callable families down to the
catalog.  Every module (NAME.c, with its header NAME.h) has a layer below; a
file may include ("...") the header of a module in a lower layer, its own
header, and relorm.h (the common header, allowed everywhere; it includes
nothing of ours).  A module may include one of its own layer only where
SAME_LAYER_OK says so.  Also:

  * only exec.c and results.c call SPI: no other file contains SPI_
    (outside comments);
  * only deparse*.c write SQL: no other file has SELECT, INSERT, UPDATE,
    DELETE, FROM, WHERE or JOIN (uppercase, whole words) in a string literal,
    except in the errmsg / errhint / errdetail of a message (a hint may name
    a command for the user to run, such as ALTER EXTENSION ... UPDATE).

A src/*.c or src/*.h whose module is not in LAYERS fails the check: add it
to the table.  Includes of files that are not in SRC_DIR and name no module
(PostgreSQL's "postgres.h", "utils/builtins.h", ...) are not ours and ignored.
Exit status 0 if the tree passes, 1 with one line per problem if not.
"""

import os
import re
import sys

# ---------------------------------------------------------------------------
# The layers: the one place they are declared.  Lower numbers are lower down.
# ---------------------------------------------------------------------------
LAYERS = {
    0: ["relorm"],                                   # entry point (_PG_init)
    1: ["catalog", "options", "metadata", "infer"],  # relation metadata, cache
    2: ["keys"],                                     # "any" arguments -> keys
    3: ["parse_query", "parse_write"],               # jsonb -> nodes
    4: ["deparse", "deparse_link", "deparse_query", "deparse_write", "deparse_ddl"],  # -> SQL
    5: ["exec", "results"],                          # SPI, plans, results
    6: ["fnargs", "link_ops", "pivot_ops", "read_ops", "write_ops",
        "register"],                                 # SQL-callable families
}

# Which same-layer headers a module may include: a layer maps to the set of
# modules of that layer that may be included from it (None: any of them).
# Layers not listed allow none.  In layer 6 a family may include fnargs.h
# (shared argument handling) but never a sibling family.
SAME_LAYER_OK = {
    1: None,
    3: {"parse_query"},   # parse_write parses filters with parse_query
    4: None,
    5: None,
    6: {"fnargs"},
}

# relorm.h: included by anyone, includes nothing of ours.
COMMON_HEADER = "relorm"

# The only files that may use SPI, and those that may write SQL text.
SPI_FILES = {"exec.c", "results.c"}
SQL_FILE_PATTERN = re.compile(r"^deparse[^/]*\.c$")
MESSAGE_CALL = re.compile(r"\b(errmsg|errhint|errdetail)\(")
SQL_KEYWORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|JOIN)\b")

# ---------------------------------------------------------------------------

LAYER_OF = {m: layer for layer, mods in LAYERS.items() for m in mods}
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)


def split_code(text):
    """split_code: return (code, literals) for C source text.

    code is the text with comments and the contents of string and character
    literals blanked (newlines kept, so line numbers still match); literals
    is a list of (line number, contents) of the string literals, #include
    lines left out.
    """
    code = []
    literals = []
    i, n, line = 0, len(text), 1
    in_include = False
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            in_include = False
            code.append(c)
            i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            chunk = text[i:end]
            line += chunk.count("\n")
            code.append(" " + "\n" * chunk.count("\n"))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            j, start_line = i + 1, line
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            body = text[i + 1:j]
            if c == '"' and not in_include:
                literals.append((start_line, body))
            code.append(c + " " * len(body) + c)
            i = j + 1
        else:
            if c == "#" and re.match(r"#[ \t]*include\b", text[i:i + 20]):
                in_include = True
            code.append(c)
            i += 1
    return "".join(code), literals


def check_file(src_dir, fname, ours, problems):
    """check_file: append to problems every rule src_dir/fname breaks."""
    path = os.path.join(src_dir, fname)
    shown = os.path.join(os.path.basename(os.path.normpath(src_dir)), fname)
    module = os.path.splitext(fname)[0]
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()

    if module == COMMON_HEADER and fname.endswith(".h"):
        layer = None
    elif module in LAYER_OF:
        layer = LAYER_OF[module]
    else:
        problems.append(f"{shown} has no declared layer (add {module} to LAYERS "
                        f"in test/check_layers.py)")
        return

    # includes
    for match in INCLUDE.finditer(text):
        target = match.group(1)
        lineno = text.count("\n", 0, match.start()) + 1
        where = f"{shown}:{lineno}"
        base, ext = os.path.splitext(target)
        if "/" in target or (target not in ours and base not in LAYER_OF):
            continue  # not one of ours (a PostgreSQL header)
        if base == COMMON_HEADER and ext == ".h":
            if layer is None:
                problems.append(f"{where}: relorm.h includes {target}; "
                                f"it may include nothing of ours")
            continue
        if layer is None:
            problems.append(f"{where}: relorm.h includes {target}; "
                            f"it may include nothing of ours")
            continue
        if ext != ".h":
            problems.append(f"{where}: includes {target}, which is not a header")
            continue
        if base not in LAYER_OF:
            problems.append(f"{where}: includes {target}, whose module has no "
                            f"declared layer")
            continue
        if base == module:
            continue  # its own header
        their = LAYER_OF[base]
        if their > layer:
            problems.append(f"{where}: {module} (layer {layer}) includes {target} "
                            f"of layer {their}, a higher layer")
        elif their == layer:
            allowed = SAME_LAYER_OK.get(layer, set())
            if allowed is not None and base not in allowed:
                problems.append(f"{where}: {module} includes {target} of its own "
                                f"layer {layer}, which layer {layer} does not allow")

    code, literals = split_code(text)

    # SPI only in exec.c and results.c
    if fname not in SPI_FILES:
        for lineno, src_line in enumerate(code.split("\n"), 1):
            if "SPI_" in src_line:
                problems.append(f"{shown}:{lineno}: uses SPI_ (only "
                                f"{' and '.join(sorted(SPI_FILES))} may)")

    # SQL text only in deparse*.c
    if not SQL_FILE_PATTERN.match(fname):
        lines = text.split("\n")
        for lineno, body in literals:
            # a message that names a command to run is not SQL relorm runs
            if MESSAGE_CALL.search(lines[lineno - 1]):
                continue
            found = SQL_KEYWORDS.search(body)
            if found:
                problems.append(f"{shown}:{lineno}: SQL keyword {found.group(1)} in "
                                f"a string literal (SQL is written only in deparse*.c)")


def main(argv):
    if len(argv) != 2:
        print("usage: check_layers.py SRC_DIR", file=sys.stderr)
        return 2
    src_dir = argv[1]
    if not os.path.isdir(src_dir):
        print(f"check_layers: {src_dir} is not a directory", file=sys.stderr)
        return 2
    files = sorted(f for f in os.listdir(src_dir) if f.endswith((".c", ".h")))
    ours = set(files)
    problems = []
    for fname in files:
        check_file(src_dir, fname, ours, problems)
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} problem(s) in {src_dir}", file=sys.stderr)
        return 1
    print(f"check_layers: {len(files)} files in {src_dir} keep their layers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
