#!/usr/bin/env python3
"""qgather benchmark harness (started by Benchmarks/run, which builds qgather, installs the peers
and provides a PostgreSQL server).

Prepares the data in Benchmarks/.work (a 2M-row SQLite file in WAL mode, pgbench tables at scale
10, the batch files), checks that qgather's csv matches the peers', then runs every scenario with
qgather and its peers alternately (one warm-up round that is not counted, then A B C, A B C, ...),
each command a whole process under `/usr/bin/time -f '%e %M'`. Prints a Markdown table (median,
min-max, peak RSS, ratio qgather/peer) and the targets, and writes Benchmarks/results/latest.json.

    harness.py --pg CONNINFO [--only P1,P5] [--reps N]
"""
import argparse
import glob
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "Benchmarks"
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
QGATHER = str(ROOT / ".build" / "static" / "release" / "qgather")  # built by Benchmarks/run
PYTHON = str(BENCH / ".venv" / "bin" / "python")
PEERS = str(BENCH / "peers.py")
TIME = "/usr/bin/time"

SQLITE_ROWS = 2_000_000
PGBENCH_SCALE = 10  # 1,000,000 pgbench_accounts rows
P2_QUERIES = 20_000
P2_SEED = 5  # issue 5
P2_SQL = "SELECT abalance FROM pgbench_accounts WHERE aid = {}"
P3_SQL = "SELECT g, g*2, md5(g::text), now(), g%7=0 FROM generate_series(1,1000000) g"
P5_SQL = "SELECT * FROM t LIMIT 1000000"
# Eight CPU-heavy aggregates over t, each about half a second alone on an idle 2-core machine.
P4_QUERIES = [
    "SELECT k % 1000 AS bucket, count(*), avg(v), max(s) FROM t GROUP BY 1",
    "SELECT k % 997 AS bucket, count(*), sum(v), min(s) FROM t WHERE v > 100 GROUP BY 1",
    "SELECT substr(s, 6, 2) AS prefix, count(*), avg(v), max(k) FROM t GROUP BY 1",
    "SELECT id % 9973 AS tail, count(DISTINCT k % 500), avg(v) FROM t GROUP BY 1",
    "SELECT k % 100 AS bucket, count(DISTINCT k), max(v) FROM t GROUP BY 1",
    "SELECT length(s) + k % 50 AS len, count(*), avg(v), min(k) FROM t WHERE k % 3 <> 0 GROUP BY 1",
    "SELECT substr(s, 15, 4) AS suffix, count(*), sum(k), max(v) FROM t WHERE s LIKE 'item-%a%' GROUP BY 1",
    "SELECT CAST(v / 10 AS INTEGER) AS decile, count(*), avg(k), max(s) FROM t WHERE id % 2 = 0 GROUP BY 1",
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def cores_busy(seconds=1.0):
    """How many cores other processes keep busy: /proc/stat over `seconds` while we run nothing."""
    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields[:8]) - idle, sum(fields[:8])
    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return round((os.cpu_count() or 1) * (busy1 - busy0) / max(1, total1 - total0), 2)


# ---------------------------------------------------------------- data and batch files


def prepare_sqlite(path):
    """t(id, k, v, s), SQLITE_ROWS rows by the formulas in BENCHMARKS.md, WAL mode; reused when present."""
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
                if c.execute("SELECT max(id) FROM t").fetchone()[0] == SQLITE_ROWS:
                    return
        except sqlite3.Error:
            pass
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    log(f"generating {path.name} ({SQLITE_ROWS:,} rows)")
    c = sqlite3.connect(path)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v REAL, s TEXT)")
    c.execute(
        """INSERT INTO t(id, k, v, s)
           WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < ?)
           SELECT id, (id * 2654435761) % 100000, ((id * 40503) % 100003) / 100.0,
                  printf('item-%08x-%04d', (id * 2246822519) % 4294967296, id % 9973)
           FROM n""",
        (SQLITE_ROWS,),
    )
    c.commit()
    c.close()


P11_SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) SELECT count(*) FROM c"
P11_SIZES = [200_000 + 20_000 * ((i * 7) % 20) for i in range(19)]
P11_SIZES.append(sum(P11_SIZES))  # the longest, about half of the summed time, last in the file

TENANTS = 50
TENANT_ROWS = 20_000
F1_QUERIES = [
    "SELECT count(*), sum(amount), avg(amount) FROM orders",
    "SELECT status, count(*), sum(amount) FROM orders GROUP BY status ORDER BY status",
    "SELECT customer, sum(amount) AS spent FROM orders GROUP BY customer ORDER BY spent DESC, customer LIMIT 10",
    "SELECT substr(day, 1, 7) AS month, count(*), sum(amount) FROM orders GROUP BY month ORDER BY month",
    "SELECT count(DISTINCT customer) FROM orders WHERE status = 'shipped'",
    "SELECT day, count(*) AS n FROM orders GROUP BY day ORDER BY n DESC, day LIMIT 5",
    "SELECT a.customer, count(*) FROM orders a JOIN orders b ON b.customer = a.customer AND b.id = a.id + 1 GROUP BY a.customer ORDER BY 2 DESC, 1 LIMIT 5",
    "SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 20",
]


def prepare_tenants():
    """TENANTS SQLite files of TENANT_ROWS orders each (tenant i's data differs by i); reused when present."""
    directory = WORK / "tenants"
    paths = [directory / f"tenant{i:02d}.db" for i in range(TENANTS)]
    if all(p.exists() for p in paths):
        return [str(p) for p in paths]
    directory.mkdir(exist_ok=True)
    log(f"generating {TENANTS} tenant files ({TENANT_ROWS:,} orders each)")
    for i, path in enumerate(paths):
        path.unlink(missing_ok=True)
        c = sqlite3.connect(path)
        c.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount REAL, day TEXT, status TEXT)")
        c.execute(
            """INSERT INTO orders(id, customer, amount, day, status)
               WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < ?)
               SELECT id, (id * 7919 + ?) % 1500, ((id * 40503 + ?) % 100003) / 100.0,
                      date('2024-01-01', '+' || ((id * 31 + ?) % 365) || ' days'),
                      CASE (id + ?) % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'shipped' WHEN 2 THEN 'delivered' ELSE 'returned' END
               FROM n""",
            (TENANT_ROWS, i, i * 13, i, i),
        )
        c.commit()
        c.close()
    return [str(p) for p in paths]


def pg_tool(name):
    """The real psql/pgbench binary: Debian's /usr/bin ones are a Perl wrapper (pg_wrapper) that
    adds ~35 ms to every start, which would make psql look slower than it is."""
    dirs = [os.environ.get("QGATHER_TEST_PGBIN", "")]
    dirs += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True)
    for d in dirs:
        if d and os.access(os.path.join(d, name), os.X_OK):
            return os.path.join(d, name)
    return name


def psql(conninfo, sql):
    out = subprocess.run([pg_tool("psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def prepare_postgres(conninfo):
    """pgbench tables at scale 10 (pgbench -i drops and recreates them); reused when present."""
    have = psql(conninfo, "SELECT to_regclass('pgbench_accounts') IS NOT NULL")
    if have == "t" and psql(conninfo, "SELECT count(*) FROM pgbench_accounts") == str(PGBENCH_SCALE * 100_000):
        return
    log(f"pgbench -i -s {PGBENCH_SCALE}")
    subprocess.run([pg_tool("pgbench"), "-i", "-q", "-s", str(PGBENCH_SCALE), conninfo], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_batches():
    """The scenario files; P2's aids come from a seeded generator, so every run asks the same."""
    rng = random.Random(P2_SEED)
    aids = [rng.randint(1, PGBENCH_SCALE * 100_000) for _ in range(P2_QUERIES)]
    p10_aids = [rng.randint(1, PGBENCH_SCALE * 100_000) for _ in range(200_000)]
    files = {
        "one.sql": "SELECT 1;\n",
        "p1.sql": "SELECT pg_sleep(0.5);\n" * 64,
        "p2.sql": "".join(P2_SQL.format(aid) + ";\n" for aid in aids),
        "p2_aids.txt": "".join(f"{aid}\n" for aid in aids),
        "p3.sql": P3_SQL + ";\n",
        "p4.sql": "".join(q + ";\n" for q in P4_QUERIES),
        "p5.sql": P5_SQL + ";\n",
        "f1.sql": "".join(q + ";\n" for q in F1_QUERIES),
        "p8.sql": "SELECT 1;\n" * 200_000,
        "p11.sql": "".join(P11_SQL.format(n) + ";\n" for n in P11_SIZES),
        "p9.sql": "".join(f"SELECT k, v, s FROM t WHERE id = {rng.randint(1, SQLITE_ROWS)};\n" for _ in range(20_000)),
        "p10_aids.txt": "".join(f"{aid}\n" for aid in p10_aids),
        "p10.sql": "".join(P2_SQL.format(aid) + ";\n" for aid in p10_aids),
        "p13.sql": "SELECT 1;\n" * 2_000_000,
        "f2.sql": "SELECT pg_sleep(0.01);\n" * 3000,
        "f3.sql": "SELECT pg_sleep(0.5);\n" * 16,
    }
    for name, text in files.items():
        (WORK / name).write_text(text)


# ---------------------------------------------------------------- measuring


class Contestant:
    """One command of a scenario: a whole process, stdout to /dev/null unless captured."""

    def __init__(self, label, argv, stdin=None, capture=False, queries=None, parse=None, compare=True):
        self.label, self.argv, self.stdin, self.capture = label, argv, stdin, capture
        self.compare = compare  # False: a reference (e.g. a fixed-duration run), no wall-time ratio
        self.queries = queries  # for a queries/s column
        self.parse = parse  # (stdout, stderr) -> dict of extra figures
        self.walls, self.rss_kib, self.extras = [], [], []

    @property
    def is_qgather(self):
        return self.argv[0] == QGATHER

    def run_once(self):
        with tempfile.NamedTemporaryFile("r", prefix="qgather-time.") as timing:
            stdin = open(self.stdin) if self.stdin else subprocess.DEVNULL
            stdout = subprocess.PIPE if self.capture else subprocess.DEVNULL
            started = time.perf_counter()
            proc = subprocess.run([TIME, "-f", "%e %M", "-o", timing.name, *self.argv],
                                  stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
            wall = time.perf_counter() - started
            if self.stdin:
                stdin.close()
            if proc.returncode != 0:
                raise SystemExit(f"{self.label} failed (exit {proc.returncode}): {' '.join(self.argv)}\n{proc.stderr[-2000:]}")
            rss = int(timing.read().split()[-1])
        return wall, rss, (self.parse(proc.stdout or "", proc.stderr) if self.parse else {})

    def record(self, result):
        wall, rss, extra = result
        self.walls.append(wall)
        self.rss_kib.append(rss)
        self.extras.append(extra)

    def summary(self):
        s = {
            "label": self.label,
            "command": " ".join(self.argv) + (f" < {self.stdin}" if self.stdin else ""),
            "walls_s": [round(w, 4) for w in self.walls],
            "rss_kib": self.rss_kib,
            "median_s": round(statistics.median(self.walls), 4),
            "min_s": round(min(self.walls), 4),
            "max_s": round(max(self.walls), 4),
            "rss_median_mib": round(statistics.median(self.rss_kib) / 1024, 1),
            "rss_max_mib": round(max(self.rss_kib) / 1024, 1),
            "compare": self.compare,
        }
        if self.queries:
            s["queries_per_s"] = round(self.queries / s["median_s"])
        keys = sorted({k for e in self.extras for k in e})
        for k in keys:
            s[k] = round(statistics.median(e[k] for e in self.extras if k in e), 4)
        return s


def phase_seconds(_stdout, stderr):
    for line in stderr.splitlines():
        if line.startswith("phase "):
            return {"phase_s": json.loads(line[6:])["seconds"]}
    return {}


def pgbench_tps(stdout, _stderr):
    for line in stdout.splitlines():
        if line.startswith("tps =") and "without initial connection time" in line:
            return {"pgbench_tps": float(line.split()[2])}
    return {}


def run_scenario(sid, title, contestants, reps):
    log(f"{sid}: {title} ({reps} rounds + 1 warm-up, {len(contestants)} commands)")
    load_before, busy_before = loadavg(), cores_busy()
    for c in contestants:  # warm-up: page cache, server buffers; not counted
        c.run_once()
    for _ in range(reps):
        for c in contestants:
            c.record(c.run_once())
    rows = [c.summary() for c in contestants]
    qg = next(r for r in rows if r["label"].startswith("qgather"))
    for r in rows:
        paired = r is not qg and r["compare"]
        r["ratio_qgather_to_peer"] = round(qg["median_s"] / r["median_s"], 3) if paired else None
        # The same ratio round by round (A and B of one round saw about the same machine load).
        r["ratio_per_round_median"] = (round(statistics.median(a / b for a, b in zip(qg["walls_s"], r["walls_s"])), 3)
                                       if paired else None)
    return {"id": sid, "title": title, "reps": reps, "load_before": load_before, "load_after": loadavg(),
            "others_cores_busy_before": busy_before, "others_cores_busy_after": cores_busy(), "results": rows}


# ---------------------------------------------------------------- correctness gate


def check_outputs(conninfo, db):
    """qgather's csv must be the peers' csv, or the timings compare different work."""
    sqlite_qg = subprocess.run([QGATHER, str(WORK / "p5.sql"), "--db", db, "--format", "csv"],
                               check=True, capture_output=True).stdout
    sqlite_cli = subprocess.run(["sqlite3", "-csv", "-header", db, P5_SQL], check=True, capture_output=True).stdout
    if sqlite_qg != sqlite_cli:
        raise SystemExit("P5: qgather's csv differs from sqlite3 -csv -header")
    pg_qg = subprocess.run([QGATHER, str(WORK / "p3.sql"), "--pg", conninfo, "--format", "csv"],
                           check=True, capture_output=True, text=True).stdout.splitlines()
    pg_psql = subprocess.run([pg_tool("psql"), "-X", "-d", conninfo, "--csv", "-c", P3_SQL],
                             check=True, capture_output=True, text=True).stdout.splitlines()
    drop_now = lambda lines: [l.split(",")[:3] + l.split(",")[4:] for l in lines]  # now() differs
    if len(pg_qg) != len(pg_psql) or drop_now(pg_qg) != drop_now(pg_psql):
        raise SystemExit("P3: qgather's csv differs from psql --csv")
    log("outputs match: P5 byte for byte with sqlite3 -csv -header, P3 with psql --csv (now() aside)")


# ---------------------------------------------------------------- the scenarios


def fleet_scenarios(conninfo, fleet, tenants, reps_override):
    """F1 (SQLite tenants) always; F2 and F3 when the fleet's servers are given."""
    w = lambda name: str(WORK / name)
    reps = lambda n: max(5, reps_override or n)
    shell_loop = 'for f in "$@"; do sqlite3 -csv "$f" < "$0"; done'
    found = [
        ("F1", f"{TENANTS} SQLite tenant files ({TENANT_ROWS:,} orders each) x {len(F1_QUERIES)} report queries", reps(5), [
            Contestant(f"qgather fan-out, {TENANTS} targets", [QGATHER, w("f1.sql"), "--db", *tenants, "--format", "csv"]),
            Contestant("shell loop: for f; do sqlite3 -csv $f < batch; done", ["bash", "-c", shell_loop, w("f1.sql"), *tenants]),
            Contestant("Python ThreadPoolExecutor(2) over the files", [PYTHON, PEERS, "sqlite-tenants", "--file", w("f1.sql"), "--workers", "2", *tenants],
                       parse=phase_seconds),
            Contestant("qgather fan-out, 10 targets (memory)", [QGATHER, w("f1.sql"), "--db", *tenants[:10], "--format", "csv"], compare=False),
        ]),
    ]
    if len(fleet) < 3:
        log("F2, F3: not run (they need three more servers: --fleet A --fleet B --fleet STANDBY, as Benchmarks/run gives)")
        return found
    servers = [conninfo] + fleet
    pg = lambda name, *extra: [QGATHER, w(name), "--format", "csv", *extra]
    found += [
        ("F2", "3,000 x SELECT pg_sleep(0.01), 4 connections per server", reps(5), [
            Contestant("qgather --spread over 3 servers, --per-target 4", pg("f2.sql", *[a for c in servers[:3] for a in ("--pg", c)], "--spread", "--per-target", "4")),
            Contestant("qgather, one server, --jobs 4", pg("f2.sql", "--pg", conninfo, "--jobs", "4")),
        ]),
        ("F3", "16 x SELECT pg_sleep(0.5), fanned out to 4 servers", reps(5), [
            Contestant("qgather fan-out to 4 servers, --per-target 16 --jobs 64",
                       pg("f3.sql", *[a for c in servers[:4] for a in ("--pg", c)], "--per-target", "16", "--jobs", "64")),
            Contestant("qgather, one server, --jobs 16", pg("f3.sql", "--pg", conninfo, "--jobs", "16")),
        ]),
    ]
    return found


def scenarios(conninfo, db, reps_override):
    w = lambda name: str(WORK / name)
    qg_pg = lambda name, *extra: [QGATHER, w(name), "--pg", conninfo, "--format", "csv", *extra]
    qg_db = lambda name, *extra: [QGATHER, w(name), "--db", db, "--format", "csv", *extra]
    gather = lambda pool, *extra: [PYTHON, PEERS, "asyncpg-gather", "--conninfo", conninfo, "--pool", str(pool), *extra]
    psql_bin = pg_tool("psql")
    pgbench = [pg_tool("pgbench"), "-n", "-S", "-M", "prepared", "-c", "8", "-j", "2"]
    reps = lambda n: max(5, reps_override or n)
    return [
        ("P1", "64 x SELECT pg_sleep(0.5), 64 at once", reps(7), [
            Contestant("qgather --jobs 64", qg_pg("p1.sql", "--jobs", "64")),
            Contestant("asyncpg gather, pool 64", gather(64, "--sql", "SELECT pg_sleep(0.5)", "--count", "64"), parse=phase_seconds),
        ]),
        ("P2", f"{P2_QUERIES:,} point selects on pgbench_accounts (scale {PGBENCH_SCALE}), 8 connections", reps(5), [
            Contestant("qgather --jobs 8", qg_pg("p2.sql", "--jobs", "8"), queries=P2_QUERIES),
            Contestant("asyncpg gather, pool 8", gather(8, "--sql", P2_SQL.format("$1"), "--aids", w("p2_aids.txt")),
                       queries=P2_QUERIES, parse=phase_seconds),
            Contestant("pgbench -S -M prepared -c 8 -j 2 -t 2500", [*pgbench, "-t", "2500", conninfo],
                       capture=True, queries=P2_QUERIES, parse=pgbench_tps),
            Contestant("pgbench ... -T 10 (ceiling)", [*pgbench, "-T", "10", conninfo], capture=True, parse=pgbench_tps,
                       compare=False),
        ]),
        ("P3", "1,000,000 rows x 5 columns from PostgreSQL to csv", reps(7), [
            Contestant("qgather", qg_pg("p3.sql")),
            Contestant("psql --csv -c", [psql_bin, "-X", "-d", conninfo, "--csv", "-c", P3_SQL]),
            Contestant("psql -At FETCH_COUNT=10000", [psql_bin, "-X", "-d", conninfo, "-At", "-v", "FETCH_COUNT=10000", "-c", P3_SQL]),
            Contestant("asyncpg conn.fetch", [PYTHON, PEERS, "asyncpg-fetch", "--conninfo", conninfo, "--sql", P3_SQL], parse=phase_seconds),
        ]),
        ("P4", f"8 CPU-heavy GROUP BY queries over the {SQLITE_ROWS:,}-row SQLite table (WAL)", reps(5), [
            Contestant("qgather --jobs 2", qg_db("p4.sql", "--jobs", "2")),
            Contestant("sqlite3 -csv < batch (sequential)", ["sqlite3", "-csv", db], stdin=w("p4.sql")),
            Contestant("Python ThreadPoolExecutor(2)", [PYTHON, PEERS, "sqlite-threads", "--db", db, "--file", w("p4.sql"), "--workers", "2"],
                       parse=phase_seconds),
        ]),
        ("P5", "1,000,000 rows from SQLite to csv", reps(7), [
            Contestant("qgather", qg_db("p5.sql")),
            Contestant("sqlite3 -csv -header", ["sqlite3", "-csv", "-header", db, P5_SQL]),
        ]),
        ("P8", "200,000 x SELECT 1; on SQLite", reps(5), [
            Contestant("qgather", qg_db("p8.sql"), queries=200_000),
            Contestant("sqlite3 -csv < file", ["sqlite3", "-csv", db], stdin=w("p8.sql"), queries=200_000),
        ]),
        ("P9", f"20,000 SQLite point selects by random id ({SQLITE_ROWS:,} rows)", reps(5), [
            Contestant("qgather", qg_db("p9.sql"), queries=20_000),
            Contestant("sqlite3 -csv < file", ["sqlite3", "-csv", db], stdin=w("p9.sql"), queries=20_000),
            Contestant("Python ThreadPoolExecutor(2)", [PYTHON, PEERS, "sqlite-threads", "--db", db, "--file", w("p9.sql"), "--workers", "2"],
                       queries=20_000, parse=phase_seconds),
        ]),
        ("P10", "200,000 PostgreSQL point selects, 8 connections", reps(3), [
            Contestant("qgather --jobs 8", qg_pg("p10.sql", "--jobs", "8"), queries=200_000),
            Contestant("asyncpg gather, pool 8", gather(8, "--sql", P2_SQL.format("$1"), "--aids", w("p10_aids.txt")),
                       queries=200_000, parse=phase_seconds),
            Contestant("psql -f", [psql_bin, "-X", "-q", "-d", conninfo, "-At", "-f", w("p10.sql")], queries=200_000),
        ]),
        ("P12", "--list of 200,000 statements (P10's file)", reps(5), [
            Contestant("qgather --list", [QGATHER, w("p10.sql"), "--list"]),
        ]),
        ("P13", "2,000,000 x SELECT 1; on SQLite (a 20 MB file)", reps(3), [
            Contestant("qgather", qg_db("p13.sql"), queries=2_000_000),
            Contestant("sqlite3 -csv < file", ["sqlite3", "-csv", db], stdin=w("p13.sql"), queries=2_000_000),
        ]),
        ("P11", "20 SQLite queries of mixed cost, the longest (half the summed time) last in the file, --jobs 2", reps(5), [
            Contestant("qgather (history warm)", ["env", f"XDG_CACHE_HOME={WORK / 'p11-cache'}", "QGATHER_HISTORY=on", *qg_db("p11.sql", "--jobs", "2")]),
            Contestant("qgather --schedule file-order", qg_db("p11.sql", "--jobs", "2", "--schedule", "file-order")),
        ]),
        ("S1", "startup: SELECT 1 on SQLite", reps(11), [
            Contestant("qgather", qg_db("one.sql")),
            Contestant("sqlite3 -csv", ["sqlite3", "-csv", db, "SELECT 1"]),
        ]),
        ("S2", "startup: SELECT 1 on PostgreSQL", reps(11), [
            Contestant("qgather", qg_pg("one.sql")),
            Contestant("psql --csv -c", [psql_bin, "-X", "-d", conninfo, "--csv", "-c", "SELECT 1"]),
        ]),
    ]


def targets(by_id):
    """(scenario, target, measured, met) for the targets of issue 5."""
    out = []

    def row(sid, label):
        return next(r for r in by_id[sid]["results"] if r["label"] == label)

    if "P1" in by_id:
        q = row("P1", "qgather --jobs 64")
        out.append(("P1", "wall <= 0.62 s", f"{q['median_s']:.3f} s", q["median_s"] <= 0.62))
    if "P2" in by_id:
        q, a = row("P2", "qgather --jobs 8"), row("P2", "asyncpg gather, pool 8")
        speedup = a["median_s"] / q["median_s"]
        out.append(("P2", ">= 4x asyncpg (whole process)",
                    f"{q['queries_per_s']:,} vs {a['queries_per_s']:,} q/s = {speedup:.2f}x (per round {1 / a['ratio_per_round_median']:.2f}x)",
                    speedup >= 4))
        if "phase_s" in a:
            phase = (P2_QUERIES / a["phase_s"])
            out.append(("P2", ">= 4x asyncpg's query phase alone (stricter)",
                        f"{q['queries_per_s']:,} vs {phase:,.0f} q/s = {q['queries_per_s'] / phase:.2f}x",
                        q["queries_per_s"] >= 4 * phase))
    if "P3" in by_id:
        q, p = row("P3", "qgather"), row("P3", "psql --csv -c")
        out.append(("P3", "wall <= 1.0x psql --csv", f"{q['median_s']:.3f} s vs {p['median_s']:.3f} s = {q['median_s'] / p['median_s']:.2f}x (per round {p['ratio_per_round_median']:.2f}x)",
                    q["median_s"] <= p["median_s"]))
        out.append(("P3", "peak RSS <= 64 MiB", f"{q['rss_max_mib']} MiB", q["rss_max_mib"] <= 64))
    if "P4" in by_id:
        q, c = row("P4", "qgather --jobs 2"), row("P4", "sqlite3 -csv < batch (sequential)")
        out.append(("P4", ">= 1.9x faster than the sqlite3 CLI", f"{c['median_s']:.3f} s / {q['median_s']:.3f} s = {c['median_s'] / q['median_s']:.2f}x (per round {1 / c['ratio_per_round_median']:.2f}x)",
                    c["median_s"] / q["median_s"] >= 1.9))
    if "P5" in by_id:
        q, c = row("P5", "qgather"), row("P5", "sqlite3 -csv -header")
        out.append(("P5", "wall <= 1.1x sqlite3", f"{q['median_s']:.3f} s vs {c['median_s']:.3f} s = {q['median_s'] / c['median_s']:.2f}x (per round {c['ratio_per_round_median']:.2f}x)",
                    q["median_s"] <= 1.1 * c["median_s"]))
        out.append(("P5", "peak RSS <= 32 MiB", f"{q['rss_max_mib']} MiB", q["rss_max_mib"] <= 32))
    if "P8" in by_id:
        q, c = row("P8", "qgather"), row("P8", "sqlite3 -csv < file")
        out.append(("P8", "wall <= 1.5x sqlite3 (aim 1.0x)", f"{q['median_s']:.3f} s vs {c['median_s']:.3f} s = {q['median_s'] / c['median_s']:.2f}x",
                    q["median_s"] <= 1.5 * c["median_s"]))
    if "P9" in by_id:
        q, c, t = row("P9", "qgather"), row("P9", "sqlite3 -csv < file"), row("P9", "Python ThreadPoolExecutor(2)")
        out.append(("P9", "faster than the sqlite3 CLI and Python threads", f"{q['median_s']:.3f} s vs {c['median_s']:.3f} s and {t['median_s']:.3f} s",
                    q["median_s"] <= c["median_s"] and q["median_s"] <= t["median_s"]))
    if "P10" in by_id:
        q = row("P10", "qgather --jobs 8")
        out.append(("P10", "peak RSS <= 48 MiB", f"{q['rss_max_mib']} MiB, {q['queries_per_s']:,} q/s", q["rss_max_mib"] <= 48))
        a = row("P10", "asyncpg gather, pool 8")
        out.append(("P10", ">= 4x asyncpg gather", f"{q['queries_per_s']:,} q/s vs {a['queries_per_s']:,} q/s = {q['queries_per_s'] / a['queries_per_s']:.2f}x",
                    q["queries_per_s"] >= 4 * a["queries_per_s"]))
    if "P12" in by_id:
        q = row("P12", "qgather --list")
        out.append(("P12", "--list of 200,000 statements <= 1 s", f"{q['median_s']:.3f} s, peak RSS {q['rss_max_mib']} MiB", q["median_s"] <= 1.0))
    if "P13" in by_id:
        q, c = row("P13", "qgather"), row("P13", "sqlite3 -csv < file")
        out.append(("P13", "wall <= 2x sqlite3", f"{q['median_s']:.3f} s vs {c['median_s']:.3f} s = {q['median_s'] / c['median_s']:.2f}x",
                    q["median_s"] <= 2 * c["median_s"]))
        out.append(("P13", "peak RSS <= 128 MiB", f"{q['rss_max_mib']} MiB", q["rss_max_mib"] <= 128))
    if "P11" in by_id:
        warm, plain = row("P11", "qgather (history warm)"), row("P11", "qgather --schedule file-order")
        ideal = p11_ideal()
        wall, in_run = p11_in_run()
        out.append(("P11", "<= 1.1x the ideal max(longest, summed / 2), history warm",
                    f"{warm['median_s']:.3f} s = {warm['median_s'] / ideal:.2f}x the ideal {ideal:.3f} s from times alone (--jobs 1); "
                    f"file order {plain['median_s']:.3f} s = {plain['median_s'] / ideal:.2f}x. With the times of a --jobs 2 run itself "
                    f"(two queries at once run slower here): wall {wall:.3f} s = {wall / in_run:.2f}x its ideal {in_run:.3f} s",
                    warm["median_s"] <= 1.1 * ideal))
    if "F1" in by_id:
        q, loop = row("F1", f"qgather fan-out, {TENANTS} targets"), row("F1", "shell loop: for f; do sqlite3 -csv $f < batch; done")
        ten = row("F1", "qgather fan-out, 10 targets (memory)")
        out.append(("F1", ">= 1.8x faster than the shell loop", f"{loop['median_s']:.3f} s / {q['median_s']:.3f} s = {loop['median_s'] / q['median_s']:.2f}x",
                    loop["median_s"] / q["median_s"] >= 1.8))
        out.append(("F1", "memory flat in the number of targets", f"peak RSS {ten['rss_max_mib']} MiB at 10 targets, {q['rss_max_mib']} MiB at {TENANTS}",
                    q["rss_max_mib"] <= 1.25 * ten["rss_max_mib"]))
    if "F2" in by_id:
        s_, one = by_id["F2"]["results"]
        out.append(("F2", "spread over 3 servers >= 2.7x the rate on one", f"{one['median_s']:.3f} s / {s_['median_s']:.3f} s = {one['median_s'] / s_['median_s']:.2f}x",
                    one["median_s"] / s_["median_s"] >= 2.7))
    if "F3" in by_id:
        f, one = by_id["F3"]["results"]
        out.append(("F3", "fan-out to 4 servers within 1.3x of one server", f"{f['median_s']:.3f} s vs {one['median_s']:.3f} s = {f['median_s'] / one['median_s']:.2f}x",
                    f["median_s"] <= 1.3 * one["median_s"]))
    return out


def p11_ideal():
    """max(longest, summed / 2) of P11's queries, from one run's --timing-json (seconds)."""
    timings = WORK / "p11-timings.json"
    subprocess.run([QGATHER, str(WORK / "p11.sql"), "--db", str(WORK / "bench.db"), "--jobs", "1", "--format", "csv",
                    "--schedule", "file-order", "--timing-json", str(timings)], check=True, stdout=subprocess.DEVNULL)
    elapsed = [q["elapsed_ms"] / 1000 for q in json.loads(timings.read_text())["queries"]]
    return max(max(elapsed), sum(elapsed) / 2)


def p11_in_run():
    """A warm longest-first run's wall time and max(longest, summed / 2) of its own query times."""
    timings = WORK / "p11-timings.json"
    subprocess.run(["env", f"XDG_CACHE_HOME={WORK / 'p11-cache'}", "QGATHER_HISTORY=on", QGATHER, str(WORK / "p11.sql"),
                    "--db", str(WORK / "bench.db"), "--jobs", "2", "--format", "csv", "--timing-json", str(timings)],
                   check=True, stdout=subprocess.DEVNULL)
    report = json.loads(timings.read_text())
    elapsed = [q["elapsed_ms"] / 1000 for q in report["queries"]]
    return report["wall_ms"] / 1000, max(max(elapsed), sum(elapsed) / 2)


# ---------------------------------------------------------------- report


def table(report):
    lines = [
        f"qgather {report['qgather_commit']} | {report['machine']['cpus']} CPUs | load before {report['load_before']} "
        f"after {report['load_after']}, others busy {report['others_cores_busy_before']} cores at the start | {report['machine']['sqlite']} | PostgreSQL {report['machine']['postgres']} | "
        f"Python {report['machine']['python']} asyncpg {report['machine']['asyncpg']} | {report['elapsed_s']:.0f} s",
        "",
        "| # | command | median s | min–max s | peak RSS MiB (median / max) | qgather/peer | per round | notes |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for s in report["scenarios"]:
        lines.append(f"| **{s['id']}** | *{s['title']}*, {s['reps']} rounds; load {s['load_before'][0]}→{s['load_after'][0]}, "
                     f"others busy {s['others_cores_busy_before']}→{s['others_cores_busy_after']} cores | | | | | | |")
        qg = s["results"][0]
        for r in s["results"]:
            notes = []
            if "queries_per_s" in r:
                notes.append(f"{r['queries_per_s']:,} q/s")
            if "phase_s" in r:
                notes.append(f"query phase {r['phase_s']:.3f} s")
            if "pgbench_tps" in r:
                notes.append(f"pgbench {r['pgbench_tps']:,.0f} TPS")
                if not r["compare"] and "queries_per_s" in qg:
                    notes.append(f"qgather's q/s = {100 * qg['queries_per_s'] / r['pgbench_tps']:.0f}% of it")
            ratio = "" if r["ratio_qgather_to_peer"] is None else f"{r['ratio_qgather_to_peer']:.2f}"
            per_round = "" if r["ratio_per_round_median"] is None else f"{r['ratio_per_round_median']:.2f}"
            lines.append(f"| | {r['label']} | {r['median_s']:.3f} | {r['min_s']:.3f}–{r['max_s']:.3f} | "
                         f"{r['rss_median_mib']} / {r['rss_max_mib']} | {ratio} | {per_round} | {'; '.join(notes)} |")
    if report["targets"]:
        lines += ["", "| # | target | measured | |", "|---|---|---|---|"]
        for t in report["targets"]:
            lines.append(f"| {t['scenario']} | {t['target']} | {t['measured']} | {'met' if t['met'] else 'NOT MET'} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", required=True, help="libpq conninfo of the benchmark database")
    parser.add_argument("--only", help="comma-separated scenario ids (P1..P5, S1, S2, F1..F3)")
    parser.add_argument("--reps", type=int, help="rounds per scenario (at least 5)")
    parser.add_argument("--fleet", action="append", default=[], help="conninfo of another server, for F2/F3 (three: A, B, a standby)")
    args = parser.parse_args()

    started = time.perf_counter()
    load_before, busy_before = loadavg(), cores_busy()
    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    db = WORK / "bench.db"
    prepare_sqlite(db)
    prepare_postgres(args.pg)
    write_batches()
    tenants = prepare_tenants()
    check_outputs(args.pg, str(db))

    only = set(args.only.split(",")) if args.only else None
    done = []
    for sid, title, reps, contestants in scenarios(args.pg, str(db), args.reps) + fleet_scenarios(args.pg, args.fleet, tenants, args.reps):
        if only and sid not in only:
            continue
        done.append(run_scenario(sid, title, contestants, reps))

    by_id = {s["id"]: s for s in done}
    report = {
        "qgather_commit": git_describe(),
        "machine": machine(args.pg),
        "load_before": load_before,
        "load_after": loadavg(),
        "others_cores_busy_before": busy_before,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "scenarios": done,
        "targets": [{"scenario": t[0], "target": t[1], "measured": t[2], "met": t[3]} for t in targets(by_id)],
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    log(f"written {RESULTS / 'latest.json'}")


def git_describe():
    out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def machine(conninfo):
    asyncpg = subprocess.run([PYTHON, "-c", "import asyncpg; print(asyncpg.__version__)"], capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "sqlite": "SQLite " + subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0],
        "postgres": psql(conninfo, "SHOW server_version"),
        "python": platform.python_version(),
        "asyncpg": asyncpg.stdout.strip(),
    }


if __name__ == "__main__":
    main()
