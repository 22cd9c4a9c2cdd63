"""Slow TCP clients: each a non-blocking connection from its own loopback address
(127.1.P.H, 40 client /24s) that sends the next byte of a query every 4 s and never finishes
it; one the node closed connects again at its next turn. Spread over the nodes in turn."""
import collections
import errno
import resource
import socket
import threading
import time

from . import dnswire, zone_versions

PREFIXES = 40
EVERY = 4.0


def raise_descriptor_limit(wanted):
    """Soft limit up to `wanted` (at most the hard limit); returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class SlowClients(threading.Thread):
    def __init__(self, ports, count, stop_event):
        super().__init__(daemon=True)
        self.ports = ports
        self.count = count
        self.stop_event = stop_event
        self.query = dnswire.framed(dnswire.query(1, f"www.{zone_versions.ZONE}", "A"))
        self.connects = 0
        self.reconnects = 0
        self.connect_failures = 0
        self.bytes_sent = 0
        self.most_open = 0

    def _connect(self, i):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((f"127.1.{i % PREFIXES}.{1 + i // PREFIXES}", 0))
        err = s.connect_ex(("127.0.0.1", self.ports[i % len(self.ports)]))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            self.connect_failures += 1
            return None
        self.connects += 1
        return s

    @staticmethod
    def _closed_by_peer(s):
        try:
            return s.recv(1) == b""
        except BlockingIOError:
            return False
        except OSError as e:
            return e.errno != errno.ENOTCONN

    def run(self):
        start = time.monotonic()
        clients = [None] * self.count
        sent = [0] * self.count
        # Clients in the order they act; first turns spread over the first 4 s (1,000 clients
        # act 250 times a second), each next turn 4 s after its last.
        turns = collections.deque((start + EVERY * i / self.count, i) for i in range(self.count))
        while not self.stop_event.is_set():
            now = time.monotonic()
            while turns and turns[0][0] <= now:
                _, i = turns.popleft()
                turns.append((now + EVERY, i))
                self._act(i, clients, sent)
            self.most_open = max(self.most_open, sum(1 for c in clients if c is not None))
            self.stop_event.wait(0.02)
        for s in clients:
            if s is not None:
                s.close()

    def _act(self, i, clients, sent):
        s = clients[i]
        if s is not None and self._closed_by_peer(s):
            s.close()
            s = clients[i] = None
            self.reconnects += 1
        if s is None:
            clients[i] = self._connect(i)
            sent[i] = 0
            return
        if sent[i] + 1 < len(self.query):
            try:
                if s.send(self.query[sent[i]: sent[i] + 1]) == 1:
                    sent[i] += 1
                    self.bytes_sent += 1
            except OSError:
                pass
