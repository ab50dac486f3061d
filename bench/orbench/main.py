"""bench/run [standard|jvm|knobs|mtls|profile|cold|density|scale|sched]: builds the pods, runs the variants interleaved, writes the report."""

import datetime
import os
import platform
import signal
import subprocess
import sys
import time
import traceback

from . import measure, report, setup, sidecars, training


class Deadline(Exception):
    pass


def _on_signal(signum, _frame):
    if signum == signal.SIGALRM:
        raise Deadline("BENCH_DEADLINE_SECONDS reached")
    raise KeyboardInterrupt(f"signal {signum}")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "standard"
    bench_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    repo = os.path.dirname(bench_dir)
    settings = measure.Settings(os.environ)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, _on_signal)
    if mode == "cold" and "BENCH_DEADLINE_SECONDS" not in os.environ:
        # Its length grows with rounds, variants and the windows asked for: the default deadline too.
        from . import cold
        settings.deadline = max(settings.deadline, cold.planned_seconds(settings, os.environ) + 600)
    signal.alarm(settings.deadline)
    if mode == "scale":
        # Its own pods and xDS server (the integration-tests harness), not the two-pod world.
        from . import scale
        results_dir = os.environ.get("BENCH_RESULTS_DIR", os.path.join(bench_dir, "results"))
        try:
            return scale.run(repo, bench_dir, results_dir, log, settings.deadline)
        finally:
            signal.alarm(0)
    world = setup.World(repo, bench_dir)
    try:
        world.build()
        if mode == "mtls":
            world.make_mesh_ca()
        results_dir = os.environ.get("BENCH_RESULTS_DIR", os.path.join(bench_dir, "results"))
        if mode == "profile":
            from . import profile
            return profile.run(world, settings, results_dir)
        if mode == "cold":
            from . import cold
            return cold.run(world, settings, results_dir, log)
        if mode == "sched":
            from . import sched
            return sched.run(world, settings, results_dir, log)
        if mode == "density":
            from . import density
            return density.run(world, settings, results_dir, log)
        variants = {"standard": sidecars.standard_variants, "jvm": sidecars.jvm_variants,
                    "knobs": sidecars.knob_variants, "mtls": sidecars.mtls_variants}[mode]()
        if settings.only:
            variants = [v for v in variants if v.name in settings.only]
        return run_rounds(world, variants, settings, mode, bench_dir)
    finally:
        signal.alarm(0)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # cleanup must not be cut short
        log("cleaning up")
        world.teardown()


def run_rounds(world, variants, settings, mode, bench_dir):
    started = datetime.datetime.now()
    log(f"{mode}: {len(variants)} variants, {settings.describe()}")
    load_before = os.getloadavg()
    archives = training.train_all(world, variants, settings, log)
    rounds = {v.name: [] for v in variants}
    for r in range(settings.rounds):
        order = variants if r % 2 == 0 else list(reversed(variants))
        for v in order:
            tag = f"r{r}-{v.name}"
            try:
                result = measure.run_variant(world, v, settings, tag, archives.get(v.name))
            except (KeyboardInterrupt, Deadline):
                raise
            except Exception as e:  # one failed variant must not lose the others' figures
                traceback.print_exc()
                _print_sidecar_errors(world.workdir, tag)
                result = {"variant": v.name, "error": str(e)}
                log(f"round {r + 1}: {v.name} FAILED: {e}")
            else:
                log(f"round {r + 1}: {v.name}: {result['rps_max']:,.0f} req/s, p50/p90/p99 "
                    f"{result['p50']:.3f}/{result['p90']:.3f}/{result['p99']:.3f} ms at {result['rate']:.0f} req/s, "
                    f"iperf3 {result['iperf_gbps']:.2f} Gbit/s"
                    + (f", vCPU srv/cli {result['vcpu_at_rate'][0]:.3f}/{result['vcpu_at_rate'][1]:.3f}, "
                       f"RSS {result['rss_peak_mib'][0]:.1f}/{result['rss_peak_mib'][1]:.1f} MiB, "
                       f"ready {result['ready_ms'][0]:.0f}/{result['ready_ms'][1]:.0f} ms"
                       if "ready_ms" in result else "")
                    + (f", new connection per request {result['cps']:,.0f}/s, CPU ms per connection srv/cli "
                       f"{result['cpu_ms_per_conn'][0]:.3f}/{result['cpu_ms_per_conn'][1]:.3f}"
                       if "cps" in result else ""))
            rounds[v.name].append(result)
    load_after = os.getloadavg()
    summary = report.summarise(variants, rounds)
    return write_report(variants, summary, rounds, settings, mode, bench_dir, started,
                        time.monotonic(), load_before, load_after)


def _print_sidecar_errors(workdir, tag):
    """The end of each sidecar's stderr, for a variant that failed (the work directory goes at the end)."""
    for name in sorted(os.listdir(workdir)):
        if name.startswith(tag + "-") and name.endswith(".err"):
            with open(os.path.join(workdir, name), errors="replace") as f:
                tail = f.read()[-3000:]
            print(f"--- {name} (last 3000 characters)\n{tail}", flush=True)


def mtls_sections(variants, summary, rounds, settings):
    tls = sorted({f"`{name}`: {r['tls']}" for name, rs in rounds.items() for r in rs if "tls" in r})
    return [
        "mTLS connections (the client sidecar's log): " + "; ".join(tls) + ".",
        "",
        f"## A new connection per request ({settings.connection_seconds} s, wrk `Connection: close`, "
        f"{settings.connections} connections)",
        "",
        "Every request opens a connection from the client sidecar to the server sidecar; with mTLS that is a "
        "full TLS handshake (the client sidecar does not resume sessions) with a client certificate that "
        "the server sidecar verifies. CPU per connection: each sidecar's CPU over the phase / connections.",
        "",
        report.connections_table(variants, summary),
        "",
        "## The cost of mTLS (each mTLS variant / its plaintext twin; and vs HAProxy terminating the same mTLS)",
        "",
        report.mtls_table(variants, summary),
        "",
    ]


def _version(argv, pattern_line=0):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        lines = (out.stdout + out.stderr).strip().splitlines()
        return lines[pattern_line].strip() if lines else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def machine_description():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    return f"{cpu}, {os.cpu_count()} CPUs, {mem_gib:.0f} GiB, Linux {platform.release()}"


def write_report(variants, summary, rounds, settings, mode, bench_dir, started, _now, load_before, load_after):
    results_dir = os.environ.get("BENCH_RESULTS_DIR", os.path.join(bench_dir, "results"))
    os.makedirs(results_dir, exist_ok=True)
    stamp = started.strftime("%Y-%m-%d-%H%M")
    suffix = "" if mode == "standard" else f"-{mode}"
    targets = report.targets_table(summary)
    md_path = os.path.join(results_dir, f"{stamp}{suffix}.md")
    png_name = f"{stamp}{suffix}-latency.png"
    png_path = os.path.join(results_dir, png_name)
    java_homes = sorted({v.java_home for v in variants if v.kind == "outrigger"})
    versions = [
        "Java: " + "; ".join(_version([os.path.join(h, "bin", "java") if h else "java", "-version"], 1)
                             for h in java_homes),
        _version(["haproxy", "-v"]).split(" - ")[0],
        "nginx " + _version(["nginx", "-v"]).split("/")[-1],
        _version(["wrk", "-v"]).split(" [")[0],
        _version(["h2load", "--version"]),
        _version(["iperf3", "--version"]).split(" (")[0],
    ]
    repo = os.path.dirname(bench_dir)
    commit = _version(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, timeout=20).stdout.strip()
    versions.insert(0, f"Outrigger at {commit}{' with uncommitted changes' if dirty else ''}")
    title = f"Outrigger benchmark ({mode}), {started.strftime('%Y-%m-%d %H:%M')}"
    report.plot(variants, summary, rounds, settings.rate, png_path,
                f"Latency at a fixed {settings.rate:g} req/s, {settings.connections} connections, "
                f"client → two sidecars → nginx (1 KiB)")
    duration = (datetime.datetime.now() - started).total_seconds()
    text = "\n".join([
        f"# {title}",
        "",
        f"- Machine: {machine_description()}; load average before/after: "
        f"{load_before[0]:.2f} / {load_after[0]:.2f}",
        f"- Versions: {', '.join(versions)}",
        f"- Settings: {settings.describe()}; run took {duration / 60:.1f} min",
        "- Path: wrk/h2load/iperf3 in the client pod → client sidecar (outbound capture) → bridge → server "
        "sidecar (inbound capture) → nginx / iperf3 in the server pod; every proxied variant behind the same "
        "nat rules (`outrigger iptables` with the injector's flags), sidecars as uid 1337.",
        "- Figures are medians over rounds; only ratios within this run are claims, absolute numbers "
        "depend on the machine. CPU and RSS are per sidecar process (/proc/<pid>/stat utime+stime, VmHWM).",
        "",
        "Variants:",
        "",
        *[f"- `{v.name}`: {v.description}" for v in variants],
        "",
        "## Figures",
        "",
        report.figures_table(variants, summary),
        "",
        "## Ratios (peer: HAProxy of the same layer, in this run)",
        "",
        report.ratios_table(variants, summary),
        "",
        *(["## Targets (issue 5)", "", targets, ""] if targets else []),
        *(mtls_sections(variants, summary, rounds, settings) if mode == "mtls" else []),
        f"## CPU at {settings.rate:g} req/s by thread (vCPU, both sidecars together)",
        "",
        report.threads_table(variants, rounds),
        "",
        "## Spread",
        "",
        report.rounds_table(variants, summary),
        "",
        f"![latency percentiles]({png_name})",
        "",
    ])
    errors = [f"- {name}: {r['error']}" for name, rs in rounds.items() for r in rs if "error" in r]
    if errors:
        text += "\n## Failures\n\n" + "\n".join(errors) + "\n"
    with open(md_path, "w") as f:
        f.write(text)
    print()
    print(text)
    log(f"wrote {md_path} and {png_path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
