"""bench/run scale: one Outrigger sidecar pushed a mesh of 1,000 services / 10,000 endpoints over xDS.

The measuring is done by a Java main in the integration-tests module, dev.outrigger.it.bench.ConfigScale,
because the istiod stand-in (java-control-plane's ADS server, Istio-shaped resources, ACK tracking) and
the pod network it uses live there. This module builds that harness, makes the proxy's CDS archive as the
image's build does, runs the main and stores its markdown report in bench/results/<stamp>-scale.md.
"""

import datetime
import os
import subprocess

CLASSPATH_FILE = "target/scale.classpath"

# BENCH_SCALE_<NAME> -> the main's name=value arguments (see ConfigScale's javadoc and bench/README.md).
SETTINGS = {
    "services": "BENCH_SCALE_SERVICES",
    "endpoints": "BENCH_SCALE_ENDPOINTS",
    "pushes": "BENCH_SCALE_PUSHES",
    "heaps": "BENCH_SCALE_HEAPS",
    "jvm": "BENCH_SCALE_JVM",
    "eds": "BENCH_SCALE_EDS",
    "rate": "BENCH_RATE",
    "connections": "BENCH_CONNECTIONS",
    "seconds": "BENCH_LATENCY_SECONDS",
    "warmup": "BENCH_WARMUP_SECONDS",
}


def run(repo, bench_dir, results_dir, log, deadline_seconds):
    log("scale: building the integration-tests harness (mvn package, the runtime class path)")
    maven_args = os.environ.get("BENCH_MAVEN_ARGS", "").split()
    subprocess.run(["mvn", "-B", "-q", "package", "-DskipTests", "-pl", "integration-tests", "-am",
                    "dependency:build-classpath", "-DincludeScope=runtime",
                    f"-Dmdep.outputFile={CLASSPATH_FILE}"] + maven_args,
                   cwd=repo, check=True, timeout=1200)
    # As shipped: the image's build writes the proxy's CDS archive next to the jar; bin/outrigger
    # (which the harness starts) uses it when it matches the jar and the JVM.
    log("scale: bin/outrigger cds-archive")
    subprocess.run([os.path.join(repo, "bin", "outrigger"), "cds-archive"], cwd=repo, check=True, timeout=300)

    os.makedirs(results_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    report = os.path.join(results_dir, f"{stamp}-scale.md")
    with open(os.path.join(repo, "integration-tests", CLASSPATH_FILE)) as f:
        classpath = os.path.join(repo, "integration-tests", "target", "classes") + ":" + f.read().strip()
    args = [f"{name}={os.environ[var]}" for name, var in SETTINGS.items() if os.environ.get(var)]
    args.append(f"report={report}")
    log(f"scale: dev.outrigger.it.bench.ConfigScale {' '.join(args)}")
    # The harness removes its pods, bridge and processes itself, also on SIGTERM (a shutdown hook);
    # so on Ctrl-C or the deadline the main gets SIGTERM and time to clean up, not SIGKILL.
    proc = subprocess.Popen(["java", "-Xmx1g", f"-Doutrigger.root={repo}", "-cp", classpath,
                             "dev.outrigger.it.bench.ConfigScale"] + args, cwd=repo)
    try:
        code = proc.wait(timeout=deadline_seconds)
    except BaseException:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # the next run's harness removes what is left (StaleResources)
        raise
    if code != 0:
        raise RuntimeError(f"ConfigScale exited {code}")
    log(f"scale: report written to {report}")
    return 0
