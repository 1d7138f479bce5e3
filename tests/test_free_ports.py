"""store.cluster.free_ports: ports for the servers the tests and the benchmark start, never ones the kernel
may give to an outgoing connection meanwhile (CI once lost an app process that way: ``Address already in
use`` on a port a PostgreSQL client's connection had taken)."""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest

from store import cluster


def test_the_ports_are_below_the_ephemeral_range_consecutive_and_free():
    low, high = cluster.ephemeral_ports()
    first = cluster.free_ports(3)
    assert cluster.LOWEST_PORT <= first and first + 2 < low
    for port in range(first, first + 3):
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))  # raises if taken


@contextmanager
def candidates_from_a_busy_port(monkeypatch, n: int):
    """A port someone listens on, and free_ports choosing among it and the n - 1 ports after it.

    The ports lie below the ephemeral range (``free_ports(n)`` itself finds them), so no outgoing connection
    of another test takes the free one meanwhile: a port from ``bind(0)`` lies inside that range, and CI once
    saw the port after it taken by a PostgreSQL client's connection.
    """
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", cluster.free_ports(n)))
        taken.listen()
        busy = taken.getsockname()[1]
        monkeypatch.setattr(cluster, "LOWEST_PORT", busy)
        monkeypatch.setattr(cluster, "ephemeral_ports", lambda: (busy + n, 65000))
        yield busy


def test_a_port_someone_listens_on_is_never_given(monkeypatch):
    with candidates_from_a_busy_port(monkeypatch, 2) as busy:
        given = {cluster.free_port() for _ in range(20)}
    assert given == {busy + 1}


def test_no_room_below_the_range_means_above_it(monkeypatch):
    monkeypatch.setattr(cluster, "ephemeral_ports", lambda: (cluster.LOWEST_PORT, 60999))
    assert cluster.free_port() > 60999


def test_when_nothing_is_free_it_says_so(monkeypatch):
    with candidates_from_a_busy_port(monkeypatch, 1), pytest.raises(OSError, match="no 1 consecutive free ports"):
        cluster.free_port()
