package dev.outrigger.it.apps;

import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.apps.tool.TcpTool;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A {@link dev.outrigger.it.apps.tool.TcpTool} server running in a pod. */
public final class ToolServer {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final BackgroundProcess process;

  private ToolServer(BackgroundProcess process) {
    this.process = process;
  }

  public static ToolServer start(Pod pod, ServerBehaviour behaviour, String bindIp, int port) {
    return start(pod, behaviour.cliName() + "-" + port, List.of("serve", behaviour.cliName(), bindIp, String.valueOf(port)));
  }

  /** A server that sends the file to each client after the client's first line. */
  public static ToolServer startFileSource(Pod pod, String bindIp, int port, Path file) {
    return start(pod, "file-source-" + port, List.of("serve-file", bindIp, String.valueOf(port), file.toString()));
  }

  /** The JDK-server HTTP app of {@link dev.outrigger.it.apps.tool.TcpTool} (serve-http): sha256, slow, headers. */
  public static ToolServer startHttpApp(Pod pod, String bindIp, int port) {
    return start(pod, "http-app-" + port, List.of("serve-http", bindIp, String.valueOf(port)));
  }

  /**
   * An HTTP app that prints every request exactly as its bytes frame it and answers some paths
   * with malformed responses ({@code serve-recording-http}).
   */
  public static ToolServer startRecordingHttp(Pod pod, String bindIp, int port) {
    return start(pod, "recording-http-" + port, List.of("serve-recording-http", bindIp, String.valueOf(port)));
  }

  /** An app that reads 1 KiB a second per connection, whatever is sent to it (serve-slow-sink). */
  public static ToolServer startSlowSink(Pod pod, String bindIp, int port) {
    return start(pod, "slow-sink-" + port, List.of("serve-slow-sink", bindIp, String.valueOf(port)));
  }

  private static ToolServer start(Pod pod, String name, List<String> toolArgs) {
    BackgroundProcess process = pod.start(name, ToolJvm.command(toolArgs));
    process.awaitStdoutLine("'listening'", START_TIMEOUT, line -> line.startsWith(TcpTool.LISTENING));
    return new ToolServer(process);
  }

  /** What the server printed (some behaviours report what they received). */
  public BackgroundProcess process() {
    return process;
  }
}
