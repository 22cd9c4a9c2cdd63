"""When each revision of the cluster's overrides became visible in etcd, and what it says: one
thread per member reads the overrides' key every 20 ms as that member has applied it (a
serializable read: no round to the leader, so an election does not delay it; a stalled or
restarting member's thread just waits), and the first thread to see a revision stamps it. That stamp is the commit
time the soak measures every node's answers against (at most ~20 ms after the real commit),
and the value read is the truth they must show (is eu-west drained), whatever lodestarctl said."""
import json
import threading
import time

from .cluster import etcd_get


class CommitClock:
    def __init__(self, endpoints, key, stop_event):
        self._key = key
        self._stop = stop_event
        self._lock = threading.Lock()
        self._seen = {}  # mod_revision -> (monotonic time first seen, eu-west drained in it)
        self.errors = 0
        self._threads = [threading.Thread(target=self._poll, args=(e,), daemon=True) for e in endpoints]

    def start(self):
        for t in self._threads:
            t.start()

    def join(self):
        for t in self._threads:
            t.join(2)

    def _poll(self, endpoint):
        while not self._stop.is_set():
            try:
                _, mod, value = etcd_get(endpoint, self._key, 0.3, serializable=True)
                now = time.monotonic()
                with self._lock:
                    if mod and mod not in self._seen:
                        self._seen[mod] = (now, self.drains(value, "eu-west"))
            except Exception:
                self.errors += 1
                self._stop.wait(0.1)
            self._stop.wait(0.02)

    @staticmethod
    def drains(value, region):
        try:
            return region in (json.loads(value).get("drained") or {})
        except (ValueError, AttributeError, TypeError):
            return None

    def first_seen(self, revision):
        """When a revision at least `revision` was first seen, or None."""
        with self._lock:
            times = [t for r, (t, _) in self._seen.items() if r >= revision]
        return min(times) if times else None

    def drained_now(self):
        """Whether the newest revision seen drains eu-west (False before the first)."""
        with self._lock:
            return bool(self._seen[max(self._seen)][1]) if self._seen else False

    def commits(self):
        """[(time, revision, eu-west drained)] by revision, each revision's time the first time
        it or a later one was seen (a member that was behind cannot make an old one look new)."""
        with self._lock:
            items = sorted(self._seen.items())
        out, earliest = [], float("inf")
        for revision, (t, drained) in reversed(items):
            earliest = min(earliest, t)
            out.append((earliest, revision, drained))
        return out[::-1]
