package dev.outrigger.it.demo;

import static dev.outrigger.it.xds.MtlsMesh.HTTPBIN;
import static dev.outrigger.it.xds.MtlsMesh.HTTPBIN_VIP;
import static dev.outrigger.it.xds.MtlsMesh.HTTP_PORT;

import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.xds.ServiceCalls.Call;

/**
 * The demo's fourth act, seed 001's mTLS: two Outrigger sidecars speak Istio mTLS, the app behind
 * the STRICT one sees Envoy's X-Forwarded-Client-Cert naming the caller (its Hash is openssl's
 * digest of the caller's certificate), and a client without a sidecar is refused.
 */
public final class MtlsAct {
  private static final String XFCC = "x-forwarded-client-cert";

  private MtlsAct() {}

  public static void print(MtlsCluster mesh) {
    System.out.println("Seed 001, mTLS: sleep-mtls and httpbin have Outrigger sidecars with workload certificates of one mesh\n"
        + "CA (made with openssl: root, intermediate, leaves with only a SPIFFE URI SAN); xDS says what istiod says\n"
        + "with auto mTLS and PeerAuthentication STRICT on httpbin:" + HTTP_PORT + ". outsider has no sidecar.\n");
    Call call = mesh.calls().get(HTTPBIN, HTTPBIN_VIP, HTTP_PORT, "/headers");
    String xfcc = HeaderEcho.seen(call.exchange().body()).get(XFCC);
    System.out.println("  curl http://" + HTTPBIN + ":" + HTTP_PORT + "/headers from sleep-mtls: " + call.status());
    System.out.println("  the app saw X-Forwarded-Client-Cert: " + xfcc);
    System.out.println("  openssl x509 -outform DER -in sleep's cert | sha256sum: " + mesh.sleepLeaf().derSha256()
        + (xfcc != null && xfcc.contains("Hash=" + mesh.sleepLeaf().derSha256() + ";") ? "  (the same as Hash=)" : "  (DIFFERENT)"));
    CommandResult refused = Curl.get(mesh.outsider(), "http://" + mesh.httpbin().ip() + ":" + HTTP_PORT + "/headers");
    String line = mesh.httpbinSidecar().awaitAccessLog("the NR line of the plaintext connection",
        candidate -> candidate.contains(" " + mesh.outsider().ip() + ":") && candidate.contains(" NR "));
    System.out.println("\n  curl http://" + mesh.httpbin().ip() + ":" + HTTP_PORT + "/headers from outsider (plaintext): "
        + (refused.exitCode() == 0 ? "served (UNEXPECTED)" : "refused, curl exit " + refused.exitCode() + " ("
            + refused.stderr().strip().lines().reduce((a, b) -> b).orElse("") + ")"));
    System.out.println("  httpbin's sidecar logged it: " + line + "\n");
  }
}
