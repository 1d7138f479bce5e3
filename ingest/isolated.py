"""Reading an uploaded file in a separate process with a memory limit, so no file can take the server down.

The import page (pages/import_data.py) reads every upload here: a child Python process reads and
parses the file (ingest.reader / ingest.boundaries.read_vector) under ``resource.setrlimit``
limits on its address space and CPU time, reports progress on its standard output, and hands
the parsed rows back through a private temporary file. If the reader crashes (a native library
aborting) or runs out of memory, only the child dies and the page says so in a sentence; the
Streamlit server and every other session go on. Validation and writing then run in the server
process on the parsed rows, with the store's own transaction (DuckDB allows one writing
process per database file, so the child never opens the store).

Settings: ``LIANXIN_IMPORT_MEMORY_MB`` (default :data:`MEMORY_MB`), ``LIANXIN_IMPORT_SECONDS``
(CPU seconds, default :data:`CPU_SECONDS`).
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from i18n import Message, message_of

from .errors import ImportFailed

ROOT = Path(__file__).resolve().parent.parent
MEMORY_MB = 3072
CPU_SECONDS = 300
#: How long the child may sit at its memory limit before it is stopped (it did not die by itself).
STUCK_SECONDS = 3

Progress = Callable[[float, str], None]  # (fraction done, catalog key of the step: ingest.step.*)


@dataclass
class Read:
    """What the child read: a table (households …) or a boundary frame, and the sheets of a workbook."""

    kind: str
    table: Any = None  # ingest.reader.Table
    frame: Any = None  # geopandas.GeoDataFrame in the file's CRS
    crs: str = ""
    encoding: str = ""
    encoding_note: str = ""
    sheets: list[str] = field(default_factory=list)


def _limits() -> tuple[int, int]:
    mb = int(os.environ.get("LIANXIN_IMPORT_MEMORY_MB") or MEMORY_MB)
    sec = int(os.environ.get("LIANXIN_IMPORT_SECONDS") or CPU_SECONDS)
    return mb, sec


def read_file(
    kind: str,
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> Read:
    """Read and parse one file in a child process with a memory and CPU limit.

    Parameters
    ----------
    kind : boundaries, households, staff, visits or petitions.
    path : the file (a private copy of the upload).
    sheet : the Excel sheet (default: the first visible one with a header).
    encoding : a Shapefile's attribute encoding (default: detected).
    progress : called with (fraction, message) while the child works.

    Returns
    -------
    Read with the parsed table (or boundary frame) and, for a workbook, its sheet names.

    Raises
    ------
    ImportFailed
        With the reader's own sentence (too large, not a spreadsheet …), or one saying
        the file needed more memory or time than allowed, or crashed the reader; nothing is written.
    """
    mb, sec = _limits()
    folder = Path(tempfile.mkdtemp(prefix="lianxin-read-"))
    try:
        os.chmod(folder, 0o700)
        job, out = folder / "job.pickle", folder / "result.pickle"
        with open(job, "wb") as f:
            pickle.dump(
                {
                    "kind": kind,
                    "path": str(path),
                    "sheet": sheet,
                    "encoding": encoding,
                    "memory_mb": mb,
                    "cpu_seconds": sec,
                    "result": str(out),
                },
                f,
            )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest.isolated", str(job)],
            cwd=str(ROOT),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
        stuck = _watch(proc, mb << 20, lines, progress)
        _, err = proc.communicate()
        name = Path(path).name
        if stuck:
            err = b"MemoryError"  # stopped at its memory limit without dying by itself
        if out.exists():
            with open(out, "rb") as f:
                result = pickle.load(f)
            if "error" in result:
                raise ImportFailed(result["error"])  # the child's Message, pickled whole
            return result["read"]
        if proc.returncode == -signal.SIGXCPU or (proc.returncode == -signal.SIGKILL and not stuck):
            raise ImportFailed(key="ingest.error.read_time", at=f"{name}: ", seconds=sec)
        tail = (err or b"").decode("utf-8", "replace").lower()
        if (
            "memoryerror" in tail
            or "memory allocation" in tail
            or "out of memory" in tail
            or "cannot allocate" in tail
            or proc.returncode in (-signal.SIGABRT, -signal.SIGSEGV)
        ):
            raise ImportFailed(key="ingest.error.read_memory_or_crash", at=f"{name}: ", mb=mb)
        raise ImportFailed(key="ingest.error.reader_failed", at=f"{name}: ", code=proc.returncode)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _watch(proc: subprocess.Popen, limit: int, lines: "queue.Queue[bytes]", progress: Progress | None) -> bool:
    """Pass the child's progress on until it ends.

    Returns
    -------
    bool
        True when it was killed because it sat at its memory limit (``limit`` bytes) for
        :data:`STUCK_SECONDS` — CPython can spin instead of raising MemoryError when the address
        space is exhausted while an exception is being handled; False when it ended by itself.
    """
    at_limit_since = None
    while True:
        try:
            line = lines.get(timeout=0.25)
        except queue.Empty:
            line = None
        if line is not None:
            try:
                f_, msg = json.loads(line)
                if progress:
                    progress(float(f_), str(msg))
            except (ValueError, TypeError):
                pass
            continue
        if proc.poll() is not None:
            return False
        if _address_space(proc.pid) >= limit * 0.98:
            at_limit_since = at_limit_since or time.monotonic()
            if time.monotonic() - at_limit_since > STUCK_SECONDS:
                proc.kill()
                return True
        else:
            at_limit_since = None


def _address_space(pid: int) -> int:
    """The child's virtual memory size (Linux /proc).

    Returns
    -------
    int
        Bytes; 0 when it cannot be read.
    """
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ----------------------------------------------------------------------------- the child


def read_here(kind: str, path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Read:
    """What the child does with a file, in the calling process (no limits): :func:`read_file`'s reading.

    Parameters
    ----------
    kind : boundaries, households, staff, visits or petitions.
    path : the file.
    sheet : the Excel sheet (default: the first visible one with a header).
    encoding : a Shapefile's attribute encoding (default: detected).

    Returns
    -------
    Read with the parsed table (or boundary frame) and, for a workbook, its sheet names — from the same
    opening of the workbook as the rows (calamine lays out every sheet of an .xls when it opens it, so a
    second opening for the page's sheet picker would cost as much again).

    Raises
    ------
    ImportFailed
        The reader's sentence (ingest.reader.read_table, ingest.boundaries.read_vector).
    """  # noqa: DOC502 — raised by the readers
    if kind == "boundaries":
        from .boundaries import read_vector

        frame, crs, enc = read_vector(path, encoding)
        return Read(kind=kind, frame=frame, crs=crs, encoding=enc, encoding_note=frame.attrs.get("encoding_note", ""))
    from .reader import read_table
    from .spec import SPECS

    table = read_table(path, SPECS[kind], sheet)
    return Read(kind=kind, table=table, sheets=list(table.sheets), encoding=table.encoding)


def _child(job_path: str) -> int:
    import gc
    import resource
    import warnings

    # Reading makes no reference cycles; near the memory limit the cycle collector would otherwise run
    # again and again over millions of rows instead of letting the MemoryError come.
    gc.disable()
    with open(job_path, "rb") as f:
        job = pickle.load(f)
    limit = job["memory_mb"] << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (job["cpu_seconds"], job["cpu_seconds"] + 5))
    warnings.simplefilter("ignore")

    def progress(f: float, msg: str) -> None:
        print(json.dumps([f, msg], ensure_ascii=False), flush=True)

    kind, path = job["kind"], Path(job["path"])
    try:
        progress(0.05, "ingest.step.read")
        read = read_here(kind, path, sheet=job["sheet"], encoding=job["encoding"])
        progress(0.25, "ingest.step.read_done")
        result: dict[str, Any] = {"read": read}
    except ImportFailed as e:
        result = {"error": message_of(e)}
    except MemoryError:
        result = {"error": Message("ingest.error.read_memory", at=f"{path.name}: ", mb=job["memory_mb"])}
    except Exception as e:  # any other reader failure: one sentence, never a traceback
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        result = {
            "error": Message("ingest.error.unreadable", at=f"{path.name}: ", error=f"{type(e).__name__}: {first[:200]}")
        }
    tmp = job["result"] + ".part"
    with open(tmp, "wb") as f:
        pickle.dump(result, f)
    os.replace(tmp, job["result"])
    return 0


if __name__ == "__main__":
    from ingest.isolated import _child as run  # the module by its name, so Read pickles as ingest.isolated.Read

    sys.exit(run(sys.argv[1]))
