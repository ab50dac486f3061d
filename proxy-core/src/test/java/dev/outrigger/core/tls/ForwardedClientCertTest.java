package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XFCC as Envoy's mutateXfccRequestHeader writes it with Istio's subject, uri and dns details, on
 * certificates openssl made; the subject compared with what openssl prints as RFC 2253 (the same
 * XN_FLAG_RFC2253 printer BoringSSL has in Envoy).
 */
class ForwardedClientCertTest {
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";
  private static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";

  @TempDir static Path dir;
  static OpensslMeshCa mesh;

  @BeforeAll
  static void ca() throws Exception {
    mesh = OpensslMeshCa.create(dir, "mesh");
  }

  @Test
  void istiodsCertificateHasAnEmptyQuotedSubjectAndItsUri() throws Exception {
    OpensslMeshCa.Leaf leaf = mesh.issue("istio", CLIENT_ID);
    assertEquals("By=" + SERVER_ID + ";Hash=" + leaf.sha256() + ";Subject=\"\";URI=" + CLIENT_ID,
        ForwardedClientCert.element(tls(leaf)));
  }

  @Test
  void dnsSansFollowTheUrisInTheCertificatesOrder() throws Exception {
    OpensslMeshCa.Leaf leaf = mesh.issue("dns", "/O=Acme/CN=client",
        "URI:" + CLIENT_ID + ",DNS:client.default.svc,DNS:client.example.com");
    assertEquals("By=" + SERVER_ID + ";Hash=" + leaf.sha256() + ";Subject=\"CN=client,O=Acme\";URI=" + CLIENT_ID
        + ";DNS=client.default.svc;DNS=client.example.com", ForwardedClientCert.element(tls(leaf)));
  }

  @Test
  void withoutAUriSanEnvoyStillWritesUri() throws Exception {
    OpensslMeshCa.Leaf leaf = mesh.issue("nouri", "/CN=legacy", "DNS:legacy.example.com");
    assertEquals("By=" + SERVER_ID + ";Hash=" + leaf.sha256() + ";Subject=\"CN=legacy\";URI=;DNS=legacy.example.com",
        ForwardedClientCert.element(tls(leaf)));
  }

  @Test
  void subjectIsPrintedAsBoringSslPrintsIt() throws Exception {
    OpensslMeshCa.Leaf leaf = mesh.issue("rich",
        "/C=US/ST=Cal/L=SF/O=Acme\\, Inc/OU=Ops+OU=Dev/CN=#h \u00e9 \"q\" <a>;b\\\\/emailAddress=a@b.c/serialNumber=42"
            + "/street=Main St/title=Boss/GN=Jo/SN=Do/DC=example/UID=u1/name=Nm/dnQualifier=q/1.2.3.4=odd",
        "URI:" + CLIENT_ID);
    X509Certificate cert = OpensslMeshCa.certificate(leaf.cert());
    assertEquals(leaf.opensslSubject(), OpensslSubjectName.of(cert.getSubjectX500Principal()));
  }

  @Test
  void appendForwardKeepsTheClientsElements() throws Exception {
    OpensslMeshCa.Leaf leaf = mesh.issue("append", CLIENT_ID);
    DownstreamTls tls = tls(leaf);
    assertEquals("By=a;URI=b," + ForwardedClientCert.element(tls), ForwardedClientCert.appendForward("By=a;URI=b", tls));
    assertEquals(ForwardedClientCert.element(tls), ForwardedClientCert.appendForward(null, tls));
  }

  private static DownstreamTls tls(OpensslMeshCa.Leaf leaf) throws Exception {
    X509Certificate cert = OpensslMeshCa.certificate(leaf.cert());
    return new DownstreamTls(PeerIdentity.of(cert), OpensslSubjectName.of(cert.getSubjectX500Principal()),
        List.of(SERVER_ID), PeerIdentity.dnsSans(cert));
  }
}
