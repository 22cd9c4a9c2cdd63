#!/usr/bin/env python3
"""The chaos soak (issue 31): a three-node Lodestar cluster on a real three-member etcd, all on
loopback, under a steady load while everything an operator, a network and a machine do to it
happens at once, and checks that no answer was ever wrong for it.

    tools/soak/chaos_soak.py [--seconds 150] [--build BUILD] [--out DIR] [--rate 1000]
                             [--slow-clients 1000] [--reloads 20] [--drains 20] [--seed N]

Needs a build with the targets lodestar, lodestarctl, lodestar-demo-backend and demo_site
(`cmake --build build --target lodestar lodestarctl lodestar-demo-backend demo_site`), Debian's
etcd-server (/usr/bin/etcd) and dnsperf (installed with apt-get when missing). Runs about
--seconds plus ~20 s of set-up and teardown; not part of ctest or .ci/run.

During --seconds (default 150):
  - load: dnsperf at --rate queries/s against each node (no client subnet, Germany's, Japan's);
  - --reloads reloads of every node (default 20), every other one with the next zone version,
    by `lodestarctl reload` or SIGHUP;
  - --drains drains and as many undrains of eu-west (default 20 + 20), each through a random node;
  - ap-northeast's HTTP backend (lodestar-demo-backend) stopped and started every second;
  - one etcd member SIGSTOPped for 20 s (always continued, also on any exit), another one
    stopped with SIGTERM and started again;
  - --slow-clients TCP connections (default 1,000) over the nodes, each sending one byte of a
    query every 4 s from 40 client /24s (this process raises its descriptor limit for them);
  - the soak's own probes: UDP every 10 ms per node, TCP every 500 ms per node.

The checks, one line each in the table at the end (exit 1 when one fails, 2 when the soak
could not run):
  - zero crashes: every node alive at the end, and exit status 0 after SIGTERM;
  - zero SERVFAIL in dnsperf's and the probes' answers;
  - no answer mixing two configurations: every zone version sets every TTL (100*k + version),
    the SOA serial, a static address and a TXT, so each part of an answer names its version;
  - no node more than 2 s behind a committed drain/undrain (its commit timed by polling
    etcd through every member every 20 ms; an answer counts by the time its query was sent),
    nor behind a reload of its files;
  - RSS (VmRSS) growth under 10 % from the 30th second to the end, per node;
  - a normal TCP client answered within 1 s all along, beside the slow ones;
  - every probe answer one the zone can give, and every chaos step done.

Everything runs on loopback, every loop is bounded in count and time, and every process the
soak starts is ended by its PID (SIGTERM, then SIGKILL after a bounded wait). The logs stay in
--out (default /tmp/lodestar-soak), with summary.txt and figures.json.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from soak import chaos, cluster, probes, verdict, zone_versions  # noqa: E402
from soak.commit_clock import CommitClock  # noqa: E402
from soak.procs import Registry  # noqa: E402
from soak.slow_clients import SlowClients, raise_descriptor_limit  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
MARK = ".chaos-soak"  # the only kind of folder --out may empty
ECS = [None, "8:00011800c63364", "8:00011800cb0071"]  # dnsperf -E per node: none, 198.51.100/24, 203.0.113/24


def options():
    p = argparse.ArgumentParser(description="Lodestar's chaos soak (see the top of this file).")
    p.add_argument("--seconds", type=int, default=150, help="how long the chaos lasts (60-600, default 150)")
    p.add_argument("--build", default=os.environ.get("BUILD_DIR", f"{ROOT}/build"), help="the build folder")
    p.add_argument("--out", default="/tmp/lodestar-soak", help="where the logs and figures go")
    p.add_argument("--rate", type=int, default=1000, help="dnsperf queries per second per node")
    p.add_argument("--slow-clients", type=int, default=1000)
    p.add_argument("--reloads", type=int, default=20)
    p.add_argument("--drains", type=int, default=20, help="drains, and as many undrains")
    p.add_argument("--seed", type=int, default=None)
    o = p.parse_args()
    if not 60 <= o.seconds <= 600 or not 0 < o.reloads < zone_versions.MAX_VERSIONS or o.drains < 1 \
            or o.rate < 1 or o.slow_clients < 0:
        p.error("--seconds 60-600, --reloads 1-99, --drains and --rate at least 1")
    return o


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def prerequisites(o):
    missing = [f"{o.build}/{t}" for t in ("tools/lodestar", "tools/lodestarctl", "tools/lodestar-demo-backend",
                                          "demo/geo/demo.mmdb") if not os.path.exists(f"{o.build}/{t}")]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: cmake --build {o.build} --target lodestar lodestarctl "
                 "lodestar-demo-backend demo_site")
    if not os.access("/usr/bin/etcd", os.X_OK):
        sys.exit("needs Debian's etcd-server (/usr/bin/etcd): apt-get install etcd-server")
    if not shutil.which("dnsperf"):
        log("installing dnsperf (apt-get)")
        subprocess.run(["apt-get", "install", "-y", "-q", "dnsperf"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if os.path.exists(o.out) and os.listdir(o.out) and not os.path.exists(f"{o.out}/{MARK}"):
        sys.exit(f"{o.out} holds files this soak did not write; give another --out")
    shutil.rmtree(o.out, ignore_errors=True)
    os.makedirs(o.out)
    open(f"{o.out}/{MARK}", "w").close()


def dnsperf_queries(path):
    z = zone_versions.ZONE
    lines = [f"www.{z} A"] * 6 + [f"www.{z} AAAA", f"static.{z} A", f"alias.{z} A", f"chain.{z} A",
                                  f"drained.{z} A", f"version.{z} TXT", f"nx-1.{z} A", f"nx-2.{z} A"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def wait_cluster_ready(nodes, seconds=60):
    """Every node sees all three reporting, and answers Germany with eu-west and eu-west undrained."""
    deadline = time.monotonic() + seconds
    for n in nodes:
        while True:
            code, out, _ = n.ctl(["status", "--json"], timeout=5)
            try:
                alive = json.loads(out)["result"]["cluster"]["nodes_alive"] if code == 0 else 0
            except (ValueError, KeyError, TypeError):
                alive = 0
            o = probes.TcpProber([n.port], threading.Event()).ask(0, 1)
            if alive == 3 and not o.wrong and o.recv is not None:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{n.name} not ready after {seconds} s (nodes alive {alive}; {o.wrong})")
            time.sleep(0.3)


def health_changes(text):
    quorum = len(re.findall(r"cluster: endpoint 127\.0\.3\.\d+ is \S+ by quorum", text))
    local = len(re.findall(r"health: endpoint=127\.0\.3\.\d+ \S+ -> ", text))
    return quorum, local


def run(o, registry, stop):
    rng = random.Random(o.seed)
    log(f"seed {o.seed}; out {o.out}")
    wanted = o.slow_clients + 512
    limit = raise_descriptor_limit(wanted)
    if limit < wanted:
        raise RuntimeError(f"this process may open {limit} descriptors, {wanted} needed (--slow-clients {o.slow_clients})")

    etcd = cluster.Etcd(registry, f"{o.out}/etcd")
    os.makedirs(etcd.folder)
    etcd.start_all()
    log(f"etcd: {', '.join(etcd.endpoints())}")
    check_port = cluster.free_ports(1)[0]
    backends = cluster.Backends(registry, o.build, o.out, check_port)
    for region in zone_versions.WEB:
        backends.start(region)
    nodes = [cluster.Node(i, f"{o.out}/ns{i + 1}", o.build, etcd.endpoints(), check_port) for i in range(cluster.NODES)]
    for n in nodes:
        n.write_zone(0)
        n.start(registry)
    wait_cluster_ready(nodes)
    log("nodes: " + ", ".join(f"{n.name} pid {n.process.pid} port {n.port}" for n in nodes))

    queries = f"{o.out}/dnsperf-queries.txt"
    dnsperf_queries(queries)
    paused, restarted = rng.sample(range(cluster.NODES), 2)
    t0 = time.monotonic()
    udp = probes.UdpProber([n.port for n in nodes], stop)
    tcp = probes.TcpProber([n.port for n in nodes], stop)
    clock = CommitClock(etcd.endpoints(), "/soak/admin", stop)
    slow = SlowClients([n.port for n in nodes], o.slow_clients, stop)
    drains = chaos.Drains(nodes, clock, rng, t0, o.seconds, o.drains, stop)
    reloads = chaos.Reloads(nodes, t0, o.seconds, o.reloads, stop)
    trouble = chaos.EtcdTrouble(etcd, paused, restarted, t0, 0.25 * o.seconds, 20.0, 0.65 * o.seconds, stop)
    flapper = chaos.Flapper(backends, "ap-northeast", t0, o.seconds, stop)
    threads = [udp, tcp, slow, drains, reloads, trouble, flapper]
    clock.start()
    for t in threads:
        t.start()
    perf = []
    for i, n in enumerate(nodes):
        argv = ["dnsperf", "-s", "127.0.0.1", "-p", str(n.port), "-d", queries, "-l", str(o.seconds),
                "-Q", str(o.rate), "-t", "2", "-c", "4"] + (["-E", ECS[i]] if ECS[i] else [])
        perf.append(registry.start(argv, f"{o.out}/dnsperf-{n.name}.txt", f"dnsperf {n.name}"))
    log(f"chaos for {o.seconds} s: etcd m{paused + 1} stalls at {0.25 * o.seconds:.0f} s, "
        f"m{restarted + 1} restarts at {0.65 * o.seconds:.0f} s")

    rss = [[] for _ in nodes]
    cpu = {}  # process name -> its CPU seconds at the last sample (restarted members add up)
    died = [None] * len(nodes)
    next_sample, next_note = t0, t0 + 15
    while (now := time.monotonic()) < t0 + o.seconds and not stop.is_set():
        if now >= next_sample:
            for i, n in enumerate(nodes):
                rss[i].append((now - t0, n.rss_kib()))
                if died[i] is None and not n.process.alive():
                    died[i] = now - t0
                    log(f"{n.name} DIED at {died[i]:.1f} s: exit status {n.process.popen.returncode}")
            for p in [n.process for n in nodes] + [m for m in etcd.members if m] + perf:
                used = p.cpu_seconds()
                if used is not None:
                    cpu[(p.name, p.pid)] = used
            next_sample += 1.0
        if now >= next_note:
            log(f"{now - t0:.0f} s: {len(drains.events)} drain steps, {len(reloads.events) // 3} reloads, "
                f"{slow.connects} slow connections ({slow.reconnects} closed by the nodes), "
                f"RSS {', '.join(str((s[-1][1] or 0) // 1024) + ' MiB' for s in rss)}")
            next_note += 15
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(30)
    clock.join()
    for p in perf:  # dnsperf ends by itself at --seconds; its last answers take up to -t 2 s
        try:
            p.popen.wait(15)
        except subprocess.TimeoutExpired:
            pass
        p.stop(5)
        registry.forget(p)

    alive = [n.process.alive() for n in nodes]
    statuses = []
    for n in nodes:
        statuses.append(n.process.stop(10))
        registry.forget(n.process)

    perf_runs = [verdict.parse_dnsperf(open(p.log_path).read()) for p in perf]
    checks = [
        verdict.crashes(alive, statuses),
        verdict.servfail(perf_runs, udp.observations, tcp.observations),
        verdict.mixing(udp.observations, tcp.observations),
    ]
    drain_check, behind = verdict.drain_staleness(udp.observations, drains.events, clock, len(nodes))
    checks += [drain_check,
               verdict.reload_staleness(udp.observations, tcp.observations, reloads.events, len(nodes)),
               verdict.rss_growth(rss, 30.0),
               verdict.tcp_answers(tcp.observations),
               verdict.expected_answers(udp.observations)]
    committed = sum(1 for e in drains.events if e.ok)
    reloaded = sum(1 for e in reloads.events if e.ok)
    etcd_ok = all(e.ok for e in trouble.events) and len(trouble.events) == 4
    late = sum(1 for e in drains.events if e.detail.startswith("exit 4"))
    steps = (f"drains+undrains {committed}/{2 * o.drains} committed ({late} not applied everywhere within "
             f"ack_wait), node reloads {reloaded}/{3 * o.reloads} "
             f"(versions 0-{reloads.version}), etcd {', '.join(f'{e.kind} m{e.node + 1}' for e in trouble.events)}, "
             f"backend stopped {flapper.stops} / started {flapper.starts} times, slow clients {slow.connects} "
             f"connections ({slow.most_open} open at most, {slow.reconnects} closed by the nodes, "
             f"{slow.connect_failures} failed)")
    checks.append(verdict.Check("every chaos step done", committed == 2 * o.drains and
                                reloaded == 3 * o.reloads and etcd_ok and slow.connects >= o.slow_clients, steps))

    texts = [n.process.log_text() for n in nodes]
    silence = verdict.longest_silence(udp.observations, len(nodes))
    load = ", ".join(f"{n.name} {r['completed']:,}/{r['sent']:,} answered ({r['lost']} lost)"
                     for n, r in zip(nodes, perf_runs))
    notes = [f"load (dnsperf, {o.rate}/s per node for {o.seconds} s): {load}",
             "longest silence of a node to the UDP probes: " + ", ".join(
                 f"ns{i + 1} {s * 1000:.0f} ms" for i, s in enumerate(silence)),
             "ap-northeast health changes in the logs (quorum / local): " + ", ".join(
                 "{} / {}".format(*health_changes(t)) for t in texts),
             "CPU seconds used (of {:.0f} on {} cores): ".format(o.seconds * os.cpu_count(), os.cpu_count()) + ", ".join(
                 f"{group} {sum(v for (name, _), v in cpu.items() if name.startswith(group)):.0f}"
                 for group in ("lodestar", "etcd", "dnsperf")) + f", this soak {sum(os.times()[:2]):.0f}",
             "error lines in the logs: " + ", ".join(
                 f"{n.name} {len(re.findall(r' error: ', t))}" for n, t in zip(nodes, texts))]
    summary = verdict.table(checks) + "\n\n" + "\n".join(notes)
    events = sorted(drains.events + reloads.events + trouble.events, key=lambda e: e.start)
    with open(f"{o.out}/summary.txt", "w") as f:
        f.write(summary + "\n\nthe nodes furthest behind a commit (lag s, node, revision, commit at s, old answers):\n")
        for lag, node, revision, at, count in behind[:10]:
            f.write(f"{lag:7.3f} ns{node + 1} rev {revision} at {at - t0:7.2f} {count}\n")
        f.write("\nevents (seconds from the start):\n")
        for e in events:
            f.write(f"{e.start - t0:7.2f} {e.end - e.start:6.3f} {e.kind:12} {e.node + 1} "
                    f"{'ok' if e.ok else 'FAILED'} rev {e.revision} v {e.version} {e.detail}\n")
    with open(f"{o.out}/figures.json", "w") as f:
        json.dump({"seconds": o.seconds, "seed": o.seed, "checks": [c.__dict__ for c in checks], "notes": notes,
                   "rss_kib": rss, "dnsperf": perf_runs}, f, indent=1)
    print("\n" + summary, flush=True)
    return 0 if all(c.passed for c in checks) else 1


def main():
    o = options()
    if o.seed is None:
        o.seed = random.randrange(1 << 30)
    prerequisites(o)
    registry, stop = Registry(), threading.Event()

    def interrupted(signum, _frame):
        stop.set()
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        return run(o, registry, stop)
    except (RuntimeError, KeyboardInterrupt) as e:
        log(f"the soak could not finish: {e}")
        return 2
    finally:
        stop.set()
        registry.cleanup()  # every process still running, by its PID; a stopped etcd member continued first


if __name__ == "__main__":
    sys.exit(main())
