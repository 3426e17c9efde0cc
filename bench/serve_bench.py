"""Latency and load of ``kg serve`` on a build's store, in one run.

Starts ``kg serve --store DIR`` on a free port of 127.0.0.1 (or uses ``--url`` of one already
running), then, one request at a time:

- search: names, aliases, their first two characters and their pinyin, sampled from the store;
- expansion: ``/api/expand`` of sampled entities, the most linked among them;
- entity page: ``/id/…`` as ``text/html`` of the same entities;
- every ready query of ``queries/`` through ``/sparql``: once uncached (its text made new by a
  comment line, so the server runs it), then the median of 3 runs of its own text, which ``kg
  serve`` ran when it started and answers from its answer cache ("as served");

then a bounded load test: N concurrent clients (20) for S seconds (30) mixing searches,
expansions, entity pages and ready queries, counting errors and sampling the memory (RSS) of
the server and its query workers every second. Only 127.0.0.1 is ever asked.

    .venv/bin/python bench/serve_bench.py --store /tmp/xwlb/store
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"search": 0.200, "expand": 0.300, "entity page": 0.300}
QUERY_TARGET = 1.0


class Client:
    """One keep-alive connection to the server."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("serve_bench.py only asks a server on this machine (127.0.0.1)")
        self.host, self.port = parts.hostname, parts.port
        self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, data
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def timed(self, method, path, body=None, headers=None):
        clock = time.perf_counter()
        status, data = self.request(method, path, body, headers)
        return time.perf_counter() - clock, status, data


def sparql(client: Client, text: str, accept="application/sparql-results+json"):
    body = urllib.parse.urlencode({"query": text}).encode()
    return client.timed("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Accept": accept})


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def rss_of(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def family(pid: int) -> list[int]:
    """The process and its children (the query workers)."""
    out = [pid]
    try:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            out += family(int(child))
    except OSError:
        pass
    return out


def samples(client: Client, n: int, seed: int) -> tuple[list[str], list[str]]:
    """(entity IRIs, names to search for): random entities, plus the most mentioned ones."""
    _, status, data = sparql(client, "SELECT ?s ?n WHERE { VALUES ?t { ukg:UnionBody ukg:Official ukg:Organization "
                                     "ukg:Province ukg:City ukg:District ukg:Policy ukg:Program ukg:Person } "
                                     "?s a ?t ; skos:prefLabel ?n }", "text/tab-separated-values")
    assert status == 200, data[:300]
    rows = [line.split("\t") for line in data.decode("utf-8").splitlines()[1:]]
    rows = [(s.strip("<>"), json.loads(n.rsplit("@", 1)[0]) if n.startswith('"') else n) for s, n in rows]
    _, status, data = sparql(client, "SELECT ?s (COUNT(*) AS ?c) { ?s ukg:mentionedIn ?a } GROUP BY ?s "
                                     "ORDER BY DESC(?c) LIMIT 20", "text/tab-separated-values")
    busiest = [line.split("\t")[0].strip("<>") for line in data.decode("utf-8").splitlines()[1:]]
    rng = random.Random(seed)
    chosen = rng.sample(rows, min(n, len(rows)))
    iris = [s for s, _ in chosen] + busiest[:10]
    from pypinyin import lazy_pinyin

    names = []
    for _, name in chosen:
        names.append(name)
        names.append(name[:2])
        names.append("".join(lazy_pinyin(name)).lower()[:12])
    return iris, names


def measure(url: str, args) -> dict:
    client = Client(url)
    iris, names = samples(client, args.samples, args.seed)
    base = json.loads(client.request("GET", "/api/meta")[1])["base"]
    times: dict[str, list[float]] = {"search": [], "expand": [], "entity page": []}
    errors = 0
    for q in names:
        t, status, _ = client.timed("GET", "/api/search?" + urllib.parse.urlencode({"q": q}))
        times["search"].append(t)
        errors += status != 200
    for iri in iris:
        t, status, _ = client.timed("GET", "/api/expand?" + urllib.parse.urlencode({"id": iri}))
        times["expand"].append(t)
        errors += status != 200
        t, status, _ = client.timed("GET", "/id/" + urllib.parse.quote(iri[len(base):]), headers={"Accept": "text/html"})
        times["entity page"].append(t)
        errors += status != 200
    queries = {}
    for path in sorted((ROOT / "kg" / "queries").glob("*.rq")):
        text = path.read_text("utf-8")
        runs, rows = [], 0
        for i in range(4):
            fresh = f"# serve_bench {time.time_ns()}\n{text}" if i == 0 else text  # the first: not in the cache
            t, status, data = sparql(client, fresh, "application/sparql-results+json, text/turtle;q=0.9")
            errors += status != 200
            runs.append(t)
            if status == 200 and data.startswith(b"{"):
                d = json.loads(data)
                rows = len(d["results"]["bindings"]) if "results" in d else 1
            elif status == 200:
                rows = data.count(b" .\n")  # Turtle statements, roughly: a CONSTRUCT
        queries[path.name] = {"first": runs[0], "median": statistics.median(runs[1:]), "rows": rows}
    return {"times": times, "queries": queries, "errors": errors, "iris": iris, "names": names, "base": base}


def load(url: str, server_pid: int | None, measured: dict, clients: int, seconds: float, seed: int) -> dict:
    stop = time.monotonic() + seconds
    counts = {"requests": 0, "errors": 0}
    latencies: list[float] = []
    lock = threading.Lock()
    ready = [p.read_text("utf-8") for p in sorted((ROOT / "kg" / "queries").glob("*.rq"))]
    base = measured["base"]
    error_kinds: dict[str, int] = {}

    def work(k: int):
        rng = random.Random(seed + k)
        client = Client(url)
        while time.monotonic() < stop:
            what = rng.random()
            if what < 0.4:
                req = ("GET", "/api/search?" + urllib.parse.urlencode({"q": rng.choice(measured["names"])}), None, {})
            elif what < 0.7:
                req = ("GET", "/api/expand?" + urllib.parse.urlencode({"id": rng.choice(measured["iris"])}), None, {})
            elif what < 0.9:
                req = ("GET", "/id/" + urllib.parse.quote(rng.choice(measured["iris"])[len(base):]), None,
                       {"Accept": "text/html"})
            else:
                req = ("POST", "/sparql", urllib.parse.urlencode({"query": rng.choice(ready)}).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json, text/turtle;q=0.9"})
            try:
                t, status, _ = client.timed(*req)
                bad = status != 200
                kind = str(status)
            except Exception as err:  # noqa: BLE001
                t, bad, kind = 0.0, True, type(err).__name__
            with lock:
                counts["requests"] += 1
                latencies.append(t)
                if bad:
                    counts["errors"] += 1
                    error_kinds[kind] = error_kinds.get(kind, 0) + 1

    memory = []
    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    clock = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        if server_pid:
            memory.append((time.monotonic() - clock, rss_of(family(server_pid))))
        time.sleep(1)
    for t in threads:
        t.join()
    return {**counts, "seconds": time.monotonic() - clock, "p95": p95(latencies) if latencies else 0,
            "memory": memory, "error_kinds": error_kinds}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="the store to serve (kg build --out DIR makes DIR/store)")
    parser.add_argument("--url", help="use this running server instead (http://127.0.0.1:PORT)")
    parser.add_argument("--samples", type=int, default=100, help="entities sampled (default 100)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    args = parser.parse_args(argv)
    proc = None
    if args.url:
        url, pid = args.url.rstrip("/"), None
    else:
        if not args.store:
            parser.error("give --store or --url")
        port = free_port()
        clock = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", args.store, "--port", str(port),
                                 "--workers", str(args.workers)], stdout=subprocess.PIPE, text=True)
        url, pid = f"http://127.0.0.1:{port}", proc.pid
        client = Client(url)
        while True:
            try:
                if client.request("GET", "/health")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None:
                raise SystemExit("kg serve did not start")
            time.sleep(0.2)
        print(proc.stdout.readline().strip())
        print(f"started and indexed in {time.perf_counter() - clock:.1f} s")
    health = json.loads(Client(url).request("GET", "/health")[1])
    clock = time.perf_counter()
    while health.get("ready_queries_warmed", 0) < health.get("ready_queries", 0) and time.perf_counter() - clock < 900:
        time.sleep(0.5)
        health = json.loads(Client(url).request("GET", "/health")[1])
    print(f"ready queries run at start-up: {health.get('ready_queries_warmed')} of {health.get('ready_queries')}, "
          f"waited {time.perf_counter() - clock:.1f} s more")
    try:
        load_avg = os.getloadavg()
        measured = measure(url, args)
        print(f"server {url}; load average before: {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}")
        print(f"\none client, one request at a time ({len(measured['names'])} searches, {len(measured['iris'])} "
              f"expansions and entity pages; {measured['errors']} errors)")
        print(f"{'request':<14} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'target':>8}  result")
        results = []
        for name, values in measured["times"].items():
            ok = p95(values) < TARGETS[name]
            results.append(ok)
            print(f"{name:<14} {len(values):>5} {statistics.median(values) * 1000:>10.1f} {p95(values) * 1000:>8.1f} "
                  f"{max(values) * 1000:>8.1f} {TARGETS[name] * 1000:>6.0f}ms  {'PASS' if ok else 'FAIL'}")
        print(f"\nready queries through /sparql (uncached, then the median of 3 as served: run at start-up, from the answer cache)")
        print(f"{'query':<34} {'rows':>6} {'uncached s':>10} {'served s':>9}")
        for name, q in measured["queries"].items():
            print(f"{name:<34} {q['rows']:>6} {q['first']:>10.3f} {q['median']:>9.3f}")
        for column, what in (("first", "uncached"), ("median", "as served")):
            slowest = max(measured["queries"].items(), key=lambda kv: kv[1][column])
            ok = slowest[1][column] < QUERY_TARGET
            results.append(ok)
            print(f"slowest {what}: {slowest[0]} {slowest[1][column]:.3f} s (target < {QUERY_TARGET:g} s)  "
                  f"{'PASS' if ok else 'FAIL'}")
        done = load(url, pid, measured, args.clients, args.seconds, args.seed)
        print(f"\nload: {args.clients} clients for {args.seconds:g} s (40% search, 30% expand, 20% entity page, "
              f"10% ready query): {done['requests']} requests in {done['seconds']:.1f} s "
              f"({done['requests'] / done['seconds']:.0f}/s), p95 {done['p95'] * 1000:.0f} ms, "
              f"{done['errors']} errors {done['error_kinds'] or ''}")
        if done["memory"]:
            mem = [m for _, m in done["memory"]]
            half = len(mem) // 2
            first, second = max(mem[:half] or mem), max(mem[half:] or mem)
            print(f"memory (server and workers, RSS): start {mem[0] / 2 ** 20:.0f} MB, max of first half "
                  f"{first / 2 ** 20:.0f} MB, max of second half {second / 2 ** 20:.0f} MB, end {mem[-1] / 2 ** 20:.0f} MB")
            flat = second <= first * 1.10
            results.append(flat)
            print(f"memory flat (second half within 10% of the first): {'PASS' if flat else 'FAIL'}")
        results.append(done["errors"] == 0)
        print(f"no errors under load: {'PASS' if done['errors'] == 0 else 'FAIL'}")
        return 0 if all(results) else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    sys.exit(main())
