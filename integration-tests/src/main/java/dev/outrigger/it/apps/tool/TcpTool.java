package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Small TCP servers and clients with behaviours ncat cannot produce on demand (reply only after
 * the peer's FIN, reset instead of close, thousands of connections in one process). Run inside
 * a pod with `ip netns exec`; see {@link ServerBehaviour} and {@link TcpClients}.
 *
 * <pre>
 * serve &lt;behaviour&gt; &lt;bind ip&gt; &lt;port&gt;
 * serve-file &lt;bind ip&gt; &lt;port&gt; &lt;file&gt;
 * connect-loop &lt;ip&gt; &lt;port&gt; &lt;count&gt;
 * send-after-eof &lt;ip&gt; &lt;port&gt; &lt;bytes&gt;
 * read-greeting &lt;ip&gt; &lt;port&gt;
 * serve-http &lt;bind ip&gt; &lt;port&gt;
 * serve-recording-http &lt;bind ip&gt; &lt;port&gt;
 * serve-slow-sink &lt;bind ip&gt; &lt;port&gt;
 * flood &lt;ip&gt; &lt;port&gt; &lt;connections&gt; &lt;bytes each&gt; &lt;seconds&gt;
 * websocket &lt;ws url&gt; &lt;text messages&gt;
 * http-load &lt;ip&gt; &lt;port&gt; &lt;path&gt; &lt;connections&gt; &lt;ramp ms&gt; &lt;run ms&gt;
 * forward-unix &lt;bind ip&gt; &lt;port&gt; &lt;unix socket path&gt;
 * </pre>
 * See {@link HttpApp} for the HTTP app and {@link WebSocketClient} for the WebSocket round trip.
 */
public final class TcpTool {
  /** Servers print this, then ip:port, once they accept connections. */
  public static final String LISTENING = "listening ";
  /** Servers start a stderr line with this when a connection fails. */
  public static final String CONNECTION_ERROR = "connection from ";

  private TcpTool() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length == 0) {
      usage();
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "serve" -> {
        requireArgs(rest, 3);
        TcpServer.serve(ServerBehaviour.fromName(rest[0]), rest[1], Integer.parseInt(rest[2]));
      }
      case "serve-file" -> {
        requireArgs(rest, 3);
        TcpServer.serve(new FileSource(Path.of(rest[2])), rest[0], Integer.parseInt(rest[1]));
      }
      case "connect-loop" -> {
        requireArgs(rest, 3);
        System.exit(TcpClients.connectLoop(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2])));
      }
      case "send-after-eof" -> {
        requireArgs(rest, 3);
        System.exit(TcpClients.sendAfterEof(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2])));
      }
      case "read-greeting" -> {
        requireArgs(rest, 2);
        System.exit(TcpClients.readGreeting(rest[0], Integer.parseInt(rest[1])));
      }
      case "serve-http" -> {
        requireArgs(rest, 2);
        HttpApp.serve(rest[0], Integer.parseInt(rest[1]));
      }
      case "serve-recording-http" -> {
        requireArgs(rest, 2);
        TcpServer.serve(new RecordingHttp(), rest[0], Integer.parseInt(rest[1]));
      }
      case "serve-slow-sink" -> {
        requireArgs(rest, 2);
        SlowSink.serve(rest[0], Integer.parseInt(rest[1]));
      }
      case "flood" -> {
        requireArgs(rest, 5);
        System.exit(Flood.run(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2]), Long.parseLong(rest[3]),
            Integer.parseInt(rest[4])));
      }
      case "websocket" -> {
        requireArgs(rest, 2);
        System.exit(WebSocketClient.roundTrip(rest[0], Integer.parseInt(rest[1])));
      }
      case "http-load" -> {
        requireArgs(rest, 6);
        System.exit(HttpLoad.run(rest[0], Integer.parseInt(rest[1]), rest[2], Integer.parseInt(rest[3]),
            Long.parseLong(rest[4]), Long.parseLong(rest[5])));
      }
      case "forward-unix" -> {
        requireArgs(rest, 3);
        UnixSocketForwarder.serve(rest[0], Integer.parseInt(rest[1]), Path.of(rest[2]));
      }
      default -> usage();
    }
  }

  private static void requireArgs(String[] args, int count) {
    if (args.length != count) {
      usage();
    }
  }

  private static void usage() {
    System.err.println("usage: serve <behaviour> <bind ip> <port> | serve-file <bind ip> <port> <file>"
        + " | connect-loop <ip> <port> <count> | send-after-eof <ip> <port> <bytes> | read-greeting <ip> <port>"
        + " | serve-http <bind ip> <port> | serve-recording-http <bind ip> <port> | serve-slow-sink <bind ip> <port>"
        + " | flood <ip> <port> <connections> <bytes each> <seconds> | websocket <ws url> <text messages>"
        + " | http-load <ip> <port> <path> <connections> <ramp ms> <run ms>"
        + " | forward-unix <bind ip> <port> <unix socket path>");
    System.exit(2);
  }
}
