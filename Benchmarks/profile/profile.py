#!/usr/bin/env python3
"""callgrind profiles of qgather at reduced sizes (started by Benchmarks/profile/run).

    profile.py --pg CONNINFO --qgather BINARY --preload SHIM.so [--rows 100000] [--queries 2000]

P5: ROWS rows from the SQLite table to csv; P3: ROWS rows x 5 columns from PostgreSQL to csv;
P2: QUERIES point selects, --jobs 8. For each it keeps the callgrind file and callgrind_annotate's
self and inclusive listings (demangled) in Benchmarks/.work/profile/, and prints a summary: the
self cost grouped by what the code does, then the top self and inclusive functions.
"""
import argparse
import os
import random
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import harness  # noqa: E402  (prepare_sqlite, prepare_postgres, paths)

OUT = harness.WORK / "profile"

# Self cost grouped by what the code is doing; the first pattern that matches a line wins.
CATEGORIES = [
    ("startup (dynamic linking, argument parsing)", r"ld-linux|dl-lookup|dl-reloc|_dl_|ArgumentParser|do_lookup_x|strcmp"),
    ("reading, splitting and checking the SQL batch", r"Script/|Lexer|ScriptLoader|ScriptSplitter|StatementKind|SQLPlaceholder|Set\.init\(_nonEmptyArrayLiteral|uppercased|Hasher"),
    ("REAL to text: SQLite's %!.15g printf (sqlite3_vmprintf, column_text)", r"sqlite3_str_vappendf|sqlite3_vmprintf|sqlite3VXPrintf|sqlite3_free\b|sqlite3FpDecode|sqlite3_str_finish|sqlite3StrAccum|ValueText\.sqliteReal|withVaList|VaListBuilder|CVarArg|va_list"),
    ("value rendering: other (ValueText, integers, floats)", r"ValueText|_BinaryIntegerToASCII|description\.getter in conformance (Int|UInt|Double)|_float64ToString|swift_float64ToString|swift_dtoa"),
    ("dynamic casts, existentials, conformance lookups", r"tryCast|conformsToProtocol|ConformanceCache|ConformanceCandidate|hash_combine|hash_short|swift_dynamicCast|ConcurrentReadableHashMap|getTypeByMangled|swift_getWitnessTable|swift_checkMetadataState|swift_getGenericMetadata|MetadataCache|ExistentialTypeMetadata|MirrorPath|getCache\(|_Unwrappable"),
    ("SQLite engine (prepare, step, column access)", r"libsqlite3"),
    ("libpq (protocol parsing, PQgetvalue, socket reads)", r"libpq"),
    ("value decoding into Value/RowSet (drivers)", r"Drivers/|PostgresResultDecoder|SQLiteStatementRunner|PostgresTypes|RowSet|Value\b|destroy for Value|copy of Value|consume of Value|\[Column\]|\[\[Value\]\]|\[Value\]"),
    ("csv formatting and quoting/escaping", r"CSVFormatter|field\(_:sqliteStyle|replacingOccurrences"),
    ("output buffer and write(2)", r"OutputWriter|__libc_write|\bwrite\b|memmove|memcpy|memset"),
    ("Swift String building (append, interpolation, storage, compare)", r"String|_StringGuts|_SmallString|StringInterpolation|_allocateStringStorage|UTF8|Unicode|Character|_allASCII"),
    ("allocation, reference counting, array growth", r"malloc|_int_free|\bfree\b|cfree|swift_retain|swift_release|swift_slowAlloc|swift_slowDealloc|swift_allocObject|swift_deallocClassInstance|swift_deallocObject|isUniquelyReferenced|RefCounts|ContiguousArray|Array\.|Array<|reserveCapacity|UnsafeMutablePointer\.initialize|underestimatedCount|swift_bridgeObject|swift_arrayInitWithCopy|swift_arrayDestroy|unlink_chunk|tcache|arena_get|__libc_calloc|ClosedRange"),
    ("exclusivity checks (swift_beginAccess)", r"swift_beginAccess|swift_endAccess|AccessSet|SwiftTLSContext"),
    ("concurrency: tasks, continuations, executors, pool hand-off, outcome delivery", r"swift_task|swift_job|Concurrency|dispatch|continuation|Continuation|ConnectionThread|ConnectionPool|Gatherer|OutcomeStream|QueryOutcome|QueryControl|Mutex|pthread|futex|__lll_|sem_|AsyncStream|swift_asyncLet|TaskGroup"),
    ("kernel entry / other syscalls", r"syscall|__poll|\bpoll\b|recv|send|epoll|__GI___"),
]


def annotate(out_file, inclusive):
    cmd = ["callgrind_annotate", "--auto=no", "--threshold=100"] + (["--inclusive=yes"] if inclusive else []) + [str(out_file)]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return subprocess.run(["swift", "demangle", "--simplified"], input=text, check=True,
                          capture_output=True, text=True).stdout


LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$")


def entries(listing):
    """(cost, 'file:function [object]') for each function line of a callgrind_annotate listing."""
    out = []
    for line in listing.splitlines():
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            out.append((int(m.group(1).replace(",", "")), m.group(2)))
    return out


def total(listing):
    m = re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", listing)
    return int(m.group(1).replace(",", ""))


def short(name):
    """'file:function [object]' -> 'function [object's basename]', trimmed for a report."""
    m = re.match(r"^(.*?)(?: \[(.*)\])?$", name)
    where, obj = m.group(1), (m.group(2) or "")
    function = where.split(":", 1)[1] if re.match(r"^(\?\?\?|[^ ]*\.(swift|c|S|h|cpp)|//<compiler-generated>|\./[^:]*):", where) else where
    lib = Path(obj).name if obj else ""
    function = re.sub(r"\s+", " ", function)
    if len(function) > 110:
        function = function[:107] + "..."
    return f"{function}  [{lib}]" if lib and lib != "qgather" else function


def summarize(label, title, out_file):
    self_listing, incl_listing = annotate(out_file, False), annotate(out_file, True)
    (OUT / f"{label}.self.txt").write_text(self_listing)
    (OUT / f"{label}.inclusive.txt").write_text(incl_listing)
    grand = total(self_listing)
    groups = {name: 0 for name, _ in CATEGORIES}
    groups["other"] = 0
    for cost, name in entries(self_listing):
        for category, pattern in CATEGORIES:
            if re.search(pattern, name):
                groups[category] += cost
                break
        else:
            groups["other"] += cost
    pct = lambda c: f"{100 * c / grand:5.1f}%"
    lines = [f"### {title}: {grand:,} instructions (Ir)", "", "Self cost by kind:", ""]
    for category, cost in sorted(groups.items(), key=lambda kv: -kv[1]):
        if cost:
            lines.append(f"    {pct(cost)}  {category}")
    lines += ["", "Top self cost:", ""]
    for cost, name in entries(self_listing)[:15]:
        lines.append(f"    {pct(cost)}  {short(name)}")
    # Inclusive: qgather's own functions (the runtime's async frames nest everything and say little),
    # one line per function name, thunks and partial applications left out.
    lines += ["", "Top inclusive cost, qgather's own functions:", ""]
    seen = set()
    for cost, name in entries(incl_listing):
        if not re.search(r"/qgather\]$", name) or re.search(r"partial apply|thunk|outlined|QGatherCLI_main|below main|main\(\)|protocol witness|'\d+ ", name):
            continue
        key = short(name).replace("specialized ", "")
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"    {pct(cost)}  {key}")
        if len(seen) == 15:
            break
    text = "\n".join(lines) + "\n"
    (OUT / f"{label}.summary.txt").write_text(text)
    return text


def callgrind(label, argv, preload):
    out_file = OUT / f"{label}.callgrind"
    print(f"profile: {label}: {' '.join(argv)}", file=sys.stderr, flush=True)
    with open(OUT / f"{label}.valgrind.log", "w") as err:
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", *argv],
                       env={**os.environ, "LD_PRELOAD": preload},
                       stdout=subprocess.DEVNULL, stderr=err, check=True)
    return out_file


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", required=True)
    parser.add_argument("--qgather", required=True)
    parser.add_argument("--preload", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=5_000)
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    db = harness.WORK / "bench.db"
    harness.prepare_sqlite(db)
    harness.prepare_postgres(args.pg)
    rng = random.Random(harness.P2_SEED)
    batches = {
        "p5": f"SELECT * FROM t LIMIT {args.rows};\n",
        "p3": harness.P3_SQL.replace("1000000", str(args.rows)) + ";\n",
        "p2": "".join(harness.P2_SQL.format(rng.randint(1, harness.PGBENCH_SCALE * 100_000)) + ";\n"
                      for _ in range(args.queries)),
    }
    for label, sql in batches.items():
        (OUT / f"{label}.sql").write_text(sql)
    # The peer doing the same work, for scale: its instruction count under the same tool.
    runs = [
        (f"P5 ({args.rows:,} rows, SQLite -> csv)", "p5", ["--db", str(db)],
         ("sqlite3 -csv -header", ["sqlite3", "-csv", "-header", str(db), batches["p5"].strip()])),
        (f"P3 ({args.rows:,} rows x 5 columns, PostgreSQL -> csv)", "p3", ["--pg", args.pg],
         ("psql --csv -c", [harness.pg_tool("psql"), "-X", "-d", args.pg, "--csv", "-c", batches["p3"].strip()])),
        (f"P2 ({args.queries:,} point selects, --jobs 8)", "p2", ["--pg", args.pg, "--jobs", "8"], None),
    ]
    with open(OUT / "summary.md", "w") as log:
        for title, label, target, peer in runs:
            out_file = callgrind(label, [args.qgather, str(OUT / f"{label}.sql"), *target, "--format", "csv"], args.preload)
            text = summarize(label, title, out_file)
            if peer:
                peer_total = total(annotate(callgrind(f"{label}-peer", peer[1], args.preload), False))
                qgather_total = total((OUT / f"{label}.self.txt").read_text())
                text += (f"\nFor scale, {peer[0]} on the same work: {peer_total:,} Ir "
                         f"(qgather/peer = {qgather_total / peer_total:.2f}).\n")
            log.write(text + "\n")
            print(text, flush=True)
    print(f"profile: listings and callgrind files in {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
