"""Load generators, run in the client pod: wrk (closed loop, max rate), h2load (fixed rate), iperf3."""

import json
import os
import re

SLACK = 30  # seconds a tool may run past its own duration before it is killed


def wrk_max(pod, url, seconds, connections, threads, headers=()):
    """Max requests/s with keep-alive: wrk's closed loop over `connections` connections. With a
    `Connection: close` header, wrk opens a new connection for every request."""
    header_args = [a for h in headers for a in ("-H", h)]
    out = pod.exec(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"] + header_args + [url],
                   timeout=seconds + SLACK).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"):
        m = re.search(pattern, out)
        if m:
            errors += sum(int(g) for g in m.groups())
    return {"rps": rps, "requests": total, "errors": errors}


def h2load_fixed_rate(pod, url, seconds, rate, connections, log_path):
    """Latency at a fixed request rate: h2load over HTTP/1.1, each connection paced at rate/connections.

    h2load writes one line per request (start, status, microseconds to the end of the response);
    the percentiles are computed from all of them.
    """
    if os.path.exists(log_path):
        os.remove(log_path)
    out = pod.exec(["h2load", "--h1", "-t1", f"-c{connections}", f"--rps={rate / connections:g}",
                    f"-D{seconds}", f"--log-file={log_path}", url], timeout=seconds + SLACK).stdout
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                  out)
    succeeded, failed, errored = int(m.group(4)), int(m.group(5)), int(m.group(6))
    latencies = []
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[1] == "200":
                latencies.append(int(parts[2]) / 1000.0)
    os.remove(log_path)
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
