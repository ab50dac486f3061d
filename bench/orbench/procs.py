"""Processes this run started: start-to-ready timing, CPU time and peak RSS from /proc, and stopping them."""

import os
import signal
import socket
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT = 30.0
READY_POLL = 0.002
STOP_GRACE = 8.0

_started = []


def started():
    return list(_started)


def cpu_seconds(pid):
    """utime + stime of the whole process (all its threads, live and dead), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


THREAD_GROUPS = (
    ("multiThreadIoEv", "event loops"), ("epollEventLoop", "event loops"), ("haproxy", "event loops"),
    ("C1 CompilerThre", "JIT"), ("C2 CompilerThre", "JIT"), ("VM Thread", "GC/VM"), ("GC Thread", "GC/VM"),
    ("AsyncAppender", "log appender"), ("access-log-flus", "log appender"),  # comm is cut at 15 characters
)


def thread_cpu(pid):
    """CPU seconds so far per thread group (event loops, JIT, GC/VM, log appender, other) of a live process."""
    groups = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        group = next((g for prefix, g in THREAD_GROUPS if comm.startswith(prefix)), "other")
        groups[group] = groups.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return groups


def status_kib(pid, key):
    """A VmXxx line of /proc/<pid>/status (VmHWM: peak RSS, VmRSS: current), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def http_status(host, port, path, timeout=0.5):
    """Status code of a GET, or None when nothing answers."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64).decode("latin-1")
            parts = head.split()
            return int(parts[1]) if len(parts) > 1 and parts[0].startswith("HTTP/") else None
    except OSError:
        return None


def start(argv, stdout_path, stderr_path, env=None):
    """Starts a process in the calling thread's network namespace; it is stopped by stop_all at the latest."""
    with open(stdout_path, "ab") as out, open(stderr_path, "ab") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)
    _started.append(proc)
    return proc


def start_and_time_ready(argv, stdout_path, stderr_path, env, ready_port, ready_path):
    """Starts a sidecar and returns (process, milliseconds from fork to the first 200 from its readiness URL).

    Must run inside the pod's namespace (Pod.call_inside), so the probe reaches the pod's loopback.
    """
    t0 = time.perf_counter()
    proc = start(argv, stdout_path, stderr_path, env)
    deadline = t0 + READY_TIMEOUT
    while time.perf_counter() < deadline:
        if http_status("127.0.0.1", ready_port, ready_path) == 200:
            return proc, (time.perf_counter() - t0) * 1000.0
        if proc.poll() is not None:
            raise RuntimeError(f"{argv[0]} exited {proc.returncode} before ready; see {stderr_path}")
        time.sleep(READY_POLL)
    raise RuntimeError(f"not ready within {READY_TIMEOUT}s: {' '.join(argv)}; see {stderr_path}")


def stop(proc, grace=STOP_GRACE):
    """SIGTERM, then SIGKILL after the grace period; always reaps. Returns the exit code."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)
        except ProcessLookupError:
            pass
    if proc in _started:
        _started.remove(proc)
    return proc.returncode


def stop_all():
    for proc in reversed(started()):
        try:
            stop(proc, grace=3.0)
        except Exception:  # keep cleaning up the rest
            try:
                proc.kill()
            except OSError:
                pass
