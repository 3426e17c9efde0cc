"""SPARQL queries from users, each in a worker process that can be stopped.

pyoxigraph cannot interrupt a running query, so the endpoint's time limit is a process's:
a few workers (each with the store open read-only and its private memory bounded like
``kg query``'s) take one query at a time; a query that runs past the limit has its worker
killed and replaced, and its client is told so. A worker also serialises the results, and
stops, with a clear error, once they pass the size cap.
"""
from __future__ import annotations

import asyncio
import os
import resource
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from kg.serve.protocol import GRAPH_FORMATS, RESULT_FORMATS, Answer, Job, choose_format, error


class TooLarge(Exception):
    pass


class _CappedBuffer:
    """A file-like sink that refuses to hold more than ``cap`` bytes."""

    def __init__(self, cap: int):
        self.cap, self.parts, self.size = cap, [], 0

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise TooLarge()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def execute(store: ox.Store, job: Job, max_bytes: int) -> Answer:
    """Run one query and serialise its answer as the client asked (in the worker, or in tests)."""
    from kg.store.sparql import PREFIXES

    clock = time.perf_counter()
    try:
        kwargs = {}
        if job.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        result = store.query(job.text, prefixes=PREFIXES, **kwargs)
    except SyntaxError as err:
        return error(400, f"SPARQL syntax error: {err}")
    except ValueError as err:  # a graph IRI that is not one
        return error(400, f"bad request: {err}")
    except (RuntimeError, OSError) as err:
        return error(500, f"the query failed: {err}")
    graph = isinstance(result, ox.QueryTriples)
    formats = GRAPH_FORMATS if graph else RESULT_FORMATS
    chosen = choose_format(job.accept, formats, job.fmt)
    if chosen is None:
        offered = ", ".join(ct for ct, _ in formats.values())
        return error(406, f"none of the formats asked for (Accept: {job.accept}) can carry this result; "
                          f"this one can be given as {offered}")
    content_type, oxformat = formats[chosen]
    sink = _CappedBuffer(max_bytes)
    try:
        if graph:
            ox.serialize(result, output=sink, format=oxformat, prefixes=PREFIXES if chosen == "ttl" else None)
        else:
            result.serialize(output=sink, format=oxformat)
    except TooLarge:
        return error(413, f"the result is larger than this server's cap of {max_bytes:,} bytes "
                          f"(kg serve --max-result-bytes); add a LIMIT or ask for less")
    except (RuntimeError, OSError, ValueError) as err:
        return error(500, f"the query failed while its results were read: {err}")
    return Answer(200, content_type, sink.getvalue(), time.perf_counter() - clock)


def worker_main(argv: list[str]) -> int:
    """A worker process (``python -m kg.serve.worker STORE MAX_BYTES MEMORY``): jobs on standard
    input, answers on standard output, both as ``multiprocessing`` connection messages."""
    from multiprocessing.connection import Connection
    from pathlib import Path

    from kg.store.database import open_store

    store_dir, max_bytes, memory = argv[0], int(argv[1]), int(argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    inbox, outbox = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything printed goes to standard error, never into the answers
    if memory:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    try:
        store = open_store(Path(store_dir))
    except Exception as err:  # noqa: BLE001 - said to the server, which says it to the client
        outbox.send(f"cannot open the store: {err}")
        return 1
    outbox.send("ready")
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        try:
            answer = execute(store, job, max_bytes)
        except MemoryError:
            answer = error(507, "the query needed more memory than a query may use (kg serve --max-memory)")
        outbox.send(answer)


class _Worker:
    """One worker process, started as ``python -m kg.serve.worker`` (not forked from a server
    that runs threads, and with nothing of the server's main module re-run)."""

    def __init__(self, store_dir: str, max_bytes: int, memory: int | None):
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        self.process = subprocess.Popen([sys.executable, "-m", "kg.serve.worker", store_dir, str(max_bytes),
                                         str(memory or 0)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        close_fds=True)
        self.outbox = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.inbox = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.ready = False

    def wait_ready(self, timeout: float = 60.0) -> None:
        if not self.ready:
            try:
                if not self.inbox.poll(timeout):
                    raise RuntimeError("a query worker did not start")
                said = self.inbox.recv()
            except (EOFError, OSError):
                raise RuntimeError("a query worker could not start") from None
            if said != "ready":
                raise RuntimeError(f"a query worker: {said}")
            self.ready = True

    def call(self, job: Job, timeout: float):
        """The answer, or None when the worker ran past ``timeout`` (then it is killed)."""
        self.wait_ready()
        try:
            self.outbox.send(job)
            if self.inbox.poll(timeout):
                return self.inbox.recv()
        except (EOFError, OSError):
            return "died"
        self.kill()
        return None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except Exception:  # noqa: BLE001
            pass
        for conn in (self.inbox, self.outbox):
            try:
                conn.close()
            except OSError:
                pass

    def stop(self) -> None:
        try:
            self.outbox.send(None)
            self.process.wait(2)
        except Exception:  # noqa: BLE001
            pass
        self.kill()


class QueryPool:
    """``size`` worker processes; ``run`` waits for a free one (at most ``timeout`` seconds)."""

    def __init__(self, store_dir: str, size: int = 2, timeout: float = 10.0, max_bytes: int = 16 * 2 ** 20,
                 memory: int | None = None):
        self.store_dir, self.size, self.timeout = store_dir, max(1, size), timeout
        self.max_bytes, self.memory = max_bytes, memory
        self._threads = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="kg-query")
        self._idle: asyncio.Queue | None = None
        self._workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_dir, self.max_bytes, self.memory)
        self._workers.append(worker)
        return worker

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    async def run(self, job: Job) -> Answer:
        if self._idle is None:
            await self.start()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except asyncio.TimeoutError:
            return error(503, f"every query worker is busy (kg serve --workers {self.size}); try again later")
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(self._threads, worker.call, job, self.timeout)
        except RuntimeError as err:
            answer = error(500, str(err))
        except BaseException:
            worker.kill()
            self._workers.remove(worker)
            self._idle.put_nowait(self._spawn())
            raise
        if answer is None or answer == "died" or not worker.alive():
            self._workers.remove(worker)
            worker.kill()
            worker = self._spawn()
            if answer is None:
                answer = error(503, f"the query ran past this server's time limit of {self.timeout:g} s "
                                    f"(kg serve --timeout) and was stopped")
            elif not isinstance(answer, Answer):
                answer = error(500, "the query's worker stopped (out of memory?)")
        self._idle.put_nowait(worker)
        return answer

    def close(self) -> None:
        for worker in list(self._workers):
            worker.stop()
        self._workers.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)


def default_memory() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 4
    except (ValueError, OSError, AttributeError):
        return None
