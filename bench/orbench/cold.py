"""bench/run cold: what a fresh sidecar does with full traffic the moment it is ready, as in a rolling
deploy. No warm-up: the load starts right after readiness (and the path check's 20 requests).

Per variant and round, two fresh pairs of sidecars:
1. Fixed rate: h2load at BENCH_RATE (1000 req/s) for BENCH_COLD_SECONDS (60) and BENCH_COLD_STEADY_SECONDS (60)
   more, p50/p99 per BENCH_COLD_WINDOW (10 s) of request start time, and each window's CPU by thread group (the
   JIT's share); p50/p99 over the first BENCH_COLD_SECONDS (what a new pod pays) and over the rest (steady state).
2. Max rate: wrk in consecutive windows of BENCH_COLD_WINDOW up to BENCH_COLD_SECONDS: req/s per window.

The first window is what users pay in a rollout; the last windows are the steady state the other modes
measure after their warm-up.
"""

import datetime
import os
import threading
import time

from . import load, measure, report, sidecars, training


def variants():
    return [
        sidecars.Variant("haproxy-http", "haproxy", "L7", "HAProxy 2.6, HTTP mode", haproxy_config="haproxy-http.cfg"),
        sidecars.Variant("outrigger", "outrigger", "L7", "Outrigger defaults (JDK 17, shipped flags, CDS archive)"),
    ] + sidecars.cold_variants()


class ThreadSampler:
    """Each sidecar's CPU by thread group at every window boundary, from a background thread."""

    def __init__(self, cars, window, count):
        self.cars = cars
        self.window = window
        self.count = count
        self.samples = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.t0 = time.monotonic()
        self.samples.append(self._sample())
        self._thread.start()

    def _sample(self):
        return [c.thread_cpu() for c in self.cars]

    def _run(self):
        for i in range(1, self.count + 1):
            time.sleep(max(0.0, self.t0 + i * self.window - time.monotonic()))
            try:
                self.samples.append(self._sample())
            except OSError:
                return  # a sidecar ended

    def join(self):
        self._thread.join(timeout=self.window * 2)

    def windows(self):
        """Per window: {group: vCPU of all sidecars together}."""
        out = []
        for before, after in zip(self.samples, self.samples[1:]):
            groups = {}
            for b, a in zip(before, after):
                for g in a:
                    groups[g] = groups.get(g, 0.0) + max(0.0, a[g] - b.get(g, 0.0)) / self.window
            out.append(groups)
        return out


def start_pair(world, variant, tag, archive):
    cars = []
    for pod in (world.server, world.client):
        cars.append(sidecars.start(pod, variant, world, f"{tag}-{pod.name}", (archive or {}).get(pod.name, "")))
    measure.verify_path(world, variant, cars[1], cars[0])
    return cars


def stop_pair(cars):
    for car in reversed(cars):
        car.stop()
        if os.path.exists(car.log_path):
            os.remove(car.log_path)


def run_variant(world, variant, settings, cold, tag, archive):
    world.set_rules(True)
    count = int(cold["seconds"] // cold["window"])
    total = cold["seconds"] + cold["steady"]
    cars = start_pair(world, variant, f"{tag}-rate", archive)
    try:
        sampler = ThreadSampler(cars, cold["window"], int(total // cold["window"]))
        sampler.start()
        fixed, spans = load.h2load_windows(
            world.client, world.url(), total, settings.rate, settings.connections,
            os.path.join(world.workdir, f"{tag}-h2load.log"), cold["window"],
            spans={"first": (0, cold["seconds"]), "steady": (cold["seconds"], total)})
        sampler.join()
        for w, cpu in zip(fixed, sampler.windows()):
            w["cpu"] = cpu
        ready = [c.ready_ms for c in cars]
    finally:
        stop_pair(cars)
    cars = start_pair(world, variant, f"{tag}-max", archive)
    try:
        peak = [load.wrk_max(world.client, world.url(), cold["window"], settings.connections, settings.wrk_threads)
                for _ in range(count)]
    finally:
        stop_pair(cars)
    return {"fixed": fixed, "spans": spans, "max": peak, "ready_ms": ready}


def _plan(env):
    return {"seconds": int(env.get("BENCH_COLD_SECONDS", 60)),
            "window": int(env.get("BENCH_COLD_WINDOW", 10)),
            "steady": int(env.get("BENCH_COLD_STEADY_SECONDS", 60))}


def _chosen(settings):
    return [v for v in variants() if not settings.only or v.name in settings.only]


def planned_seconds(settings, env):
    """About how long the run takes: per variant and round the fixed-rate and max-rate phases and two
    starts of a pair (30 s each, generously), plus a training run per variant that needs one."""
    cold = _plan(env)
    chosen = _chosen(settings)
    per_round = len(chosen) * (2 * cold["seconds"] + cold["steady"] + 60)
    return settings.rounds * per_round + 120 * sum(1 for v in chosen if v.training)


def run(world, settings, results_dir, log):
    cold = _plan(os.environ)
    started = datetime.datetime.now()
    chosen = _chosen(settings)
    archives = training.train_all(world, chosen, settings, log)
    rounds = {v.name: [] for v in chosen}
    for r in range(settings.rounds):
        for v in (chosen if r % 2 == 0 else list(reversed(chosen))):
            result = run_variant(world, v, settings, cold, f"cold-r{r}-{v.name}", archives.get(v.name))
            rounds[v.name].append(result)
            log(f"round {r + 1}: {v.name}: max req/s per window "
                + " ".join(f"{w['rps']:,.0f}" for w in result["max"])
                + f"; p99 ms at {settings.rate:g} req/s per window " + " ".join(f"{w['p99']:.2f}" for w in result["fixed"])
                + f"; first {cold['seconds']} s {result['spans']['first']['p99']:.2f}, then "
                + f"{result['spans']['steady']['p99']:.2f}")
    report.write_markdown(results_dir, started, "cold", summarise(chosen, rounds, settings, cold, started), log)
    return 0


def _windowed(rounds, name, pick, count):
    """Per window (the first `count`): the median over rounds of pick(round result, window index)."""
    return [report.median([pick(r, i) for r in rounds[name]]) for i in range(count)]


def _steady_cpu(result, count, group=None):
    """Mean vCPU of the fixed-rate windows after the first `count` (all groups, or one)."""
    later = result["fixed"][count:]
    if not later:
        return float("nan")
    return sum(sum(w.get("cpu", {}).values()) if group is None else w.get("cpu", {}).get(group, 0.0)
               for w in later) / len(later)


def summarise(chosen, rounds, settings, cold, started):
    from .main import machine_description, _version
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    commit = _version(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    w = cold["window"]
    count = int(cold["seconds"] // w)
    heads = " | ".join(f"{i * w}–{(i + 1) * w} s" for i in range(count))
    sep = "|".join(["---"] * (count + 1))
    lines = [
        f"# Outrigger benchmark (cold), {started.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"- Machine: {machine_description()}; load average now: {os.getloadavg()[0]:.2f}",
        f"- Outrigger at {commit}; {settings.rounds} rounds; fresh sidecars for each phase; no warm-up: the load "
        f"starts right after readiness and a 20-request path check. {settings.connections} connections.",
        "- Figures are medians over rounds; only ratios within this run are claims.",
        "",
        "Variants:",
        "",
        *[f"- `{v.name}`: {v.description}" for v in chosen],
        "",
        f"## Max rate per {w} s window after ready (wrk, req/s)",
        "",
        f"| variant | {heads} |",
        f"|{sep}|",
    ]
    rps = {v.name: _windowed(rounds, v.name, lambda r, i: r["max"][i]["rps"], count) for v in chosen}
    for v in chosen:
        lines.append(f"| {v.name} | " + " | ".join(f"{x:,.0f}" for x in rps[v.name]) + " |")
    peer = rps.get("haproxy-http")
    if peer:
        for v in chosen:
            if v.name != "haproxy-http":
                lines.append(f"| {v.name} / haproxy-http | " + " | ".join(
                    f"{a / b:.2f}×" for a, b in zip(rps[v.name], peer)) + " |")
    lines += ["", f"## p99 ms at {settings.rate:g} req/s per {w} s window after ready (h2load, by request start)", "",
              f"| variant | {heads} |", f"|{sep}|"]
    for v in chosen:
        lines.append(f"| {v.name} | " + " | ".join(
            f"{x:.2f}" for x in _windowed(rounds, v.name, lambda r, i: r["fixed"][i]["p99"], count)) + " |")
    lines += ["", f"## p99 ms of the max-rate windows (wrk --latency, closed loop)", "",
              f"| variant | {heads} |", f"|{sep}|"]
    for v in chosen:
        lines.append(f"| {v.name} | " + " | ".join(
            f"{x:.2f}" for x in _windowed(rounds, v.name, lambda r, i: r["max"][i]["p99"], count)) + " |")
    lines += ["", f"## CPU at {settings.rate:g} req/s per window, both sidecars (vCPU: total, of which JIT)", "",
              f"| variant | {heads} |", f"|{sep}|"]
    for v in chosen:
        total = _windowed(rounds, v.name, lambda r, i: sum(r["fixed"][i].get("cpu", {}).values()), count)
        jit = _windowed(rounds, v.name, lambda r, i: r["fixed"][i].get("cpu", {}).get("JIT", 0.0), count)
        lines.append(f"| {v.name} | " + " | ".join(f"{t:.3f} ({j:.3f} JIT)" for t, j in zip(total, jit)) + " |")
    first, steady = f"first {cold['seconds']} s", f"{cold['seconds']}–{cold['seconds'] + cold['steady']} s (steady)"
    lines += ["", f"## At {settings.rate:g} req/s: the first {cold['seconds']} s after ready and the steady state after it "
              "(h2load, one run of the load, by request start)", "",
              f"| variant | p50 ms, {first} | p99 ms, {first} | p50 ms, {steady} | p99 ms, {steady} "
              f"| vCPU both sidecars, {steady} (of which JIT) |", "|---|---|---|---|---|---|"]
    for v in chosen:
        runs = rounds[v.name]
        med = lambda span, k: report.median([r["spans"][span][k] for r in runs])
        lines.append(f"| {v.name} | {med('first', 'p50'):.2f} | {med('first', 'p99'):.2f} | {med('steady', 'p50'):.2f} "
                     f"| {med('steady', 'p99'):.2f} | {report.median([_steady_cpu(r, count) for r in runs]):.3f} "
                     f"({report.median([_steady_cpu(r, count, 'JIT') for r in runs]):.3f}) |")
    errors = {v.name: sum(x["errors"] for r in rounds[v.name] for x in r["fixed"] + r["max"]) for v in chosen}
    lines += ["", "Errors (non-2xx, failed requests): " + ", ".join(f"`{k}` {n}" for k, n in errors.items()) + ".",
              "", "Start→ready ms (server / client), per round: " + "; ".join(
                  f"`{v.name}` " + ", ".join(f"{r['ready_ms'][0]:.0f}/{r['ready_ms'][1]:.0f}" for r in rounds[v.name])
                  for v in chosen) + "."]
    return "\n".join(lines) + "\n"
