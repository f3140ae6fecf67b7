"""A small pool of query processes: a query that runs too long is killed, a crash is survived.

pyoxigraph cannot cancel a running query, and an engine bug can abort the whole process.
So user queries run in separate processes, each holding its own copy of the store:

- the server sends a ``Job`` down a pipe and waits at most the timeout for the ``Reply``;
- on timeout it kills that process (SIGKILL really stops the work) and starts a new one;
- a query may use at most ``memory_mb`` of memory beyond the data its process holds
  (RLIMIT_DATA, set once the data is loaded): a query needing more ends its process,
  not the machine;
- if the process dies mid-query, the request gets a clear error (read from what the
  process last wrote to stderr: out of memory, an engine panic) and a new process starts;
- while one query is slow, the other processes keep answering.

Each process is a fresh interpreter (``python -m kfl_lod.query.pool FD``) talking over a
socket pair: nothing is inherited from a threaded or forked server. The pool is made
lazily per server process, so it works the same under ``kfl-lod serve``, Granian's
forked workers and the shell.
"""

from __future__ import annotations

import atexit
import collections
import ctypes
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection

from .engine import Job, Reply, execute

Loader = Callable[[], object]  # returns a pyoxigraph Store; must be picklable (module-level)

CLONE_NEWNET, CLONE_NEWUSER = 0x40000000, 0x10000000


class PoolError(Exception):
    """A query could not be answered because of the query processes, not the query."""

    status = 503
    retry_after = 5


class QueryTimeout(PoolError):
    status = 503


class QueryCrashed(PoolError):
    status = 500


class QueryOutOfMemory(QueryCrashed):
    status = 503


class PoolBusy(PoolError):
    status = 503


class ClientBusy(PoolError):
    """This client already has as many queries running or waiting as one client may."""

    status = 429
    retry_after = 2


def _isolate_network() -> bool:
    """Cut this process off the network (Linux namespaces), where the system allows it.

    Defence in depth: SERVICE is refused before a query runs, and a query process has no
    reason to open a connection, so it gets no network at all if the kernel lets us.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
            if libc.unshare(flags) == 0:
                return True
    except (OSError, AttributeError):
        pass
    return False


def _data_bytes() -> int:
    """This process's data segment now (VmData: what RLIMIT_DATA counts), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _limit_memory(megabytes: int) -> None:
    """Let a query use ``megabytes`` of memory beyond what this process holds now; 0 leaves it unlimited.

    Called once the release's data is loaded: the cap is for queries, not for the data. A cap on
    the whole process made a release held in memory (no prepared store) of about a million
    triples fail to load at all with the default 1024 MB, and every query answer a 500.
    Only the soft limit is set, so the process may lift it to load another release; a query
    cannot change limits.
    """
    if megabytes <= 0:
        return
    import resource

    kind = getattr(resource, "RLIMIT_DATA", resource.RLIMIT_AS)
    try:
        _, hard = resource.getrlimit(kind)
        limit = _data_bytes() + megabytes * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(kind, (limit, hard))
    except (ValueError, OSError):
        pass  # a lower hard limit set from outside already applies


def _unlimit_memory() -> None:
    """Lift the soft cap of ``_limit_memory`` (up to the hard limit) while a release is loaded."""
    import resource

    kind = getattr(resource, "RLIMIT_DATA", resource.RLIMIT_AS)
    try:
        _, hard = resource.getrlimit(kind)
        resource.setrlimit(kind, (hard, hard))
    except (ValueError, OSError):
        pass


def _serve(conn) -> None:
    """Body of a query process: load the store, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it closes our pipe
    isolated = _isolate_network()  # first: a user namespace needs a single-threaded process
    _die_with_parent()
    try:
        loader, version, folder, memory_mb = conn.recv()
        store = loader(folder) if folder else loader()
        _limit_memory(memory_mb)  # after the data: the cap is for what a query needs
    except BaseException as exc:  # report, then die: the server shows the reason
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", isolated))
    while True:
        try:
            # The bytes of Connection.send, read and written with plain pickle: a Job and a Reply
            # need none of ForkingPickler's reducers, and it costs several µs less a message.
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            if job.version != version:
                # The job names its release: load exactly that one (not whatever is latest now),
                # so the answer and the release the server names for it are the same.
                store = None  # let the old copy go before the new one is read
                _unlimit_memory()
                store, version = (loader(job.folder) if job.folder else loader()), job.version
                _limit_memory(memory_mb)
            reply = execute(store, job)
        except MemoryError:
            reply = Reply.error(503, _OUT_OF_MEMORY.format(mb=memory_mb))
        except Exception as exc:  # noqa: BLE001 - a bad job must not end the process
            reply = Reply.error(500, f"The query could not be run ({type(exc).__name__}: {exc}).")
        conn.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))


_TIMEOUT = (
    "The query ran longer than {timeout:g} s (setting query_timeout) and was stopped. "
    "Narrow it down, e.g. with LIMIT or more specific patterns."
)
_OUT_OF_MEMORY = (
    "The query needed more than {mb} MB of memory (setting query_memory_mb) and was stopped. "
    "Narrow it down, e.g. with LIMIT, fewer variables or more specific patterns."
)
_ORDER_PANIC = "does not correctly implement a total order"


def _die_with_parent() -> None:
    """Exit if the server process goes away, even in the middle of a query.

    A watchdog thread, not PR_SET_PDEATHSIG: that signal fires when the *thread* that
    started us ends, and web servers start processes from short-lived request threads.
    pyoxigraph releases the GIL while it evaluates, so the watchdog keeps running.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="kfl-lod-watchdog", daemon=True).start()


class _Process:
    """One query process (a fresh interpreter) and the server's end of its socket."""

    def __init__(self, loader: Loader, version: str, folder: str = "", memory_mb: int = 0) -> None:
        ours, theirs = socket.socketpair()
        try:
            # A fresh interpreter running this module: nothing inherited from a threaded or
            # forked server, and no re-import of the caller's __main__ (unlike multiprocessing).
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                close_fds=True,
            )
        finally:
            theirs.close()
        self.memory_mb = memory_mb
        # What the process writes to stderr goes on to ours; the last lines say why it died.
        self.last_words: collections.deque[str] = collections.deque(maxlen=400)  # a Rust backtrace runs to ~100 lines
        self._drain = threading.Thread(
            target=_forward, args=(self.process.stderr, self.last_words), name="kfl-lod-query-stderr", daemon=True
        )
        self._drain.start()
        self.conn = Connection(ours.detach())
        self.conn.send((loader, version, folder, memory_mb))
        self.ready = False
        self.isolated = False
        self._blocking = True

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        self.blocking(True)
        if not self.conn.poll(timeout):
            raise PoolBusy(f"A query process did not start within {timeout:.0f} s.")
        try:
            kind, detail = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise QueryCrashed(f"A query process died while loading the data (exit code {self.exitcode}).") from exc
        if kind != "ready":
            raise QueryCrashed(f"A query process could not load the data: {detail}")
        self.ready, self.isolated = True, bool(detail)

    def run(self, job: Job, timeout: float) -> Reply:
        try:
            self.blocking(True)
            self.conn.send(job)
            if not self.conn.poll(timeout):
                raise QueryTimeout(_TIMEOUT.format(timeout=timeout))
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            try:
                self.process.wait(0.5)
            except subprocess.TimeoutExpired:
                pass
            self._drain.join(0.5)  # let the last words arrive
            raise self.crash() from exc

    def blocking(self, flag: bool) -> None:
        """Put the socket in blocking (``run``, ``wait_ready``) or non-blocking (``exchange``) mode, if not in it."""
        if self._blocking != flag:
            os.set_blocking(self.conn.fileno(), flag)
            self._blocking = flag

    async def exchange(self, loop, data: bytes, timeout: float) -> Reply:
        """Send a pickled job and wait, on the event loop, for the reply (TimeoutError after ``timeout``).

        One reader callback on the socket and one timer, no task: the job is written at once
        (it is small; the rest, if any, waits for the socket), and the reply, framed as
        ``Connection.send`` frames it, is read as it arrives, usually in one piece.
        """
        import pickle

        self.blocking(False)
        fd = self.conn.fileno()
        message = struct.pack("!i", len(data)) + data
        try:
            sent = os.write(fd, message)
        except (BlockingIOError, InterruptedError):
            sent = 0
        if sent < len(message):
            sock = socket.socket(fileno=os.dup(fd))
            try:
                await loop.sock_sendall(sock, message[sent:])
            finally:
                sock.close()
        future = loop.create_future()
        got = bytearray()
        need = [0, 0]  # header size, body size (0: not known yet)

        def finish(result=None, error: BaseException | None = None) -> None:
            if not future.done():
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(result)

        def readable() -> None:
            try:
                chunk = os.read(fd, 65536 if not need[1] else max(65536, need[0] + need[1] - len(got)))
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                finish(error=exc)
                return
            if not chunk:
                finish(error=EOFError("the query process closed its socket"))
                return
            got.extend(chunk)
            if not need[1] and len(got) >= 4:
                (size,) = struct.unpack_from("!i", got)
                if size != -1:
                    need[:] = [4, size]
                elif len(got) >= 12:
                    need[:] = [12, struct.unpack_from("!Q", got, 4)[0]]
            if need[1] and len(got) >= need[0] + need[1]:
                finish(bytes(memoryview(got)[need[0] : need[0] + need[1]]))

        loop.add_reader(fd, readable)
        timer = loop.call_later(timeout, lambda: finish(error=TimeoutError()))
        try:
            body = await future
        finally:
            timer.cancel()
            loop.remove_reader(fd)
        return pickle.loads(body)

    def crash(self) -> QueryCrashed:
        """The error for a process that died running a query, saying why where it can."""
        words = "\n".join(self.last_words)
        if "memory allocation of" in words or "MemoryError" in words:
            return QueryOutOfMemory(_OUT_OF_MEMORY.format(mb=self.memory_mb))
        if _ORDER_PANIC in words:
            return QueryCrashed(
                "The query engine failed on this query: pyoxigraph cannot ORDER BY values of mixed "
                "kinds like these (numbers, dates, strings, NaN) and stopped. The server started a new "
                "query process and keeps serving. Sort on one kind of value, e.g. ORDER BY STR(?x), or "
                "FILTER(datatype(?x) = ...) first."
            )
        return QueryCrashed(
            "The query stopped the query process (it crashed; exit code "
            f"{self.exitcode}). The server started a new one and keeps serving. "
            "If this query does it again, simplify it (e.g. ORDER BY over values of one type)."
        )

    def kill(self) -> None:
        try:
            if self.process.poll() is None:
                self.process.kill()  # SIGKILL: the only way to stop pyoxigraph mid-query
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.conn.close()

    def alive(self) -> bool:
        return self.process.poll() is None


def _forward(stream, last_words: collections.deque) -> None:
    """Copy a query process's stderr to ours, keeping its last lines."""
    try:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            last_words.append(line.rstrip("\n"))
            try:
                sys.stderr.write(line)
            except (OSError, ValueError):
                pass
    except (OSError, ValueError):
        pass
    finally:
        stream.close()


class QueryPool:
    """``size`` query processes sharing the work; thread-safe, one job per process at a time.

    At most ``queue`` callers wait for a busy process (None: any number); more are refused
    at once, so that a burst of slow queries cannot hold every thread of a web server.

    Fairness: one client (``run(..., client=address)``) may have at most ``client_limit``
    queries running or waiting (more: ClientBusy, 429), and never holds more than
    ``size - reserved`` processes (at least one): the rest stay free for other clients.

    ``version`` returns the release to load at start: its key, and its folder ("" for the
    loader's own data).
    """

    def __init__(
        self,
        size: int,
        loader: Loader,
        version: Callable[[], str | tuple[str, str]] = lambda: "",
        start_timeout: float = 60.0,
        memory_mb: int = 0,
        queue: int | None = None,
        client_limit: int | None = None,
        reserved: int = 0,
    ) -> None:
        self.size = max(1, int(size))
        self.queue = queue
        self.client_limit = client_limit
        self.per_client = max(1, self.size - max(0, reserved))
        self._clients: dict[str, list[int]] = {}  # address -> [running, waiting]
        self._waiting = 0
        self._loader = loader
        self._version = version
        self._memory_mb = memory_mb
        self._start_timeout = start_timeout
        self._cond = threading.Condition()
        self._idle: list[_Process] = []
        self._async_waiters: list[tuple] = []  # (event loop, future, client), oldest first
        self._all: set[_Process] = set()
        self._closed = False
        self.restarts = 0
        for _ in range(self.size):
            self._add()
        _POOLS.add(self)

    def _add(self) -> None:
        version = self._version()
        key, folder = version if isinstance(version, tuple) else (version, "")
        proc = _Process(self._loader, key, folder, self._memory_mb)
        self._all.add(proc)
        self._idle.append(proc)

    async def run_async(self, job: Job, timeout: float, client: str = "") -> Reply:
        """``run`` for callers on an event loop: waiting for a process and for the answer takes no thread.

        Same limits and outcomes as ``run``: ClientBusy, PoolBusy (queue full, or no process
        free within ``timeout``), QueryTimeout (the process is killed and replaced),
        QueryCrashed; the blocking parts (killing, reaping, starting) run in a thread.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        proc = await self._acquire_async(loop, timeout, client)
        try:
            if not proc.ready:
                await loop.run_in_executor(None, proc.wait_ready, self._start_timeout)
        except BaseException:
            await loop.run_in_executor(None, self._replace, proc, client)
            raise
        try:
            try:
                reply = await proc.exchange(loop, _dumps(job), timeout)
            except TimeoutError:
                await loop.run_in_executor(None, self._replace, proc, client)
                raise QueryTimeout(_TIMEOUT.format(timeout=timeout)) from None
        except (EOFError, OSError):
            # Reap it and read its last words (blocking), then answer as ``run`` does.
            return await loop.run_in_executor(None, self._crashed_async, proc, job, timeout, client)
        except BaseException:
            if proc in self._all:
                await loop.run_in_executor(None, self._replace, proc, client)
            raise
        self._release(proc, client)
        return reply

    async def _acquire_async(self, loop, timeout: float, client: str) -> _Process:
        """A process for ``client``: a free one at once, else the first one freed for it (see ``_hand_off``)."""
        import asyncio

        with self._cond:
            if self._closed:
                raise PoolBusy("The query service is shutting down.")
            counts = self._admit(client)
            # An idle process is never left while a waiter could take it (``_hand_off``): waiters
            # still queued now are held by their per-client share, and may be passed.
            if not (client and counts[0] >= self.per_client):
                while self._idle:
                    proc = self._idle.pop()
                    if proc.alive():
                        counts[0] += 1
                        return proc
                    self._dead(proc)
            if self.queue is not None and self._waiting >= self.queue:
                self._forget(client)
                raise PoolBusy(
                    f"All {self.size} query processes are busy and {self._waiting} more queries "
                    "are waiting (setting query_queue); try again in a moment."
                )
            future = loop.create_future()
            waiter = (loop, future, client)
            self._async_waiters.append(waiter)
            self._waiting += 1
            counts[1] += 1
        busy = f"All {self.size} query processes stayed busy for {timeout:g} s; try again in a moment."
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except BaseException as exc:
            with self._cond:
                if waiter in self._async_waiters:  # never handed a process
                    self._async_waiters.remove(waiter)
                    self._waiting -= 1
                    counts[1] -= 1
                    self._forget(client)
                    if isinstance(exc, TimeoutError):
                        raise PoolBusy(busy) from None
                    raise
            # Handed a process just as the wait ended: use it if it arrived, else give it back.
            if isinstance(exc, TimeoutError) and future.done() and not future.cancelled():
                return future.result()

            def give_back(done: asyncio.Future) -> None:
                if not done.cancelled():
                    self._release(done.result(), client)

            future.add_done_callback(give_back)
            if isinstance(exc, TimeoutError):
                raise PoolBusy(busy) from None
            raise

    def _hand_off(self) -> None:
        """Give idle processes to waiters on event loops, oldest first (called holding the lock)."""
        if not self._async_waiters:
            return
        from asyncio import _get_running_loop

        running = _get_running_loop()  # on the waiter's own loop, no wake-up through its self-pipe is needed
        i = 0
        while self._idle and i < len(self._async_waiters):
            loop, future, client = self._async_waiters[i]
            counts = self._clients[client]
            if client and counts[0] >= self.per_client:
                i += 1
                continue
            proc = self._idle.pop()
            if not proc.alive():
                self._dead(proc)
                continue
            del self._async_waiters[i]
            self._waiting -= 1
            counts[1] -= 1
            counts[0] += 1
            if running is not None and loop is running:
                running.call_soon(self._deliver, future, proc, client)
            else:
                loop.call_soon_threadsafe(self._deliver, future, proc, client)

    def _deliver(self, future, proc: _Process, client: str) -> None:
        if future.done():  # its request went away meanwhile
            self._release(proc, client)
        else:
            future.set_result(proc)

    def _dead(self, proc: _Process) -> None:
        """Replace a process found dead while idle (killed from outside); called holding the lock."""
        self._all.discard(proc)
        proc.kill()
        self.restarts += 1
        if not self._closed:
            self._add()

    def _crashed_async(self, proc: _Process, job: Job, timeout: float, client: str) -> Reply:
        try:
            proc.process.wait(0.5)
        except subprocess.TimeoutExpired:
            pass
        proc._drain.join(0.5)
        error = proc.crash()
        killed = proc.exitcode == -signal.SIGKILL
        self._replace(proc, client)
        if killed:  # killed from outside, not by the query: once more, as ``run`` does
            return self.run(job, timeout, client)
        raise error

    def run(self, job: Job, timeout: float, client: str = "") -> Reply:
        """Run a job in a free process within ``timeout`` seconds of work.

        :raises ClientBusy: if ``client`` already has ``client_limit`` queries running or waiting.
        :raises PoolBusy: if no process became free within ``timeout``.
        :raises QueryTimeout: if the query ran longer than ``timeout`` (its process was killed).
        :raises QueryCrashed: if the process died running it (a new one was started).
        """
        started = time.monotonic()
        for attempt in (1, 2):
            proc = self._acquire(timeout, client)
            try:
                proc.wait_ready(self._start_timeout)
                reply = proc.run(job, timeout)
            except QueryCrashed:
                try:
                    proc.process.wait(0.5)  # reap it, to read how it ended
                except subprocess.TimeoutExpired:
                    pass
                killed = proc.exitcode == -signal.SIGKILL
                self._replace(proc, client)
                left = timeout - (time.monotonic() - started)
                # Killed from outside (an operator, the kernel's OOM killer) while it ran this
                # query: not the query's fault, so it runs once more on a fresh process.
                if attempt == 1 and killed and left > 0:
                    timeout = left
                    continue
                raise
            except BaseException:  # timeout, or the server thread interrupted: never reuse it
                self._replace(proc, client)
                raise
            self._release(proc, client)
            return reply
        raise AssertionError("unreachable")

    def _admit(self, client: str) -> list[int]:
        """The client's [running, waiting] counts, or ClientBusy when it is at its limit (hold ``_cond``)."""
        counts = self._clients.setdefault(client, [0, 0])
        if self.client_limit is not None and client and sum(counts) >= self.client_limit:
            self._forget(client)
            raise ClientBusy(
                f"You already have {counts[0]} queries running and {counts[1]} waiting; one client may have "
                f"{self.client_limit} at once (setting query_client_limit). Wait for them, then try again."
            )
        return counts

    def _acquire(self, timeout: float, client: str = "") -> _Process:
        deadline = time.monotonic() + timeout
        with self._cond:
            counts = self._admit(client)
            waited = False
            try:
                while True:
                    if self._closed:
                        raise PoolBusy("The query service is shutting down.")
                    mine = client and counts[0] >= self.per_client
                    while self._idle and not mine:
                        proc = self._idle.pop()
                        if proc.alive():
                            counts[0] += 1
                            return proc
                        self._all.discard(proc)  # died while idle (killed from outside): replace it
                        proc.kill()
                        self.restarts += 1
                        self._add()
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise PoolBusy(
                            f"All {self.size} query processes stayed busy for {timeout:g} s; try again in a moment."
                        )
                    if not waited:
                        if self.queue is not None and self._waiting >= self.queue:
                            raise PoolBusy(
                                f"All {self.size} query processes are busy and {self._waiting} more queries "
                                "are waiting (setting query_queue); try again in a moment."
                            )
                        waited = True
                        self._waiting += 1
                        counts[1] += 1
                    self._cond.wait(left)
            finally:
                if waited:
                    self._waiting -= 1
                    counts[1] -= 1
                self._forget(client)

    def _forget(self, client: str) -> None:
        counts = self._clients.get(client)
        if counts is not None and counts == [0, 0]:
            del self._clients[client]

    def _done(self, client: str) -> None:
        counts = self._clients.get(client)
        if counts is not None:
            counts[0] -= 1
            self._forget(client)

    def _release(self, proc: _Process, client: str = "") -> None:
        with self._cond:
            self._done(client)
            if proc in self._all:
                self._idle.append(proc)
            self._hand_off()
            self._cond.notify_all()  # waiters differ in what they may take: let each look

    def _replace(self, proc: _Process, client: str = "") -> None:
        proc.kill()
        with self._cond:
            self._done(client)
            self._all.discard(proc)
            self.restarts += 1
            if not self._closed:
                self._add()
                self._hand_off()
            self._cond.notify_all()

    def status(self) -> dict:
        """How many processes exist, are idle and alive; restarts since start."""
        with self._cond:
            return {
                "processes": len(self._all),
                "idle": len(self._idle),
                "waiting": self._waiting,
                "clients": len(self._clients),
                "alive": sum(p.alive() for p in self._all),
                "restarts": self.restarts,
                "network_isolated": all(p.isolated for p in self._all if p.ready) if self._all else False,
            }

    def pids(self) -> list[int]:
        with self._cond:
            return [p.process.pid for p in self._all]

    def close(self) -> None:
        """Stop every query process."""
        with self._cond:
            self._closed = True
            procs = list(self._all)
            self._all.clear()
            self._idle.clear()
            waiters, self._async_waiters = self._async_waiters, []
            self._cond.notify_all()
        for loop, future, _ in waiters:
            loop.call_soon_threadsafe(
                lambda f=future: f.done() or f.set_exception(PoolBusy("The query service is shutting down."))
            )
        for proc in procs:
            proc.kill()


_POOLS: weakref.WeakSet[QueryPool] = weakref.WeakSet()


def _dumps(obj) -> bytes:
    """What ``Connection.send`` writes for a Job, less its length header (a Job needs no special reducers)."""
    return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)


@atexit.register
def _close_all() -> None:
    for pool in list(_POOLS):
        pool.close()


def main(argv: list[str]) -> None:
    """Entry point of a query process: serve jobs on the socket whose descriptor is given."""
    _serve(Connection(int(argv[0])))


if __name__ == "__main__":
    main(sys.argv[1:])
