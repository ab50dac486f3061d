package dev.outrigger.it.apps;

import dev.outrigger.it.apps.tool.TcpTool;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.PodNetwork;
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

  /**
   * The command line of a main class of the harness with every library the tests run with (gRPC,
   * the Envoy API): for clients that need more than the JDK, like {@link dev.outrigger.it.xds.AdsProbe}.
   */
  public static List<String> commandWithLibraries(Class<?> mainClass, String... args) {
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        // The test JVM's own class path (under failsafe a manifest-only jar that names the rest).
        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    argv.addAll(List.of(args));
    return argv;
  }

  /** Starts a client mode of the tool in the background inside the pod. */
  public static BackgroundProcess start(Pod pod, String processName, String... toolArgs) {
    return pod.start(processName, command(List.of(toolArgs)));
  }

  /** Starts a mode of the tool in the network's own namespace, where the gateway address lives. */
  public static BackgroundProcess startOnGateway(PodNetwork network, String processName, String... toolArgs) {
    return network.startOnGateway(processName, command(List.of(toolArgs)));
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
