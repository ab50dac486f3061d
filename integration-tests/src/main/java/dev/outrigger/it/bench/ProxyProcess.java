package dev.outrigger.it.bench;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Commands;
import dev.outrigger.it.sidecar.Sidecar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel and the JVM say about one sidecar JVM: CPU time from /proc/PID/stat, resident
 * and private memory from /proc/PID/status and smaps_rollup, and the heap and native memory from
 * jcmd (run as the sidecar's uid: the attach socket only answers its own user).
 */
final class ProxyProcess {
  /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux we run on. */
  private static final double CLOCK_TICKS_PER_SECOND = 100.0;
  private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern GENERATION = Pattern.compile("generation\\s+total (\\d+)K, used (\\d+)K");
  private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K, committed (\\d+)K");
  private static final Pattern NMT_CATEGORY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  /** "   1:   12345   678900  java.lang.String (java.base@17)": instances, bytes, class name. */
  private static final Pattern HISTOGRAM_ROW =
      Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

  private final long pid;

  ProxyProcess(long pid) {
    this.pid = pid;
  }

  long pid() {
    return pid;
  }

  /** Running: /proc/PID exists and is not a zombie (an exited JVM stays one until the harness reaps it). */
  boolean isAlive() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException gone) {
      return false;
    }
  }

  /** utime + stime of the whole process (all threads), in seconds. */
  double cpuSeconds() {
    String stat = read("stat");
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  }

  /** RSS, USS (private clean + dirty), PSS and the peak RSS (VmHWM), in MiB. */
  Memory memory() {
    Map<String, Long> rollup = kibFields(read("smaps_rollup"));
    Map<String, Long> status = kibFields(read("status"));
    return new Memory(mib(rollup.get("Rss")), mib(rollup.get("Private_Clean") + rollup.get("Private_Dirty")),
        mib(rollup.get("Pss")), mib(status.get("VmHWM")));
  }

  /** `jcmd GC.heap_info`: the serial collector's generations and metaspace. */
  Heap heap() {
    String out = jcmd("GC.heap_info");
    long committed = 0;
    long used = 0;
    Matcher m = GENERATION.matcher(out);
    while (m.find()) {
      committed += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
    }
    Matcher meta = METASPACE.matcher(out);
    double metaspaceUsed = meta.find() ? mib(Long.parseLong(meta.group(1))) : Double.NaN;
    return new Heap(mib(committed), mib(used), metaspaceUsed);
  }

  /**
   * `jcmd GC.class_histogram` (a full collection first, so only what is live, and the next
   * {@link #heap()} shows the live set too): bytes by class name, in the histogram's order (largest first).
   */
  Map<String, Long> liveClasses() {
    Map<String, Long> bytes = new java.util.LinkedHashMap<>();
    Matcher m = HISTOGRAM_ROW.matcher(jcmd("GC.class_histogram"));
    while (m.find()) {
      bytes.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
    }
    return bytes;
  }

  /** NMT's committed memory by category (MiB), with "Total" first; empty without -XX:NativeMemoryTracking. */
  Map<String, Double> nativeMemory() {
    String out = jcmd("VM.native_memory", "summary");
    Map<String, Double> committed = new java.util.LinkedHashMap<>();
    Matcher total = NMT_TOTAL.matcher(out);
    if (!total.find()) {
      return committed;
    }
    committed.put("Total", mib(Long.parseLong(total.group(2))));
    Matcher m = NMT_CATEGORY.matcher(out);
    while (m.find()) {
      committed.put(m.group(1).strip(), mib(Long.parseLong(m.group(3))));
    }
    return committed;
  }

  private String jcmd(String... command) {
    List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + Sidecar.PROXY_UID, "--regid=" + Sidecar.PROXY_UID,
        "--clear-groups", "jcmd", String.valueOf(pid)));
    argv.addAll(List.of(command));
    CommandResult result = Commands.run(JCMD_TIMEOUT, argv);
    return result.requireSuccess().stdout();
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid), file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file + " (has the sidecar exited?)", e);
    }
  }

  /** "Name:   1234 kB" lines. */
  private static Map<String, Long> kibFields(String text) {
    Map<String, Long> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.split("\\s+");
      if (parts.length == 3 && parts[0].endsWith(":") && parts[2].equals("kB")) {
        fields.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
      }
    }
    return fields;
  }

  private static double mib(long kib) {
    return kib / 1024.0;
  }

  record Memory(double rssMib, double ussMib, double pssMib, double peakRssMib) {}

  record Heap(double committedMib, double usedMib, double metaspaceUsedMib) {}
}
