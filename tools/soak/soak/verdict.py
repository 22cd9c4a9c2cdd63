"""The soak's checks, from what was recorded: each gives pass or fail with its figures, and
the summary table prints them."""
import bisect
import re
import statistics
from dataclasses import dataclass

STALE_AFTER = 2.0   # s: no node answers a state older than this after a committed change
RSS_GROWTH = 10.0   # %: after the first 30 s


@dataclass
class Check:
    name: str
    passed: bool
    figures: str


def _ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def parse_dnsperf(text):
    """Sent, completed, lost and the count per response code from dnsperf's report."""
    out = {"sent": 0, "completed": 0, "lost": 0, "rcodes": {}}
    for key, field in (("sent", "Queries sent"), ("completed", "Queries completed"), ("lost", "Queries lost")):
        m = re.search(field + r":\s+(\d+)", text)
        if m:
            out[key] = int(m.group(1))
    m = re.search(r"Response codes:\s+(.*)", text)
    if m:
        out["rcodes"] = {code: int(n) for code, n in re.findall(r"([A-Z]+) (\d+) \(", m.group(1))}
    return out


def crashes(nodes_alive, exit_statuses):
    bad = [f"ns{i + 1}" for i, (a, s) in enumerate(zip(nodes_alive, exit_statuses)) if not a or s != 0]
    figures = ", ".join(f"ns{i + 1} {'alive' if a else 'DEAD'} at the end, exit status {s}"
                        for i, (a, s) in enumerate(zip(nodes_alive, exit_statuses)))
    return Check("zero crashes", not bad, figures)


def servfail(dnsperf_runs, udp, tcp):
    load = sum(r["rcodes"].get("SERVFAIL", 0) for r in dnsperf_runs)
    probes = sum(1 for o in udp + tcp if o.rcode == 2)
    answered = sum(r["completed"] for r in dnsperf_runs) + sum(1 for o in udp + tcp if o.recv is not None)
    return Check("zero SERVFAIL", load + probes == 0,
                 f"{load} in the load's answers, {probes} in the probes'; {answered:,} answers in all")


def mixing(udp, tcp):
    answered = [o for o in udp + tcp if o.recv is not None and o.rcode is not None]
    mixed = [o for o in answered if len(o.versions) > 1]
    example = ""
    if mixed:
        o = mixed[0]
        example = f"; first: ns{o.node + 1} {o.kind} names versions {sorted(o.versions)}"
    return Check("no answer mixing two configurations", not mixed,
                 f"{len(mixed)} of {len(answered):,} answers checked part by part{example}")


def drain_staleness(udp, drain_events, clock, nodes):
    """Per revision of the overrides seen in etcd: each node's answers sent after it that still
    show the state before it. Lag = the last such answer's send time − the commit's time. The
    next commit's command may reach a node before the clock sees it in etcd: answers sent
    after that command started are judged against the next commit (and counted as "ahead")."""
    seen = clock.commits()
    started = {e.revision: e.start for e in drain_events if e.revision}
    missed = len(set(started) - {r for _, r, _ in seen})
    # (commit time, state, when the next change may have begun: the next commit, or the start
    # of the next command, whether it answered or not)
    starts = sorted(e.start for e in drain_events)
    windows = []
    for k, (t, revision, state) in enumerate(seen):
        following = starts[bisect.bisect_right(starts, t)] if bisect.bisect_right(starts, t) < len(starts) else float("inf")
        windows.append((t, state, min(seen[k + 1][0] if k + 1 < len(seen) else float("inf"), following)))
    lags, stale, ahead, worst = [], 0, 0.0, []
    for node in range(nodes):
        obs = sorted((o for o in udp if o.node == node and o.drained is not None), key=lambda o: o.sent)
        sends = [o.sent for o in obs]
        for k, (start, state, end) in enumerate(windows):
            lo, hi = bisect.bisect_left(sends, start), bisect.bisect_left(sends, end)
            old = [o for o in obs[lo:hi] if o.drained != state]
            lags.append(max((o.sent - start for o in old), default=0.0))
            if old:
                worst.append((lags[-1], node, seen[k][1], start, len(old)))
            stale += sum(1 for o in old if o.sent - start > STALE_AFTER)
            if k > 0:
                before = obs[bisect.bisect_left(sends, windows[k - 1][2]):lo]
                ahead = max([ahead] + [start - o.recv for o in before if o.drained == state])
    figures = (f"{len(windows)} commits x {nodes} nodes: lag median {_ms(statistics.median(lags)) if lags else '-'}, "
               f"max {_ms(max(lags)) if lags else '-'}; {stale} answers older than 2 s; "
               f"answers ahead of the etcd clock by at most {_ms(ahead)}"
               + (f"; {missed} of lodestarctl's {len(started)} revisions never seen in etcd" if missed else ""))
    return Check("no node > 2 s behind a committed drain", bool(windows) and not missed and stale == 0
                 and max(lags, default=0) <= STALE_AFTER, figures), sorted(worst, reverse=True)


def reload_staleness(udp, tcp, reload_events, nodes):
    """Per node and reload: answers sent after the reload (SIGHUP sent, or lodestarctl reload
    returned) that carry an older zone version."""
    lags, stale, after_ack = [], 0, 0
    for node in range(nodes):
        changes = [(float("-inf"), 0, True)]
        for e in sorted((e for e in reload_events if e.node == node and e.ok), key=lambda e: e.start):
            acknowledged = e.detail.startswith("lodestarctl")
            changes.append((e.end if acknowledged else e.start, e.version, acknowledged))
        obs = sorted((o for o in udp + tcp if o.node == node and len(o.versions) == 1), key=lambda o: o.sent)
        sends = [o.sent for o in obs]
        for k, (start, version, acknowledged) in enumerate(changes):
            if start == float("-inf"):
                continue
            end = changes[k + 1][0] if k + 1 < len(changes) else float("inf")
            window = obs[bisect.bisect_left(sends, start): bisect.bisect_left(sends, end)]
            old = [o for o in window if next(iter(o.versions)) < version]
            lags.append(max((o.sent - start for o in old), default=0.0))
            stale += sum(1 for o in old if o.sent - start > STALE_AFTER)
            if acknowledged:
                after_ack += len(old)
    figures = (f"{len(lags)} node reloads: lag max {_ms(max(lags)) if lags else '-'}; {stale} answers older than 2 s; "
               f"{after_ack} old answers sent after lodestarctl reload returned")
    return Check("no node > 2 s behind a reload", stale == 0 and max(lags, default=0) <= STALE_AFTER, figures)


def rss_growth(samples, baseline_at):
    """samples: per node [(seconds since start, KiB)]. Growth from the first sample at or after
    `baseline_at` to the median of the last three; the peak is shown beside it."""
    worst, parts = 0.0, []
    for node, s in enumerate(samples):
        after = [kib for t, kib in s if t >= baseline_at and kib]
        if len(after) < 4:
            parts.append(f"ns{node + 1}: too few samples")
            worst = float("inf")
            continue
        base, final, peak = after[0], statistics.median(after[-3:]), max(after)
        growth = 100.0 * (final - base) / base
        worst = max(worst, growth)
        parts.append(f"ns{node + 1} {base / 1024:.1f} -> {final / 1024:.1f} MiB ({growth:+.1f} %, peak {peak / 1024:.1f})")
    return Check(f"RSS growth < {RSS_GROWTH:.0f} % after {baseline_at:.0f} s", worst < RSS_GROWTH, "; ".join(parts))


def tcp_answers(tcp):
    answered = [o for o in tcp if o.recv is not None]
    times = sorted(o.recv - o.sent for o in answered)
    figures = (f"{len(answered)} of {len(tcp)} answered within 1 s; latency median "
               f"{_ms(statistics.median(times)) if times else '-'}, max {_ms(times[-1]) if times else '-'}")
    return Check("a normal TCP client answered beside the slow ones", bool(tcp) and len(answered) == len(tcp), figures)


def expected_answers(udp):
    answered = [o for o in udp if o.recv is not None]
    wrong = [o for o in answered if o.wrong]
    lost = len(udp) - len(answered)
    kinds = {}
    for o in wrong:
        kinds[o.wrong] = kinds.get(o.wrong, 0) + 1
    top = "; ".join(f"{n} x {w}" for w, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:3])
    return Check("every probe answer one this zone can give", not wrong,
                 f"{len(wrong)} wrong of {len(answered):,} answered ({lost} unanswered within 1 s)"
                 + (f": {top}" if top else ""))


def longest_silence(udp, nodes):
    """Per node, the longest time between two answers to the soak's UDP probes (a freeze)."""
    out = []
    for node in range(nodes):
        times = sorted(o.recv for o in udp if o.node == node and o.recv is not None)
        out.append(max((b - a for a, b in zip(times, times[1:])), default=float("inf")))
    return out


def table(checks):
    width = max(len(c.name) for c in checks)
    lines = [f"{'check'.ljust(width)}  result  figures", f"{'-' * width}  ------  -------"]
    for c in checks:
        lines.append(f"{c.name.ljust(width)}  {'pass' if c.passed else 'FAIL'}    {c.figures}")
    return "\n".join(lines)
