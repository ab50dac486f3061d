package dev.outrigger.it.mtls;

import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * TLS peers that no one here wrote: the openssl CLI, standing in for Envoy sidecars.
 * {@code s_client} with a workload certificate and Istio's ALPN is an Envoy client sidecar's
 * upstream connection; {@code s_server -Verify} is an Envoy server sidecar's inbound mTLS chain.
 */
public final class OpensslPeers {
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);

  private OpensslPeers() {}

  /**
   * One connection from {@code pod} to ip:port: a TLS handshake offering {@code alpn} and the SNI,
   * presenting {@code leaf} (with its intermediate) and verifying the server against the leaf's
   * root, then {@code request} written and everything the server sends until it closes.
   * {@code -quiet} keeps s_client's own chatter off stdout (it goes to stderr), so stdout is the
   * server's bytes.
   */
  public static CommandResult exchange(Pod pod, String ip, int port, String sni, List<String> alpn, MeshCa.Leaf leaf,
      String request) {
    return exchange(pod, ip, port, sni, alpn, leaf, leaf.ca().root(), request);
  }

  /**
   * As above, verifying the server against {@code trustedRoot} rather than the leaf's own root: a
   * client whose certificate comes from a foreign CA but who trusts the mesh, so that it gets as
   * far as presenting that certificate.
   */
  public static CommandResult exchange(Pod pod, String ip, int port, String sni, List<String> alpn, MeshCa.Leaf leaf,
      Path trustedRoot, String request) {
    List<String> argv = new ArrayList<>(List.of("openssl", "s_client", "-connect", ip + ":" + port,
        "-servername", sni, "-cert", leaf.cert().toString(), "-key", leaf.key().toString(),
        "-cert_chain", leaf.ca().intermediate().toString(), "-CAfile", trustedRoot.toString(),
        "-verify_return_error", "-quiet"));
    if (!alpn.isEmpty()) {
      argv.add("-alpn");
      argv.add(String.join(",", alpn));
    }
    return pod.exec(CLIENT_TIMEOUT, request.getBytes(StandardCharsets.UTF_8), argv);
  }

  /** The serial of the certificate ip:port presents (handshake as {@link #exchange}, nothing sent). */
  public static String servedSerial(Pod pod, String ip, int port, String sni, List<String> alpn, MeshCa.Leaf leaf) {
    CommandResult result = pod.exec(CLIENT_TIMEOUT, List.of("bash", "-c",
        "set -o pipefail; openssl s_client -connect \"$0\" -servername \"$1\" -alpn \"$2\" -cert \"$3\" -key \"$4\""
            + " -cert_chain \"$5\" -CAfile \"$6\" </dev/null 2>/dev/null | openssl x509 -noout -serial",
        ip + ":" + port, sni, String.join(",", alpn), leaf.cert().toString(), leaf.key().toString(),
        leaf.ca().intermediate().toString(), leaf.ca().root().toString()));
    return result.stdout().strip();
  }

  /**
   * {@code openssl s_server -Verify} on 0.0.0.0:port in {@code pod}: presents {@code leaf}, requires
   * a client certificate chaining to the leaf's root ({@code -verify_return_error}: no certificate
   * or a bad one fails the handshake), selects its ALPN from {@code alpn}, and answers
   * {@code GET /} with its status page ({@code -www}), which prints the client's certificate.
   * {@code -trace} logs each handshake message, which is how the SNI the client sent is read
   * back ({@link #serverNames}); stdout is line-buffered so the log is current.
   */
  public static BackgroundProcess startServer(Pod pod, int port, MeshCa.Leaf leaf, List<String> alpn) {
    // The CA file carries the intermediate too, so that -build_chain sends leaf + intermediate.
    BackgroundProcess server = pod.start("openssl-s_server", List.of("bash", "-c",
        "cat \"$4\" \"$5\" > \"$6\" && exec stdbuf -oL openssl s_server -accept \"$0\" -cert \"$1\" -key \"$2\""
            + " -CAfile \"$6\" -build_chain -Verify 2 -verify_return_error -alpn \"$3\" -www -trace",
        String.valueOf(port), leaf.cert().toString(), leaf.key().toString(), String.join(",", alpn),
        leaf.ca().intermediate().toString(), leaf.ca().root().toString(),
        pod.workDir().resolve("s_server-ca.pem").toString()));
    pod.awaitListening("0.0.0.0", port, LISTEN_TIMEOUT);
    return server;
  }

  /** The server names of the ClientHellos in an s_server -trace log, in order. */
  public static List<String> serverNames(List<String> traceLines) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < traceLines.size(); i++) {
      if (traceLines.get(i).contains("extension_type=server_name(0)")) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int j = i + 1; j < traceLines.size(); j++) {
          Optional<byte[]> row = hexRow(traceLines.get(j));
          if (row.isEmpty()) {
            break;
          }
          bytes.writeBytes(row.get());
        }
        byte[] extension = bytes.toByteArray();
        // server_name_list length (2), name_type host_name (1), name length (2), then the name.
        if (extension.length > 5) {
          names.add(new String(extension, 5, extension.length - 5, StandardCharsets.US_ASCII));
        }
      }
    }
    return names;
  }

  /** "          0000 - 00 23 00 00 20 6f 75 74-62 6f ...   .#.. out": the bytes of one dump row. */
  private static Optional<byte[]> hexRow(String line) {
    String trimmed = line.strip();
    int dash = trimmed.indexOf(" - ");
    if (dash != 4 || !trimmed.substring(0, 4).matches("[0-9a-f]{4}")) {
      return Optional.empty();
    }
    String rest = trimmed.substring(dash + 3);
    int asciiStart = rest.indexOf("   ");
    String hex = (asciiStart < 0 ? rest : rest.substring(0, asciiStart)).replace('-', ' ').strip();
    ByteArrayOutputStream row = new ByteArrayOutputStream();
    for (String b : hex.split("\\s+")) {
      row.writeBytes(HexFormat.of().parseHex(b));
    }
    return Optional.of(row.toByteArray());
  }
}
