package dev.outrigger.core.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.outrigger.core.Direction;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Istio's HTTP metadata exchange: what is sent, what is read, and which headers go where. */
class MetadataExchangeTest {
  /** Node metadata as IstioNode builds it for a Deployment's pod (more keys than the exchange sends). */
  static final Struct NODE = Struct.newBuilder()
      .putFields("NAME", text("reviews-v2-5f7b8c9d4-x2x4z"))
      .putFields("NAMESPACE", text("default"))
      .putFields("WORKLOAD_NAME", text("reviews-v2"))
      .putFields("CLUSTER_ID", text("Kubernetes"))
      .putFields("OWNER", text("kubernetes://apis/apps/v1/namespaces/default/deployments/reviews-v2"))
      .putFields("APP_CONTAINERS", text("reviews"))
      .putFields("INSTANCE_IPS", text("10.244.1.7"))
      .putFields("SERVICE_ACCOUNT", text("bookinfo-reviews"))
      .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields("app", text("reviews"))
          .putFields("version", text("v2"))
          .putFields("pod-template-hash", text("5f7b8c9d4"))
          .putFields("service.istio.io/canonical-name", text("reviews"))
          .putFields("service.istio.io/canonical-revision", text("v2"))).build())
      .build();
  static final NodeMetadata REVIEWS = new NodeMetadata(
      "sidecar~10.244.1.7~reviews-v2-5f7b8c9d4-x2x4z.default~default.svc.cluster.local", PeerMetadata.fromStruct(NODE));

  @Test
  void sendsExactlyTheKeysIstioSendsInSortedOrder() throws Exception {
    MetadataExchange mx = MetadataExchange.of(REVIEWS);
    byte[] bytes = Base64.getDecoder().decode(mx.value());
    Struct sent = Struct.parseFrom(bytes);
    assertEquals(Struct.newBuilder()
        .putFields("NAME", text("reviews-v2-5f7b8c9d4-x2x4z"))
        .putFields("NAMESPACE", text("default"))
        .putFields("WORKLOAD_NAME", text("reviews-v2"))
        .putFields("CLUSTER_ID", text("Kubernetes"))
        .putFields("OWNER", text("kubernetes://apis/apps/v1/namespaces/default/deployments/reviews-v2"))
        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("app", text("reviews"))
            .putFields("version", text("v2"))
            .putFields("service.istio.io/canonical-name", text("reviews"))
            .putFields("service.istio.io/canonical-revision", text("v2"))).build())
        .build(), sent);
    assertEquals(List.of("CLUSTER_ID", "LABELS", "NAME", "NAMESPACE", "OWNER", "WORKLOAD_NAME"), keysOnTheWire(bytes),
        "Envoy serializes deterministically: map keys sorted");
    assertTrue(mx.value().endsWith("=") || mx.value().length() % 4 == 0, "padded base64, as Envoy's Base64::encode");
  }

  @Test
  void readsWhatIstioSendsWithOrWithoutPadding() {
    MetadataExchange mx = MetadataExchange.of(REVIEWS);
    String unpadded = Base64.getEncoder().withoutPadding().encodeToString(NODE.toByteArray());
    PeerMetadata read = mx.decode(unpadded).orElseThrow();
    assertEquals("reviews-v2", read.workloadName());
    assertEquals("default", read.namespace());
    assertEquals("reviews", read.canonicalName());
    assertEquals("v2", read.canonicalRevision());
    assertEquals("reviews", read.appName());
    assertEquals("v2", read.appVersion());
    assertEquals("Kubernetes", read.clusterId());
    assertEquals("deployment", read.workloadType());
    assertEquals(read, mx.decode(mx.value()).orElseThrow(), "what we send reads back the same");
    assertEquals(0, mx.invalid());
  }

  @Test
  void theQualifiedAppLabelsWin() {
    Struct labels = Struct.newBuilder().putFields("app", text("short")).putFields("app.kubernetes.io/name", text("long"))
        .putFields("version", text("1")).putFields("app.kubernetes.io/version", text("2")).build();
    PeerMetadata m = PeerMetadata.fromStruct(Struct.newBuilder()
        .putFields("LABELS", Value.newBuilder().setStructValue(labels).build()).build());
    assertEquals("long", m.appName());
    assertEquals("2", m.appVersion());
  }

  @Test
  void anUnreadableValueIsNoPeerAndCounted() {
    MetadataExchange mx = MetadataExchange.of(REVIEWS);
    assertEquals(Optional.empty(), mx.decode("not base64!"));
    assertEquals(Optional.empty(), mx.decode(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0x01})));
    assertEquals(2, mx.invalid());
  }

  @Test
  void inboundReadsAndRemovesTheClientsHeadersAndAnswersOnlyWithWhatItWasSent() {
    MetadataExchange mx = MetadataExchange.of(REVIEWS);
    HttpHeaders request = new DefaultHttpHeaders()
        .add(MetadataExchange.ID_HEADER, "client").add(MetadataExchange.METADATA_HEADER, mx.value());
    PeerHeaders p = PeerHeaders.onRequest(Direction.INBOUND, request, mx);
    assertFalse(request.contains(MetadataExchange.ID_HEADER), "the app never sees the exchange");
    assertFalse(request.contains(MetadataExchange.METADATA_HEADER));
    assertEquals("reviews-v2", p.peer().workloadName());
    HttpHeaders response = new DefaultHttpHeaders();
    p.onResponse(response);
    assertEquals(REVIEWS.id(), response.get(MetadataExchange.ID_HEADER));
    assertEquals(mx.value(), response.get(MetadataExchange.METADATA_HEADER));

    HttpHeaders idOnly = new DefaultHttpHeaders().add(MetadataExchange.ID_HEADER, "client");
    PeerHeaders q = PeerHeaders.onRequest(Direction.INBOUND, idOnly, mx);
    assertNull(q.peer());
    HttpHeaders answer = new DefaultHttpHeaders();
    q.onResponse(answer);
    assertEquals(REVIEWS.id(), answer.get(MetadataExchange.ID_HEADER));
    assertFalse(answer.contains(MetadataExchange.METADATA_HEADER), "only what the client sent is answered");

    HttpHeaders none = new DefaultHttpHeaders();
    PeerHeaders.onRequest(Direction.INBOUND, new DefaultHttpHeaders(), mx).onResponse(none);
    assertTrue(none.isEmpty(), "a client outside the exchange learns nothing");
  }

  @Test
  void outboundSendsOursToEveryUpstreamAndTakesTheServersFromTheResponse() {
    MetadataExchange mx = MetadataExchange.of(REVIEWS);
    HttpHeaders request = new DefaultHttpHeaders().add(MetadataExchange.METADATA_HEADER, "forged by the app");
    PeerHeaders p = PeerHeaders.onRequest(Direction.OUTBOUND, request, mx);
    assertEquals(REVIEWS.id(), request.get(MetadataExchange.ID_HEADER));
    assertEquals(List.of(mx.value()), request.getAll(MetadataExchange.METADATA_HEADER));

    Struct server = NODE.toBuilder().putFields("WORKLOAD_NAME", text("ratings-v1")).build();
    HttpHeaders response = new DefaultHttpHeaders().add(MetadataExchange.ID_HEADER, "server")
        .add(MetadataExchange.METADATA_HEADER, Base64.getEncoder().encodeToString(server.toByteArray()));
    p.onResponse(response);
    assertEquals("ratings-v1", p.peer().workloadName());
    assertTrue(response.isEmpty(), "the app never sees the exchange: " + response);
  }

  @Test
  void withoutANodeNothingIsSentReadOrRemoved() {
    HttpHeaders request = new DefaultHttpHeaders().add(MetadataExchange.METADATA_HEADER, "x");
    PeerHeaders p = PeerHeaders.onRequest(Direction.INBOUND, request, MetadataExchange.OFF);
    assertEquals("x", request.get(MetadataExchange.METADATA_HEADER));
    HttpHeaders out = new DefaultHttpHeaders();
    PeerHeaders.onRequest(Direction.OUTBOUND, out, MetadataExchange.OFF);
    assertTrue(out.isEmpty());
    assertNull(p.peer());
  }

  @Test
  void theOwnersKindIsParsedAsIstioDoes() {
    assertEquals("deployment", PeerMetadata.ownerType("kubernetes://apis/apps/v1/namespaces/ns/deployments/web", "web"));
    assertEquals("", PeerMetadata.fromStruct(Struct.newBuilder()
        .putFields("OWNER", text("kubernetes://apis/apps/v1/namespaces/ns/statefulsets/db"))
        .putFields("WORKLOAD_NAME", text("db")).build()).workloadType(), "a kind Istio does not know");
    assertFalse(PeerMetadata.fromStruct(Struct.newBuilder().putFields("WORKLOAD_NAME", text("db")).build())
        .toStruct().containsFields("OWNER"));
  }

  /** Tag of field 1, wire type 2 (length-delimited): a Struct's map entry, and an entry's key. */
  private static final int LENGTH_DELIMITED_FIELD_1 = (1 << 3) | 2;

  /** The keys of a serialized Struct's map entries, in the order they were written. */
  private static List<String> keysOnTheWire(byte[] bytes) throws Exception {
    List<String> keys = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      assertEquals(LENGTH_DELIMITED_FIELD_1, tag);
      CodedInputStream entry = CodedInputStream.newInstance(in.readByteArray());
      assertEquals(LENGTH_DELIMITED_FIELD_1, entry.readTag());
      keys.add(entry.readString());
    }
    return keys;
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
