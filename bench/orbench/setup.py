"""The bench's world: two pods on a bridge, the app in the server pod, and the nat rules per variant.
Everything it creates is removed by teardown(), which also runs on errors, Ctrl-C, SIGTERM and the deadline.
"""

import os
import shutil
import socket
import stat
import tempfile
import time

from . import meshca, netns, procs, sidecars

WORKDIR_PREFIX = "orbench-work-"
APP_PORT = 80
# The same nginx server on a second port: bench/run mtls's client sidecar relays it connection by connection,
# so that a request with `Connection: close` is a new connection (a new handshake) to the server sidecar.
PER_CONNECTION_PORT = 81
IPERF_PORT = 5201
BODY_BYTES = 1024


class World:
    def __init__(self, repo, bench_dir):
        self.repo = repo
        self.bench_dir = bench_dir
        self.config_dir = os.path.join(bench_dir, "config")
        self.client = netns.Pod("cli", 10)
        self.server = netns.Pod("srv", 11)
        self.workdir = None
        self.jar = None
        self.rules_on = None
        self.certs_dir = None  # the mesh CA's identities, per pod name (make_mesh_ca)
        self.client_cert_sha256 = None

    @property
    def pods(self):
        return [self.client, self.server]

    def url(self, path="/", port=APP_PORT):
        return f"http://{self.server.ip}:{port}{path}"

    def make_mesh_ca(self):
        """Root, intermediate and one istiod-shaped identity per pod (see meshca), in <workdir>/certs."""
        self.certs_dir = os.path.join(self.workdir, "certs")
        os.mkdir(self.certs_dir)
        os.chmod(self.certs_dir, 0o755)
        ca = meshca.MeshCa(self.certs_dir, int(sidecars.PROXY_UID))
        ca.create()
        for pod in self.pods:
            ca.issue(pod.name, pod.ns)
        self.client_cert_sha256 = ca.leaf_sha256(self.client.name)

    def build(self):
        remove_stale()
        self.workdir = tempfile.mkdtemp(prefix=WORKDIR_PREFIX)
        # The sidecars run as uid 1337 and nginx workers as nobody: both must reach files below it.
        os.chmod(self.workdir, 0o755)
        for sub, mode in (("www", 0o755), ("nginx-tmp", 0o755), ("jvm", 0o777)):
            os.mkdir(os.path.join(self.workdir, sub))
            os.chmod(os.path.join(self.workdir, sub), mode)
        with open(os.path.join(self.workdir, "www", "body.txt"), "w") as f:
            f.write(("outrigger-bench " * (BODY_BYTES // 16 + 1))[:BODY_BYTES - 1] + "\n")
        os.chmod(os.path.join(self.workdir, "www", "body.txt"), 0o644)
        # A copy, so a rebuild of the repo's jar during the run changes nothing (the AOT cache also
        # requires the very same jar file).
        self.jar = os.path.join(self.workdir, "outrigger.jar")
        shutil.copy2(os.path.join(self.repo, "proxy-agent", "target", "outrigger.jar"), self.jar)
        os.chmod(self.jar, 0o644)
        netns.create_network()
        for pod in self.pods:
            pod.create()
        self.set_rules(False)
        self.start_app()

    def start_app(self):
        with open(os.path.join(self.config_dir, "nginx.conf")) as f:
            conf = f.read().format(workdir=self.workdir)
        conf_path = os.path.join(self.workdir, "nginx.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        out = os.path.join(self.workdir, "app")
        self.server.call_inside(lambda: procs.start(["nginx", "-c", conf_path], out + "-nginx.out", out + "-nginx.err"))
        self.server.call_inside(lambda: procs.start(["iperf3", "-s", "-p", str(IPERF_PORT)],
                                                    out + "-iperf3.out", out + "-iperf3.err"))
        for port in (APP_PORT, IPERF_PORT):
            self.server.call_inside(lambda port=port: wait_listening("127.0.0.1", port))

    def set_rules(self, on):
        """The injector's nat rules in both pods (on), or none at all (off); skipped when already so."""
        if self.rules_on == on:
            return
        tool = os.path.join(self.repo, "bin", "outrigger")
        for pod in self.pods:
            args = sidecars.IPTABLES_FLAGS if on else ["--cleanup-only"]
            pod.exec([tool, "iptables"] + args, timeout=60, env=dict(os.environ, OUTRIGGER_JAR=self.jar))
        self.rules_on = on

    def teardown(self):
        procs.stop_all()
        netns.delete_all(self.pods)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def wait_listening(host, port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout}s")


def remove_stale():
    """What a killed earlier run left: its namespaces (and the processes in them), its work directories."""
    netns.remove_stale()
    tmp = tempfile.gettempdir()
    for name in os.listdir(tmp):
        path = os.path.join(tmp, name)
        if name.startswith(WORKDIR_PREFIX) and stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
