package dev.outrigger.it.mtls;

import static dev.outrigger.it.xds.IstioMtlsShapes.outboundSni;
import static dev.outrigger.it.xds.IstioShapes.outboundCluster;
import static dev.outrigger.it.xds.MtlsMesh.HTTPBIN;
import static dev.outrigger.it.xds.MtlsMesh.HTTPBIN_PLAINTEXT;
import static dev.outrigger.it.xds.MtlsMesh.HTTPBIN_PLAINTEXT_VIP;
import static dev.outrigger.it.xds.MtlsMesh.HTTPBIN_VIP;
import static dev.outrigger.it.xds.MtlsMesh.HTTP_PORT;
import static dev.outrigger.it.xds.MtlsMesh.OPENSSL_PORT;
import static dev.outrigger.it.xds.MtlsMesh.OPENSSL_SERVER;
import static dev.outrigger.it.xds.MtlsMesh.OPENSSL_SERVER_VIP;
import static dev.outrigger.it.xds.MtlsMesh.PERMISSIVE_HTTP_PORT;
import static dev.outrigger.it.xds.MtlsMesh.TCP_ECHO;
import static dev.outrigger.it.xds.MtlsMesh.TCP_ECHO_VIP;
import static dev.outrigger.it.xds.MtlsMesh.TCP_PORT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.http.HttpLogLine;
import dev.outrigger.it.sidecar.ProxyStats;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.InjectedEnvironment;
import dev.outrigger.it.xds.IstioMtlsShapes;
import dev.outrigger.it.xds.IstioShapes;
import dev.outrigger.it.xds.MtlsMesh;
import dev.outrigger.it.xds.ServiceCalls;
import dev.outrigger.it.xds.ServiceCalls.Call;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Istio mTLS on the wire (issue 11), in netns pods through Istio's iptables rules, with
 * certificates from a real CA made by openssl and mounted as Istio mounts them
 * (FILE_MOUNTED_CERTS, /etc/certs layout):
 * <ul>
 *   <li>"sleep" and "httpbin": Outrigger sidecars driven by a real ADS server serving what istiod
 *       sends with auto mTLS on ({@link MtlsMesh}): httpbin's ports 8080 (HTTP) and 9000 (TCP)
 *       STRICT, 8081 PERMISSIVE; sleep's clusters carry ISTIO_MUTUAL transport_socket_matches.</li>
 *   <li>"legacy" and "strict": Outrigger sidecars without istiod, OUTRIGGER_MTLS_MODE=PERMISSIVE
 *       and STRICT.</li>
 *   <li>"peer": no sidecar; openssl's s_client and s_server stand in for Envoy sidecars there,
 *       and curl for a plaintext client outside the mesh.</li>
 * </ul>
 * What Envoy does, with the source it is read from, is stated at each test.
 */
class MutualTlsIT extends PodNetworkTestBase {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
  private static final String HANDSHAKE_FAILED = "downstream TLS handshake failed";
  private static final String TLS_HANDSHAKE_FAIL_COUNTER = "downstream_cx_tls_handshake_fail";
  private static final String XFCC = "x-forwarded-client-cert";
  private static final List<String> ISTIO_HTTP11 = List.of("istio-http/1.1");
  /** The ALPN an Envoy client sidecar offers for plain TCP (util.ALPNInMesh; peer exchange left out here). */
  private static final List<String> ISTIO_TCP = List.of("istio");

  private MeshCa ca;
  private MeshCa foreignCa;
  private Pod sleep;
  private Pod httpbin;
  private Pod legacy;
  private Pod strict;
  private Pod peer;
  private MeshCa.Leaf sleepLeaf;
  private MeshCa.Leaf httpbinLeaf;
  private MeshCa.Leaf legacyLeaf;
  private MeshCa.Leaf strictLeaf;
  private MeshCa.Leaf peerLeaf;
  private CertMount httpbinCerts;
  private ControlPlane controlPlane;
  private Sidecar sleepSidecar;
  private Sidecar httpbinSidecar;
  private Sidecar legacySidecar;
  private Sidecar strictSidecar;
  private BackgroundProcess opensslServer;
  private ServiceCalls calls;

  @Override
  protected String networkName() {
    return "mtls";
  }

  @BeforeAll
  void startMesh() throws Exception {
    Path caDir = Files.createDirectory(network.workDir().resolve("ca"));
    ca = MeshCa.create(caDir, "mesh");
    foreignCa = MeshCa.create(caDir, "foreign");

    sleep = network.addPod("sleep");
    httpbin = network.addPod(MtlsMesh.HTTPBIN_POD);
    legacy = network.addPod("legacy");
    strict = network.addPod("strict");
    peer = network.addPod(MtlsMesh.PEER_POD);
    sleepLeaf = ca.issue("sleep", identity(sleep));
    httpbinLeaf = ca.issue("httpbin", identity(httpbin));
    legacyLeaf = ca.issue("legacy", identity(legacy));
    strictLeaf = ca.issue("strict", identity(strict));
    peerLeaf = ca.issue("peer", identity(peer));

    ToolServer.startHttpApp(httpbin, "0.0.0.0", HTTP_PORT);
    ToolServer.startHttpApp(httpbin, "0.0.0.0", PERMISSIVE_HTTP_PORT);
    ToolServer.start(httpbin, ServerBehaviour.PONG, "0.0.0.0", TCP_PORT);
    ToolServer.startHttpApp(legacy, "0.0.0.0", HTTP_PORT);
    ToolServer.startHttpApp(strict, "0.0.0.0", HTTP_PORT);
    opensslServer = OpensslPeers.startServer(peer, OPENSSL_PORT, peerLeaf, List.of("istio-http/1.1", "istio"));

    controlPlane = ControlPlane.start(network, new MtlsMesh(httpbin.ip(), peer.ip()).config());
    httpbinCerts = CertMount.create(httpbin.workDir().resolve("etc-certs"), httpbinLeaf);
    httpbinSidecar = Sidecar.inject(httpbin, withCerts(InjectedEnvironment.of(httpbin, controlPlane), httpbinCerts));
    sleepSidecar = Sidecar.inject(sleep, withCerts(InjectedEnvironment.of(sleep, controlPlane),
        CertMount.create(sleep.workDir().resolve("etc-certs"), sleepLeaf)));
    legacySidecar = Sidecar.inject(legacy, withCerts(SidecarSettings.defaults(),
        CertMount.create(legacy.workDir().resolve("etc-certs"), legacyLeaf)).with("OUTRIGGER_MTLS_MODE", "PERMISSIVE"));
    strictSidecar = Sidecar.inject(strict, withCerts(SidecarSettings.defaults(),
        CertMount.create(strict.workDir().resolve("etc-certs"), strictLeaf)).with("OUTRIGGER_MTLS_MODE", "STRICT"));
    calls = new ServiceCalls(sleep);
    controlPlane.awaitAcks(controlPlane.versions(), ACK_TIMEOUT);
  }

  @AfterAll
  void stopControlPlane() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  // ---- two Outrigger sidecars, STRICT ---------------------------------------------------------

  /**
   * HTTP from sleep to httpbin (STRICT): sleep's sidecar originates mTLS (the endpoint says
   * tlsMode=istio) with the SNI outbound_.8080_._.httpbin..., httpbin's terminates it and appends
   * XFCC as Envoy forms it for istiod's APPEND_FORWARD with Subject, URI and DNS
   * (source/common/http/conn_manager_utility.cc mutateXfccRequestHeader): By = its own URI SAN,
   * Hash = hex SHA-256 of the client's DER certificate, Subject="" (istiod's leaves have an empty
   * subject), URI = the client's SPIFFE id, no DNS (there is none). The Hash is checked against
   * openssl's own digest of the certificate file.
   */
  @Test
  void httpBetweenStrictSidecarsIsMutualTlsAndTheAppSeesTheClientsIdentityInXfcc() {
    Call call = calls.get(HTTPBIN, HTTPBIN_VIP, HTTP_PORT, "/headers");
    String expectedXfcc = "By=" + httpbinLeaf.spiffeId() + ";Hash=" + sleepLeaf.derSha256() + ";Subject=\"\";URI="
        + sleepLeaf.spiffeId();
    HttpLogLine clientLine = logLine(sleepSidecar, call);
    HttpLogLine serverLine = logLine(httpbinSidecar, call);
    assertAll(call.exchange() + "\n" + clientLine + "\n" + serverLine,
        () -> assertEquals(200, call.status()),
        () -> assertEquals(expectedXfcc, HeaderEcho.seen(call.exchange().body()).get(XFCC)),
        () -> assertEquals(outboundCluster(HTTP_PORT, "", HTTPBIN), clientLine.upstreamCluster()),
        () -> assertEquals(httpbin.ip() + ":" + HTTP_PORT, clientLine.upstreamHost()),
        () -> assertEquals("-", clientLine.responseFlags()),
        () -> assertEquals(outboundSni(HTTP_PORT, "", HTTPBIN), serverLine.requestedServerName(),
            "the server sidecar saw the SNI of an ISTIO_MUTUAL cluster"),
        () -> assertEquals(200, serverLine.responseCode()));
  }

  /**
   * TCP from sleep to tcp-echo (httpbin's port 9000, STRICT): tcp_proxy over mTLS, the server's
   * pong comes back; httpbin's sidecar logs the connection with the SNI the client sent.
   */
  @Test
  void tcpBetweenStrictSidecarsIsMutualTls() {
    int sourcePort = 43901;
    CommandResult ping = Ncat.sendFromPort(sleep, sourcePort, TCP_ECHO_VIP, TCP_PORT, "ping\n");
    String serverLine = httpbinSidecar.awaitAccessLog("the inbound line of the mTLS TCP connection",
        line -> line.contains(" " + outboundSni(TCP_PORT, "", TCP_ECHO) + " "));
    assertAll(ping.describe() + "\n" + serverLine,
        () -> assertEquals("pong\n", ping.stdout()),
        () -> assertTrue(serverLine.contains(" " + IstioMtlsShapes.inboundCluster(TCP_PORT) + " "), "cluster inbound|9000||"));
  }

  // ---- plaintext clients ----------------------------------------------------------------------

  /**
   * A plaintext client (no sidecar) into STRICT: istiod gives the port only tls chains
   * (filterchain_options.go inboundStrictHTTPFilterChainMatchOptions), so Envoy finds no filter
   * chain and closes the connection (listener no_filter_chain_match; Istio's listener access log
   * shows it with flag NR). curl gets no response at all.
   */
  @Test
  void aPlaintextClientIntoStrictIsRefused() {
    CommandResult refused = Curl.get(peer, "http://" + httpbin.ip() + ":" + HTTP_PORT + "/headers");
    String line = httpbinSidecar.awaitAccessLog("the NR line of the plaintext connection",
        candidate -> candidate.contains(" " + peer.ip() + ":") && candidate.contains(" NR "));
    assertAll(refused.describe() + "\n" + line,
        () -> assertNotEquals(0, refused.exitCode(), "curl got no HTTP response"),
        () -> assertFalse(refused.stdout().contains("x-forwarded-client-cert"), "nothing reached the app"));
  }

  /**
   * A plaintext client into PERMISSIVE is served: by xDS (httpbin's port 8081, istiod's
   * raw_buffer chain) and without istiod (legacy, OUTRIGGER_MTLS_MODE=PERMISSIVE). An XFCC the
   * plaintext client sends is not trusted: Envoy removes it from a connection without a client
   * certificate (APPEND_FORWARD applies only to mTLS; mutateXfccRequestHeader sanitizes otherwise).
   */
  @Test
  void aPlaintextClientIntoPermissiveIsServedAndItsXfccDropped() {
    List<String> forged = List.of("-H", XFCC + ": By=spiffe://cluster.local/ns/default/sa/admin;URI=spiffe://forged");
    CurlExchange viaXds = Curl.exchange(peer, "http://" + httpbin.ip() + ":" + PERMISSIVE_HTTP_PORT + "/headers", forged);
    CurlExchange viaEnv = Curl.exchange(peer, "http://" + legacy.ip() + ":" + HTTP_PORT + "/headers", forged);
    assertAll(viaXds + "\n" + viaEnv,
        () -> assertEquals(200, viaXds.status()),
        () -> assertNull(HeaderEcho.seen(viaXds.body()).get(XFCC)),
        () -> assertEquals(200, viaEnv.status()),
        () -> assertNull(HeaderEcho.seen(viaEnv.body()).get(XFCC)));
  }

  /**
   * Without istiod, OUTRIGGER_MTLS_MODE=STRICT stands for a PeerAuthentication STRICT: a client
   * offering Istio's ALPN with a mesh certificate is served (and its identity forwarded in XFCC),
   * a plaintext client's connection is closed and logged with flag NR, as istiod's STRICT chains
   * make Envoy do.
   */
  @Test
  void withoutIstiodStrictServesMutualTlsAndClosesPlaintext() {
    CommandResult plaintext = Curl.get(peer, "http://" + strict.ip() + ":" + HTTP_PORT + "/headers");
    String line = strictSidecar.awaitAccessLog("the NR line of the plaintext connection",
        candidate -> candidate.contains(" " + peer.ip() + ":") && candidate.contains(" NR "));
    CommandResult mtls = OpensslPeers.exchange(peer, strict.ip(), HTTP_PORT, "outbound_.8080_._.strict.default.svc.cluster.local",
        ISTIO_HTTP11, peerLeaf, "GET /headers HTTP/1.1\r\nHost: strict\r\nConnection: close\r\n\r\n");
    assertAll(plaintext.describe() + "\n" + line + "\n" + mtls.describe(),
        () -> assertNotEquals(0, plaintext.exitCode(), "curl got no HTTP response"),
        () -> assertTrue(mtls.stdout().startsWith("HTTP/1.1 200"), "mTLS answered"),
        () -> assertEquals("By=" + strictLeaf.spiffeId() + ";Hash=" + peerLeaf.derSha256() + ";Subject=\"\";URI="
            + peerLeaf.spiffeId(), headerLine(mtls.stdout(), XFCC)));
  }

  /**
   * Seed 003's pitfall: a DestinationRule with tls.mode DISABLE towards a STRICT server. The
   * client sidecar sends plaintext, the server closes the connection (no filter chain), and
   * Envoy's router answers 503 with the body "upstream connect error or disconnect/reset before
   * headers. reset reason: connection termination" (source/common/router/router.cc
   * onUpstreamReset: Http::Utility::resetReasonToString(ConnectionTermination)), flag UC
   * (streamResetReasonToResponseFlag: ConnectionTermination -> UpstreamConnectionTermination; UF
   * is only for a connect that failed) and details
   * upstream_reset_before_response_started{connection_termination}. Istio's default retry policy
   * does not retry a connection termination (retry_on has no "reset"), so the body has no
   * "retried and the latest".
   */
  @Test
  void seed003TlsDisabledTowardsAStrictServerGets503UC() {
    Call call = calls.get(HTTPBIN_PLAINTEXT, HTTPBIN_PLAINTEXT_VIP, HTTP_PORT, "/headers");
    HttpLogLine line = logLine(sleepSidecar, call);
    assertAll(call.exchange() + "\n" + line,
        () -> assertEquals(503, call.status()),
        () -> assertEquals("upstream connect error or disconnect/reset before headers. reset reason: connection termination",
            call.exchange().body()),
        () -> assertEquals("UC", line.responseFlags()),
        () -> assertEquals("upstream_reset_before_response_started{connection_termination}", line.responseCodeDetails()),
        () -> assertEquals(outboundCluster(HTTP_PORT, "", HTTPBIN_PLAINTEXT), line.upstreamCluster()),
        () -> assertEquals(httpbin.ip() + ":" + HTTP_PORT, line.upstreamHost()));
  }

  // ---- openssl as the other side ------------------------------------------------------------------

  /**
   * openssl s_client as an Envoy client sidecar (ALPN istio-http/1.1, a mesh certificate, the SNI
   * Envoy sends, verifying the server to the mesh root): served by STRICT httpbin (xDS) and by
   * PERMISSIVE legacy (no istiod), each appending the client's identity to XFCC with its own
   * identity as By; the same with ALPN "istio" on httpbin's STRICT TCP port carries the bytes.
   */
  @Test
  void opensslClientWithIstioAlpnIsServedByStrictAndPermissiveSidecars() {
    String request = "GET /headers HTTP/1.1\r\nHost: httpbin\r\nConnection: close\r\n\r\n";
    CommandResult strict = OpensslPeers.exchange(peer, httpbin.ip(), HTTP_PORT, outboundSni(HTTP_PORT, "", HTTPBIN),
        ISTIO_HTTP11, peerLeaf, request);
    CommandResult permissive = OpensslPeers.exchange(peer, legacy.ip(), HTTP_PORT, "outbound_.8080_._.legacy.default.svc.cluster.local",
        ISTIO_HTTP11, peerLeaf, request);
    CommandResult tcp = OpensslPeers.exchange(peer, httpbin.ip(), TCP_PORT, outboundSni(TCP_PORT, "", TCP_ECHO),
        ISTIO_TCP, peerLeaf, "ping\n");
    String peerHash = peerLeaf.derSha256();
    assertAll(strict.describe() + "\n" + permissive.describe() + "\n" + tcp.describe(),
        () -> assertTrue(strict.stdout().startsWith("HTTP/1.1 200"), "STRICT answered"),
        () -> assertEquals("By=" + httpbinLeaf.spiffeId() + ";Hash=" + peerHash + ";Subject=\"\";URI=" + peerLeaf.spiffeId(),
            headerLine(strict.stdout(), XFCC)),
        () -> assertTrue(permissive.stdout().startsWith("HTTP/1.1 200"), "PERMISSIVE answered"),
        () -> assertEquals("By=" + legacyLeaf.spiffeId() + ";Hash=" + peerHash + ";Subject=\"\";URI=" + peerLeaf.spiffeId(),
            headerLine(permissive.stdout(), XFCC)),
        () -> assertEquals("pong\n", tcp.stdout()));
  }

  /**
   * Outrigger as the client of openssl s_server -Verify (an Envoy server sidecar): the handshake
   * needs Outrigger's client certificate chaining to the mesh root; s_server's status page prints
   * it, so its URI SAN is sleep's identity. s_server's log shows what Outrigger offered: ALPN
   * istio-http/1.1 first, as the istio.alpn filter sets for an HTTP/1.1 upstream, and never
   * istio-peer-exchange (Outrigger does not speak the exchange), and the ISTIO_MUTUAL SNI.
   */
  @Test
  void outriggerOriginatesMutualTlsToAnOpensslServer() {
    Call call = calls.get(OPENSSL_SERVER, OPENSSL_SERVER_VIP, OPENSSL_PORT, "/");
    List<String> serverLog = opensslServer.stdoutLines();
    Optional<String> alpn = serverLog.stream().filter(l -> l.startsWith("ALPN protocols advertised by the client:")).reduce((a, b) -> b);
    List<String> sni = OpensslPeers.serverNames(serverLog);
    assertAll(call.exchange() + "\n" + String.join("\n", serverLog),
        () -> assertEquals(200, call.status()),
        () -> assertTrue(call.exchange().body().contains("URI:" + sleepLeaf.spiffeId()), "s_server saw sleep's certificate"),
        () -> assertTrue(alpn.isPresent() && alpn.get().contains(": istio-http/1.1"), "ALPN offered: " + alpn),
        () -> assertFalse(alpn.orElse("").contains("istio-peer-exchange"), "ALPN offered: " + alpn),
        () -> assertTrue(sni.contains(outboundSni(OPENSSL_PORT, "", OPENSSL_SERVER)), "SNI sent: " + sni));
  }

  // ---- certificates changing and failing ------------------------------------------------------------

  /**
   * httpbin's certificate files swapped (the kubelet's atomic ..data rename, as a Secret update
   * or cert-manager renewal does) while sleep sends a steady load through both sidecars: no
   * request fails (open connections keep the certificate they were made with, Envoy's SDS update
   * semantics), and within the sidecar's polling time new handshakes get the new certificate.
   */
  @Test
  void aCertificateRotatedUnderLoadFailsNoRequest() throws InterruptedException {
    String sni = outboundSni(HTTP_PORT, "", HTTPBIN);
    assertEquals(httpbinLeaf.serial(), OpensslPeers.servedSerial(peer, httpbin.ip(), HTTP_PORT, sni, ISTIO_HTTP11, peerLeaf));
    MeshCa.Leaf renewed = ca.issue("httpbin-renewed", httpbinLeaf.spiffeId());
    BackgroundProcess load = ToolJvm.start(sleep, "http-load", "http-load", HTTPBIN_VIP, String.valueOf(HTTP_PORT),
        "/load", "4", "200", "15000");
    load.awaitStdoutLine("the load to start", Duration.ofSeconds(20), "started"::equals);
    Thread.sleep(2000);
    httpbinCerts.rotateTo(renewed);
    Waits.until("httpbin's sidecar to present the renewed certificate", Duration.ofSeconds(30),
        () -> renewed.serial().equals(OpensslPeers.servedSerial(peer, httpbin.ip(), HTTP_PORT, sni, ISTIO_HTTP11, peerLeaf)));
    int exit = load.awaitExit(Duration.ofSeconds(40));
    Call after = calls.get(HTTPBIN, HTTPBIN_VIP, HTTP_PORT, "/after-rotation");
    ProxyStats stats = httpbinSidecar.stats();
    assertAll(load.describeOutput(),
        () -> assertEquals(0, exit, "no request of the load failed"),
        () -> assertEquals(200, after.status()),
        () -> assertEquals(renewed.derSha256(), stats.text("workload_cert.sha256"), "/stats shows the renewed leaf"),
        () -> assertTrue(stats.get("workload_cert.rotations_total") >= 1, "the rotation is counted"));
  }

  /**
   * A client certificate that is expired, or that chains to a foreign root, is refused: the
   * handshake fails, nothing reaches the app, the sidecar logs why with the client's address, and
   * counts it in /stats (downstream_cx_tls_handshake_fail, as Envoy counts ssl.connection_error
   * and ssl.fail_verify_error on the listener).
   */
  @Test
  void anExpiredOrForeignRootClientCertificateIsRefusedLoggedAndCounted() {
    String sni = outboundSni(HTTP_PORT, "", HTTPBIN);
    String request = "GET /headers HTTP/1.1\r\nHost: httpbin\r\nConnection: close\r\n\r\n";
    long before = httpbinSidecar.stats().inbound(TLS_HANDSHAKE_FAIL_COUNTER);

    MeshCa.Leaf expired = ca.issueExpired("peer-expired", peerLeaf.spiffeId());
    CommandResult expiredTry = OpensslPeers.exchange(peer, httpbin.ip(), HTTP_PORT, sni, ISTIO_HTTP11, expired, request);
    String expiredLog = httpbinSidecar.process().awaitStderrLine("the log line of the expired certificate",
        Duration.ofSeconds(10), l -> l.contains(HANDSHAKE_FAILED) && l.contains(peer.ip() + ":"));
    Waits.until("the counter to count the expired certificate", Duration.ofSeconds(5),
        () -> httpbinSidecar.stats().inbound(TLS_HANDSHAKE_FAIL_COUNTER) == before + 1);

    MeshCa.Leaf foreign = foreignCa.issue("peer-foreign", peerLeaf.spiffeId());
    CommandResult foreignTry = OpensslPeers.exchange(peer, httpbin.ip(), HTTP_PORT, sni, ISTIO_HTTP11, foreign, ca.root(), request);
    String foreignLog = Waits.until("the log line of the foreign certificate", Duration.ofSeconds(10),
        () -> httpbinSidecar.process().stderrLines().stream()
            .filter(l -> l.contains(HANDSHAKE_FAILED) && l.contains(peer.ip() + ":") && !l.equals(expiredLog)).findFirst());
    Waits.until("the counter to count the foreign certificate", Duration.ofSeconds(5),
        () -> httpbinSidecar.stats().inbound(TLS_HANDSHAKE_FAIL_COUNTER) == before + 2);

    assertAll(expiredTry.describe() + "\n" + foreignTry.describe() + "\n" + expiredLog + "\n" + foreignLog,
        () -> assertFalse(expiredTry.stdout().contains("HTTP/1.1"), "no response for the expired certificate"),
        () -> assertFalse(foreignTry.stdout().contains("HTTP/1.1"), "no response for the foreign certificate"),
        () -> assertTrue(expiredLog.toLowerCase(Locale.ROOT).contains("expired"), "the line says the certificate expired"),
        () -> assertTrue(mentionsTrust(foreignLog), "the line says the certificate is not from the mesh's CA"));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String identity(Pod pod) {
    // InjectedEnvironment gives each pod the service account of its own name.
    return MeshCa.spiffeId(IstioShapes.NAMESPACE, pod.name());
  }

  private static SidecarSettings withCerts(SidecarSettings settings, CertMount certs) {
    return settings.with("FILE_MOUNTED_CERTS", "true").with("OUTRIGGER_CERT_DIR", certs.dir().toString());
  }

  private static HttpLogLine logLine(Sidecar sidecar, Call call) {
    return HttpLogLine.parseText(sidecar.awaitAccessLog("a line for request " + call.requestId(),
        line -> line.contains(" \"" + call.requestId() + "\" ")));
  }

  /** The value of a header line in a raw HTTP response (the app echoes request headers as "name: value" lines). */
  private static String headerLine(String rawResponse, String name) {
    Map<String, String> lines = HeaderEcho.seen(rawResponse.replace("\r", ""));
    return lines.get(name);
  }

  private static boolean mentionsTrust(String line) {
    String lower = line.toLowerCase(Locale.ROOT);
    return List.of("unknown ca", "certification path", "trust", "issuer", "root", "pkix").stream().anyMatch(lower::contains);
  }
}
