package dev.outrigger.xds.dump;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.outrigger.core.tls.IdentityMaterial;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The workload identity as Envoy's SecretsConfigDump shows istiod's SDS secrets: "default" (the
 * certificate chain; the key redacted as Envoy redacts it) and "ROOTCA" (the mesh roots), so that
 * {@code istioctl proxy-config secret} reads them. Certificates are public; the key never appears.
 */
public final class SecretsDump {
  /** Envoy's redaction of a sensitive field: the bytes of "[redacted]". */
  static final ByteString REDACTED = ByteString.copyFrom("[redacted]", StandardCharsets.US_ASCII);

  private SecretsDump() {}

  public static SecretsConfigDump build(Optional<IdentityMaterial> identity) {
    SecretsConfigDump.Builder dump = SecretsConfigDump.newBuilder();
    if (identity.isEmpty()) {
      return dump.build();
    }
    IdentityMaterial id = identity.get();
    String version = id.leaf().getNotBefore().toInstant().toString();
    Timestamp updated = Timestamp.newBuilder().setSeconds(id.leaf().getNotBefore().toInstant().getEpochSecond()).build();
    Secret certificate = Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineBytes(pem(id.chain())))
        .setPrivateKey(DataSource.newBuilder().setInlineBytes(REDACTED))).build();
    Secret roots = Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
        .setTrustedCa(DataSource.newBuilder().setInlineBytes(pem(id.roots())))).build();
    for (Secret secret : List.of(certificate, roots)) {
      dump.addDynamicActiveSecrets(SecretsConfigDump.DynamicSecret.newBuilder().setName(secret.getName())
          .setVersionInfo(version).setLastUpdated(updated).setSecret(Any.pack(secret)));
    }
    return dump.build();
  }

  private static ByteString pem(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate certificate : certificates) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate cannot be encoded again", e);
      }
    }
    return ByteString.copyFrom(pem.toString(), StandardCharsets.US_ASCII);
  }
}
