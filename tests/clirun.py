"""``python manage.py …`` for the tests without paying Python's imports each time (issue 16 §2: CI time).

:func:`run` has the interface of ``subprocess.run(cmd, capture_output=True, text=True, cwd=…, env=…,
timeout=…)`` and returns a :class:`subprocess.CompletedProcess`. Each command is still its own process,
forked from a server per pytest worker that has imported only the heavy third-party libraries
(:data:`PRELOAD`: pandas, numpy, pyarrow, duckdb, geopandas, esda…), which is most of the ~2 s of CPU a
command costs on a tiny world. In the forked process, before manage.py runs:

- ``os.environ`` is exactly the env given (the same C environment: ``putenv``/``unsetenv``), then
  ``time.tzset()``; the working directory is ``cwd``; ``sys.argv`` is the command's; ``sys.path`` is a
  plain interpreter's under that env (``PYTHONPATH`` included) with the script's folder first;
- nothing of the project has been imported (the server imports third-party libraries only), so
  every project module reads its env and files afresh;
- file descriptors 1 and 2 are files the caller reads back, and ``sys.stdout``/``sys.stderr`` are
  written as a plain ``python manage.py`` under that env writes them to a pipe (the encoding and
  errors a real interpreter reports, asked once per locale/PYTHONIOENCODING); stdin is ``/dev/null``;
- the exit is Python's: ``SystemExit`` code (``None`` 0, an int, anything else printed and 1), an
  uncaught exception printed by ``sys.excepthook`` from manage.py's frame down, exit 1; then
  non-daemon threads are joined and the ``atexit`` handlers run (store/postgres.py closes its pools,
  DuckDB its file) and the streams are flushed, in the interpreter's own order.

The server is the standard library's ``multiprocessing`` forkserver with ``set_forkserver_preload``,
which gives what is needed without fork code of our own: it forks each child from a process that
imported :data:`PRELOAD` once, passes the child its arguments by pickle, reports the exit code
(negative for a signal), and ``Process.kill`` ends a command that outlives its timeout. Two things
are set around it: the server starts with ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and
``MKL_NUM_THREADS`` = 1 so that no BLAS/OpenMP pool exists to be forked (pyarrow's jemalloc and
duckdb each start one idle thread at import; a fork copies only the forking thread), and
``sys.modules["__main__"]`` is a bare module while a child starts, or multiprocessing would import
the caller's main script (pytest's) in it again. The child ends with ``os._exit`` after doing what
the interpreter does at exit (multiprocessing's own ending would skip ``atexit``).

Left as the server has them (not the command's): the C library's locale (``setlocale`` at the
server's start), interpreter flags, ``sys.orig_argv``, ``multiprocessing.parent_process()``.
What needs a real process stays on :func:`subprocess.run`: ``input=``/stdin, anything but
``[sys.executable, <script>, …]`` (interpreter flags), and every command when
``LIANXIN_TEST_CLI=subprocess``. Tests that signal a command or measure a process start use
``subprocess`` themselves.

This module imports the standard library only: it is unpickled in each child before manage.py runs.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import io
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import types

PRELOAD = [
    "numpy",
    "pandas",
    "pyarrow",
    "duckdb",
    "shapely",
    "pyproj",
    "pyogrio",
    "geopandas",
    "openpyxl",
    "psycopg",
    "psycopg_pool",
    "aiosql",
    "argon2",
    "dateutil",
    "libpysal",
    "esda",
]
"""Third-party modules the server imports once (a name that fails to import is skipped)."""

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_context = None
_BARE_MAIN = types.ModuleType("__main__")
_plain: dict = {}


def forked() -> bool:
    """Whether :func:`run` forks (the default) or starts a subprocess (``LIANXIN_TEST_CLI=subprocess``)."""
    return os.environ.get("LIANXIN_TEST_CLI", "fork") != "subprocess"


def run(
    cmd: list[str],
    *,
    capture_output: bool = False,
    text: bool = False,
    cwd=None,
    env: dict | None = None,
    timeout: float | None = None,
    check: bool = False,
    **kwargs,
) -> subprocess.CompletedProcess:
    """Run ``[sys.executable, script, *args]`` as its own process forked from the preloaded server.

    Parameters
    ----------
    cmd : list of str
        ``[sys.executable, path to a Python script (relative to cwd or absolute), *arguments]``.
    capture_output : bool
        Must be True (what the tests use); otherwise, or with any other keyword (``input=``…),
        the command runs on :func:`subprocess.run`.
    text : bool
        stdout and stderr as str (decoded as subprocess decodes them), else bytes.
    cwd : path, optional
        The working directory (default: this process's).
    env : dict, optional
        The command's whole environment (default: a copy of ``os.environ``).
    timeout : float, optional
        Seconds; past it the command is killed and :class:`subprocess.TimeoutExpired` raised.
    check : bool
        Raise :class:`subprocess.CalledProcessError` on a non-zero exit, as subprocess does.

    Returns
    -------
    subprocess.CompletedProcess
        ``args`` = cmd, ``returncode`` (negative: killed by that signal), ``stdout``, ``stderr``.
    """
    plain = (
        forked()
        and capture_output
        and not kwargs
        and len(cmd) >= 2
        and str(cmd[0]) == sys.executable
        and not str(cmd[1]).startswith("-")
    )
    _count(cmd, plain)
    if not plain:
        return subprocess.run(
            cmd, capture_output=capture_output, text=text, cwd=cwd, env=env, timeout=timeout, check=check, **kwargs
        )
    cwd = os.fspath(cwd) if cwd is not None else os.getcwd()
    env = dict(os.environ if env is None else env)
    argv = [str(a) for a in cmd[1:]]
    with tempfile.TemporaryDirectory(prefix="clirun-") as tmp:
        out_path, err_path = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        for p in (out_path, err_path):
            open(p, "wb").close()
        proc = _ctx().Process(target=_child, args=(argv, cwd, env, _interpreter(env), out_path, err_path))
        with bare_main():
            proc.start()
        proc.join(timeout)
        timed_out = proc.exitcode is None
        if timed_out:
            proc.kill()
            proc.join()
        code = proc.exitcode
        proc.close()
        out, err = (_decode(open(p, "rb").read(), text) for p in (out_path, err_path))
    if timed_out:
        raise subprocess.TimeoutExpired(cmd, timeout, output=out, stderr=err)
    done = subprocess.CompletedProcess(cmd, code, out, err)
    if check:
        done.check_returncode()
    return done


@contextlib.contextmanager
def bare_main():
    """``sys.modules["__main__"]`` a bare module meanwhile, for processes started by spawn or forkserver.

    multiprocessing starts such a process by running the parent's main script again in it, by its
    ``__file__``: pytest's script, or — after any AppTest run, since Streamlit's script runner leaves
    its script there — a page, or the temporary file of ``AppTest.from_function``, on which the new
    process died (``NameError: name '__args' is not defined``) before taking its task.

    Yields
    ------
    None
    """
    main, sys.modules["__main__"] = sys.modules["__main__"], _BARE_MAIN
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _count(cmd: list, forked: bool) -> None:
    """One line per command to ``$LIANXIN_CLIRUN_LOG`` if set (how many commands a round runs)."""
    log = os.environ.get("LIANXIN_CLIRUN_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{'fork' if forked else 'subprocess'} {os.path.basename(str(cmd[1]))} {cmd[2:4]}\n")


def _decode(data: bytes, text: bool) -> str | bytes:
    """What ``subprocess.run(text=True)`` makes of a pipe's bytes: the locale's encoding, universal newlines."""
    return io.TextIOWrapper(io.BytesIO(data)).read() if text else data


def _ctx():
    """The forkserver context, its server started once with one BLAS/OpenMP thread."""
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        saved = {k: os.environ.get(k) for k in ONE_THREAD}
        os.environ.update(ONE_THREAD)
        try:
            from multiprocessing import forkserver

            forkserver.ensure_running()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        _context = ctx
    return _context


PLAIN_KEYS = ("PYTHONPATH", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONCOERCECLOCALE", "LC_ALL", "LC_CTYPE", "LANG")


def _interpreter(env: dict) -> dict:
    """What a plain ``python script.py`` under ``env`` has: ``sys.path[1:]``, its stdout/stderr's
    encoding and errors and the ``LC_CTYPE`` it sets when it coerces the C locale (PEP 538), asked
    once of a real interpreter for each value of :data:`PLAIN_KEYS`."""
    key = tuple(env.get(k) for k in PLAIN_KEYS)
    if key not in _plain:
        probe = {k: v for k, v in zip(PLAIN_KEYS, key) if v is not None}
        probe["PATH"] = env.get("PATH", os.defpath)
        code = (
            "import os, sys; print(repr({'path': sys.path[1:], 'out': (sys.stdout.encoding, sys.stdout.errors),"
            " 'err': (sys.stderr.encoding, sys.stderr.errors), 'lc_ctype': os.environ.get('LC_CTYPE')}))"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=probe, check=True)
        _plain[key] = ast.literal_eval(done.stdout)
    return _plain[key]


def _stream(fd: int, encoding: str, errors: str) -> io.TextIOWrapper:
    """sys.stdout/sys.stderr as the interpreter makes them for a pipe: block buffered, stderr by line."""
    buffer = io.BufferedWriter(io.FileIO(fd, "w", closefd=False))
    return io.TextIOWrapper(buffer, encoding=encoding, errors=errors, line_buffering=fd == 2)


def _child(argv, cwd, env, plain, out_path, err_path) -> None:  # pragma: no cover - runs in the child
    """The forked command: set the process up as ``python argv…`` would, run it, exit as Python does."""
    for path, fd in ((out_path, 1), (err_path, 2)):
        f = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.dup2(f, fd)
        os.close(f)
    sys.stdout = sys.__stdout__ = _stream(1, *plain["out"])
    sys.stderr = sys.__stderr__ = _stream(2, *plain["err"])
    os.environ.clear()
    os.environ.update(env)
    if plain["lc_ctype"] is not None and "LC_CTYPE" not in env:
        os.environ["LC_CTYPE"] = plain["lc_ctype"]  # the interpreter's C locale coercion (PEP 538)
    time.tzset()
    os.chdir(cwd)
    script = os.path.abspath(argv[0])
    sys.path[:] = [os.path.dirname(script), *plain["path"]]
    sys.argv[:] = argv
    for name in ("tests.clirun", "tests"):  # this module, unpickled here; nothing else of the project is
        sys.modules.pop(name, None)
    main = types.ModuleType("__main__")
    main.__file__ = script
    sys.modules["__main__"] = main
    with open(script, "rb") as f:
        code_obj = compile(f.read(), script, "exec")
    try:
        exec(code_obj, main.__dict__)
        code = 0
    except SystemExit as e:
        code = _exit_code(e.code)
    except BaseException as e:
        e.__traceback__ = e.__traceback__.tb_next  # from manage.py's own frame, as the interpreter prints it
        sys.excepthook(type(e), e, e.__traceback__)
        code = 1
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = 120
    os._exit(code)


def _exit_code(value) -> int:
    """The interpreter's handling of ``SystemExit(value)``: None 0, int as is, else printed and 1."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1
