"""Class-data archives built by a training run: AppCDS (JDK 17) and the AOT cache (JDK 24+, JEP 483/514)."""

import os

from . import load, procs, sidecars

ARCHIVE_FLAGS = {
    # training flag, production flag, file suffix
    "appcds": ("-XX:ArchiveClassesAtExit={}", "-XX:SharedArchiveFile={}", "jsa"),
    "aot": ("-XX:AOTCacheOutput={}", "-XX:AOTCache={}", "aot"),
}
TRAINING_SECONDS = 3
# Writing the archive happens at exit (the AOT cache in a second JVM): give it time before SIGKILL.
EXIT_GRACE = 90


def train(world, variant, settings):
    """Starts the variant with the archive's output flag in both pods, sends traffic through both,
    stops them so the JVM writes its archive, and returns {pod name: the flag that uses it}."""
    out_flag, use_flag, suffix = ARCHIVE_FLAGS[variant.training]
    world.set_rules(True)
    paths = {pod.name: os.path.join(world.workdir, "jvm", f"{variant.name}-{pod.name}.{suffix}")
             for pod in world.pods}
    cars = []
    try:
        for pod in (world.server, world.client):
            cars.append(sidecars.start(pod, variant, world,
                                       f"train-{variant.name}-{pod.name}", out_flag.format(paths[pod.name])))
        load.wrk_max(world.client, world.url(), TRAINING_SECONDS, settings.connections, settings.wrk_threads)
        load.h2load_fixed_rate(world.client, world.url(), TRAINING_SECONDS, settings.rate, settings.connections,
                               os.path.join(world.workdir, "train-h2load.log"))
        load.iperf3(world.client, world.server.ip, 1, omit=0)
    finally:
        for car in cars:
            procs.stop(car.proc, grace=EXIT_GRACE)
            if os.path.exists(car.log_path):
                os.remove(car.log_path)
    missing = [p for p in paths.values() if not os.path.exists(p)]
    if missing:
        raise RuntimeError(f"{variant.name}: the training run wrote no archive at {missing}")
    return {name: use_flag.format(path) for name, path in paths.items()}


def train_all(world, variants, settings, log):
    """{variant name: the training's archive flags} for the variants that want an archive."""
    archives = {}
    for v in variants:
        if v.training:
            log(f"training run for {v.name} ({v.training})")
            archives[v.name] = train(world, v, settings)
    return archives
