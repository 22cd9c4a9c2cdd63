"""Every process the soak starts, kept by PID: started with its output in a file, stopped by
SIGTERM to that PID (SIGKILL after a bounded wait), a stopped (SIGSTOP) one continued first.
Nothing is ever signalled by name."""
import os
import signal
import subprocess
import threading
import time


class Process:
    def __init__(self, argv, log_path, name):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.paused = False
        self._log = open(log_path, "ab")
        self.popen = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.pid = self.popen.pid
        self.exit_status = None  # set when it ended: its exit code, or -signal

    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def pause(self):
        self.signal(signal.SIGSTOP)
        self.paused = True

    def resume(self):
        self.signal(signal.SIGCONT)
        self.paused = False

    def stop(self, wait=10.0):
        """SIGTERM (after SIGCONT), then SIGKILL after `wait` s; returns the exit status."""
        if self.alive():
            self.resume()
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(wait)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(5)
        self.exit_status = self.popen.returncode
        self._log.close()
        return self.exit_status

    def cpu_seconds(self):
        """User + system CPU time so far (None once it is gone)."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


class Registry:
    """The processes alive now; cleanup() ends each of them by its PID."""

    def __init__(self):
        self._lock = threading.Lock()
        self._all = []

    def start(self, argv, log_path, name):
        p = Process(argv, log_path, name)
        with self._lock:
            self._all.append(p)
        return p

    def forget(self, p):
        with self._lock:
            if p in self._all:
                self._all.remove(p)

    def cleanup(self):
        with self._lock:
            left = list(self._all)
            self._all.clear()
        for p in left:  # a stopped etcd member is continued first, always
            if p.paused and p.alive():
                os.kill(p.pid, signal.SIGCONT)
        for p in left:
            if p.alive():
                os.kill(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for p in left:
            try:
                p.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.popen.wait(5)
