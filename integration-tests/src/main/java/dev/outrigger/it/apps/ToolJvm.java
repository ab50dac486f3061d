package dev.outrigger.it.apps;

import dev.outrigger.it.apps.tool.TcpTool;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command lines that run {@link TcpTool} in a fresh JVM, from the classes this harness runs from. */
public final class ToolJvm {
  private ToolJvm() {}

  static List<String> command(List<String> toolArgs) {
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Short-lived helpers: start fast, stay small.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
        "-cp", classpath(), TcpTool.class.getName()));
    argv.addAll(toolArgs);
    return argv;
  }

  /** Starts a client mode of the tool inside the pod and returns at once. */
  public static BackgroundProcess start(Pod pod, String processName, String... toolArgs) {
    return pod.start(processName, command(List.of(toolArgs)));
  }

  /** Runs a client mode of the tool to completion inside the pod. */
  public static CommandResult run(Pod pod, Duration timeout, String... toolArgs) {
    return pod.exec(timeout, command(List.of(toolArgs)));
  }

  private static String classpath() {
    try {
      return Path.of(TcpTool.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the harness classes", e);
    }
  }
}
