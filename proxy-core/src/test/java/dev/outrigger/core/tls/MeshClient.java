package dev.outrigger.core.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code openssl s_client} as an Envoy client sidecar: its certificate chain, an ALPN list, Istio's SNI. */
final class MeshClient {
  private MeshClient() {}

  /** Sends {@code request} over mTLS (without a client certificate when {@code leaf} is null) to 127.0.0.1:{@code port}; returns what came back (and openssl's errors). */
  static String request(int port, OpensslMeshCa.Leaf leaf, OpensslMeshCa trusted, String alpn, String request)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-CAfile", trusted.root().toString(),
        "-alpn", alpn, "-servername", "outbound_.8080_._.server.default.svc.cluster.local", "-ign_eof", "-quiet"));
    if (leaf != null) { // null: no client certificate
      command.addAll(List.of("-cert", leaf.cert().toString(), "-key", leaf.key().toString(),
          "-cert_chain", leaf.ca().intermediate().toString()));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "(openssl s_client timed out)";
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
