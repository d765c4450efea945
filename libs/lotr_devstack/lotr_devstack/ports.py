"""Who holds a TCP port: checked before anything starts, so a stack never shares one.

granian listens with SO_REUSEPORT, so a second server on the same port starts without an
error and the kernel splits connections between the two. A plain bind (SO_REUSEADDR, which
only forgives TIME_WAIT leftovers, and no SO_REUSEPORT) fails on any listening socket; a
connect catches a listener on an address that does not clash with ours.
"""

import errno
import os
import socket
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's `st` column


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick from its ephemeral range)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Listener:
    pid: int | None  # None: the socket's owner is not visible to us
    command: str

    def __str__(self) -> str:
        if not self.pid:
            return "a process this user cannot see"
        try:
            where = f", in {os.readlink(PROC / str(self.pid) / 'cwd')}"
        except OSError:
            where = ""
        return f"pid {self.pid} ({self.command}{where})"


def describe(found: list[Listener]) -> str:
    """The first listener in words, and how many more processes share the port."""
    if not found:
        return "another process"
    more = f" and {len(found) - 1} more process{'es' if len(found) > 2 else ''}" if len(found) > 1 else ""
    return f"{found[0]}{more}"


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def command_of(pid: int) -> str:
    try:
        words = (PROC / str(pid) / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    except OSError:
        return "?"
    return " ".join(word.decode(errors="replace") for word in words[:3])[:60]


def listeners(port: int) -> list[Listener]:
    """The processes with a listening socket on `port` (any address), from /proc."""
    inodes = _listening_inodes(port)
    if not inodes:
        return []
    found: dict[int, Listener] = {}
    wanted = {f"socket:[{inode}]" for inode in inodes}
    seen: set[str] = set()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target in wanted:
                pid = int(entry.name)
                found[pid] = Listener(pid, command_of(pid))
                seen.add(target)
    if seen != wanted:
        found[0] = Listener(None, "?")
    return list(found.values())


def bind_refused(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    return bind_refused(port, host) or answers(port, host)


def holder(port: int, host: str = "127.0.0.1") -> str | None:
    """None when the port is free; else who holds it, in words."""
    if not port_taken(port, host):
        return None
    return describe(listeners(port))
