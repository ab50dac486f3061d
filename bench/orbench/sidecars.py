"""The variants under test and how each one's sidecar is started, checked and read.

Every proxied variant runs behind the same nat rules (`outrigger iptables` with the injector's
flags) and as uid/gid 1337; "direct" has no rules and no sidecar.
"""

import os
import re
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field, replace

from . import procs

PROXY_UID = "1337"
IPTABLES_FLAGS = ["-p", "15001", "-z", "15006", "-u", PROXY_UID, "-m", "REDIRECT", "-i", "*", "-x", "",
                  "-b", "*", "-d", "15090,15021,15020"]
READY_PORT = 15021
READY_PATH = "/healthz/ready"


def _launcher_proxy_defaults():
    """bin/outrigger's proxy_defaults line, read from the launcher itself so that the two cannot drift."""
    launcher = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            "bin", "outrigger")
    with open(launcher) as f:
        for line in f:
            if line.startswith('proxy_defaults="'):
                return line[len('proxy_defaults="'):line.rindex('"')]
    raise RuntimeError(f"no proxy_defaults in {launcher}")


# What bin/outrigger uses for `proxy` when OUTRIGGER_JAVA_OPTS is unset; variants that add flags keep these.
# The launcher adds the CDS archive next to the jar (see ensure_cds_archive) to these too, unless a variant's
# flags choose class sharing themselves, and routes the JVM's warnings to stderr.
OUTRIGGER_DEFAULT_JAVA_OPTS = _launcher_proxy_defaults()
# The C2 inlining limits bin/outrigger ships (smaller than the JDK's: quicker compilations of Netty's
# pipeline); variants that try other limits start from the defaults without them, i.e. the JDK's.
def defaults_with(flags, instead=""):
    """bin/outrigger's proxy defaults with `flags` replaced by `instead` (removed when empty). Fails
    when the defaults no longer hold `flags`, so that a variant never silently measures the defaults."""
    if flags not in OUTRIGGER_DEFAULT_JAVA_OPTS:
        raise RuntimeError(f"bin/outrigger's proxy defaults no longer hold {flags!r}: update the bench")
    return " ".join(OUTRIGGER_DEFAULT_JAVA_OPTS.replace(flags, instead).split())


SHIPPED_INLINING = "-XX:MaxInlineLevel=9 -XX:InlineSmallCode=500 -XX:FreqInlineSize=100"
JDK_INLINING_JAVA_OPTS = defaults_with(SHIPPED_INLINING)
# The native heap not trimmed, the CDS archives relocated (the JDK's default): each in knobs and density.
NO_TRIM_JAVA_OPTS = defaults_with("-XX:TrimNativeHeapInterval=5000")
ARCHIVE_RELOCATED_JAVA_OPTS = defaults_with("-XX:ArchiveRelocationMode=0", "-XX:ArchiveRelocationMode=1")
TEMURIN_25 = "/usr/lib/jvm/temurin-25-jdk-amd64"
# Footprint flags: C1 only (no C2 arenas, small code cache), a smaller heap, no Netty leak sampling,
# and at most two glibc malloc arenas (MALLOC_ARENA_MAX=2 in the environment).
LEAN_JAVA_OPTS = ("-XX:+UseSerialGC -Xms8m -Xmx64m -XX:MaxDirectMemorySize=32m -Xss512k -XX:+ExitOnOutOfMemoryError "
                  "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Dio.netty.leakDetection.level=disabled")
LEAN_DESCRIPTION = ("C1 only, 16 MiB code cache, -Xms8m -Xmx64m, 32 MiB direct, Netty leak detection off, "
                    "MALLOC_ARENA_MAX=2")


@dataclass
class Variant:
    name: str
    kind: str  # direct | haproxy | outrigger
    layer: str  # "" for direct, L4 or L7: which HAProxy variant it is compared with
    description: str
    haproxy_config: str = ""
    env: dict = field(default_factory=dict)
    java_home: str = ""
    java_opts: str = ""  # empty: bin/outrigger's defaults
    training: str = ""  # jvm archive to build before measuring: appcds | aot
    # bench/run mtls: the client pod runs HAProxy with this configuration (the client sidecar that originates
    # mTLS, or its plaintext twin), the server pod the variant's own sidecar.
    client_config: str = ""
    mtls: bool = False  # the server sidecar has the pod's identity and the path is mTLS (XFCC reaches the app)
    per_connection: bool = False  # also measure a new connection per request (:81, Connection: close)
    baseline: str = ""  # the plaintext variant this one is compared with (bench/run mtls)

    @property
    def proxied(self):
        return self.kind != "direct"

    def side(self, pod_name):
        """What runs in that pod: the variant itself, or the HAProxy client sidecar of client_config."""
        if pod_name == "cli" and self.client_config:
            return replace(self, kind="haproxy", haproxy_config=self.client_config, env={}, java_home="",
                           java_opts="", mtls=False)
        return self


def standard_variants():
    return [
        Variant("direct", "direct", "", "no sidecar, no nat rules"),
        Variant("haproxy-tcp", "haproxy", "L4", "HAProxy 2.6, TCP mode, one log line per connection",
                haproxy_config="haproxy-tcp.cfg"),
        Variant("haproxy-http", "haproxy", "L7",
                "HAProxy 2.6, HTTP mode on port 80, log line per request, x-request-id",
                haproxy_config="haproxy-http.cfg"),
        Variant("outrigger", "outrigger", "L7",
                "Outrigger defaults: HTTP detection, access log, metrics, tracing, shipped JVM flags and CDS archive"),
        Variant("outrigger-l4", "outrigger", "L4", "Outrigger, OUTRIGGER_PROTOCOL_DETECTION=off",
                env={"OUTRIGGER_PROTOCOL_DETECTION": "off"}),
    ]


def mtls_variants():
    """The mTLS comparison: the same HAProxy client sidecar (plaintext, or originating Istio mTLS) in front of
    each server sidecar, plaintext and STRICT mTLS: the mTLS cost is a ratio within the run, for Outrigger and
    for HAProxy terminating the same mTLS."""
    return [
        Variant("plain-haproxy", "haproxy", "L7-plain",
                "HAProxy client → HAProxy server (haproxy-server.cfg), plaintext",
                haproxy_config="haproxy-server.cfg", client_config="haproxy-client.cfg", per_connection=True),
        Variant("plain-outrigger", "outrigger", "L7-plain",
                "HAProxy client → Outrigger (defaults, no certificate), plaintext",
                client_config="haproxy-client.cfg", per_connection=True),
        Variant("mtls-outrigger", "outrigger", "L7-mtls",
                "HAProxy client originating mTLS → Outrigger with FILE_MOUNTED_CERTS, OUTRIGGER_MTLS_MODE=STRICT",
                client_config="haproxy-client-mtls.cfg", per_connection=True, mtls=True,
                baseline="plain-outrigger",
                env={"FILE_MOUNTED_CERTS": "true", "OUTRIGGER_MTLS_MODE": "STRICT"}),
        Variant("mtls-haproxy", "haproxy", "L7-mtls",
                "HAProxy client originating mTLS → HAProxy server terminating it (haproxy-server-mtls.cfg)",
                haproxy_config="haproxy-server-mtls.cfg", client_config="haproxy-client-mtls.cfg",
                per_connection=True, mtls=True, baseline="plain-haproxy"),
    ]


def inlining_variant(name, flags="", why=""):
    """Outrigger with C2 inlining limits other than the shipped ones: the JDK's, plus `flags`."""
    if not flags:
        return Variant(name, "outrigger", "L7",
                       "defaults with the JDK's C2 inlining limits (MaxInlineLevel 15, InlineSmallCode 2500, "
                       "FreqInlineSize 325: larger, slower compilations of Netty's pipeline; shipped before 2026-11-28)",
                       java_opts=JDK_INLINING_JAVA_OPTS)
    return Variant(name, "outrigger", "L7", f"JDK inlining + {flags}" + (f" ({why})" if why else ""),
                   java_opts=f"{JDK_INLINING_JAVA_OPTS} {flags}")


def knob_variants():
    """Outrigger with one feature or setting changed at a time: what each one costs."""
    return [
        Variant("direct", "direct", "", "no sidecar, no nat rules"),
        Variant("haproxy-http", "haproxy", "L7", "HAProxy 2.6, HTTP mode", haproxy_config="haproxy-http.cfg"),
        Variant("outrigger", "outrigger", "L7", "Outrigger defaults"),
        Variant("no-access-log", "outrigger", "L7", "OUTRIGGER_ACCESS_LOG=off",
                env={"OUTRIGGER_ACCESS_LOG": "off"}),
        Variant("no-tracing", "outrigger", "L7", "OUTRIGGER_TRACING=off", env={"OUTRIGGER_TRACING": "off"}),
        Variant("concurrency-1", "outrigger", "L7", "OUTRIGGER_CONCURRENCY=1 (one event loop)",
                env={"OUTRIGGER_CONCURRENCY": "1"}),
        Variant("leak-detection-simple", "outrigger", "L7",
                "defaults with Netty's default leak detection (-Dio.netty.leakDetection.level=simple)",
                java_opts=defaults_with("-Dio.netty.leakDetection.level=disabled", "-Dio.netty.leakDetection.level=simple")),
        Variant("heap-64m-young", "outrigger", "L7", "defaults + -Xms64m -Xmn32m (fewer young GCs)",
                java_opts=defaults_with("-Xms16m", "-Xms64m -Xmn32m")),
        Variant("heap-small-young", "outrigger", "L7", "defaults with -Xms8m -Xmn4m -Xmx48m (smaller heap, more young GCs)",
                java_opts=defaults_with("-Xms16m -Xmx96m", "-Xms8m -Xmn4m -Xmx48m")),
        Variant("malloc-arena-2", "outrigger", "L7", "defaults + MALLOC_ARENA_MAX=2 (fewer glibc arenas)",
                env={"MALLOC_ARENA_MAX": "2"}),
        Variant("c1-only", "outrigger", "L7", "defaults + -XX:TieredStopAtLevel=1 (no C2: quick compiles, slower code)",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS + " -XX:TieredStopAtLevel=1"),
        Variant("jit-nice", "outrigger", "L7",
                "defaults + compiler threads at nice 19 (-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19)",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS + " -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19"),
        Variant("c2-only", "outrigger", "L7", "defaults + -XX:-TieredCompilation (no C1 tier: fewer compilations, less code)",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS + " -XX:-TieredCompilation"),
        Variant("safepoint-log", "outrigger", "L7",
                "defaults + safepoint and GC logs in /tmp/orbench-safepoints-<pid>.log, to see every pause",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS
                + " -Xlog:safepoint,gc:file=/tmp/orbench-safepoints-%p.log:uptime"),
        Variant("no-native-trim", "outrigger", "L7", "defaults without -XX:TrimNativeHeapInterval=5000",
                java_opts=NO_TRIM_JAVA_OPTS),
        Variant("archive-relocated", "outrigger", "L7",
                "defaults but -XX:ArchiveRelocationMode=1 (the JDK's default: its archives mapped at a random address)",
                java_opts=ARCHIVE_RELOCATED_JAVA_OPTS),
        Variant("no-app-archive", "outrigger", "L7", "defaults with -Xshare:auto (the JDK's archive only, not outrigger.jsa)",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS + " -Xshare:auto"),
        inlining_variant("jdk-inlining"),
        inlining_variant("inline-level-9", "-XX:MaxInlineLevel=9",
                         "JDK 17's default is 15: C2 inlines fewer levels of Netty's pipeline"),
        inlining_variant("inline-level-6", "-XX:MaxInlineLevel=6"),
        inlining_variant("inline-small-code-1000", "-XX:InlineSmallCode=1000",
                         "default 2500: C2 does not inline callees already compiled larger"),
        inlining_variant("inline-lean", "-XX:MaxInlineLevel=9 -XX:InlineSmallCode=1000 -XX:FreqInlineSize=150"),
        inlining_variant("freq-inline-150", "-XX:FreqInlineSize=150",
                         "default 325: C2 inlines hot callees of at most 150 bytecodes"),
        Variant("jit-xml", "outrigger", "L7",
                "defaults + HotSpot's compilation log with per-task times in /tmp/orbench-jit-<pid>.xml (a diagnostic)",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS
                + " -XX:+LogCompilation -XX:LogFile=/tmp/orbench-jit-%p.xml -XX:+CITime"),
        Variant("jit-log", "outrigger", "L7",
                "defaults + a compilation log in /tmp/orbench-jit-<pid>.log",
                java_opts=OUTRIGGER_DEFAULT_JAVA_OPTS
                + " -Xlog:jit+compilation=debug:file=/tmp/orbench-jit-%p.log:uptime"),
    ]


def jvm_variants():
    """Outrigger with HTTP detection (the default) on other JVMs and flags, for startup and footprint."""
    d = OUTRIGGER_DEFAULT_JAVA_OPTS
    t25 = TEMURIN_25
    return [
        Variant("direct", "direct", "", "no sidecar, no nat rules"),
        Variant("haproxy-http", "haproxy", "L7", "HAProxy 2.6, HTTP mode", haproxy_config="haproxy-http.cfg"),
        Variant("jdk17", "outrigger", "L7", "JDK 17, bin/outrigger defaults (with the shipped CDS archive)"),
        Variant("jdk17-c1", "outrigger", "L7", "JDK 17, + -XX:TieredStopAtLevel=1",
                java_opts=d + " -XX:TieredStopAtLevel=1"),
        Variant("jdk17-appcds", "outrigger", "L7",
                "JDK 17, + AppCDS archive of a training run under load (instead of the shipped one)",
                java_opts=d, training="appcds"),
        Variant("jdk25", "outrigger", "L7", "Temurin 25, defaults (the shipped archive is JDK 17's: not used)",
                java_home=t25),
        Variant("jdk25-coh", "outrigger", "L7", "Temurin 25, + -XX:+UseCompactObjectHeaders",
                java_home=t25, java_opts=d + " -XX:+UseCompactObjectHeaders"),
        Variant("jdk25-aot-coh", "outrigger", "L7", "Temurin 25, + compact headers + AOT cache of a training run",
                java_home=t25, java_opts=d + " -XX:+UseCompactObjectHeaders", training="aot"),
        Variant("jdk25-aot-coh-c1", "outrigger", "L7", "Temurin 25, + compact headers + AOT cache + C1 only",
                java_home=t25, java_opts=d + " -XX:+UseCompactObjectHeaders -XX:TieredStopAtLevel=1",
                training="aot"),
        Variant("jdk17-lean", "outrigger", "L7", "JDK 17, footprint flags: " + LEAN_DESCRIPTION,
                java_opts=LEAN_JAVA_OPTS, env={"MALLOC_ARENA_MAX": "2"}),
        Variant("jdk25-lean-aot", "outrigger", "L7",
                "Temurin 25, footprint flags + compact headers + AOT cache: " + LEAN_DESCRIPTION, java_home=t25,
                java_opts=LEAN_JAVA_OPTS + " -XX:+UseCompactObjectHeaders", env={"MALLOC_ARENA_MAX": "2"},
                training="aot"),
    ]


def cold_variants():
    """bench/run cold: the candidates for a cheaper first minute, beside HAProxy and the defaults."""
    d = OUTRIGGER_DEFAULT_JAVA_OPTS
    return [
        Variant("outrigger-jdk25-aot", "outrigger", "L7",
                "Temurin 25, defaults + compact object headers + AOT cache (classes, linking, method profiles) "
                "from a training run under load",
                java_home=TEMURIN_25, java_opts=d + " -XX:+UseCompactObjectHeaders", training="aot"),
        Variant("outrigger-jit-nice", "outrigger", "L7",
                "defaults + compiler threads at nice 19 (-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19): "
                "requests before compilations when the cores are busy",
                java_opts=d + " -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19"),
        Variant("outrigger-c1", "outrigger", "L7",
                "defaults + -XX:TieredStopAtLevel=1 (C1 only: cheap compilations, slower code)",
                java_opts=d + " -XX:TieredStopAtLevel=1"),
    ] + [
        Variant(f"outrigger-jit-threshold-{x}", "outrigger", "L7",
                f"defaults + -XX:CompileThresholdScaling={x} (every compile threshold ×{x}: fewer methods compiled, "
                "later, with longer profiles)",
                java_opts=d + f" -XX:CompileThresholdScaling={x}")
        for x in (2, 4, 8)
    ] + [
        inlining_variant("outrigger-jdk-inlining"),
        inlining_variant("outrigger-inline-leanest", "-XX:MaxInlineLevel=6 -XX:InlineSmallCode=500 -XX:FreqInlineSize=50",
                         "less than shipped"),
        Variant("outrigger-jit-log", "outrigger", "L7",
                "defaults + a compilation log in /tmp/orbench-jit-<pid>.log and -XX:+CITime (a diagnostic)",
                java_opts=d + " -XX:+CITime -Xlog:jit+compilation=debug:file=/tmp/orbench-jit-%p.log:uptime"),
    ]


def footprint_variants():
    """bench/run density: the candidates for less memory per sidecar, beside HAProxy and the defaults."""
    d = OUTRIGGER_DEFAULT_JAVA_OPTS
    return [
        Variant("outrigger-cds-relocated", "outrigger", "L7",
                "defaults but -XX:ArchiveRelocationMode=1 (the JDK's default): the CDS archives relocated to a "
                "random address, which writes to every page and makes all of them private",
                java_opts=ARCHIVE_RELOCATED_JAVA_OPTS),
        Variant("outrigger-small-heap", "outrigger", "L7",
                "defaults with -Xms8m -Xmx48m -XX:MaxDirectMemorySize=32m and MALLOC_ARENA_MAX=2",
                java_opts=defaults_with("-Xms16m -Xmx96m -XX:MaxDirectMemorySize=64m",
                                          "-Xms8m -Xmx48m -XX:MaxDirectMemorySize=32m"),
                env={"MALLOC_ARENA_MAX": "2"}),
        Variant("outrigger-no-trim", "outrigger", "L7",
                "defaults without -XX:TrimNativeHeapInterval=5000 (glibc keeps what the JIT compilers' arenas "
                "freed; shipped before 2026-11-28)",
                java_opts=NO_TRIM_JAVA_OPTS),
        inlining_variant("outrigger-jdk-inlining"),
        Variant("outrigger-jdk25-coh", "outrigger", "L7", "Temurin 25, defaults + compact object headers",
                java_home=TEMURIN_25, java_opts=d + " -XX:+UseCompactObjectHeaders"),
        Variant("outrigger-jdk25-aot", "outrigger", "L7",
                "Temurin 25, defaults + compact object headers + AOT cache of a training run under load",
                java_home=TEMURIN_25, java_opts=d + " -XX:+UseCompactObjectHeaders", training="aot"),
    ]


class Sidecar:
    """One running proxy in one pod."""

    def __init__(self, pod, variant, proc, ready_ms, log_path):
        self.pod = pod
        self.variant = variant
        self.proc = proc
        self.ready_ms = ready_ms
        self.log_path = log_path

    @property
    def pid(self):
        return self.proc.pid

    def cpu_seconds(self):
        return procs.cpu_seconds(self.pid)

    def thread_cpu(self):
        return procs.thread_cpu(self.pid)

    def peak_rss_mib(self):
        return procs.status_kib(self.pid, "VmHWM") / 1024.0

    def counters(self):
        """Connections ("cx") and requests ("rq") each capture listener has taken in so far,
        keyed ("outbound"|"inbound", "cx"|"rq"). HAProxy counts connections per frontend (its TCP
        frontends have no request count), so there rq = cx. On Outrigger's HTTP path, requests share
        pooled upstream connections: the next sidecar sees fewer connections than requests.
        """
        if self.variant.kind == "haproxy":
            text = self.pod.call_inside(lambda: _get("http://127.0.0.1:15090/stats;csv"))
            rows = [line.split(",") for line in text.splitlines()]
            stot = rows[0].index("stot")
            counts = {}
            for r in rows[1:]:
                if len(r) > stot and r[1] == "FRONTEND" and r[0] in ("outbound", "inbound"):
                    counts[(r[0], "cx")] = counts[(r[0], "rq")] = int(r[stot])
            return counts
        text = self.pod.call_inside(lambda: _get("http://127.0.0.1:15000/stats"))
        names = {"downstream_cx_total": "cx", "downstream_rq_total": "rq"}
        return {(direction, names[name]): int(value) for direction, name, value in re.findall(
            r"^listener\.(outbound|inbound)\.(downstream_cx_total|downstream_rq_total): (\d+)$", text, re.M)}

    def stop(self):
        return procs.stop(self.proc)


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def sidecar_argv(variant, repo, config_dir):
    drop = ["setpriv", f"--reuid={PROXY_UID}", f"--regid={PROXY_UID}", "--clear-groups"]
    if variant.kind == "haproxy":
        return drop + ["haproxy", "-db", "-f", os.path.join(config_dir, variant.haproxy_config)]
    return drop + [os.path.join(repo, "bin", "outrigger"), "proxy"]


def sidecar_env(variant, pod, jar, extra_java_opts="", certs_dir=None):
    env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C.UTF-8"}
    identity = os.path.join(certs_dir, pod.name) if certs_dir else None
    if variant.kind != "outrigger":
        if identity:
            env["ORBENCH_CERTS"] = identity  # the mTLS configurations' crt and ca-file
        return env
    env.update({
        "OUTRIGGER_JAR": jar,
        "POD_NAME": pod.ns,
        "POD_NAMESPACE": "orbench",
        # Only shutdown waits on this; the benchmark closes its connections before stopping.
        "OUTRIGGER_DRAIN_DURATION": "1s",
    })
    env.update(variant.env)
    if variant.env.get("FILE_MOUNTED_CERTS") == "true":
        if not identity:
            raise RuntimeError(f"{variant.name}: FILE_MOUNTED_CERTS without the bench's mesh CA")
        env["OUTRIGGER_CERT_DIR"] = identity
    if variant.java_home:
        env["JAVA_HOME"] = variant.java_home
    opts = (variant.java_opts or OUTRIGGER_DEFAULT_JAVA_OPTS) + (" " + extra_java_opts if extra_java_opts else "")
    if variant.java_opts or extra_java_opts:
        env["OUTRIGGER_JAVA_OPTS"] = opts.strip()
    return env


_cds_archives = set()


def ensure_cds_archive(world):
    """Makes the proxy's CDS archive for the run's copy of the jar, once per run, with the command the image's
    build runs (`bin/outrigger cds-archive`): outrigger.jsa next to the copy, which bin/outrigger then uses
    for every JDK 17 sidecar whose flags do not choose class sharing themselves, as in the image.

    The training run uses loopback only (no rules, no pods): it runs here, in the host's namespace, with the
    PATH and JVM of the sidecars.
    """
    if world.jar in _cds_archives:
        return
    env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C.UTF-8",
           "OUTRIGGER_JAR": world.jar}
    result = subprocess.run([os.path.join(world.repo, "bin", "outrigger"), "cds-archive"], env=env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"bin/outrigger cds-archive exited {result.returncode}: {result.stderr.strip()}")
    print(f"[{time.strftime('%H:%M:%S')}] {result.stderr.strip()}", flush=True)
    _cds_archives.add(world.jar)


def start(pod, variant, world, tag, extra_java_opts=""):
    """Starts the variant's sidecar in the pod and waits for its readiness URL; returns a Sidecar."""
    variant = variant.side(pod.name)
    if variant.kind == "outrigger":
        ensure_cds_archive(world)
    workdir = world.workdir
    log_path = os.path.join(workdir, f"{tag}.out")
    argv = sidecar_argv(variant, world.repo, world.config_dir)
    env = sidecar_env(variant, pod, world.jar, extra_java_opts, world.certs_dir)
    proc, ready_ms = pod.call_inside(lambda: procs.start_and_time_ready(
        argv, log_path, os.path.join(workdir, f"{tag}.err"), env, READY_PORT, READY_PATH))
    return Sidecar(pod, variant, proc, ready_ms, log_path)
