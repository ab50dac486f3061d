package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualHostBytesTest {
  private static VirtualHost host(String name, String... domains) {
    return VirtualHost.newBuilder().setName(name).addAllDomains(List.of(domains)).build();
  }

  /** The parts parse to what the whole parses to: each virtual host in order, and the other fields. */
  @Test
  void thePartsParseToTheWhole() throws Exception {
    RouteConfiguration config = dev.outrigger.xds.translate.TestResources.load("route-9080.json",
        RouteConfiguration.newBuilder()).build().toBuilder()
        .setValidateClusters(com.google.protobuf.BoolValue.of(false)).setIgnorePortInHostMatching(true).build();
    VirtualHostBytes.Split split = VirtualHostBytes.split(config.toByteString());
    assertEquals(config.getVirtualHostsCount(), split.virtualHosts().size());
    for (int i = 0; i < split.virtualHosts().size(); i++) {
      assertEquals(config.getVirtualHosts(i), VirtualHost.parseFrom(split.virtualHosts().get(i)), "virtual host " + i);
    }
    assertEquals(config.toBuilder().clearVirtualHosts().build(), RouteConfiguration.parseFrom(split.withoutVirtualHosts()));
  }

  /** A writer may put other fields between the virtual hosts; the parts still follow the wire's order. */
  @Test
  void otherFieldsBetweenVirtualHostsAreKeptApart() throws Exception {
    VirtualHost a = host("a", "a.example");
    VirtualHost b = host("b", "b.example", "b");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    out.writeMessage(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, a);
    out.writeString(RouteConfiguration.NAME_FIELD_NUMBER, "9080");
    out.writeMessage(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, b);
    out.writeBool(RouteConfiguration.IGNORE_PORT_IN_HOST_MATCHING_FIELD_NUMBER, true);
    out.flush();
    ByteString bytes = ByteString.copyFrom(buffer.toByteArray());
    RouteConfiguration whole = RouteConfiguration.parseFrom(bytes);
    assertEquals(List.of(a, b), whole.getVirtualHostsList());

    VirtualHostBytes.Split split = VirtualHostBytes.split(bytes);
    assertEquals(List.of(a.toByteString(), b.toByteString()), split.virtualHosts());
    assertEquals(whole.toBuilder().clearVirtualHosts().build(), RouteConfiguration.parseFrom(split.withoutVirtualHosts()));
  }

  @Test
  void bytesThatAreNoMessageAreRefused() {
    ByteString config = RouteConfiguration.newBuilder().setName("80").addVirtualHosts(host("a", "a")).build().toByteString();
    assertThrows(InvalidProtocolBufferException.class, () -> VirtualHostBytes.split(config.substring(0, config.size() - 1)));
  }
}
