package dev.outrigger.core.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code openssl s_server -Verify}: a TLS server no one here wrote, standing in for an Envoy server
 * sidecar (requires a client certificate chained to its CA, selects from its ALPN list). What it
 * printed tells what the client offered.
 */
final class OpensslServer implements AutoCloseable {
  private final Process process;
  private final Path output;
  final int port;

  OpensslServer(OpensslMeshCa.Leaf leaf, Path trustedRoot, String alpn, Path output) throws Exception {
    this(leaf, trustedRoot, alpn, output, List.of());
  }

  /** @param extra more s_server options ({@code -www}: answer HTTP GETs with a status page) */
  OpensslServer(OpensslMeshCa.Leaf leaf, Path trustedRoot, String alpn, Path output, List<String> extra) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    this.output = output;
    List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", leaf.cert().toString(), "-key", leaf.key().toString(), "-cert_chain", leaf.ca().intermediate().toString(),
        "-CAfile", trustedRoot.toString(), "-Verify", "2", "-verify_return_error", "-alpn", alpn, "-tlsextdebug"));
    command.addAll(extra);
    // stdin stays open (a pipe we never close until the end): s_server quits on EOF
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Files.readString(output).contains("ACCEPT")) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IOException("s_server did not start: " + Files.readString(output));
      }
      Thread.sleep(20);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  String output() throws IOException {
    return Files.readString(output);
  }

  String outputQuietly() {
    try {
      return output();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The server name the client sent, decoded from s_server's -tlsextdebug hex dump. */
  String offeredServerName() throws IOException {
    byte[] ext = extension("server name");
    // server_name_list length (2), type (1), name length (2), name
    int len = ((ext[3] & 0xff) << 8) | (ext[4] & 0xff);
    return new String(ext, 5, len, StandardCharsets.US_ASCII);
  }

  /** The ALPN protocols the client offered, in order, decoded from the -tlsextdebug hex dump. */
  List<String> offeredAlpn() throws IOException {
    byte[] ext = extension("application layer protocol negotiation");
    List<String> protocols = new ArrayList<>();
    for (int i = 2; i < ext.length; ) { // protocol_name_list length (2), then (length (1), name)*
      int len = ext[i] & 0xff;
      protocols.add(new String(ext, i + 1, len, StandardCharsets.US_ASCII));
      i += 1 + len;
    }
    return protocols;
  }

  private byte[] extension(String name) throws IOException {
    List<String> lines = List.of(output().split("\n"));
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("TLS client extension \"" + name + "\"")) {
        at = i;
      }
    }
    if (at < 0) {
      throw new AssertionError("no " + name + " extension offered: " + output());
    }
    StringBuilder hex = new StringBuilder();
    for (int i = at + 1; i < lines.size() && lines.get(i).matches("^[0-9a-f]{4} - .*"); i++) {
      String line = lines.get(i);
      hex.append(line.substring(7, Math.min(line.length(), 7 + 47)).replace("-", " ").replace(" ", ""));
    }
    return HexFormat.of().parseHex(hex.toString());
  }

  @Override
  public void close() {
    process.destroy();
  }
}
