"""Load generators, run in the client pod: wrk (closed loop, max rate), h2load (fixed rate), iperf3."""

import json
import os
import re

SLACK = 30  # seconds a tool may run past its own duration before it is killed


def wrk_max(pod, url, seconds, connections, threads, headers=()):
    """Max requests/s with keep-alive: wrk's closed loop over `connections` connections. With a
    `Connection: close` header, wrk opens a new connection for every request. Also p99 (wrk --latency:
    closed loop at saturation, so mostly queueing; comparable between variants of one run)."""
    header_args = [a for h in headers for a in ("-H", h)]
    out = pod.exec(["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"] + header_args + [url],
                   timeout=seconds + SLACK).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"):
        m = re.search(pattern, out)
        if m:
            errors += sum(int(g) for g in m.groups())
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)] if p99 else float("nan")
    return {"rps": rps, "requests": total, "errors": errors, "p99": p99_ms}


def _h2load_logged(pod, url, seconds, rate, connections, log_path):
    """h2load over HTTP/1.1 at a fixed rate, each connection paced at rate/connections, with its
    per-request log (start in µs since the epoch, status, µs to the end of the response):
    (h2load's output, [(start µs, status, latency ms)])."""
    if os.path.exists(log_path):
        os.remove(log_path)
    out = pod.exec(["h2load", "--h1", "-t1", f"-c{connections}", f"--rps={rate / connections:g}",
                    f"-D{seconds}", f"--log-file={log_path}", url], timeout=seconds + SLACK).stdout
    rows = []
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                rows.append((int(parts[0]), parts[1], int(parts[2]) / 1000.0))
    os.remove(log_path)
    return out, rows


def h2load_requests(pod, url, seconds, rate, connections, log_path):
    """Like h2load_fixed_rate, but every successful request itself: [(start, epoch seconds; latency ms)]."""
    _, rows = _h2load_logged(pod, url, seconds, rate, connections, log_path)
    return [(start / 1e6, ms) for start, status, ms in rows if status == "200"]


def h2load_fixed_rate(pod, url, seconds, rate, connections, log_path):
    """Latency at a fixed request rate (h2load, see _h2load_logged); the percentiles are computed from
    every request's latency."""
    out, rows = _h2load_logged(pod, url, seconds, rate, connections, log_path)
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                  out)
    succeeded, failed, errored = int(m.group(4)), int(m.group(5)), int(m.group(6))
    latencies = [ms for _, status, ms in rows if status == "200"]
    latencies.sort()
    return {
        "requests": succeeded,
        "errors": failed + errored,
        "rate": succeeded / seconds,
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
        "p999": percentile(latencies, 99.9),
    }


def h2load_windows(pod, url, seconds, rate, connections, log_path, window, spans=None):
    """h2load at a fixed rate for `seconds`, with p50/p99 per `window` seconds of request start time
    (from the first request): [{"start": s, "requests": n, "errors": e, "p50": ms, "p99": ms}], and the
    same figures over each of `spans` ({name: (from s, to s)}, also by request start): (windows, {name: figures})."""
    _, rows = _h2load_logged(pod, url, seconds, rate, connections, log_path)
    if not rows:
        raise RuntimeError("h2load logged no requests")
    first = min(r[0] for r in rows)
    buckets = {}
    for start, status, ms in rows:
        b = buckets.setdefault(int((start - first) / 1e6 // window), {"ok": [], "errors": 0})
        if status == "200":
            b["ok"].append(ms)
        else:
            b["errors"] += 1
    windows = [_figures(i * window, [buckets.get(i, {"ok": [], "errors": 0})]) for i in range(int(seconds // window))]
    over = {}
    for name, (begin, end) in (spans or {}).items():
        over[name] = _figures(begin, [b for i, b in buckets.items() if begin <= i * window and (i + 1) * window <= end])
    return windows, over


def _figures(start, buckets):
    ok = sorted(ms for b in buckets for ms in b["ok"])
    return {"start": start, "requests": len(ok), "errors": sum(b["errors"] for b in buckets),
            "p50": percentile(ok, 50), "p99": percentile(ok, 99)}


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]


def iperf3(pod, server_ip, seconds, omit=1):
    """Single-stream TCP throughput, client to server, in Gbit/s (the receiver's count)."""
    out = pod.exec(["iperf3", "-J", "-c", server_ip, "-t", str(seconds), "-O", str(omit), "-P", "1"],
                   timeout=seconds + omit + SLACK, check=False).stdout
    result = json.loads(out)
    if "error" in result:
        raise RuntimeError("iperf3: " + result["error"])
    return result["end"]["sum_received"]["bits_per_second"] / 1e9
