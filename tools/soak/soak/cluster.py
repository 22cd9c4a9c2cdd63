"""The soak's cluster on loopback: a three-member etcd (Debian's etcd-server), three Lodestar
nodes sharing state through it, and the HTTP backends their health checks probe."""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request

from . import zone_versions

NODES = 3


def free_ports(count):
    """`count` distinct TCP ports the kernel hands out on loopback now."""
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def etcd_get(endpoint, key, timeout, serializable=False):
    """The JSON gateway's range of one key: (header revision, the key's mod_revision or 0, its
    value as bytes or None). Serializable: what that member has applied, without asking the
    leader (so the read neither waits for an election nor lags behind the member)."""
    body = json.dumps({"key": base64.b64encode(key.encode()).decode(), "serializable": serializable}).encode()
    req = urllib.request.Request(endpoint + "/v3/kv/range", data=body, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        doc = json.loads(r.read())
    kvs = doc.get("kvs") or []
    if not kvs:
        return int(doc["header"]["revision"]), 0, None
    return int(doc["header"]["revision"]), int(kvs[0].get("mod_revision", 0)), base64.b64decode(kvs[0].get("value", ""))


class Etcd:
    def __init__(self, registry, folder):
        self.registry = registry
        self.folder = folder
        ports = free_ports(2 * NODES)
        self.client_ports = ports[:NODES]
        self.peer_ports = ports[NODES:]
        self.names = [f"m{i + 1}" for i in range(NODES)]
        self.cluster = ",".join(f"{n}=http://127.0.0.1:{p}" for n, p in zip(self.names, self.peer_ports))
        self.members = [None] * NODES

    def endpoints(self):
        return [f"http://127.0.0.1:{p}" for p in self.client_ports]

    def launch(self, i, fresh):
        peer = f"http://127.0.0.1:{self.peer_ports[i]}"
        client = self.endpoints()[i]
        argv = ["/usr/bin/etcd", "--name", self.names[i], "--data-dir", f"{self.folder}/{self.names[i]}",
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--initial-cluster", self.cluster, "--initial-cluster-state", "new" if fresh else "existing",
                "--initial-cluster-token", "lodestar-soak", "--heartbeat-interval", "50",
                "--election-timeout", "500", "--log-level", "error"]
        self.members[i] = self.registry.start(argv, f"{self.folder}/{self.names[i]}.log", f"etcd {self.names[i]}")

    def start_all(self):
        for i in range(NODES):
            self.launch(i, True)
        self.wait_writable(20)

    def wait_writable(self, seconds, members=None):
        """Until a read through each of `members` (default all) succeeds; False after `seconds`."""
        deadline = time.monotonic() + seconds
        for i in members if members is not None else range(NODES):
            while True:
                try:
                    etcd_get(self.endpoints()[i], "/soak-ready", 0.5)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.1)
        return True

    def stop(self, i):
        status = self.members[i].stop()
        self.registry.forget(self.members[i])
        return status


class Node:
    """One Lodestar node: its folder, configuration, process and UDP/TCP port."""

    def __init__(self, index, folder, build, etcd_endpoints, check_port):
        self.index = index
        self.name = f"ns{index + 1}"
        self.folder = folder
        self.build = build
        self.check_port = check_port
        self.config = f"{folder}/lodestar.yaml"
        self.process = None
        self.port = None
        os.makedirs(f"{folder}/zones", exist_ok=True)
        os.makedirs(f"{folder}/geo", exist_ok=True)
        shutil.copy(f"{build}/demo/geo/demo.mmdb", f"{folder}/geo/demo.mmdb")
        etcd = ", ".join(etcd_endpoints)
        nodes = ", ".join(f"ns{i + 1}" for i in range(NODES))
        with open(self.config, "w") as f:
            f.write("# A chaos soak node (tools/soak/chaos_soak.py).\n"
                    "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\ngeo: {database: geo/demo.mmdb}\n"
                    "state_dir: state\ncontrol_socket: state/ctl.sock\n"
                    f"cluster:\n  etcd: [{etcd}]\n  node: {self.name}\n  prefix: /soak/\n  nodes: [{nodes}]\n")

    def write_zone(self, version):
        """Both files of `version`, each written whole and renamed into place."""
        z = zone_versions.ZONE
        for name, text in ((f"{z}.zone", zone_versions.zone_file(version)),
                           (f"{z}.yaml", zone_versions.policy_yaml(version, self.check_port))):
            tmp = f"{self.folder}/zones/.{name}.tmp"
            with open(tmp, "w") as f:
                f.write(text)
            os.rename(tmp, f"{self.folder}/zones/{name}")

    def start(self, registry, seconds=15):
        self.process = registry.start([f"{self.build}/tools/lodestar", "-c", self.config],
                                      f"{self.folder}/lodestar.log", f"lodestar {self.name}")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            m = re.search(r"ready: .* on 127\.0\.0\.1:(\d+)", self.process.log_text())
            if m:
                self.port = int(m.group(1))
                return
            if not self.process.alive():
                break
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not become ready; see {self.folder}/lodestar.log")

    def ctl(self, args, timeout=20):
        """lodestarctl ARGS against this node: (exit code, stdout, stderr)."""
        try:
            r = subprocess.run([f"{self.build}/tools/lodestarctl", "-c", self.config] + args,
                               capture_output=True, text=True, timeout=timeout)
            return r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired:
            return -1, "", f"lodestarctl {' '.join(args)}: no answer within {timeout} s"

    def rss_kib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None


class Backends:
    """lodestar-demo-backend processes: one per region, each on both of its endpoints."""

    def __init__(self, registry, build, folder, port):
        self.registry = registry
        self.build = build
        self.folder = folder
        self.port = port
        self.running = {}

    def start(self, region):
        if region in self.running:
            return
        argv = [f"{self.build}/tools/lodestar-demo-backend"]
        for address in zone_versions.WEB[region]:
            argv += ["--listen", f"{address}:{self.port}"]
        self.running[region] = self.registry.start(argv, f"{self.folder}/backend-{region}.log", f"backend {region}")

    def stop(self, region):
        p = self.running.pop(region, None)
        if p:
            p.stop(5)
            self.registry.forget(p)
