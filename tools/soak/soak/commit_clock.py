"""When each revision of the cluster's overrides became visible in etcd: one thread per member
reads the overrides' key every 20 ms (a stalled or restarting member's thread just waits), and
the first thread to see a revision stamps it. That stamp is the commit time the soak measures
every node's answers against (at most ~20 ms after the real commit)."""
import threading
import time

from .cluster import etcd_get


class CommitClock:
    def __init__(self, endpoints, key, stop_event):
        self._key = key
        self._stop = stop_event
        self._lock = threading.Lock()
        self._seen = {}  # mod_revision -> monotonic time first seen
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
                _, mod = etcd_get(endpoint, self._key, 0.3)
                now = time.monotonic()
                with self._lock:
                    if mod and mod not in self._seen:
                        self._seen[mod] = now
            except Exception:
                self.errors += 1
                self._stop.wait(0.1)
            self._stop.wait(0.02)

    def first_seen(self, revision):
        """When a revision at least `revision` was first seen, or None."""
        with self._lock:
            times = [t for r, t in self._seen.items() if r >= revision]
        return min(times) if times else None
