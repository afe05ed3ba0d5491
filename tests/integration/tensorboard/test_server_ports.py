"""Issue 21: the suite's servers bind a port no other process can take first, however busy the machine is.

While another thread binds and holds every port the kernel hands it (as Beam's gRPC
workers and other test processes do), `tensorboard` and `projector-export serve` start on
`--port 0`; the port is read back from their own output, and the socket listening on it
must belong to the process we started.
"""

import os
import socket
import threading

import pytest

from tests.support.tensorboard_server import ServeServer, TensorBoardServer


def _listening_socket_inode(port):
    """The inode of the IPv4 socket listening on 127.0.0.1:`port` (from /proc/net/tcp), or None."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":  # 0A: LISTEN
                return fields[9]
    return None


def _socket_inodes(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


@pytest.fixture
def port_hog():
    """A thread that keeps binding fresh ports, holding the last 500: the ports a chosen-then-freed port races."""
    stop, held = threading.Event(), []

    def hog():
        while not stop.is_set():
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", 0))
                sock.listen()
            except OSError:
                sock.close()
                continue
            held.append(sock)
            if len(held) > 500:
                held.pop(0).close()
            stop.wait(0.002)  # busy, yet leaving the 2 cores to the servers

    thread = threading.Thread(target=hog, daemon=True)
    thread.start()
    yield held
    stop.set()
    thread.join()
    for sock in held:
        sock.close()


@pytest.mark.parametrize("server_class", [TensorBoardServer, ServeServer])
def test_servers_bind_port_0_and_the_answering_process_is_ours_while_ports_are_taken(server_class, tmp_path,
                                                                                     port_hog):
    with server_class(tmp_path) as server:
        assert server.runs() == []
        inode = _listening_socket_inode(server.port)
        assert inode is not None and inode in _socket_inodes(server.process.pid), server.port
    assert len(port_hog) > 100  # the hog really was taking ports meanwhile
