"""A throwaway PostgreSQL 15 + PostGIS 3 cluster: for the tests, the benchmark and trying the app out.

Never a county's real database: the cluster lives in a temporary directory, trusts every local
connection, runs with ``fsync`` off, and :meth:`Cluster.close` stops it and deletes everything.
As root, ``initdb`` and the server run as the ``postgres`` user via ``runuser`` (PostgreSQL
refuses to run as root). It listens on its own Unix socket and on 127.0.0.1 at a free port, so
URLs of the form ``postgresql://postgres@127.0.0.1:PORT/NAME`` reach it. :meth:`Cluster.replica`
adds a streaming replica made by ``pg_basebackup`` (a second server following the first).

Command line (scripts/test.sh uses it)::

    python -m store.cluster start [DIR]     # prints the URL of the maintenance database, keeps running
    python -m store.cluster stop DIR
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18n.message import Message, WordedError

if TYPE_CHECKING:
    import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PACKAGE = "postgresql-15-postgis-3"


class Unavailable(WordedError, RuntimeError):
    """PostgreSQL/PostGIS cannot be started here (the message says why, by catalog key: store.cluster.*)."""


def available() -> str | None:
    """None when a cluster can be started, else the reason it cannot.

    Returns
    -------
    str or None
        What is missing (initdb, PostGIS, runuser, psycopg) and how to install it: an
        :class:`i18n.Message` (the ``中文 / English`` sentence).
    """
    if not (PG_BIN / "initdb").exists():
        return Message("store.cluster.no_initdb", path=f"{PG_BIN}/initdb", package=PACKAGE)
    if not list(Path("/usr/share/postgresql/15/extension").glob("postgis.control")):
        return Message("store.cluster.no_postgis", package=PACKAGE)
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return Message("store.cluster.no_runuser")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return Message("store.cluster.no_psycopg")
    return None


#: where the kernel picks the local port of an outgoing connection when /proc does not say
EPHEMERAL_DEFAULT = (32768, 60999)
#: the lowest port handed out: below it live the well-known and the commonly configured ones
LOWEST_PORT = 10000


def ephemeral_ports() -> tuple[int, int]:
    """The kernel's range for the local end of outgoing connections.

    Returns
    -------
    tuple of int
        ``(first, last)``, from ``/proc/sys/net/ipv4/ip_local_port_range`` (Linux), else
        :data:`EPHEMERAL_DEFAULT`.
    """
    try:
        first, last = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return first, last
    except (OSError, ValueError):
        return EPHEMERAL_DEFAULT


def free_ports(n: int = 1) -> int:
    """``n`` consecutive TCP ports on 127.0.0.1 nobody listens on right now, outside the ephemeral range.

    A port the kernel hands out for ``bind(0)`` lies in the ephemeral range, which is where it also
    takes the local end of every outgoing connection: between choosing the port and the server's
    ``bind``, a database client's connection could take it (``Address already in use``; seen in CI
    with many PostgreSQL connections open). Ports below that range are never taken that way.

    Parameters
    ----------
    n : how many consecutive ports.

    Returns
    -------
    int
        The first of the ``n`` ports.

    Raises
    ------
    OSError
        No ``n`` free consecutive ports found in 200 random tries.
    """
    low, high = ephemeral_ports()
    below, above = range(LOWEST_PORT, low - n + 1), range(high + 1, 65537 - n)  # first .. first + n - 1
    choices = below or above
    pick = random.SystemRandom()
    for _ in range(200):
        first = pick.choice(choices)
        try:
            for port in range(first, first + n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise OSError(f"no {n} consecutive free ports on 127.0.0.1 outside {low}-{high}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now, outside the ephemeral range.

    Returns
    -------
    int
        See :func:`free_ports`.
    """
    return free_ports(1)


# Fast and unsafe: a throwaway cluster never needs to survive a power cut.
THROWAWAY = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "256MB",
    "work_mem": "64MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "4GB",
    "max_connections": "200",
}


class Cluster:
    """``initdb`` + ``pg_ctl start`` in a temporary directory; ``close()`` stops and removes it.

    Parameters
    ----------
    settings : extra server settings (``-c name=value``), over :data:`THROWAWAY`.
    directory : where to put it (default: a new temporary directory).
    primary : internal — a running cluster to copy with ``pg_basebackup`` as a streaming replica.
    host_auth : how TCP clients authenticate (``trust``; ``scram-sha-256`` to test passwords — the
        Unix socket stays ``trust``, so :meth:`connect` can set one).
    """

    def __init__(
        self,
        settings: dict[str, str] | None = None,
        directory: str | Path | None = None,
        primary: "Cluster | None" = None,
        host_auth: str = "trust",
    ) -> None:
        why = available()
        if why:
            raise Unavailable(why)
        self.dir = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="lianxin-pg-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        self.sock.mkdir(exist_ok=True)
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
            os.chmod(self.dir, 0o755)
        self.settings = {**THROWAWAY, "listen_addresses": "127.0.0.1", **(settings or {})}
        self.started = False
        self.replicas: list[Cluster] = []
        t0 = time.perf_counter()
        try:
            if primary is None:
                self._run(
                    [
                        str(PG_BIN / "initdb"),
                        "-D",
                        str(self.data),
                        "--auth-local=trust",
                        f"--auth-host={host_auth}",
                        "-U",
                        "postgres",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync",
                    ]
                )
            else:  # a copy of the primary that follows it (-R writes primary_conninfo and standby.signal)
                self._run(
                    [
                        str(PG_BIN / "pg_basebackup"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(primary.port),
                        "-U",
                        "postgres",
                        "-D",
                        str(self.data),
                        "-R",
                        "-X",
                        "stream",
                        "--no-sync",
                        # an immediate checkpoint on the primary: the default spread one paces its
                        # writes over checkpoint_timeout × checkpoint_completion_target (~4 min here)
                        "--checkpoint=fast",
                    ]
                )
            self.start()
        except Exception:
            self.close()
            raise
        self.startup_s = time.perf_counter() - t0

    def _run(self, cmd: list[str]) -> None:
        name = Path(cmd[0]).name
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise Unavailable(key="store.cluster.failed", program=name, output=(r.stderr or r.stdout).strip()[:500])

    def start(self) -> None:
        """Start the server (again, after :meth:`stop`)."""
        opts = f"-k {self.sock} -p {self.port} " + " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        self._run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start"]
        )
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``mode`` fast or immediate); the data stays until :meth:`close`."""
        if self.started:
            self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])
            self.started = False

    def url(self, dbname: str = "postgres") -> str:
        """The URL of a database of this cluster, as ``--db`` and ``$LIANXIN_DB`` take it.

        Parameters
        ----------
        dbname : str, default "postgres"
            The database (the maintenance database by default).

        Returns
        -------
        str
            ``postgresql://postgres@127.0.0.1:PORT/DBNAME``.
        """
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection:
        """A psycopg connection (autocommit) to a database of this cluster, over its Unix socket.

        Parameters
        ----------
        dbname : str, default "postgres"
            The database.
        **kwargs
            More arguments for ``psycopg.connect``.

        Returns
        -------
        psycopg.Connection
        """
        import psycopg

        # host= explicitly: the client's and the server's default socket directories differ
        return psycopg.connect(
            host=str(self.sock), port=self.port, user="postgres", dbname=dbname, autocommit=True, **kwargs
        )

    def replica(self) -> "Cluster":
        """Start a streaming replica of this cluster (``pg_basebackup -R``), closed with it.

        Returns
        -------
        Cluster
            The running replica (hot standby).
        """
        rep = Cluster(primary=self, settings={"hot_standby": "on"})
        self.replicas.append(rep)
        return rep

    def close(self) -> None:
        """Stop the cluster (and its replicas) at once and remove its directory."""
        for rep in self.replicas:
            rep.close()
        self.replicas = []
        try:
            self.stop("immediate")
        except Unavailable:
            pass
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def main(argv: list[str]) -> int:
    """``start [DIR]``: start a cluster and print its maintenance URL and directory; ``stop DIR``.

    Parameters
    ----------
    argv : list of str
        The command line after ``python -m store.cluster``.

    Returns
    -------
    int
        The exit status: 0, or 2 for a command line it does not know.
    """
    if len(argv) >= 1 and argv[0] == "start":
        c = Cluster(directory=argv[1] if len(argv) > 1 else None)
        print(f"{c.url()} {c.dir}")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        d = Path(argv[1])
        if (d / "data").exists():
            cmd = [str(PG_BIN / "pg_ctl"), "-D", str(d / "data"), "-m", "immediate", "-w", "stop"]
            if os.geteuid() == 0:
                cmd = ["runuser", "-u", "postgres", "--"] + cmd
            subprocess.run(cmd, capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        return 0
    print("usage: python -m store.cluster start [DIR] | stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
