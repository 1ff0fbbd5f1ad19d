#!/usr/bin/env python3
"""Two builds of relorm side by side: the benchmarks of bench/run.py, run
on two servers that differ only in the relorm they load, in alternation.

A ratio in bench/RESULTS.md compares relorm with the hand-written SQL on
one server, at one time; the machine's load moves it from run to run by
more than a code change of a few percent. To tell whether a change made
relorm slower, this script runs the same scenarios on a server with the
baseline build and on one with the current build, round after round, each
round visiting both servers back to back (in alternating order), so that
both builds see the same machine. It reports, per scenario, each build's
relorm TPS (or latency), its ratio to the hand-written SQL on its own
server, and current / baseline.

Run it with `make bench-compare BASE=<git revision>` (bench/compare.sh
builds the baseline and starts its server), or by hand against two servers
that hold the same data:

    BASE_PGHOST=... BASE_PGPORT=... PGHOST=... PGPORT=... python3 bench/compare.py

Environment (besides bench/run.py's SCALE, BENCH_ROUNDS, BENCH_SECONDS):
    BASE_PGHOST, BASE_PGPORT   the baseline's server (PGHOST/PGPORT: current)
    BASE_NAME                  how the report names the baseline
    COMPARE_ONLY=a,b           groups to run (default: single); any of
                               bench/run.py's groups but memory
    COMPARE_OUT=file           the report (default bench/results/compare.md)
"""

import datetime
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: scenarios, pgbench, server CPU)

GROUPS = [g for g in os.environ.get("COMPARE_ONLY", "single").split(",") if g]
REPORT = os.path.abspath(os.environ.get(
    "COMPARE_OUT", os.path.join(run.BENCH, "results", "compare.md")))
VARIANTS = ("relorm", "raw")    # relorm_sql's statement may differ between builds


class Server:
    def __init__(self, name, host, port):
        self.name, self.host, self.port = name, host, port
        self.cpu = None

    def use(self):
        """Point psql and pgbench (bench/run.py's helpers) at this server."""
        os.environ["PGHOST"], os.environ["PGPORT"] = self.host, str(self.port)
        run.CPU = self.cpu


def median_ratio(xs, ys, invert=False):
    rs = [(y / x if invert else x / y) for x, y in zip(xs, ys) if x and y]
    return statistics.median(rs) if rs else float("nan"), rs


def main():
    for g in GROUPS:
        if g not in run.GROUPS or g == "memory":
            run.die("COMPARE_ONLY: unknown group %s" % g)
    if "BASE_PGPORT" not in os.environ or "PGPORT" not in os.environ:
        run.die("set BASE_PGHOST/BASE_PGPORT (baseline) and PGHOST/PGPORT (current)")
    base = Server(os.environ.get("BASE_NAME", "baseline"),
                  os.environ.get("BASE_PGHOST", os.environ.get("PGHOST", "")),
                  os.environ["BASE_PGPORT"])
    cur = Server("current", os.environ.get("PGHOST", ""), os.environ["PGPORT"])
    servers = [base, cur]
    os.makedirs(os.path.join(run.WORK, "scripts"), exist_ok=True)
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = " ".join("%.2f" % x for x in os.getloadavg())
    builds = {}
    for s in servers:
        s.use()
        run.psql("ALTER SYSTEM SET pg_stat_statements.track = 'none';"
                 "ALTER SYSTEM SET autovacuum = off; SELECT pg_reload_conf();",
                 db="postgres", check=False)
        run.setup_database()
        builds[s.name] = run.psql(
            "SELECT extversion FROM pg_extension WHERE extname = 'relorm';").strip()
        s.cpu = run.ServerCPU()
    cur.use()
    scs = [sc for sc in run.scenarios() if sc.group in GROUPS]
    for sc in scs:
        sc.variants = {k: v for k, v in sc.variants.items() if k in VARIANTS}
    for s in servers:
        s.use()
        for sc in scs:
            ok, why = run.verify(sc)
            if not ok:
                run.die("%s on the %s server: %s" % (sc.id, s.name, why))
    run.log("%d scenarios agree with the hand-written SQL on both servers" % len(scs))

    res = {}    # (server, scenario, variant) -> [run result per round]
    for rnd in range(run.ROUNDS):
        order = scs[rnd % len(scs):] + scs[:rnd % len(scs)]
        for sc in order:
            pair = servers if rnd % 2 == 0 else servers[::-1]
            for s in pair:
                s.use()
                names = list(VARIANTS) if rnd % 2 == 0 else list(VARIANTS)[::-1]
                for name in names:
                    run.vacuum(sc.vacuum)
                    r = run.pgbench(sc, name)
                    r["value"] = run.value_of(sc, r)
                    res.setdefault((s.name, sc.id, name), []).append(r)
        run.log("round %d/%d done" % (rnd + 1, run.ROUNDS))
    finished = datetime.datetime.now(datetime.timezone.utc)

    L = ["# relorm: %s against %s" % ("current", base.name), "",
         "Generated by `make bench-compare` (`bench/compare.py`); %s to %s UTC, "
         "load average %s at the start, %s at the end; SCALE=%g, %d rounds of %gs "
         "per pgbench run." % (started.strftime("%Y-%m-%d %H:%M"), finished.strftime("%H:%M"),
                               load_start, " ".join("%.2f" % x for x in os.getloadavg()),
                               run.SCALE, run.ROUNDS, run.SECONDS),
         "",
         "Both servers hold the same data and settings and run each scenario back to back "
         "in every round. *vs SQL*: relorm against the hand-written SQL on the same server "
         "(TPS: relorm / SQL; latency: relorm / SQL). *current / %s*: the current build's "
         "relorm against the baseline's, per round, then the median (min–max); for TPS "
         "above 1 is faster, for latency below 1 is faster. *CPU*: the same comparison "
         "with the server CPU time per transaction (baseline CPU / current CPU, above 1 "
         "is cheaper)." % base.name,
         "",
         "Extension versions: %s %s, current %s." % (base.name, builds[base.name],
                                                     builds[cur.name]),
         "",
         "| scenario | unit | %s relorm | %s vs SQL | current relorm | current vs SQL "
         "| current / %s | CPU |" % (base.name, base.name, base.name),
         "|---|---|---|---|---|---|---|---|"]
    for sc in scs:
        unit = sc.unit()
        vals = {}
        for s in servers:
            rel = [r["value"] for r in res[(s.name, sc.id, "relorm")]]
            raw = [r["value"] for r in res[(s.name, sc.id, "raw")]]
            vs, _ = median_ratio(rel, raw)
            vals[s.name] = (statistics.median(rel), vs, rel,
                            [r["cpu"] for r in res[(s.name, sc.id, "relorm")]])
        higher = unit == "TPS"
        b, c = vals[base.name], vals[cur.name]
        cb, rs = median_ratio(c[2], b[2])
        cpu, _ = median_ratio(b[3], c[3]) if all(isinstance(x, float) for x in b[3] + c[3]) \
            else (float("nan"), [])
        fmt = (lambda v: "%.0f" % v) if higher else (lambda v: "%.3f ms" % v)
        L.append("| `%s` | %s | %s | %.2f | %s | %.2f | %.2f (%.2f–%.2f) | %.2f |" % (
            sc.id, unit, fmt(b[0]), b[1], fmt(c[0]), c[1], cb, min(rs), max(rs), cpu))
        run.log("%-24s current/%s %.2f (%.2f-%.2f) cpu %.2f" % (
            sc.id, base.name, cb, min(rs), max(rs), cpu))
    with open(REPORT, "w") as f:
        f.write("\n".join(L) + "\n")
    run.log("report: %s" % REPORT)


if __name__ == "__main__":
    main()
