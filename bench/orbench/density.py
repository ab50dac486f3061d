"""bench/run density: what a node pays per sidecar. N pods (default 10), each with its own sidecar behind
the outbound capture, on one host; each sidecar in turn is warmed up and then carries the fixed rate
(1000 req/s) to nginx in the server pod (no rules there: the figures are the N client sidecars'). With all
N alive, each one's memory is read from /proc/<pid>/smaps_rollup:

- USS (Private_Clean + Private_Dirty): what this process alone holds; what one more sidecar adds to the node.
- Shared (Shared_Clean + Shared_Dirty): pages also mapped by another process: libjvm, the JDK's modules
  image and the CDS archive when every sidecar uses the same files (as pods of one image layer do).
- PSS: the process's fair share (shared pages divided among their users).
- Peak RSS (VmHWM) as in the other modes.

The first Outrigger sidecar runs with Native Memory Tracking (summary) and reports the JVM's own view by
category; it is left out of the USS figures (NMT costs memory itself).
"""

import datetime
import os
import re
import statistics
import subprocess
import time

from . import load, netns, procs, sidecars, training
from .report import write_markdown

FIRST_HOST = 20
NMT_FLAGS = "-XX:NativeMemoryTracking=summary"
SMAPS_KEYS = ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty")


def variants():
    return [
        sidecars.Variant("haproxy-http", "haproxy", "L7", "HAProxy 2.6, HTTP mode", haproxy_config="haproxy-http.cfg"),
        sidecars.Variant("outrigger", "outrigger", "L7", "Outrigger defaults (bin/outrigger's JVM flags, CDS archive)"),
    ] + [v for v in sidecars.footprint_variants()]


def smaps_rollup_kib(pid):
    """The fields of /proc/<pid>/smaps_rollup, in KiB."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            m = re.match(r"^(\w+):\s+(\d+) kB", line)
            if m:
                values[m.group(1)] = int(m.group(2))
    return values


def memory_mib(pid):
    s = smaps_rollup_kib(pid)
    mib = {k: s.get(k, 0) / 1024.0 for k in SMAPS_KEYS}
    return {
        "rss": mib["Rss"],
        "pss": mib["Pss"],
        "uss": mib["Private_Clean"] + mib["Private_Dirty"],
        "shared": mib["Shared_Clean"] + mib["Shared_Dirty"],
        "peak_rss": procs.status_kib(pid, "VmHWM") / 1024.0,
    }


def jcmd(pid, *command):
    """A jcmd command's output, run as the sidecar's user (attach needs the same uid)."""
    out = subprocess.run(["setpriv", f"--reuid={sidecars.PROXY_UID}", f"--regid={sidecars.PROXY_UID}",
                          "--clear-groups", "jcmd", str(pid)] + list(command),
                         capture_output=True, text=True, timeout=60)
    return out.stdout if out.returncode == 0 else f"(jcmd failed: {out.stderr.strip() or out.stdout.strip()})"


def nmt_summary(pid):
    return jcmd(pid, "VM.native_memory", "summary")


def nmt_categories(text):
    """[(category, reserved MiB, committed MiB)] from an NMT summary, largest committed first."""
    rows = []
    for m in re.finditer(r"^-\s+([\w ]+?) \(reserved=(\d+)KB, committed=(\d+)KB\)", text, re.M):
        rows.append((m.group(1).strip(), int(m.group(2)) / 1024.0, int(m.group(3)) / 1024.0))
    total = re.search(r"^Total: reserved=(\d+)KB, committed=(\d+)KB", text, re.M)
    rows.sort(key=lambda r: -r[2])
    if total:
        rows.insert(0, ("Total", int(total.group(1)) / 1024.0, int(total.group(2)) / 1024.0))
    return rows


class DensityPods:
    """The N client pods on the bench's bridge, each with the outbound capture (the server pod has none)."""

    def __init__(self, world, count):
        self.world = world
        self.pods = [netns.Pod(f"d{i}", FIRST_HOST + i) for i in range(count)]

    def create(self):
        tool = os.path.join(self.world.repo, "bin", "outrigger")
        for pod in self.pods:
            pod.create()
            pod.exec([tool, "iptables"] + sidecars.IPTABLES_FLAGS, timeout=60,
                     env=dict(os.environ, OUTRIGGER_JAR=self.world.jar))

    def delete(self):
        netns.delete_all_pods(self.pods)


def run_variant(world, pods, variant, settings, log, archive_flag=""):
    url = world.url()
    cars, figures = [], []
    try:
        for i, pod in enumerate(pods):
            extra = " ".join(f for f in (archive_flag, NMT_FLAGS if variant.kind == "outrigger" and i == 0 else "") if f)
            car = sidecars.start(pod, variant, world, f"density-{variant.name}-{pod.name}", extra)
            cars.append(car)
            check_path(world, pod, car, variant)
        for car in cars:
            load.wrk_max(car.pod, url, settings.warmup, settings.connections, settings.wrk_threads)
            before = car.cpu_seconds()
            lat = load.h2load_fixed_rate(car.pod, url, settings.latency_seconds, settings.rate, settings.connections,
                                         os.path.join(world.workdir, f"density-{car.pod.name}-h2load.log"))
            vcpu = (car.cpu_seconds() - before) / settings.latency_seconds
            figures.append({"pod": car.pod.name, "p99": lat["p99"], "rate": lat["rate"], "vcpu": vcpu,
                            "ready_ms": car.ready_ms})
            log(f"{variant.name} in {car.pod.name}: {lat['rate']:.0f} req/s, p99 {lat['p99']:.3f} ms, "
                f"vCPU {vcpu:.3f}")
        # All N alive and each one has carried the load: what the node holds for them now.
        for car, fig in zip(cars, figures):
            fig.update(memory_mib(car.pid))
            fig["nmt"] = car.pod is pods[0] and variant.kind == "outrigger"
        nmt = None
        if variant.kind == "outrigger":
            nmt = nmt_summary(cars[0].pid)
            heap = jcmd(cars[0].pid, "GC.heap_info")
            nmt += "\n" + "\n".join(line for line in heap.splitlines()[1:] if line.strip())
            # A class histogram runs a full GC first: its total is the live heap, its top the classes that hold it.
            histogram = jcmd(cars[0].pid, "GC.class_histogram").splitlines()
            dump = os.environ.get("BENCH_DENSITY_HEAP_DUMP")
            if dump:  # for a closer look (the sidecar's user writes it: a directory it may write to)
                log(jcmd(cars[0].pid, "GC.heap_dump", "-all", dump).strip())
            nmt += "\nLIVE " + "\nLIVE ".join(line for line in histogram[1:] if line.strip())
        return figures, nmt
    finally:
        for car in reversed(cars):
            car.stop()
            if os.path.exists(car.log_path):
                os.remove(car.log_path)


def check_path(world, pod, car, variant):
    """The app sees the pod's own address (the outbound sidecar dials from it) and the sidecar counted it."""
    before = car.counters()
    out = pod.exec(["curl", "-sS", "--max-time", "5", "-H", "Connection: close"]
                   + [world.url("/whoami")] * 5).stdout.split()
    if set(out) != {pod.ip} or len(out) != 5:
        raise RuntimeError(f"{variant.name} in {pod.name}: the app saw {out}, expected {pod.ip} five times")
    after = car.counters()
    gained = max(after[("outbound", k)] - before[("outbound", k)] for k in ("cx", "rq"))
    if gained < 5:
        raise RuntimeError(f"{variant.name} in {pod.name}: the sidecar counted {gained} of 5 requests")


def run(world, settings, results_dir, log):
    count = int(os.environ.get("BENCH_DENSITY_SIDECARS", 10))
    started = datetime.datetime.now()
    chosen = [v for v in variants() if not settings.only or v.name in settings.only]
    # One archive for all N sidecars, as an image carries one: the client pod's (outbound) training.
    archives = {name: flags[world.client.name] for name, flags in training.train_all(world, chosen, settings, log).items()}
    world.set_rules(False)  # the server pod: nginx, no sidecar
    pods = DensityPods(world, count)
    results = {}
    try:
        pods.create()
        for v in chosen:
            log(f"density: {v.name}, {count} sidecars")
            results[v.name] = run_variant(world, pods.pods, v, settings, log, archives.get(v.name, ""))
    finally:
        pods.delete()
    write_markdown(results_dir, started, "density", report(chosen, results, count, settings, started), log)
    return 0


def _median(values):
    return statistics.median(values) if values else float("nan")


def report(chosen, results, count, settings, started):
    from .main import machine_description, _version
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    commit = _version(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    lines = [
        f"# Outrigger benchmark (density), {started.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"- Machine: {machine_description()}; load average now: {os.getloadavg()[0]:.2f}",
        f"- Outrigger at {commit}; {count} sidecars per variant, each in its own pod with the outbound capture, "
        f"all alive together; each in turn: {settings.warmup} s wrk at max rate, then {settings.latency_seconds} s "
        f"at {settings.rate:g} req/s (h2load, {settings.connections} connections) to nginx in the server pod.",
        "- Memory read with all of them alive, after each has carried the load: USS = private pages "
        "(what one more sidecar adds to the node), shared = pages mapped by other processes too "
        "(libjvm, the JDK's modules, the CDS archive), PSS = the fair share, from /proc/<pid>/smaps_rollup.",
        "- Outrigger's first sidecar runs with NMT and is left out of the medians.",
        "",
        "Variants:",
        "",
        *[f"- `{v.name}`: {v.description}" for v in chosen],
        "",
        "| variant | USS MiB median (max) | shared MiB | PSS MiB | RSS MiB | peak RSS MiB | p99 ms at rate | vCPU at rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for v in chosen:
        figures, _ = results[v.name]
        rows = [f for f in figures if not f["nmt"]] or figures  # one sidecar only: the NMT one
        lines.append(
            f"| {v.name} | {_median([f['uss'] for f in rows]):.1f} ({max(f['uss'] for f in rows):.1f}) "
            f"| {_median([f['shared'] for f in rows]):.1f} | {_median([f['pss'] for f in rows]):.1f} "
            f"| {_median([f['rss'] for f in rows]):.1f} | {_median([f['peak_rss'] for f in rows]):.1f} "
            f"| {_median([f['p99'] for f in rows]):.3f} | {_median([f['vcpu'] for f in rows]):.3f} |")
    peer = results.get("haproxy-http")
    if peer:
        peer_uss = _median([f["uss"] for f in peer[0]])
        lines += ["", "Private memory per extra sidecar vs HAProxy's: " + ", ".join(
            f"`{v.name}` {_median([f['uss'] for f in results[v.name][0] if not f['nmt']]) / peer_uss:.1f}×"
            for v in chosen if v.name != "haproxy-http") + "."]
    for v in chosen:
        figures, nmt = results[v.name]
        if not nmt:
            continue
        first = next(f for f in figures if f["nmt"])
        lines += ["", f"## `{v.name}`: the JVM's own view (NMT summary of the first sidecar, "
                      f"RSS {first['rss']:.1f} MiB, USS {first['uss']:.1f} MiB with NMT on)", "",
                  "| category | reserved MiB | committed MiB |", "|---|---|---|"]
        lines += [f"| {name} | {reserved:.1f} | {committed:.1f} |" for name, reserved, committed in nmt_categories(nmt)]
        lines += ["", "Heap (`jcmd GC.heap_info`):", "", "```", *[l for l in nmt.splitlines()
                  if re.match(r"^\s*(def new generation|tenured generation|eden|from|to|the space|Metaspace|class space)", l)],
                  "```"]
        live = [l[5:] for l in nmt.splitlines() if l.startswith("LIVE ")]
        total = next((l for l in live if l.startswith("Total")), None)
        if total:
            lines += ["", f"Live heap after a full GC (`jcmd GC.class_histogram`): {int(total.split()[2]) / 1048576:.1f} MiB "
                          f"in {int(total.split()[1]):,} objects; the largest:", "", "```", *live[:17], "```"]
    lines += ["", "Per sidecar:", "", "| variant | pod | USS | shared | PSS | RSS | peak RSS | p99 ms | vCPU | ready ms |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for v in chosen:
        for f in results[v.name][0]:
            lines.append(f"| {v.name} | {f['pod']}{' (NMT)' if f['nmt'] else ''} | {f['uss']:.1f} | {f['shared']:.1f} "
                         f"| {f['pss']:.1f} | {f['rss']:.1f} | {f['peak_rss']:.1f} | {f['p99']:.3f} | {f['vcpu']:.3f} "
                         f"| {f['ready_ms']:.0f} |")
    return "\n".join(lines) + "\n"
