"""Where a process's main thread is while a watched piece of work runs long.

The rebuild benchmark (search_rebuild_bench.py) saw a few of the rebuild's
commits and learners' writes take over 100 ms with little CPU time, no disk
read, no steal time and no wait for a processor: the thread was blocked in
the kernel. The counters say that, not where. A StallSampler answers that:
from a daemon thread, once a watched section has run for ``after`` seconds,
every ``every`` seconds it reads the system call the main thread is in
(``/proc/self/task/<tid>/syscall``: its number and arguments, or "running"
when it is in user space) and the innermost functions of its kernel stack
(``/proc/self/task/<tid>/stack``, readable by root). A section shorter than
``after`` costs two assignments; the thread wakes every ``every`` seconds
and only reads when a section is long.
"""

from __future__ import annotations

import threading
import time

# x86-64 system call numbers the samples are likely to show; others stay numbers.
_SYSCALLS = {
    0: "read",
    1: "write",
    3: "close",
    7: "poll",
    8: "lseek",
    9: "mmap",
    17: "pread64",
    18: "pwrite64",
    24: "sched_yield",
    35: "nanosleep",
    72: "fcntl",
    74: "fsync",
    75: "fdatasync",
    202: "futex",
    230: "clock_nanosleep",
    257: "openat",
    262: "newfstatat",
}
# Kernel frames kept per sample, innermost first.
FRAMES = 8


class StallSampler:
    def __init__(self, after: float = 0.05, every: float = 0.02) -> None:
        self.after, self.every = after, every
        self.tid = threading.get_native_id()
        self._began: float | None = None
        self._samples: list = []
        threading.Thread(target=self._run, name="stall-sampler", daemon=True).start()

    def begin(self) -> None:
        """Sample the calling thread (a PostgreSQL rebuild writes its
        batches on a thread of its own) from now on."""
        self.tid = threading.get_native_id()
        self._samples = []
        self._began = time.perf_counter()

    def end(self) -> list:
        """The samples taken since begin(): [(ms from begin, system call or
        "running", [innermost kernel functions])]; empty for a short section."""
        self._began = None
        return self._samples

    def _run(self) -> None:
        while True:
            time.sleep(self.every)
            began, samples = self._began, self._samples
            if began is None:
                continue
            at = time.perf_counter() - began
            if at >= self.after:
                samples.append((round(at * 1000), *self._where()))

    def _where(self) -> tuple[str, list[str]]:
        base = f"/proc/self/task/{self.tid}"
        call, frames = "?", []
        try:
            with open(f"{base}/syscall") as f:
                fields = f.read().split()
            if fields and fields[0].lstrip("-").isdigit():
                number = int(fields[0])
                call = _SYSCALLS.get(number, str(number))
                if len(fields) > 1:
                    # The first argument: for a read, write or sync, the file descriptor.
                    call += f"({int(fields[1], 16)})"
            elif fields:
                call = fields[0]
            with open(f"{base}/stack") as f:
                frames = [line.split("] ", 1)[-1].split("+")[0] for line in f][:FRAMES]
        except (OSError, ValueError):
            pass
        return call, frames
