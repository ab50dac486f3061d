package dev.outrigger.it.bench;

import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.harness.HostRequirements;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.PodNetwork;
import dev.outrigger.it.sidecar.Outrigger;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.InjectedEnvironment;
import dev.outrigger.it.xds.MeshConfig;
import dev.outrigger.it.xds.XdsType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * bench/run scale: one Outrigger sidecar (a client pod, Istio's capture rules, xDS from the
 * harness's {@link ControlPlane}) is pushed a mesh of N services / M endpoints shaped as istiod
 * sends them ({@link ScaleMesh}). It measures publish → ACK for the first push and for incremental
 * ones, the sidecar's CPU per push, its memory with the small and the large configuration, and
 * h2load at a fixed rate through it to the one real service, without pushes and with a push every
 * second. Prints a markdown report (and writes it to {@code report=PATH}).
 *
 * <p>Arguments are {@code name=value}: services (1000), endpoints (10000, spread evenly), pushes
 * (10 of each incremental kind), rate (1000 req/s), connections (16), seconds (20 per load phase),
 * warmup (10 s), heaps (extra -Xmx values tried, in order, only if the launcher's default heap
 * does not hold the mesh; "128m,192m,256m,384m"), report (a path).
 */
public final class ConfigScale {
  private static final Duration FIRST_PUSH_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(1);
  private static final String NMT = "-XX:NativeMemoryTracking=summary";
  private static final int LIVE_CLASS_ROWS = 20;
  private static final double MIB = 1024.0 * 1024.0;
  /** One line per collection on the sidecar's stderr, which the harness keeps: the pauses per load phase. */
  private static final String GC_LOG = "-Xlog:gc:stderr";
  private static final java.util.regex.Pattern GC_PAUSE = java.util.regex.Pattern.compile("Pause .* (\\d+\\.\\d+)ms$");

  private final Map<String, String> args;
  private final int services;
  private final int endpointsPerService;
  private final int pushesPerKind;
  private final int rate;
  private final int connections;
  private final int seconds;
  private final int warmup;
  private final ControlPlane.EdsPushes edsPushes;

  private ConfigScale(Map<String, String> args) {
    this.args = args;
    this.services = intArg("services", 1000);
    int endpoints = intArg("endpoints", 10_000);
    this.endpointsPerService = services == 0 ? 0 : Math.max(1, endpoints / services);
    this.pushesPerKind = intArg("pushes", 10);
    this.rate = intArg("rate", 1000);
    this.connections = intArg("connections", 16);
    this.seconds = intArg("seconds", 20);
    this.warmup = intArg("warmup", 10);
    this.edsPushes = ControlPlane.EdsPushes.valueOf(args.getOrDefault("eds", "changed-only").toUpperCase()
        .replace('-', '_'));
  }

  public static void main(String[] argv) {
    Optional<String> missing = HostRequirements.missing();
    if (missing.isPresent()) {
      System.err.println("scale: " + missing.get());
      System.exit(2);
    }
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq < 1) {
        System.err.println("scale: arguments are name=value, got " + a);
        System.exit(2);
      }
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    String report = new ConfigScale(args).run();
    System.out.println(report);
    if (args.containsKey("report")) {
      try {
        Files.writeString(Path.of(args.get("report")), report);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private String run() {
    Instant started = Instant.now();
    List<String> defaults = launcherDefaults();
    List<Attempt> attempts = new ArrayList<>();
    try (PodNetwork network = PodNetwork.create("scale")) {
      Pod server = network.addPod("app");
      EchoPage.start(server, ScaleMesh.APP_POD_PORT);
      ControlPlane controlPlane = ControlPlane.start(network, ScaleMesh.appOnly(server.ip()).config(), edsPushes);
      try {
        List<String> heaps = new ArrayList<>();
        heaps.add("");
        for (String h : args.getOrDefault("heaps", "128m,192m,256m,384m").split(",")) {
          if (!h.isBlank()) {
            heaps.add(h.strip());
          }
        }
        for (String heap : heaps) {
          List<String> opts = new ArrayList<>(defaults);
          if (!heap.isEmpty()) {
            opts.replaceAll(o -> o.startsWith("-Xmx") ? "-Xmx" + heap : o);
          }
          opts.add(NMT);
          opts.add(GC_LOG);
          for (String extra : args.getOrDefault("jvm", "").split(" ")) {
            if (!extra.isBlank()) {
              opts.add(extra);
            }
          }
          Attempt attempt = new Attempt(heap.isEmpty() ? heapOf(defaults) + " (the launcher's default)" : heap, opts);
          attempts.add(attempt);
          log("attempt with -Xmx" + attempt.heap);
          try {
            measure(network, server, controlPlane, attempt, attempts.size());
            break; // the mesh fits: larger heaps tell nothing more
          } catch (RuntimeException e) {
            attempt.failure = e.toString();
            log("attempt failed: " + e);
            if (!attempt.exited) {
              break; // not the heap: a larger one would fail the same way
            }
          }
        }
      } finally {
        controlPlane.close();
      }
    }
    return report(started, attempts);
  }

  /** One sidecar with one heap limit, through every phase; fills {@code attempt} as it goes. */
  private void measure(PodNetwork network, Pod server, ControlPlane controlPlane, Attempt attempt, int number) {
    ScaleMesh small = ScaleMesh.appOnly(server.ip());
    controlPlane.publish(small.config());
    Pod client = network.addPod("cli" + number);
    SidecarSettings settings = InjectedEnvironment.of(client, controlPlane)
        .with("OUTRIGGER_JAVA_OPTS", String.join(" ", attempt.javaOpts));
    try (Sidecar sidecar = Sidecar.inject(client, settings)) {
      ProxyProcess proxy = new ProxyProcess(sidecar.proxyPid());
      attempt.proxy = proxy;
      attempt.stderr = () -> String.join("\n", tail(sidecar.process().stderrLines().stream()
          .filter(l -> !GC_PAUSE.matcher(l).find()).toList(), 15));
      attempt.stderrLines = () -> sidecar.process().stderrLines();
      Pushes pushes = new Pushes(controlPlane, proxy);
      controlPlane.awaitAcks(controlPlane.versions(), Duration.ofSeconds(60));
      String url = "http://" + ScaleMesh.APP_VIP + ":" + ScaleMesh.PORT + "/";
      stage(attempt, "warm-up", proxy);
      FixedRateLoad.run(client, url, warmup, rate, connections);
      stage(attempt, "load, small configuration", proxy);
      attempt.loads.put("small configuration (the real service only), no pushes", load(attempt, client, url, proxy, null));
      stage(attempt, "memory, small configuration", proxy);
      attempt.memory.put("small configuration", snapshot(proxy));

      ScaleMesh mesh = ScaleMesh.of(services, endpointsPerService, server.ip());
      MeshConfig full = mesh.config();
      stage(attempt, "first push of " + services + " services", proxy);
      attempt.first = pushes.push("first push of the mesh", full, FIRST_PUSH_TIMEOUT);
      log("first push: " + attempt.first);
      sleep(Duration.ofSeconds(2));
      stage(attempt, "memory, mesh configuration", proxy);
      attempt.memory.put("mesh configuration", snapshot(proxy));

      stage(attempt, "incremental pushes", proxy);
      attempt.idleCpuPerSecond = idleCpu(proxy, Duration.ofSeconds(3));
      for (int i = 0; i < pushesPerKind; i++) {
        sleep(Duration.ofMillis(500));
        mesh = mesh.withEndpointsChanged(i * 97);
        attempt.incremental.add(pushes.push("one service's endpoints changed", mesh.config(), PUSH_TIMEOUT));
        sleep(Duration.ofMillis(500));
        mesh = i % 2 == 0 ? mesh.withServiceAdded() : mesh.withServiceRemoved();
        attempt.incremental.add(pushes.push("a service added or removed", mesh.config(), PUSH_TIMEOUT));
      }
      if (mesh.extraServices() > 0) {
        mesh = mesh.withServiceRemoved();
        pushes.push("restore", mesh.config(), PUSH_TIMEOUT);
      }

      stage(attempt, "load, mesh configuration", proxy);
      attempt.loads.put("mesh configuration, no pushes", load(attempt, client, url, proxy, null));
      stage(attempt, "load with a push every second", proxy);
      List<Pushes.Push> underLoad = Collections.synchronizedList(new ArrayList<>());
      attempt.loads.put("mesh configuration, an endpoint push every second",
          load(attempt, client, url, proxy, new Pusher(pushes, mesh, underLoad)));
      attempt.incremental.addAll(underLoad);
      stage(attempt, "memory after the pushes", proxy);
      attempt.memory.put("mesh configuration, after " + (2 * pushesPerKind + underLoad.size()) + " incremental pushes",
          snapshot(proxy));
      attempt.stage = "done";
    } catch (RuntimeException e) {
      attempt.exited = attempt.proxy != null && !attempt.proxy.isAlive();
      throw e;
    }
  }

  /** Pushes one service's endpoints every second while the load runs (each push awaited, then the next). */
  private static final class Pusher implements Runnable {
    private final Pushes pushes;
    private final List<Pushes.Push> done;
    private final AtomicBoolean stop = new AtomicBoolean();
    private ScaleMesh mesh;
    private volatile RuntimeException failure;

    Pusher(Pushes pushes, ScaleMesh mesh, List<Pushes.Push> done) {
      this.pushes = pushes;
      this.mesh = mesh;
      this.done = done;
    }

    @Override
    public void run() {
      int i = 0;
      while (!stop.get()) {
        long next = System.nanoTime() + 1_000_000_000L;
        mesh = mesh.withEndpointsChanged(i++ * 31);
        try {
          done.add(pushes.push("one service's endpoints changed, under load", mesh.config(), PUSH_TIMEOUT));
        } catch (RuntimeException e) {
          failure = e;
          return;
        }
        long wait = next - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
    }
  }

  private LoadFigures load(Attempt attempt, Pod client, String url, ProxyProcess proxy, Pusher pusher) {
    int gcLinesBefore = attempt.stderrLines.get().size();
    Thread thread = null;
    if (pusher != null) {
      thread = new Thread(pusher, "scale-pusher");
      thread.setDaemon(true);
      thread.start();
    }
    double cpuBefore = proxy.cpuSeconds();
    FixedRateLoad.Result result = FixedRateLoad.run(client, url, seconds, rate, connections);
    double cpu = proxy.cpuSeconds() - cpuBefore;
    int pushCount = 0;
    if (pusher != null) {
      pusher.stop.set(true);
      try {
        thread.join(PUSH_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (pusher.failure != null) {
        throw pusher.failure;
      }
      pushCount = pusher.done.size();
    }
    List<String> lines = attempt.stderrLines.get();
    List<Double> pauses = new ArrayList<>();
    int full = 0;
    for (String line : lines.subList(Math.min(gcLinesBefore, lines.size()), lines.size())) {
      java.util.regex.Matcher m = GC_PAUSE.matcher(line);
      if (m.find()) {
        pauses.add(Double.parseDouble(m.group(1)));
        full += line.contains("Pause Full") ? 1 : 0;
      }
    }
    return new LoadFigures(result, cpu / seconds, pushCount, pauses.size(), full,
        pauses.stream().mapToDouble(Double::doubleValue).sum(), pauses.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  record LoadFigures(FixedRateLoad.Result result, double vcpu, int pushes, int gcPauses, int fullGcs, double gcPauseMillis,
      double gcMaxPauseMillis) {}

  record MemoryFigures(ProxyProcess.Memory memory, ProxyProcess.Heap heap, ProxyProcess.Heap afterGc,
      Map<String, Double> nmt, Map<String, Long> liveClasses) {}

  /** The process as found, then the heap again after a full collection (what the configuration keeps live). */
  private static MemoryFigures snapshot(ProxyProcess proxy) {
    ProxyProcess.Memory memory = proxy.memory();
    Map<String, Double> nmt = proxy.nativeMemory();
    ProxyProcess.Heap heap = proxy.heap();
    Map<String, Long> liveClasses = proxy.liveClasses(); // a full collection first
    return new MemoryFigures(memory, heap, proxy.heap(), nmt, liveClasses);
  }

  private static double idleCpu(ProxyProcess proxy, Duration window) {
    double before = proxy.cpuSeconds();
    sleep(window);
    return (proxy.cpuSeconds() - before) / (window.toMillis() / 1000.0);
  }

  private static void stage(Attempt attempt, String stage, ProxyProcess proxy) {
    if (!proxy.isAlive()) {
      throw new IllegalStateException("the sidecar exited before: " + stage + " (after: " + attempt.stage + ")");
    }
    attempt.stage = stage;
    log(stage);
  }

  /** What the run tried with one heap limit, and how far it got. */
  private static final class Attempt {
    final String heap;
    final List<String> javaOpts;
    String stage = "start";
    String failure;
    /** Whether the sidecar had exited when the attempt failed (-XX:+ExitOnOutOfMemoryError ends it). */
    boolean exited;
    ProxyProcess proxy;
    java.util.function.Supplier<String> stderr = () -> "";
    java.util.function.Supplier<List<String>> stderrLines = List::of;
    Pushes.Push first;
    double idleCpuPerSecond;
    final List<Pushes.Push> incremental = new ArrayList<>();
    final Map<String, MemoryFigures> memory = new LinkedHashMap<>();
    final Map<String, LoadFigures> loads = new LinkedHashMap<>();

    Attempt(String heap, List<String> javaOpts) {
      this.heap = heap;
      this.javaOpts = javaOpts;
    }
  }

  // ---- the report ---------------------------------------------------------------------------

  private String report(Instant started, List<Attempt> attempts) {
    List<String> out = new ArrayList<>();
    ScaleMesh mesh = ScaleMesh.of(services, endpointsPerService, "0.0.0.0");
    MeshConfig config = mesh.config();
    out.add("# Outrigger config scale (bench/run scale), " + started.toString().substring(0, 16).replace('T', ' ') + " UTC");
    out.add("");
    String commit = dev.outrigger.it.harness.Commands.run("git", "-C", Outrigger.root().toString(), "rev-parse", "--short",
        "HEAD").stdout().strip();
    boolean dirty = !dev.outrigger.it.harness.Commands.run("git", "-C", Outrigger.root().toString(), "status", "--porcelain",
        "--untracked-files=no").stdout().isBlank();
    out.add("- Outrigger at " + commit + (dirty ? " with uncommitted changes" : "") + ".");
    out.add("- Mesh: " + services + " services × " + endpointsPerService + " endpoints (" + (services * endpointsPerService)
        + " endpoints) + the real service; as istiod sends it without Sidecar scoping: " + config.listeners().size()
        + " listeners, " + config.routes().size() + " route configuration with " + (services + 2) + " virtual hosts, "
        + config.clusters().size() + " clusters, " + config.endpoints().size() + " ClusterLoadAssignments; "
        + "serialized " + String.format("%.1f", serializedMib(config)) + " MiB.");
    out.add(edsPushes == ControlPlane.EdsPushes.CHANGED_ONLY
        ? "- Control plane: java-control-plane's ADS server (state of the world); an EDS response carries only the "
            + "ClusterLoadAssignments that changed since the last one, as istiod's incremental EDS push does (eds=changed-only)."
        : "- Control plane: java-control-plane's SimpleCache (state of the world), eds=all-subscribed: an EDS push "
            + "re-sends every subscribed ClusterLoadAssignment, all " + config.endpoints().size() + " of them, where "
            + "istiod sends only the changed ones; these incremental figures are an upper bound.");
    out.add("- Load: h2load --h1, " + connections + " connections paced to " + rate + " req/s in total, " + seconds
        + " s per phase after a " + warmup + " s warm-up, through the client sidecar to nginx in another pod "
        + "(no server sidecar).");
    out.add("- The sidecar runs with `-XX:NativeMemoryTracking=summary` added to the launcher's flags (NMT "
        + "costs some memory itself, the same in every state). Timing figures are noisy: the machine (2 CPUs) "
        + "also runs other work; memory figures are the main result.");
    attempts.stream().findFirst().ifPresent(a -> out.add("- Sidecar JVM flags (OUTRIGGER_JAVA_OPTS, -Xmx per attempt): `"
        + String.join(" ", a.javaOpts) + "`"));
    out.add("- Load average at the end: " + String.format("%.2f",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    out.add("");
    out.add("## Heap limits tried");
    out.add("");
    out.add("| -Xmx | result |");
    out.add("|---|---|");
    for (Attempt a : attempts) {
      out.add("| " + a.heap + " | " + (a.failure == null ? "the mesh applied, every phase ran"
          : "FAILED at " + a.stage + ": " + a.failure.replace('\n', ' ').replace("|", "\\|")) + " |");
    }
    for (Attempt a : attempts) {
      if (a.failure != null) {
        out.add("");
        out.add("Sidecar stderr (last lines) with -Xmx" + a.heap + ":");
        out.add("```");
        out.add(a.stderr.get());
        out.add("```");
      }
    }
    Attempt done = attempts.stream().filter(a -> a.failure == null).findFirst()
        .orElse(attempts.isEmpty() ? null : attempts.get(attempts.size() - 1));
    if (done == null) {
      return String.join("\n", out) + "\n";
    }
    out.add("");
    out.add("## Push → ACK (all types that changed), -Xmx" + done.heap);
    out.add("");
    out.add("Sidecar CPU: utime+stime of the JVM from publish to the last ACK (idle: "
        + String.format("%.3f", done.idleCpuPerSecond) + " CPU s per second).");
    out.add("");
    out.add("| push | types | pushes | median ms | min ms | max ms | median sidecar CPU s |");
    out.add("|---|---|---:|---:|---:|---:|---:|");
    List<Pushes.Push> all = new ArrayList<>();
    if (done.first != null) {
      all.add(done.first);
    }
    all.addAll(done.incremental);
    Map<String, List<Pushes.Push>> byKind = all.stream()
        .collect(Collectors.groupingBy(Pushes.Push::kind, LinkedHashMap::new, Collectors.toList()));
    byKind.forEach((kind, list) -> {
      Set<String> types = new LinkedHashSet<>();
      list.forEach(p -> p.types().stream().map(XdsType::name).forEach(types::add));
      List<Double> ms = sorted(list, Pushes.Push::millis);
      out.add("| " + kind + " | " + String.join("+", types) + " | " + list.size() + " | " + f1(median(ms)) + " | "
          + f1(ms.get(0)) + " | " + f1(ms.get(ms.size() - 1)) + " | " + f3(median(sorted(list, Pushes.Push::cpuSeconds)))
          + " |");
    });
    out.add("");
    out.add("## Memory, -Xmx" + done.heap + " (MiB)");
    out.add("");
    out.add("USS = Private_Clean + Private_Dirty of /proc/PID/smaps_rollup; peak = VmHWM so far; heap from "
        + "`jcmd GC.heap_info` as found and after `jcmd GC.class_histogram`'s full collection (the live set).");
    out.add("");
    out.add("| state | RSS | USS | PSS | peak RSS | heap committed | heap used | heap used after full GC | metaspace used | NMT committed |");
    out.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    done.memory.forEach((state, m) -> out.add("| " + state + " | " + f1(m.memory().rssMib()) + " | "
        + f1(m.memory().ussMib()) + " | " + f1(m.memory().pssMib()) + " | " + f1(m.memory().peakRssMib()) + " | "
        + f1(m.heap().committedMib()) + " | " + f1(m.heap().usedMib()) + " | " + f1(m.afterGc().usedMib()) + " | "
        + f1(m.heap().metaspaceUsedMib()) + " | " + f1(m.nmt().getOrDefault("Total", Double.NaN)) + " |"));
    List<String> states = new ArrayList<>(done.memory.keySet());
    if (states.size() >= 2) {
      MemoryFigures small = done.memory.get(states.get(0));
      MemoryFigures large = done.memory.get(states.get(1));
      out.add("");
      out.add("What the mesh costs (mesh − small): RSS " + f1(large.memory().rssMib() - small.memory().rssMib())
          + " MiB, USS " + f1(large.memory().ussMib() - small.memory().ussMib()) + " MiB, live heap "
          + f1(large.afterGc().usedMib() - small.afterGc().usedMib()) + " MiB, NMT committed "
          + f1(large.nmt().getOrDefault("Total", Double.NaN) - small.nmt().getOrDefault("Total", Double.NaN)) + " MiB.");
      out.add("");
      out.add("NMT committed by category (MiB):");
      out.add("");
      out.add("| category | " + String.join(" | ", states) + " |");
      out.add("|---|" + "---:|".repeat(states.size()));
      for (String category : small.nmt().keySet()) {
        StringBuilder row = new StringBuilder("| " + category + " |");
        for (String s : states) {
          row.append(' ').append(f1(done.memory.get(s).nmt().getOrDefault(category, Double.NaN))).append(" |");
        }
        out.add(row.toString());
      }
      out.add("");
      out.add("What the mesh keeps live on the heap, by who owns the class (mesh − small, MiB; arrays and "
          + "JDK classes hold the fields of all of them): " + String.join(", ", CLASS_OWNERS.entrySet().stream()
              .map(owner -> owner.getKey() + " " + f1(ownedBytes(large, owner.getValue()) - ownedBytes(small, owner.getValue())))
              .toList()) + ".");
      out.add("");
      out.add("What the mesh keeps live on the heap, by class (mesh − small, `jcmd GC.class_histogram`; the "
          + LIVE_CLASS_ROWS + " largest, MiB):");
      out.add("");
      out.add("| class | " + String.join(" | ", states) + " | mesh − small |");
      out.add("|---|" + "---:|".repeat(states.size() + 1));
      Map<String, Long> smallClasses = small.liveClasses();
      large.liveClasses().keySet().stream()
          .sorted(Comparator.comparingLong((String c) -> smallClasses.getOrDefault(c, 0L) - large.liveClasses().get(c))
              .thenComparing(Comparator.naturalOrder()))
          .limit(LIVE_CLASS_ROWS)
          .forEach(c -> {
            StringBuilder row = new StringBuilder("| `" + c + "` |");
            for (String s : states) {
              row.append(' ').append(f1(done.memory.get(s).liveClasses().getOrDefault(c, 0L) / MIB)).append(" |");
            }
            row.append(' ').append(f1((large.liveClasses().get(c) - smallClasses.getOrDefault(c, 0L)) / MIB)).append(" |");
            out.add(row.toString());
          });
    }
    out.add("");
    out.add("## Data path at " + rate + " req/s, -Xmx" + done.heap);
    out.add("");
    out.add("GC pauses: from the sidecar's `-Xlog:gc` lines during the phase (count, total, longest).");
    out.add("");
    out.add("| phase | requests | errors | p50 ms | p99 ms | max ms | sidecar vCPU | pushes during | GC pauses (full) | GC ms total | longest GC ms |");
    out.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    done.loads.forEach((phase, l) -> out.add("| " + phase + " | " + l.result().succeeded() + " | " + l.result().errors()
        + " | " + f3(l.result().p50Millis()) + " | " + f3(l.result().p99Millis()) + " | " + f3(l.result().maxMillis())
        + " | " + f3(l.vcpu()) + " | " + l.pushes() + " | " + l.gcPauses() + " (" + l.fullGcs() + ") | "
        + f1(l.gcPauseMillis()) + " | "
        + f1(l.gcMaxPauseMillis()) + " |"));
    return String.join("\n", out) + "\n";
  }

  /** Package prefixes (ending in '.') and class names, by who owns them, for the live-heap summary. */
  private static final Map<String, List<String>> CLASS_OWNERS = new LinkedHashMap<>();

  static {
    CLASS_OWNERS.put("xDS messages (io.envoyproxy, com.google.protobuf)", List.of("io.envoyproxy.", "com.google.protobuf."));
    CLASS_OWNERS.put("Outrigger's (dev.outrigger)", List.of("dev.outrigger."));
    CLASS_OWNERS.put("JDK collections (java.util)", List.of("java.util.", "[Ljava.util."));
    CLASS_OWNERS.put("strings and byte arrays", List.of("java.lang.String", "[B"));
  }

  private static double ownedBytes(MemoryFigures figures, List<String> prefixes) {
    return figures.liveClasses().entrySet().stream()
        .filter(e -> prefixes.stream().anyMatch(p -> p.endsWith(".") ? e.getKey().startsWith(p) : e.getKey().equals(p)))
        .mapToLong(Map.Entry::getValue).sum() / MIB;
  }

  private static double serializedMib(MeshConfig config) {
    long bytes = 0;
    for (var list : List.of(config.listeners(), config.routes(), config.clusters(), config.endpoints())) {
      for (var message : list) {
        bytes += ((com.google.protobuf.Message) message).getSerializedSize();
      }
    }
    return bytes / 1024.0 / 1024.0;
  }

  // ---- small helpers ------------------------------------------------------------------------

  /** bin/outrigger's proxy_defaults: OUTRIGGER_JAVA_OPTS replaces them, so the run starts from the same words. */
  private static List<String> launcherDefaults() {
    try {
      for (String line : Files.readAllLines(Outrigger.launcher())) {
        if (line.startsWith("proxy_defaults=\"")) {
          return new ArrayList<>(List.of(line.substring("proxy_defaults=\"".length(), line.lastIndexOf('"')).split(" ")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no proxy_defaults in " + Outrigger.launcher());
  }

  private static String heapOf(List<String> opts) {
    return opts.stream().filter(o -> o.startsWith("-Xmx")).map(o -> o.substring(4)).findFirst().orElse("?");
  }

  private int intArg(String name, int fallback) {
    return Integer.parseInt(args.getOrDefault(name, String.valueOf(fallback)));
  }

  private static <T> List<Double> sorted(List<T> items, Function<T, Double> value) {
    return items.stream().map(value).sorted().toList();
  }

  private static double median(List<Double> sorted) {
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }

  private static List<String> tail(List<String> lines, int n) {
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  private static String f1(double v) {
    return String.format("%.1f", v);
  }

  private static String f3(double v) {
    return String.format("%.3f", v);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void log(String message) {
    System.err.println("[" + java.time.LocalTime.now().withNano(0) + "] scale: " + message);
  }
}
