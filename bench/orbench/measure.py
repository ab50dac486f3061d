"""One variant, one round: rules, sidecars, a check that traffic really crosses both, then the figures."""

import os
import re

from . import load, procs, setup, sidecars

VERIFY_REQUESTS = 20
# A new connection per request: the server sidecar must count about one accepted connection per request.
PER_CONNECTION_SLACK = 0.05


class Settings:
    def __init__(self, env):
        def num(key, default):
            return float(env.get(key, default))

        self.rounds = int(num("BENCH_ROUNDS", 3))
        self.warmup = int(num("BENCH_WARMUP_SECONDS", 6))
        self.max_seconds = int(num("BENCH_MAX_SECONDS", 8))
        self.connection_seconds = int(num("BENCH_CONNECTION_SECONDS", 8))
        self.latency_seconds = int(num("BENCH_LATENCY_SECONDS", 12))
        self.rate = num("BENCH_RATE", 1000)
        self.connections = int(num("BENCH_CONNECTIONS", 16))
        self.wrk_threads = int(num("BENCH_WRK_THREADS", 1))
        self.iperf_seconds = int(num("BENCH_IPERF_SECONDS", 4))
        self.deadline = int(num("BENCH_DEADLINE_SECONDS", 1500))
        self.only = [v for v in env.get("BENCH_VARIANTS", "").split(",") if v]

    def describe(self):
        return (f"{self.rounds} rounds; per variant and round: warm-up {self.warmup} s (wrk, max rate), "
                f"{self.latency_seconds} s at {self.rate:g} req/s (h2load), {self.max_seconds} s max rate (wrk), "
                f"{self.iperf_seconds} s iperf3; {self.connections} connections, wrk threads {self.wrk_threads}")


def run_variant(world, variant, settings, tag, extra_java_opts=None):
    """Returns a dict of figures. extra_java_opts: {pod name: flags} added to the sidecar's JVM flags."""
    extra_java_opts = extra_java_opts or {}
    world.set_rules(variant.proxied)
    cars = []
    try:
        # Server first, then client, one at a time: each start-to-ready is measured on an idle machine.
        for pod in (world.server, world.client):
            if variant.proxied:
                cars.append(sidecars.start(pod, variant, world,
                                           f"{tag}-{pod.name}", extra_java_opts.get(pod.name, "")))
        client_car = cars[1] if cars else None
        server_car = cars[0] if cars else None
        verify_path(world, variant, client_car, server_car)

        load.wrk_max(world.client, world.url(), settings.warmup, settings.connections, settings.wrk_threads)

        before = [c.cpu_seconds() for c in cars]
        threads_before = [c.thread_cpu() for c in cars]
        lat = load.h2load_fixed_rate(world.client, world.url(), settings.latency_seconds, settings.rate,
                                     settings.connections, os.path.join(world.workdir, f"{tag}-h2load.log"))
        after = [c.cpu_seconds() for c in cars]
        threads_after = [c.thread_cpu() for c in cars]
        cpu_at_rate = [a - b for a, b in zip(after, before)]
        # Threads that ended during the phase are missing from the "after" side: clamp at zero.
        threads_at_rate = [{g: max(0.0, ta[g] - tb.get(g, 0.0)) / settings.latency_seconds for g in ta}
                           for tb, ta in zip(threads_before, threads_after)]

        before = [c.cpu_seconds() for c in cars]
        peak = load.wrk_max(world.client, world.url(), settings.max_seconds, settings.connections,
                            settings.wrk_threads)
        after = [c.cpu_seconds() for c in cars]
        cpu_at_max = [a - b for a, b in zip(after, before)]

        per_connection = (measure_per_connection(world, settings, cars, client_car, server_car)
                          if variant.per_connection else None)
        tls = describe_tls(variant, client_car, server_car) if variant.mtls else None

        accepted = client_car.counters()[("outbound", "cx")] if client_car else 0
        gbps = load.iperf3(world.client, world.server.ip, settings.iperf_seconds)
        if client_car and client_car.counters()[("outbound", "cx")] < accepted + 2:
            raise RuntimeError("iperf3's connections did not pass the client sidecar")

        for car in cars:
            if variant.env.get("OUTRIGGER_ACCESS_LOG") != "off" and os.path.getsize(car.log_path) == 0:
                raise RuntimeError(f"{variant.name}: the sidecar in {car.pod.name} wrote no access log")

        result = {
            "variant": variant.name,
            "rps_max": peak["rps"],
            "errors": peak["errors"] + lat["errors"],
            "rate": lat["rate"],
            "p50": lat["p50"], "p90": lat["p90"], "p99": lat["p99"], "p999": lat["p999"],
            "iperf_gbps": gbps,
        }
        if per_connection:
            result.update(per_connection)
        if tls:
            result["tls"] = tls
        if cars:
            result.update({
                # per sidecar: [server, client]
                "ready_ms": [c.ready_ms for c in cars],
                "vcpu_at_rate": [s / settings.latency_seconds for s in cpu_at_rate],
                "vcpu_by_thread_at_rate": threads_at_rate,
                "cpu_per_1k_at_rate": [s / lat["requests"] * 1000 for s in cpu_at_rate],
                "cpu_per_1k_at_max": [s / peak["requests"] * 1000 for s in cpu_at_max],
                "rss_peak_mib": [c.peak_rss_mib() for c in cars],
            })
        return result
    finally:
        for car in reversed(cars):
            car.stop()
            # Access logs grow by megabytes per second under load: checked above, not kept.
            if os.path.exists(car.log_path):
                os.remove(car.log_path)


def measure_per_connection(world, settings, cars, client_car, server_car):
    """wrk at max rate with `Connection: close` to the per-connection port: every request is a new
    connection from the client sidecar to the server sidecar (with mTLS, a full handshake: the client
    sidecar does not resume sessions). Checks that the server sidecar accepted one connection per request."""
    url = world.url(port=setup.PER_CONNECTION_PORT)
    # The keep-alive warm-up did not run the connection path (accept, handshake, pipeline set-up): warm it too.
    load.wrk_max(world.client, url, settings.warmup, settings.connections, settings.wrk_threads,
                 headers=["Connection: close"])
    before = [c.cpu_seconds() for c in cars]
    accepted_before = server_car.counters()[("inbound", "cx")]
    res = load.wrk_max(world.client, url, settings.connection_seconds,
                       settings.connections, settings.wrk_threads, headers=["Connection: close"])
    after = [c.cpu_seconds() for c in cars]
    accepted = server_car.counters()[("inbound", "cx")] - accepted_before
    # Fewer connections than requests would mean reuse (not a handshake per request). More can happen: the
    # client sidecar retries a connection whose handshake failed (its log's retry count), and connections of
    # the phase's last moment are counted without a finished request.
    if not res["requests"] or accepted < (1 - PER_CONNECTION_SLACK) * res["requests"] - 16:
        raise RuntimeError(f"per connection: {res['requests']} requests but the server sidecar accepted only "
                           f"{accepted} connections")
    return {
        "cps": res["rps"],
        "cps_errors": res["errors"],
        "cps_connections": accepted,
        # CPU seconds per 1000 connections = CPU milliseconds per connection (per handshake with mTLS)
        "cpu_ms_per_conn": [(a - b) / res["requests"] * 1000 for a, b in zip(after, before)],
    }


def describe_tls(variant, client_car, server_car):
    """What the mTLS connections were: the TLS version and cipher the client sidecar logged, and for Outrigger
    the engine (it logs a warning when BoringSSL is unavailable and it falls back to the JDK's)."""
    # A TCP session is logged when it ends, with its server connection gone (no TLS fields then): the
    # lines that carry them are the HTTP sessions', anywhere in the log.
    found = None
    with open(client_car.log_path, errors="replace") as f:
        for line in f:
            m = re.search(r" (TLSv[\d.]+) (\S+)\s*$", line)
            if m:
                found = m.groups()
                break
    if not found:
        raise RuntimeError(f"{variant.name}: the client sidecar logged no TLS connection")
    tls = " ".join(found)
    if variant.kind == "outrigger":
        with open(server_car.log_path[:-len(".out")] + ".err", errors="replace") as f:
            jdk = "TLS uses the JDK provider" in f.read()
        tls += ", Outrigger on " + ("the JDK's TLS (BoringSSL unavailable)" if jdk else "BoringSSL (netty-tcnative)")
    return tls


def verify_identity(world, variant):
    """mTLS is real: the app receives the x-forwarded-client-cert the server sidecar forms from the client's
    certificate (Hash = SHA-256 of the client's DER certificate, as openssl computes it), and only then."""
    out = world.client.exec(["curl", "-sS", "--max-time", "5", world.url("/xfcc")]).stdout.strip()
    if variant.mtls:
        want = f"Hash={world.client_cert_sha256}"
        if want not in out or "URI=spiffe://cluster.local/ns/orbench/sa/orbench-cli" not in out:
            raise RuntimeError(f"{variant.name}: the app saw x-forwarded-client-cert {out!r}, expected {want}")
    elif out:
        raise RuntimeError(f"{variant.name}: plaintext, yet the app saw x-forwarded-client-cert {out!r}")
    return out


def verify_path(world, variant, client_car, server_car):
    """Proves the route: the app sees 127.0.0.6 (the inbound sidecar) or the client's own address
    (direct), and both sidecars' capture listeners count the requests, each on a new connection."""
    before_c = client_car.counters() if client_car else None
    before_s = server_car.counters() if server_car else None
    urls = [world.url("/whoami")] * VERIFY_REQUESTS
    out = world.client.exec(["curl", "-sS", "--max-time", "5", "-H", "Connection: close"] + urls).stdout
    seen = set(out.split())
    expected = "127.0.0.6" if variant.proxied else world.client.ip
    if seen != {expected} or len(out.split()) != VERIFY_REQUESTS:
        raise RuntimeError(f"{variant.name}: the app saw peers {sorted(seen)}, expected only {expected}")
    if client_car:
        after_c, after_s = client_car.counters(), server_car.counters()
        gained_c = max(after_c[("outbound", k)] - before_c[("outbound", k)] for k in ("cx", "rq"))
        gained_s = max(after_s[("inbound", k)] - before_s[("inbound", k)] for k in ("cx", "rq"))
        if gained_c < VERIFY_REQUESTS or gained_s < VERIFY_REQUESTS:
            raise RuntimeError(f"{variant.name}: client sidecar outbound +{gained_c}, server sidecar inbound "
                               f"+{gained_s} for {VERIFY_REQUESTS} requests")
    if variant.client_config:
        xfcc = verify_identity(world, variant)
        print(f"    {variant.name}: the app sees x-forwarded-client-cert {xfcc!r}", flush=True)
