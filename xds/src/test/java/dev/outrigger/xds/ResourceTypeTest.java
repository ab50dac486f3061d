package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.outrigger.xds.translate.TestResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** A resource's name read off its bytes is the name its parsed message has. */
class ResourceTypeTest {
  @Test
  void theNameReadOffTheBytesIsTheParsedOne() throws Exception {
    int checked = 0;
    for (String file : new String[] {"clusters.json", "listeners.json"}) {
      for (Any any : TestResources.load(file, DiscoveryResponse.newBuilder()).build().getResourcesList()) {
        ResourceType type = ResourceType.forTypeUrl(any.getTypeUrl()).orElseThrow();
        String parsed = type == ResourceType.CLUSTER ? ((Cluster) type.parse(any)).getName()
            : ((Listener) type.parse(any)).getName();
        assertEquals(parsed, type.nameOf(any));
        checked++;
      }
    }
    RouteConfiguration route = TestResources.load("route-9080.json", RouteConfiguration.newBuilder()).build();
    assertEquals("9080", ResourceType.ROUTE.nameOf(Any.pack(route)));
    ClusterLoadAssignment cla = TestResources.load("endpoints-reviews-v3.json", ClusterLoadAssignment.newBuilder()).build();
    assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", ResourceType.ENDPOINT.nameOf(Any.pack(cla)));
    assertEquals(true, checked >= 5, "the test needs istiod's resources: " + checked);
  }

  /** As a parser does: a field sent twice is its last value; a type prefix other than Google's is the same type. */
  @Test
  void theLastNameWinsAndAnyTypePrefixIsAccepted() throws Exception {
    ByteString bytes = write(out -> {
      out.writeString(Cluster.NAME_FIELD_NUMBER, "first");
      out.writeMessage(Cluster.CONNECT_TIMEOUT_FIELD_NUMBER, com.google.protobuf.Duration.newBuilder().setSeconds(1).build());
      out.writeString(Cluster.NAME_FIELD_NUMBER, "last");
    });
    Any any = Any.newBuilder().setTypeUrl("example.com/envoy.config.cluster.v3.Cluster").setValue(bytes).build();
    assertEquals("last", ResourceType.CLUSTER.nameOf(any));
    assertEquals("last", ((Cluster) ResourceType.CLUSTER.parse(any)).getName());
  }

  @Test
  void anotherTypeOrBrokenTopLevelBytesAreRefused() throws Exception {
    Any listener = Any.pack(Listener.newBuilder().setName("l").build());
    assertThrows(InvalidProtocolBufferException.class, () -> ResourceType.CLUSTER.nameOf(listener));
    ByteString name = Any.pack(Cluster.newBuilder().setName("reviews").build()).getValue();
    Any truncated = Any.newBuilder().setTypeUrl(ResourceType.CLUSTER.typeUrl()).setValue(name.substring(0, name.size() - 2))
        .build();
    assertThrows(InvalidProtocolBufferException.class, () -> ResourceType.CLUSTER.nameOf(truncated));
    Any notUtf8 = Any.newBuilder().setTypeUrl(ResourceType.CLUSTER.typeUrl())
        .setValue(ByteString.copyFrom(new byte[] {(byte) (Cluster.NAME_FIELD_NUMBER << 3 | 2), 2, (byte) 0xC3, (byte) 0x28}))
        .build();
    assertThrows(InvalidProtocolBufferException.class, () -> ResourceType.CLUSTER.nameOf(notUtf8));
    assertThrows(InvalidProtocolBufferException.class, () -> ResourceType.CLUSTER.parse(notUtf8));
  }

  /** Bytes broken inside a nested message are not the name's business: the parse finds them. */
  @Test
  void bytesBrokenDeeperInsideFailWhenParsed() throws Exception {
    Any broken = brokenCluster("reviews");
    assertEquals("reviews", ResourceType.CLUSTER.nameOf(broken));
    assertThrows(InvalidProtocolBufferException.class, () -> ResourceType.CLUSTER.parse(broken));
  }

  /** A cluster named {@code name} whose connect_timeout holds bytes that are no Duration. */
  static Any brokenCluster(String name) throws Exception {
    ByteString bytes = write(out -> {
      out.writeString(Cluster.NAME_FIELD_NUMBER, name);
      out.writeByteArray(Cluster.CONNECT_TIMEOUT_FIELD_NUMBER, new byte[] {(byte) 0xFF, (byte) 0xFF});
    });
    return Any.newBuilder().setTypeUrl(ResourceType.CLUSTER.typeUrl()).setValue(bytes).build();
  }

  private interface Writer {
    void write(CodedOutputStream out) throws Exception;
  }

  private static ByteString write(Writer writer) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    writer.write(out);
    out.flush();
    return ByteString.copyFrom(buffer.toByteArray());
  }
}
