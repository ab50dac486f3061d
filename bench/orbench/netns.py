"""Network-namespace pods on a bridge, and running things inside them.

The bridge lives in a namespace of its own (orbench-net), not in the host's: with br_netfilter
loaded, bridged frames pass the FORWARD chain of the bridge's namespace, and a host running
Docker has that chain's policy at DROP. In a fresh namespace the chain is empty, so the host's
firewall is neither needed nor touched.
"""

import ctypes
import os
import subprocess
import threading

PREFIX = "orbench"
NET_NS = "orbench-net"
BRIDGE = "orbenchbr"
SUBNET = "10.97.0."
GATEWAY = SUBNET + "1"
CLONE_NEWNET = 0x40000000
COMMAND_TIMEOUT = 30

_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def run(argv, timeout=COMMAND_TIMEOUT, check=True, **kwargs):
    """Runs a command to completion with a time limit; output is captured as text."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def list_namespaces():
    out = run(["ip", "netns", "list"]).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def remove_stale():
    """Kills what a crashed earlier run left in our namespaces (by pid), then deletes them."""
    for ns in list_namespaces():
        if ns.startswith(PREFIX):
            pids = run(["ip", "netns", "pids", ns], check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            run(["ip", "netns", "delete", ns], check=False)


class Pod:
    """A network namespace with lo, an eth0 on the bridge and one address in 10.97.0.0/24."""

    def __init__(self, name, host_number):
        self.name = name
        self.ns = f"{PREFIX}-{name}"
        self.ip = SUBNET + str(host_number)
        self.bridge_port = f"{PREFIX}{host_number}"

    def create(self):
        run(["ip", "netns", "add", self.ns])
        run(["ip", "-n", NET_NS, "link", "add", self.bridge_port, "type", "veth",
             "peer", "name", "eth0", "netns", self.ns])
        run(["ip", "-n", NET_NS, "link", "set", self.bridge_port, "master", BRIDGE, "up"])
        run(["ip", "-n", self.ns, "addr", "add", self.ip + "/24", "dev", "eth0"])
        run(["ip", "-n", self.ns, "link", "set", "eth0", "up"])
        run(["ip", "-n", self.ns, "link", "set", "lo", "up"])
        run(["ip", "-n", self.ns, "route", "add", "default", "via", GATEWAY])
        # A new connection per request (bench/run mtls) leaves tens of thousands of TIME_WAIT sockets: let
        # outgoing connections reuse them (the default, 2, allows it on loopback only).
        self.exec(["sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1"])

    def argv(self, argv):
        return ["ip", "netns", "exec", self.ns] + list(argv)

    def exec(self, argv, timeout=COMMAND_TIMEOUT, check=True, **kwargs):
        return run(self.argv(argv), timeout=timeout, check=check, **kwargs)

    def call_inside(self, fn):
        """Runs fn in a fresh thread that has joined this pod's network namespace.

        Sockets that fn opens, and processes it starts, belong to the pod. setns() changes only
        the calling thread, so the thread is used once and dropped.
        """
        outcome = {}

        def body():
            try:
                fd = os.open(f"/var/run/netns/{self.ns}", os.O_RDONLY)
                try:
                    if _libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), f"setns({self.ns})")
                finally:
                    os.close(fd)
                outcome["value"] = fn()
            except BaseException as e:  # handed to the caller's thread
                outcome["error"] = e

        thread = threading.Thread(target=body, name=f"in-{self.ns}")
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def flush_nat(self):
        """Removes every nat rule and chain: the pod without a sidecar."""
        self.exec(["iptables", "-t", "nat", "-F"])
        self.exec(["iptables", "-t", "nat", "-X"])


def create_network():
    run(["ip", "netns", "add", NET_NS])
    run(["ip", "-n", NET_NS, "link", "set", "lo", "up"])
    run(["ip", "-n", NET_NS, "link", "add", BRIDGE, "type", "bridge"])
    run(["ip", "-n", NET_NS, "addr", "add", GATEWAY + "/24", "dev", BRIDGE])
    run(["ip", "-n", NET_NS, "link", "set", BRIDGE, "up"])


def delete_all_pods(pods):
    """Deletes the pods' namespaces (the kernel removes their veths and bridge ports), not the bridge."""
    for pod in pods:
        run(["ip", "netns", "delete", pod.ns], check=False)


def delete_all(pods):
    delete_all_pods(pods)
    run(["ip", "netns", "delete", NET_NS], check=False)
