"""bench/run profile: Outrigger (defaults) in both pods under async-profiler (CPU and allocation
samples, JFR format), with NMT and a GC log, through a warm-up, a steady phase at the fixed rate
and a max-rate phase. Samples are cut to each phase by their timestamps and summarised: where
CPU goes (threads, leaf frames, Outrigger frames), and what is allocated where.
"""

import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter

from . import load, procs, sidecars

ASYNC_PROFILER_VERSION = "4.1"
JFR_TOOL = os.path.join(sidecars.TEMURIN_25, "bin", "jfr")  # reads JDK 17 and async-profiler recordings
TOP = 15


def agent_library(workdir):
    jar = os.path.expanduser(f"~/.m2/repository/tools/profiler/async-profiler/{ASYNC_PROFILER_VERSION}/"
                             f"async-profiler-{ASYNC_PROFILER_VERSION}.jar")
    target = os.path.join(workdir, "jvm", "libasyncProfiler.so")
    subprocess.run(["unzip", "-p", jar, "linux-x64/libasyncProfiler.so"], stdout=open(target, "wb"), check=True,
                   timeout=60)
    os.chmod(target, 0o755)
    return target


def run(world, settings, results_dir):
    started = datetime.datetime.now()
    seconds = int(os.environ.get("BENCH_PROFILE_SECONDS", 30))
    lib = agent_library(world.workdir)
    jvm_dir = os.path.join(world.workdir, "jvm")
    variant = sidecars.standard_variants()[3]  # outrigger, defaults
    world.set_rules(True)
    cars, windows = [], {}
    try:
        for pod in (world.server, world.client):
            extra = (f"-agentpath:{lib}=start,event=cpu,interval=1ms,alloc=256k,"
                     f"file={jvm_dir}/profile-{pod.name}.jfr "
                     f"-XX:NativeMemoryTracking=summary -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics "
                     f"-Xlog:gc:file={jvm_dir}/gc-{pod.name}.log")
            cars.append(sidecars.start(pod, variant, world,
                                       f"profile-{pod.name}", extra))
        load.wrk_max(world.client, world.url(), settings.warmup * 2, settings.connections, settings.wrk_threads)
        t0, before = time.time(), {c.pod.name: c.thread_cpu() for c in cars}
        lat = load.h2load_fixed_rate(world.client, world.url(), seconds, settings.rate, settings.connections,
                                     os.path.join(world.workdir, "profile-h2load.log"))
        windows["steady"] = (t0, time.time(), lat["requests"], _delta(before, cars))
        t0, before = time.time(), {c.pod.name: c.thread_cpu() for c in cars}
        peak = load.wrk_max(world.client, world.url(), settings.max_seconds, settings.connections,
                            settings.wrk_threads)
        windows["max"] = (t0, time.time(), peak["requests"], _delta(before, cars))
        syscalls = {"outrigger": {c.pod.name: syscall_counts(c.pid, world, settings) for c in cars}}
    finally:
        nmt = {}
        for car in cars:
            procs.stop(car.proc, grace=30)
            with open(car.log_path, errors="replace") as f:
                text = f.read()
            i = text.find("Native Memory Tracking:")
            nmt[car.pod.name] = text[i:] if i >= 0 else "(no NMT report)"
            os.remove(car.log_path)
    syscalls["haproxy-http"] = haproxy_syscalls(world, settings)
    stamp = started.strftime("%Y-%m-%d-%H%M")
    out_dir = os.path.join(results_dir, f"{stamp}-profile")
    os.makedirs(out_dir, exist_ok=True)
    for path in glob.glob(os.path.join(jvm_dir, "profile-*.jfr")) + glob.glob(os.path.join(jvm_dir, "gc-*.log")):
        shutil.copy(path, out_dir)
    text = summarise(out_dir, windows, nmt, settings, seconds) + syscall_section(syscalls, settings)
    md_path = os.path.join(results_dir, f"{stamp}-profile.md")
    with open(md_path, "w") as f:
        f.write(text)
    print(text)
    print(f"wrote {md_path}; recordings in {out_dir}")
    return 0


STRACE_SECONDS = 3


def syscall_counts(pid, world, settings):
    """System calls of every thread of the process while h2load sends STRACE_SECONDS at the fixed
    rate: {syscall: calls per request}. strace slows the process down; the counts stay exact."""
    tracer = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # attaching to every thread
        lat = load.h2load_fixed_rate(world.client, world.url(), STRACE_SECONDS, settings.rate, settings.connections,
                                     os.path.join(world.workdir, "strace-h2load.log"))
    finally:
        tracer.send_signal(2)
        _, err = tracer.communicate(timeout=60)
    calls = {}
    for line in err.splitlines():
        parts = line.split()
        # % time  seconds  usecs/call  calls  [errors]  syscall
        if len(parts) >= 5 and parts[0].replace(".", "").isdigit() and parts[-1] != "total":
            calls[parts[-1]] = int(parts[3]) / max(lat["requests"], 1)
    return calls


def haproxy_syscalls(world, settings):
    variant = sidecars.standard_variants()[2]  # haproxy-http
    cars = []
    try:
        for pod in (world.server, world.client):
            cars.append(sidecars.start(pod, variant, world, f"strace-{pod.name}"))
        load.wrk_max(world.client, world.url(), 2, settings.connections, settings.wrk_threads)
        return {c.pod.name: syscall_counts(c.pid, world, settings) for c in cars}
    finally:
        for car in cars:
            procs.stop(car.proc)
            if os.path.exists(car.log_path):
                os.remove(car.log_path)


def syscall_section(syscalls, settings):
    lines = ["", f"## System calls per request at {settings.rate:g} req/s (strace -c -f, {STRACE_SECONDS} s)", "",
             "| sidecar | " + " | ".join(f"{name} {pod}" for name in syscalls for pod in ("cli", "srv")) + " |",
             "|---|" + "---|" * (2 * len(syscalls))]
    names = sorted({n for per_pod in syscalls.values() for calls in per_pod.values() for n in calls},
                   key=lambda n: -max(calls.get(n, 0) for per_pod in syscalls.values() for calls in per_pod.values()))
    for n in names:
        row = [syscalls[name][pod].get(n, 0.0) for name in syscalls for pod in ("cli", "srv")]
        if max(row) >= 0.05:
            lines.append(f"| {n} | " + " | ".join(f"{v:.2f}" for v in row) + " |")
    totals = [sum(syscalls[name][pod].values()) for name in syscalls for pod in ("cli", "srv")]
    lines.append("| **total** | " + " | ".join(f"**{v:.2f}**" for v in totals) + " |")
    return "\n".join(lines) + "\n"


def _delta(before, cars):
    """CPU seconds per thread group since `before`, per pod, from /proc."""
    out = {}
    for c in cars:
        after = c.thread_cpu()
        out[c.pod.name] = {g: max(0.0, v - before[c.pod.name].get(g, 0.0)) for g, v in after.items()}
    return out


def samples(jfr_path, event):
    out = subprocess.run([JFR_TOOL, "print", "--json", "--stack-depth", "64", "--events", event, jfr_path],
                         capture_output=True, text=True, timeout=600, check=True).stdout
    return json.loads(out)["recording"]["events"]


def frame_name(frame):
    method = frame.get("method") or {}
    cls = (method.get("type") or {}).get("name") or ""
    name = method.get("name") or "?"
    return f"{cls.replace('/', '.')}.{name}" if cls else name


def event_time(event):
    # "2026-11-21T06:20:01.123456789Z" (UTC) -> epoch seconds
    s = event["values"]["startTime"]
    base, frac = (s.rstrip("Z").split(".") + ["0"])[:2]
    return (datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()
            + float("0." + frac))


def summarise(out_dir, windows, nmt, settings, seconds):
    lines = [f"# Outrigger profile at {settings.rate:g} req/s and at max rate", "",
             f"async-profiler {ASYNC_PROFILER_VERSION} (event=cpu, 1 ms; alloc every 256 KiB), both sidecars with "
             f"bin/outrigger's default JVM flags on JDK 17. Steady phase: {seconds} s at {settings.rate:g} req/s "
             f"after a {settings.warmup * 2} s max-rate warm-up; then {settings.max_seconds} s at max rate "
             f"(wrk). Recordings and GC logs: `{os.path.basename(out_dir)}/`.", ""]
    for pod in ("cli", "srv"):
        path = os.path.join(out_dir, f"profile-{pod}.jfr")
        if not os.path.exists(path):
            lines.append(f"(no recording for {pod})")
            continue
        cpu = samples(path, "jdk.ExecutionSample")
        alloc = samples(path, "jdk.ObjectAllocationInNewTLAB") + samples(path, "jdk.ObjectAllocationOutsideTLAB")
        role = "client sidecar (outbound)" if pod == "cli" else "server sidecar (inbound)"
        for phase, (t0, t1, requests, proc_cpu) in windows.items():
            in_phase = [e for e in cpu if t0 <= event_time(e) <= t1]
            allocs = [e for e in alloc if t0 <= event_time(e) <= t1]
            lines += cpu_section(f"{role}, {phase} phase ({requests:,} requests, {t1 - t0:.0f} s)", in_phase,
                                 requests, proc_cpu.get(pod, {}), t1 - t0)
            lines += alloc_section(allocs, requests)
        lines += ["", f"### NMT at exit, {role}", "", "```", nmt_short(nmt.get(pod, "")), "```", ""]
    return "\n".join(lines) + "\n"


def cpu_section(title, events, requests, proc_cpu, seconds):
    """proc_cpu: CPU seconds per thread group from /proc, the absolute truth; the samples give the
    shares within (async-profiler's sample count here is lower than the CPU time /proc reports)."""
    n = len(events)
    total = sum(proc_cpu.values())
    lines = ["", f"### {title}", "",
             f"CPU from /proc: {total / seconds:.3f} vCPU, {total / max(requests, 1) * 1e6:.0f} µs per request; "
             f"{n} samples.", "",
             "| thread group (/proc) | vCPU | µs per request |", "|---|---|---|"]
    lines += [f"| {g} | {v / seconds:.3f} | {v / max(requests, 1) * 1e6:.0f} |"
              for g, v in sorted(proc_cpu.items(), key=lambda kv: -kv[1]) if v > 0]
    if not n:
        return lines
    leaf = Counter()
    ours = Counter()
    packages = Counter()
    for e in events:
        frames = [frame_name(f) for f in (e["values"].get("stackTrace") or {}).get("frames", [])]
        if not frames:
            continue
        leaf[frames[0]] += 1
        packages[package_of(frames[0])] += 1
        for f in dict.fromkeys(frames):
            if f.startswith("dev.outrigger."):
                ours[f] += 1
    lines += ["", "| leaf frame (self time) | share |", "|---|---|"]
    lines += [f"| `{f}` | {c / n:.1%} |" for f, c in leaf.most_common(TOP)]
    lines += ["", "| leaf frames by area | share |", "|---|---|"]
    lines += [f"| {p} | {c / n:.1%} |" for p, c in packages.most_common(10)]
    lines += ["", "| Outrigger frame (inclusive) | share |", "|---|---|"]
    lines += [f"| `{f}` | {c / n:.1%} |" for f, c in ours.most_common(TOP)]
    return lines


def package_of(frame):
    """The area a leaf frame belongs to: a native library, JVM stubs, or a Java package."""
    if frame.startswith("libjvm.so"):
        return "libjvm.so (JIT compilers, GC, runtime)"
    if ".so" in frame.split("(")[0]:
        return frame.split(".so")[0] + ".so (native: syscalls, epoll)"
    if "." not in frame or frame.startswith("["):
        return "JVM stubs, vdso"
    parts = frame.split(".")
    if parts[0] in ("java", "jdk", "sun"):
        return ".".join(parts[:2])
    return ".".join(parts[:4] if parts[0] == "dev" else parts[:3])


def alloc_section(events, requests):
    if not events:
        return []
    by_class, by_site = Counter(), Counter()
    total = 0
    for e in events:
        v = e["values"]
        weight = v.get("tlabSize") or v.get("allocationSize") or 0
        cls = (v.get("objectClass") or {}).get("name", "?").replace("/", ".")
        total += weight
        by_class[cls] += weight
        frames = [frame_name(f) for f in (v.get("stackTrace") or {}).get("frames", [])]
        site = next((f for f in frames if f.startswith("dev.outrigger.")), frames[0] if frames else "?")
        by_site[site] += weight
    lines = ["", f"Allocation (sampled TLAB/outside-TLAB weight): {total / 2**20:.0f} MiB, "
                 f"~{total / max(requests, 1) / 1024:.1f} KiB per request", "",
             "| class | share |", "|---|---|"]
    lines += [f"| `{c}` | {w / total:.0%} |" for c, w in by_class.most_common(10)]
    lines += ["", "| first Outrigger frame (or top frame) | share |", "|---|---|"]
    lines += [f"| `{s}` | {w / total:.0%} |" for s, w in by_site.most_common(10)]
    return lines


def nmt_short(text):
    """NMT's summary as committed MiB per area, largest first."""
    rows = []
    for name, committed in re.findall(r"^-\s+(.+?) \(reserved=\d+, committed=(\d+)\)", text, re.M):
        rows.append((int(committed) / 2**20, name.strip()))
    total = re.search(r"^Total: reserved=\d+, committed=(\d+)", text, re.M)
    if not rows or not total:
        return text[:2000]
    lines = [f"committed total {int(total.group(1)) / 2**20:.1f} MiB"]
    lines += [f"{mib:7.1f} MiB  {name}" for mib, name in sorted(rows, reverse=True) if mib >= 0.1]
    return "\n".join(lines)
