#!/usr/bin/env python3
"""The Python peers of the qgather benchmarks (run by Benchmarks/harness.py, one process per run).

    peers.py asyncpg-gather --conninfo CI --pool N --sql SQL (--count N | --aids FILE)
        asyncpg pool (min = max = N) and asyncio.gather of one fetchrow per query: N copies of
        SQL, or SQL with $1 bound to each aid in FILE (one integer a line).
    peers.py asyncpg-fetch --conninfo CI --sql SQL
        one connection, conn.fetch(SQL): the whole result in memory, as asyncpg users do.
    peers.py sqlite-threads --db PATH --file BATCH.sql --workers N
        concurrent.futures.ThreadPoolExecutor(N), one sqlite3 connection per thread, each
        statement of BATCH.sql (one a line) fetched completely.
    peers.py sqlite-tenants --file BATCH.sql --workers N DB...
        ThreadPoolExecutor(N) over the database files: each task opens one file and runs every
        statement of BATCH.sql on it, fetched completely (the fan-out a user writes in Python).

Each prints one line on stderr, `phase {json}`, with the time of the query phase alone (after
connecting), so the harness can show it next to the whole-process time.
"""
import argparse
import json
import sys
import threading
import time


def conninfo_kwargs(conninfo):
    """asyncpg.connect() keywords for a libpq conninfo (`key=value ...` or a postgresql:// URI)."""
    if conninfo.startswith(("postgres://", "postgresql://")):
        return {"dsn": conninfo}
    pairs, i, n = {}, 0, len(conninfo)
    while i < n:
        while i < n and conninfo[i].isspace():
            i += 1
        if i >= n:
            break
        eq = conninfo.index("=", i)
        key = conninfo[i:eq].strip()
        i = eq + 1
        while i < n and conninfo[i].isspace():
            i += 1
        value = []
        if i < n and conninfo[i] == "'":
            i += 1
            while conninfo[i] != "'":
                if conninfo[i] == "\\":
                    i += 1
                value.append(conninfo[i])
                i += 1
            i += 1
        else:
            while i < n and not conninfo[i].isspace():
                if conninfo[i] == "\\":
                    i += 1
                value.append(conninfo[i])
                i += 1
        pairs[key] = "".join(value)
    names = {"host": "host", "port": "port", "user": "user", "dbname": "database", "password": "password"}
    kwargs = {names[k]: v for k, v in pairs.items() if k in names}
    if "port" in kwargs:
        kwargs["port"] = int(kwargs["port"])
    return kwargs


def report(**fields):
    print("phase " + json.dumps(fields), file=sys.stderr)


async def asyncpg_gather(args):
    import asyncio
    import asyncpg

    pool = await asyncpg.create_pool(min_size=args.pool, max_size=args.pool, **conninfo_kwargs(args.conninfo))
    if args.aids:
        with open(args.aids) as f:
            aids = [int(line) for line in f if line.strip()]
        calls = [pool.fetchrow(args.sql, aid) for aid in aids]
    else:
        calls = [pool.fetchrow(args.sql) for _ in range(args.count)]
    started = time.perf_counter()
    rows = await asyncio.gather(*calls)
    elapsed = time.perf_counter() - started
    await pool.close()
    assert len(rows) == len(calls)
    report(queries=len(calls), seconds=elapsed)


async def asyncpg_fetch(args):
    import asyncpg

    conn = await asyncpg.connect(**conninfo_kwargs(args.conninfo))
    started = time.perf_counter()
    rows = await conn.fetch(args.sql)
    elapsed = time.perf_counter() - started
    await conn.close()
    report(rows=len(rows), seconds=elapsed)


def sqlite_threads(args):
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    with open(args.file) as f:
        statements = [line.strip() for line in f if line.strip()]
    local = threading.local()

    def run(sql):
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(args.db, check_same_thread=False)
        return len(local.conn.execute(sql).fetchall())

    started = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        counts = list(pool.map(run, statements))
    report(queries=len(counts), rows=sum(counts), seconds=time.perf_counter() - started)


def sqlite_tenants(args):
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    with open(args.file) as f:
        statements = [line.strip() for line in f if line.strip()]

    def run(path):
        conn = sqlite3.connect(path, check_same_thread=False)
        try:
            return sum(len(conn.execute(sql).fetchall()) for sql in statements)
        finally:
            conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        counts = list(pool.map(run, args.dbs))
    report(queries=len(counts) * len(statements), rows=sum(counts), seconds=time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="peer", required=True)
    g = sub.add_parser("asyncpg-gather")
    g.add_argument("--conninfo", required=True)
    g.add_argument("--pool", type=int, required=True)
    g.add_argument("--sql", required=True)
    g.add_argument("--count", type=int, default=1)
    g.add_argument("--aids")
    f = sub.add_parser("asyncpg-fetch")
    f.add_argument("--conninfo", required=True)
    f.add_argument("--sql", required=True)
    t = sub.add_parser("sqlite-threads")
    t.add_argument("--db", required=True)
    t.add_argument("--file", required=True)
    t.add_argument("--workers", type=int, default=2)
    n = sub.add_parser("sqlite-tenants")
    n.add_argument("--file", required=True)
    n.add_argument("--workers", type=int, required=True)
    n.add_argument("dbs", nargs="+")
    args = parser.parse_args()

    if args.peer == "sqlite-tenants":
        sqlite_tenants(args)
    elif args.peer == "sqlite-threads":
        sqlite_threads(args)
    else:
        import asyncio

        asyncio.run(asyncpg_gather(args) if args.peer == "asyncpg-gather" else asyncpg_fetch(args))


if __name__ == "__main__":
    main()
