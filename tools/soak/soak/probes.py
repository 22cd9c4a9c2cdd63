"""The soak's own questions to every node, each answer checked and kept with its send and
receive times: over UDP every 10 ms per node (every other one asks `drained`, whose answer
says whether eu-west is drained), over TCP every 500 ms per node (a normal client among the
slow ones)."""
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from . import dnswire, zone_versions

Z = zone_versions.ZONE
EU = "198.51.100.0/24"
JP = "203.0.113.0/24"
DRAINED = {zone_versions.STEADY["eu-west"]: False, zone_versions.STEADY["us-east"]: True}


@dataclass
class Observation:
    node: int
    kind: str
    sent: float
    recv: float = None        # None: no answer within a second
    rcode: int = None
    versions: set = field(default_factory=set)
    drained: bool = None      # for `drained`: the state the answer shows
    wrong: str = ""           # why the answer is not one this zone can give ("" when it is)


def _addresses(a, rtype=1):
    return [r.data for r in a.sections[0] if r.rtype == rtype]


def judge(kind, a, o):
    """Fills the observation from answer `a` of a question of `kind`."""
    o.rcode = a.rcode
    o.versions = zone_versions.versions_of(a)
    if a.rcode == 2:
        o.wrong = "SERVFAIL"
        return
    if kind == "nx":
        o.wrong = "" if a.rcode == 3 and any(r.rtype == 6 for r in a.sections[1]) else "not NXDOMAIN with the SOA"
        return
    if a.rcode != 0:
        o.wrong = f"rcode {dnswire.RCODES.get(a.rcode, a.rcode)}"
        return
    if kind == "drained":
        got = _addresses(a)
        if len(got) == 1 and got[0] in DRAINED:
            o.drained = DRAINED[got[0]]
        else:
            o.wrong = f"drained A: {got}"
    elif kind in ("www-eu", "www-tcp"):
        got = _addresses(a)
        if not got or not all(g.startswith("127.0.") for g in got):
            o.wrong = f"www A: {got}"
    elif kind in ("chain-jp", "alias"):
        if not _addresses(a, 5) or not _addresses(a):
            o.wrong = f"{kind}: no CNAME and A"
    elif kind == "www-aaaa":
        if a.sections[0] or not any(r.rtype == 6 for r in a.sections[1]):
            o.wrong = "www AAAA: not NODATA with the SOA"
    elif kind == "version":
        if not _addresses(a, 16):
            o.wrong = "version: no TXT"
    if not o.wrong and not o.versions:
        o.wrong = "no record to tell the version"


CYCLE = [("drained", f"drained.{Z}", "A", None), ("www-eu", f"www.{Z}", "A", EU),
         ("drained", f"drained.{Z}", "A", None), ("chain-jp", f"chain.{Z}", "A", JP),
         ("drained", f"drained.{Z}", "A", None), ("alias", f"alias.{Z}", "A", None),
         ("drained", f"drained.{Z}", "A", None), ("www-aaaa", f"www.{Z}", "AAAA", None),
         ("drained", f"drained.{Z}", "A", None), ("version", f"version.{Z}", "TXT", None),
         ("drained", f"drained.{Z}", "A", None), ("nx", f"nx.{Z}", "A", None)]


class UdpProber(threading.Thread):
    def __init__(self, ports, stop_event, interval=0.010):
        super().__init__(daemon=True)
        self.ports = ports
        self.stop_event = stop_event
        self.interval = interval
        self.observations = []

    def run(self):
        socks = []
        for port in self.ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect(("127.0.0.1", port))
            s.setblocking(False)
            socks.append(s)
        pending = {}  # (node, id) -> (kind, sent)
        step, next_send = 0, time.monotonic()
        while not self.stop_event.is_set():
            now = time.monotonic()
            if now >= next_send:
                kind, name, qtype, ecs = CYCLE[step % len(CYCLE)]
                qid = step % 65536
                for node, s in enumerate(socks):
                    try:
                        # Stamped before the send: a thread descheduled in between then makes
                        # a staleness look shorter, never longer.
                        sent = time.monotonic()
                        s.send(dnswire.query(qid, name, qtype, ecs))
                        pending[(node, qid)] = (kind, sent)
                    except OSError:
                        self.observations.append(Observation(node, kind, now, wrong="send failed"))
                step += 1
                next_send = max(next_send + self.interval, now - 0.1)
            ready, _, _ = select.select(socks, [], [], max(0.0, next_send - time.monotonic()))
            for s in ready:
                node = socks.index(s)
                while True:
                    try:
                        msg = s.recv(65535)
                    except (BlockingIOError, ConnectionRefusedError):
                        break
                    got = time.monotonic()
                    qid = struct.unpack("!H", msg[:2])[0] if len(msg) >= 2 else -1
                    if (node, qid) not in pending:
                        continue
                    kind, sent = pending.pop((node, qid))
                    o = Observation(node, kind, sent, got)
                    try:
                        judge(kind, dnswire.parse(msg), o)
                    except ValueError as e:
                        o.wrong = f"malformed: {e}"
                    self.observations.append(o)
            cutoff = time.monotonic() - 1.0
            for key in [k for k, (_, sent) in pending.items() if sent < cutoff]:
                kind, sent = pending.pop(key)
                self.observations.append(Observation(key[0], kind, sent))
        for s in socks:
            s.close()


class TcpProber(threading.Thread):
    def __init__(self, ports, stop_event, every=0.5):
        super().__init__(daemon=True)
        self.ports = ports
        self.stop_event = stop_event
        self.every = every
        self.observations = []

    def ask(self, node, qid):
        o = Observation(node, "www-tcp", time.monotonic())
        s = socket.socket()
        s.settimeout(1.0)
        try:
            s.connect(("127.0.0.1", self.ports[node]))
            s.sendall(dnswire.framed(dnswire.query(qid, f"www.{Z}", "A", EU)))
            head = b""
            while len(head) < 2:
                chunk = s.recv(2 - len(head))
                if not chunk:
                    raise OSError("closed")
                head += chunk
            length, msg = struct.unpack("!H", head)[0], b""
            while len(msg) < length:
                chunk = s.recv(length - len(msg))
                if not chunk:
                    raise OSError("closed")
                msg += chunk
            o.recv = time.monotonic()
            judge("www-tcp", dnswire.parse(msg), o)
        except (OSError, ValueError) as e:
            o.recv, o.wrong = None, f"tcp: {e}"
        finally:
            s.close()
        return o

    def run(self):
        qid = 0
        while not self.stop_event.wait(self.every):
            for node in range(len(self.ports)):
                qid = (qid + 1) % 65536
                self.observations.append(self.ask(node, qid))
