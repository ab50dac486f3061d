"""bench/run sched: where the slowest requests lose their time, once the sidecars are warm.

HAProxy HTTP and Outrigger (defaults) in turn, in both pods, each warmed up (wrk at max rate, then
BENCH_SCHED_WARM_SECONDS at the fixed rate, past the JIT's first minute), then BENCH_SCHED_SECONDS at
the fixed rate (h2load, per-request log) while `perf sched record` records every context switch on
the host. Outrigger also logs every safepoint (stop-the-world pause: young GCs, deoptimizations).

Each request slower than the phase's p99 is then matched against what happened during it:
- a safepoint pause of either sidecar that overlapped it;
- a run-queue wait (woken, waiting for a CPU) of one of either sidecar's event-loop threads
  (Outrigger: Netty's event loops; HAProxy: its threads) longer than DELAY_MS that overlapped it;
- the same for the load generator and nginx (the machine's own contention, not the sidecars').
The report gives, per variant, the latency figures, the run-queue waits of the event loops
(p50/p99/max), the pauses, and the share of slow requests each cause overlapped.
"""

import bisect
import datetime
import os
import re
import signal
import subprocess
import time

from . import load, procs, sidecars
from .report import write_markdown

DELAY_MS = 0.5
TIMEHIST = re.compile(r"^\s*(\d+\.\d+)\s+\[\d+\]\s+(.+?)\[(\d+)(?:/(\d+))?\]\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
SAFEPOINT = re.compile(r"^\[(\d+)ms\].*Safepoint \"(\w+)\".*Total: (\d+) ns")


def run(world, settings, results_dir, log):
    started = datetime.datetime.now()
    seconds = int(os.environ.get("BENCH_SCHED_SECONDS", 10))
    warm = int(os.environ.get("BENCH_SCHED_WARM_SECONDS", 40))
    standard = sidecars.standard_variants()
    chosen = [standard[2], standard[3]]  # haproxy-http, outrigger (defaults)
    if settings.only:
        chosen = [v for v in chosen if v.name in settings.only]
    world.set_rules(True)
    results = {v.name: [] for v in chosen}
    for r in range(settings.rounds):
        for variant in chosen:
            log(f"sched: {variant.name}, round {r + 1}")
            results[variant.name].append(one_round(world, variant, settings, seconds, warm, f"sched-{variant.name}-{r}"))
            log(f"sched: {variant.name}: {summary_line(results[variant.name][-1])}")
    text = report(chosen, results, settings, seconds, warm, started)
    write_markdown(results_dir, started, "sched", text, log)
    return 0


def one_round(world, variant, settings, seconds, warm, tag):
    jvm_dir = os.path.join(world.workdir, "jvm")
    cars, safepoint_logs = [], []
    try:
        for pod in (world.server, world.client):
            extra = ""
            if variant.kind == "outrigger":
                path = os.path.join(jvm_dir, f"{tag}-{pod.name}-safepoints.log")
                safepoint_logs.append(path)
                extra = f"-Xlog:safepoint:file={path}:timemillis"
            cars.append(sidecars.start(pod, variant, world, f"{tag}-{pod.name}", extra))
        load.wrk_max(world.client, world.url(), settings.warmup, settings.connections, settings.wrk_threads)
        load.h2load_fixed_rate(world.client, world.url(), warm, settings.rate, settings.connections,
                               os.path.join(world.workdir, f"{tag}-warm.log"))
        data = os.path.join(world.workdir, f"{tag}-perf.data")
        recorder = subprocess.Popen(["perf", "sched", "record", "-k", "mono", "-o", data, "-a"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.0)
            cpu_before, t0 = [c.thread_cpu() for c in cars], time.time()
            requests = load.h2load_requests(world.client, world.url(), seconds, settings.rate, settings.connections,
                                            os.path.join(world.workdir, f"{tag}-h2load.log"))
            cpu = cpu_per_second([c.thread_cpu() for c in cars], cpu_before, time.time() - t0)
        finally:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=120)
        mono_to_epoch = time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)
        delays = run_queue_waits(data, mono_to_epoch)
        os.remove(data)
        sidecar_tids = {tid for c in cars for tid in thread_ids(c.pid)}
        pauses = [p for path in safepoint_logs for p in safepoint_pauses(path)]
    finally:
        for car in cars:
            procs.stop(car.proc)
            if os.path.exists(car.log_path):
                os.remove(car.log_path)
    result = analyse(variant, requests, delays, sidecar_tids, pauses)
    result["cpu_by_thread"] = cpu
    return result


def cpu_per_second(after, before, seconds):
    """ms of CPU per second per thread group, summed over the sidecars, from /proc (perf's run times
    count a vCPU's stolen time as running in this VM)."""
    total = {}
    for a, b in zip(after, before):
        for group, value in a.items():
            total[group] = total.get(group, 0.0) + max(0.0, value - b.get(group, 0.0)) * 1000.0 / seconds
    return total


def thread_ids(pid):
    return [int(t) for t in os.listdir(f"/proc/{pid}/task")]


def run_queue_waits(data, mono_to_epoch):
    """[(start s, end s, delay ms, comm, tid)] from `perf sched timehist`: each time a task was woken
    and then waited for a CPU. timehist's row is stamped when the task left the CPU; the wait ended
    `run time` before that."""
    out = subprocess.run(["perf", "sched", "timehist", "-i", data], capture_output=True, text=True, timeout=600).stdout
    waits = []
    for line in out.splitlines():
        m = TIMEHIST.match(line)
        if not m:
            continue
        stamp, comm, tid = float(m.group(1)), m.group(2), int(m.group(3))
        delay_ms, run_ms = float(m.group(6)), float(m.group(7))
        if delay_ms <= 0:
            continue
        end = stamp - run_ms / 1000.0 + mono_to_epoch
        waits.append((end - delay_ms / 1000.0, end, delay_ms, comm, tid))
    return waits


def safepoint_pauses(path):
    """[(start s, end s, ms, reason)] from a -Xlog:safepoint log stamped with epoch milliseconds (the
    line is written when the pause ends)."""
    pauses = []
    if not os.path.exists(path):
        return pauses
    with open(path, errors="replace") as f:
        for line in f:
            m = SAFEPOINT.match(line)
            if m:
                end, ms = int(m.group(1)) / 1000.0, int(m.group(3)) / 1e6
                pauses.append((end - ms / 1000.0, end, ms, m.group(2)))
    return pauses


def is_event_loop(variant, comm):
    return variant.kind == "haproxy" or comm.startswith("multiThreadIoEv")


def analyse(variant, requests, delays, sidecar_tids, pauses):
    """The round's figures; requests are (start s, latency ms)."""
    latencies = sorted(ms for _, ms in requests)
    p99 = load.percentile(latencies, 99)
    t_first = min(s for s, _ in requests)
    t_last = max(s + ms / 1000.0 for s, ms in requests)
    loop_waits = [d for d in delays if d[4] in sidecar_tids and is_event_loop(variant, d[3]) and t_first <= d[1] <= t_last]
    other_waits = [d for d in delays if d[4] not in sidecar_tids and (d[3].startswith("h2load") or d[3].startswith("nginx"))
                   and t_first <= d[1] <= t_last]
    in_phase_pauses = [p for p in pauses if t_first <= p[1] <= t_last]
    p40, p60 = load.percentile(latencies, 40), load.percentile(latencies, 60)
    slow = [(s, s + ms / 1000.0) for s, ms in requests if ms >= p99]
    # The comparison group: requests around the median. A cause that overlaps slow requests no more
    # often than these is not what makes them slow (at hundreds of waits a second, every window of a
    # few ms overlaps some wait).
    typical = [(s, s + ms / 1000.0) for s, ms in requests if p40 <= ms <= p60]
    causes = {
        "safepoint": in_phase_pauses,
        "loop wait": [w for w in loop_waits if w[2] >= DELAY_MS],
        "client/nginx wait": [w for w in other_waits if w[2] >= DELAY_MS],
    }
    slow_by = {name: overlap_share(slow, spans) for name, spans in causes.items()}
    typical_by = {name: overlap_share(typical, spans) for name, spans in causes.items()}
    seconds = max(t_last - t_first, 1e-9)
    loop_ms = sorted(d[2] for d in loop_waits)
    return {
        "requests": len(requests),
        "p50": load.percentile(latencies, 50),
        "p99": p99,
        "p999": load.percentile(latencies, 99.9),
        "slow": len(slow),
        "slow_by": slow_by,
        "typical_by": typical_by,
        "loop_waits_per_s": len(loop_waits) / seconds,
        "loop_wait_p50": load.percentile(loop_ms, 50),
        "loop_wait_p99": load.percentile(loop_ms, 99),
        "loop_wait_max": loop_ms[-1] if loop_ms else float("nan"),
        "loop_waits_over": sum(1 for ms in loop_ms if ms >= DELAY_MS) / seconds,
        "pauses_per_s": len(in_phase_pauses) / seconds,
        "pause_ms_max": max((p[2] for p in in_phase_pauses), default=0.0),
        "pause_ms_sum_per_s": sum(p[2] for p in in_phase_pauses) / seconds,
        "pause_reasons": sorted({p[3] for p in in_phase_pauses}),
    }


def overlap_share(requests, spans):
    """The share of requests ((start, end) in s) that one of the spans ((start, end, ...)) overlapped."""
    if not requests:
        return float("nan")
    spans = sorted((a, b) for a, b, *_ in spans)
    starts = [a for a, _ in spans]
    longest = max((b - a for a, b in spans), default=0.0)
    hits = 0
    for s, e in requests:
        # Only spans starting before the request's end and at most `longest` before its start can overlap.
        i = bisect.bisect_left(starts, s - longest)
        while i < len(spans) and spans[i][0] < e:
            if spans[i][1] > s:
                hits += 1
                break
            i += 1
    return hits / len(requests)


def summary_line(r):
    causes = ", ".join(f"{name} {100 * r['slow_by'][name]:.0f}% (typical {100 * r['typical_by'][name]:.0f}%)"
                       for name in r["slow_by"])
    return f"p50 {r['p50']:.2f} p99 {r['p99']:.2f} ms; slow {r['slow']} overlapped by: {causes}"


def report(chosen, results, settings, seconds, warm, started):
    lines = [
        f"# Outrigger benchmark (sched), {started.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"- {settings.rounds} rounds; per variant and round: sidecars in both pods, {settings.warmup} s wrk at max rate, "
        f"{warm} s at {settings.rate:g} req/s (warm), then {seconds} s at {settings.rate:g} req/s "
        f"({settings.connections} connections, h2load) under `perf sched record -a`.",
        f"- A slow request: at or above the phase's p99; typical: between p40 and p60. Each column gives the share of slow (typical) requests that one of these overlapped: "
        f"a safepoint pause of either sidecar (Outrigger's -Xlog:safepoint); a run-queue wait ≥ {DELAY_MS} ms "
        "(woken, no CPU free) of an event-loop thread of either sidecar; such a wait of h2load or nginx.",
        f"- Load average at the end: {os.getloadavg()[0]:.2f}",
        "",
        "| variant | round | p50 ms | p99 ms | p99.9 ms | slow requests | overlapped by a safepoint, slow (typical) | "
        "by an event-loop wait | by an h2load/nginx wait | event-loop waits/s | wait p50 / p99 / max ms | "
        f"waits ≥ {DELAY_MS} ms /s | pauses/s (max ms, ms per s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for v in chosen:
        for i, r in enumerate(results[v.name]):
            shares = " | ".join(f"{100 * r['slow_by'][c]:.0f}% ({100 * r['typical_by'][c]:.0f}%)"
                                for c in ("safepoint", "loop wait", "client/nginx wait"))
            lines.append(
                f"| {v.name} | {i + 1} | {r['p50']:.2f} | {r['p99']:.2f} | {r['p999']:.2f} | {r['slow']} | {shares} | "
                f"{r['loop_waits_per_s']:.0f} | {r['loop_wait_p50']:.3f} / {r['loop_wait_p99']:.2f} / "
                f"{r['loop_wait_max']:.2f} | {r['loop_waits_over']:.1f} | "
                f"{r['pauses_per_s']:.1f} ({r['pause_ms_max']:.2f}, {r['pause_ms_sum_per_s']:.2f}) |")
    groups = sorted({g for v in chosen for r in results[v.name] for g in r["cpu_by_thread"]})
    lines += ["", "Sidecar CPU by thread group in the measured phase (ms of CPU per second, both sidecars, from "
              "/proc):", "", "| variant | round | " + " | ".join(groups) + " |", "|---|---|" + "---|" * len(groups)]
    for v in chosen:
        for i, r in enumerate(results[v.name]):
            lines.append(f"| {v.name} | {i + 1} | "
                         + " | ".join(f"{r['cpu_by_thread'].get(g, 0.0):.1f}" for g in groups) + " |")
    reasons = sorted({x for v in chosen for r in results[v.name] for x in r["pause_reasons"]})
    if reasons:
        lines += ["", "Safepoint reasons seen in the measured phase: " + ", ".join(f"`{x}`" for x in reasons) + "."]
    return "\n".join(lines) + "\n"
