"""One JSON message per line over a Unix socket: how nbgrader's plug-in, the judge, its worker and
the worker's children talk.

Sockets, not pipes: another process of the same user (a learner's kernel, say) can open a pipe
through /proc/<pid>/fd/<n> and write into it, but not a socket, which has no name to open or
connect to. So only the processes that were handed a channel can speak on it.
"""

import json
import os
import select
import socket
import time

LONGEST = 64 * 2**20  # a message longer than this ends the channel


class Channel:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    @classmethod
    def pair(cls):
        one, other = socket.socketpair()
        return cls(one), cls(other)

    @classmethod
    def from_fd(cls, fd):
        return cls(socket.socket(fileno=fd))

    def fileno(self):
        return self.sock.fileno()

    def send(self, message):
        self.sock.sendall((json.dumps(message) + "\n").encode())

    def receive(self, seconds=None):
        """The next message, or None after SECONDS without one; EOFError when the other end is
        gone (or sent more than LONGEST without a line's end)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while b"\n" not in self.buffer:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.sock], [], [], wait)
            if not ready:
                return None
            chunk = self.sock.recv(1 << 16)
            if not chunk or len(self.buffer) + len(chunk) > LONGEST:
                raise EOFError("the other end of the channel is gone")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {"unreadable": line[:200].decode(errors="replace")}

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def detach(self):
        """The socket's file descriptor, for a process this one starts (the Channel lets go of it)."""
        fd = self.sock.detach()
        os.set_inheritable(fd, True)
        return fd
