package dev.outrigger.xds.ca;

import dev.outrigger.core.tls.OpensslMeshCa;
import dev.outrigger.core.tls.PemIdentity;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.ServerCalls;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Istio's CA service for tests: a mesh CA made by openssl (root, intermediate, istiod's serving
 * certificate for istiod.istio-system.svc), serving CreateCertificate over TLS by signing the CSR
 * with the intermediate for the validity asked, the SAN as istiod decides it (the CSR's, or one
 * in another trust domain), returning leaf, intermediate, root. Records each request and its headers.
 */
public final class MeshCaServer implements AutoCloseable {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("ClusterID", Metadata.ASCII_STRING_MARSHALLER);

  record Received(CaMessages.Request request, PKCS10CertificationRequest csr, Metadata headers) {}

  final Path dir;
  final List<Received> received = new CopyOnWriteArrayList<>();
  /** Calls still to fail with UNAVAILABLE before one is served. */
  final AtomicInteger failNext = new AtomicInteger();
  /** When set, the identity istiod puts in the certificate whatever the CSR asked. */
  volatile String issuedIdentity;
  private final OpensslMeshCa ca;
  private final X509Certificate intermediate;
  private final PrivateKey intermediateKey;
  private final Server server;
  private final AtomicInteger serial = new AtomicInteger(1000);

  public MeshCaServer(Path dir) throws Exception {
    this.dir = dir;
    ca = OpensslMeshCa.create(dir, "mesh");
    OpensslMeshCa.Leaf istiod = ca.issue("istiod", "/O=cluster.local", "DNS:istiod.istio-system.svc");
    intermediate = OpensslMeshCa.certificate(ca.intermediate());
    intermediateKey = OpensslMeshCa.privateKey(ca.intermediateKey());

    ServerServiceDefinition service = ServerServiceDefinition.builder("istio.v1.auth.IstioCertificateService")
        .addMethod(CaMessages.CREATE_CERTIFICATE, ServerCalls.asyncUnaryCall((request, responses) -> {
          try {
            responses.onNext(sign(request));
            responses.onCompleted();
          } catch (Exception e) {
            responses.onError(e instanceof io.grpc.StatusRuntimeException s ? s
                : Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
          }
        }))
        .build();
    server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(
            new java.io.ByteArrayInputStream(istiod.chainPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            java.nio.file.Files.newInputStream(istiod.key())))
        .addService(ServerInterceptors.intercept(service, new HeaderRecorder()))
        .build().start();
  }

  /** The bearer token of each CreateCertificate call received, in order. */
  public List<String> authorizations() {
    return received.stream().map(r -> String.valueOf(r.headers().get(AUTHORIZATION))).toList();
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public Path rootCert() {
    return ca.root();
  }

  private final ThreadLocal<Metadata> headers = new ThreadLocal<>();

  /** Hands each call's headers to the handler (same thread for a unary call's halfClose). */
  private final class HeaderRecorder implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
      ServerCall.Listener<Q> delegate = next.startCall(call, h);
      return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
        @Override
        public void onHalfClose() {
          headers.set(h);
          try {
            super.onHalfClose();
          } finally {
            headers.remove();
          }
        }
      };
    }
  }

  private CaMessages.Response sign(CaMessages.Request request) throws Exception {
    PKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(new StringReader(request.csr()))) {
      csr = (PKCS10CertificationRequest) parser.readObject();
    }
    received.add(new Received(request, csr, headers.get()));
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw Status.UNAVAILABLE.withDescription("istiod is restarting").asRuntimeException();
    }
    if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(new JcaPKCS10CertificationRequest(csr).getPublicKey()))) {
      throw Status.INVALID_ARGUMENT.withDescription("CSR signature").asRuntimeException();
    }
    String identity = issuedIdentity != null ? issuedIdentity : csrUri(csr);
    Instant now = Instant.now();
    Date notBefore = Date.from(now.minusSeconds(1));
    Date notAfter = Date.from(now.plus(Duration.ofSeconds(request.validitySeconds())));
    JcaX509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(intermediate,
        BigInteger.valueOf(serial.incrementAndGet()), notBefore, notAfter, new X500Name(new RDN[0]),
        new JcaPKCS10CertificationRequest(csr).getPublicKey());
    leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    leaf.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    leaf.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity)));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        leaf.build(new JcaContentSignerBuilder("SHA256withECDSA").build(intermediateKey)));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(cert);
    }
    return new CaMessages.Response(List.of(pem.toString(), Files.readString(ca.intermediate()),
        Files.readString(rootCert())));
  }

  /** The URI SAN a CSR asks for. */
  static String csrUri(PKCS10CertificationRequest csr) {
    var attributes = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
    Extensions extensions = Extensions.getInstance(attributes[0].getAttrValues().getObjectAt(0));
    GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
    List<String> uris = new ArrayList<>();
    for (GeneralName n : names.getNames()) {
      if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
        uris.add(n.getName().toString());
      }
    }
    return String.join(",", uris);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
