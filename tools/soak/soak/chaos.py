"""What happens to the cluster during the soak, each on a thread of its own and each step
recorded with its times: drains and undrains of eu-west through random nodes, reloads (some
with a new zone version; `lodestarctl reload` or SIGHUP), one etcd member stopped with SIGSTOP
for 20 s and another restarted, and one region's backend started and stopped every second."""
import json
import signal
import threading
import time
from dataclasses import dataclass


@dataclass
class Event:
    kind: str          # drain, undrain, reload, etcd-pause, etcd-resume, etcd-stop, etcd-start
    node: int          # the node (or etcd member) it went through
    start: float
    end: float
    ok: bool
    detail: str = ""
    revision: int = 0  # drains: the etcd revision committed
    version: int = -1  # reloads: the zone version the node must serve after it
    state: bool = None  # drains: eu-west drained after it


def _at(t0, offset, stop_event):
    """Waits until t0 + offset; False when the soak is stopping."""
    return not stop_event.wait(max(0.0, t0 + offset - time.monotonic()))


class Drains(threading.Thread):
    """`count` drains and as many undrains of eu-west, alternating, spread over [3 s, end − 5 s]."""

    def __init__(self, nodes, clock, rng, t0, seconds, count, stop_event):
        super().__init__(daemon=True)
        self.nodes, self.clock, self.rng, self.t0, self.stop_event = nodes, clock, rng, t0, stop_event
        self.offsets = [3 + k * (seconds - 8) / (2 * count) for k in range(2 * count)]
        self.events = []
        self.known = False  # eu-west drained, as the last command's answer said (None: unknown)

    def run(self):
        for offset in self.offsets:
            if not _at(self.t0, offset, self.stop_event):
                return
            node = self.rng.randrange(len(self.nodes))
            # The next step undoes the state the last answer gave; after a command with no
            # answer (it may still have committed), the state etcd holds.
            drained = self.known if self.known is not None else self.clock.drained_now()
            op = "undrain" if drained else "drain"
            start = time.monotonic()
            args = ["--json", op, "eu-west"] + (["--reason", "chaos soak"] if op == "drain" else [])
            code, out, err = self.nodes[node].ctl(args)
            end = time.monotonic()
            revision, detail = 0, (err or out).strip().replace("\n", " ")[:300]
            self.known = None
            try:
                result = json.loads(out).get("result") or {}
                if code in (0, 4):  # committed, or nothing to do: the state is op's now
                    self.known = op == "drain"
                revision = int(result.get("revision") or 0)
                ack = result.get("acknowledged") or {}
                detail = (f"exit {code}; acknowledged in {ack.get('ms')} ms, complete {ack.get('complete')}" if revision
                          else f"exit {code}, not committed: " + json.dumps(result)[:200])
            except (ValueError, AttributeError):
                pass
            self.events.append(Event(op, node, start, end, revision > 0 and code in (0, 4), detail, revision,
                                     state=op == "drain"))


class Reloads(threading.Thread):
    """`count` reloads of every node, spread over [5 s, end − 7 s]: every other one with the next
    zone version; by `lodestarctl reload` or SIGHUP, both for changed and unchanged files."""

    def __init__(self, nodes, t0, seconds, count, stop_event):
        super().__init__(daemon=True)
        self.nodes, self.t0, self.stop_event = nodes, t0, stop_event
        self.offsets = [5 + k * (seconds - 12) / count for k in range(count)]
        self.events = []
        self.version = 0

    def run(self):
        for k, offset in enumerate(self.offsets):
            if not _at(self.t0, offset, self.stop_event):
                return
            if k % 2 == 0:
                self.version += 1
                for n in self.nodes:
                    n.write_zone(self.version)
            by_ctl = k % 4 in (0, 3)
            for i, n in enumerate(self.nodes):
                start = time.monotonic()
                if by_ctl:
                    code, out, err = n.ctl(["reload"])
                    ok, detail = code == 0, f"lodestarctl reload: exit {code} {(err or out).strip()[:200]}"
                else:
                    n.process.signal(signal.SIGHUP)
                    ok, detail = True, "SIGHUP"
                self.events.append(Event("reload", i, start, time.monotonic(), ok, detail, version=self.version))


class EtcdTrouble(threading.Thread):
    """Member `paused` SIGSTOPped for `pause_for` s at `pause_at`; member `restarted` stopped
    (SIGTERM) at `restart_at` and started again 3 s later."""

    def __init__(self, etcd, paused, restarted, t0, pause_at, pause_for, restart_at, stop_event):
        super().__init__(daemon=True)
        self.etcd, self.paused, self.restarted = etcd, paused, restarted
        self.t0, self.pause_at, self.pause_for, self.restart_at = t0, pause_at, pause_for, restart_at
        self.stop_event = stop_event
        self.events = []

    def _record(self, kind, member, start, ok=True, detail=""):
        self.events.append(Event(kind, member, start, time.monotonic(), ok, detail))

    def run(self):
        member = self.etcd.members[self.paused]
        if _at(self.t0, self.pause_at, self.stop_event):
            start = time.monotonic()
            member.pause()
            self._record("etcd-pause", self.paused, start, detail="SIGSTOP")
            self.stop_event.wait(max(0.0, start + self.pause_for - time.monotonic()))
            start = time.monotonic()
            member.resume()  # also in the soak's cleanup, whatever happens
            self._record("etcd-resume", self.paused, start, detail="SIGCONT")
        if _at(self.t0, self.restart_at, self.stop_event):
            start = time.monotonic()
            status = self.etcd.stop(self.restarted)
            # etcd ends on SIGTERM by the signal itself (status -15)
            self._record("etcd-stop", self.restarted, start, status in (0, -signal.SIGTERM), f"SIGTERM, exit status {status}")
            if self.stop_event.wait(3):
                return
            start = time.monotonic()
            self.etcd.launch(self.restarted, False)
            ok = self.etcd.wait_writable(20, [self.restarted])
            self._record("etcd-start", self.restarted, start, ok, "serving again" if ok else "not serving after 20 s")


class Flapper(threading.Thread):
    """Region `region`'s backend: stopped, then started again, each second."""

    def __init__(self, backends, region, t0, seconds, stop_event, every=1.0):
        super().__init__(daemon=True)
        self.backends, self.region, self.t0, self.seconds = backends, region, t0, seconds
        self.stop_event, self.every = stop_event, every
        self.stops = self.starts = 0

    def run(self):
        offset = 2.0
        while offset < self.seconds - 2 and _at(self.t0, offset, self.stop_event):
            if self.region in self.backends.running:
                self.backends.stop(self.region)
                self.stops += 1
            else:
                self.backends.start(self.region)
                self.starts += 1
            offset += self.every
        self.backends.start(self.region)
