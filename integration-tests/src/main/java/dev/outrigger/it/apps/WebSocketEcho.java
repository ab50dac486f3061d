package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A WebSocket echo server on Debian's python3-websockets: an implementation of RFC 6455 that owes
 * nothing to this project, checking the handshake and framing of what reaches it. It sends every
 * message back as it came (text as text, binary as binary). Run by the system interpreter, whose
 * packages apt installs, whatever python3 comes first on PATH.
 */
public final class WebSocketEcho {
  public static final String PYTHON = "/usr/bin/python3";
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);
  private static final String SCRIPT = """
      import asyncio, sys
      import websockets

      async def echo(websocket, *path):
          async for message in websocket:
              await websocket.send(message)

      async def main():
          async with websockets.serve(echo, sys.argv[1], int(sys.argv[2]), max_size=None):
              await asyncio.Future()

      asyncio.run(main())
      """;

  private final Pod pod;
  private final int port;

  private WebSocketEcho(Pod pod, int port) {
    this.pod = pod;
    this.port = port;
  }

  public static WebSocketEcho start(Pod pod, String bindIp, int port) {
    Path script = pod.workDir().resolve("websocket-echo.py");
    try {
      Files.writeString(script, SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + script, e);
    }
    pod.start("websocket-echo-" + port, List.of(PYTHON, script.toString(), bindIp, String.valueOf(port)));
    pod.awaitListening(bindIp, port, LISTEN_TIMEOUT);
    return new WebSocketEcho(pod, port);
  }

  /** The echo as other pods reach it: through the pod IP, where a sidecar captures it. */
  public String url(String path) {
    return "ws://" + pod.ip() + ":" + port + path;
  }
}
