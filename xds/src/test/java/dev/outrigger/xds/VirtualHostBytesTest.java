package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualHostBytesTest {
  private static VirtualHost host(String name, String... domains) {
    return VirtualHost.newBuilder().setName(name).addAllDomains(List.of(domains)).build();
  }

  /** Each slice is that virtual host's bytes, in the order the configuration lists them. */
  @Test
  void slicesLineUpWithTheVirtualHosts() throws Exception {
    RouteConfiguration config = dev.outrigger.xds.translate.TestResources.load("route-9080.json",
        RouteConfiguration.newBuilder()).build();
    ByteString bytes = config.toByteString();
    List<ByteString> slices = VirtualHostBytes.of(bytes, config.getVirtualHostsCount());
    assertEquals(config.getVirtualHostsCount(), slices.size());
    for (int i = 0; i < slices.size(); i++) {
      assertEquals(config.getVirtualHosts(i), VirtualHost.parseFrom(slices.get(i)), "virtual host " + i);
    }
  }

  /** A writer may put other fields between the virtual hosts; the slices still follow the list's order. */
  @Test
  void otherFieldsBetweenVirtualHostsAreSkipped() throws Exception {
    VirtualHost a = host("a", "a.example");
    VirtualHost b = host("b", "b.example", "b");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    out.writeMessage(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, a);
    out.writeString(RouteConfiguration.NAME_FIELD_NUMBER, "9080");
    out.writeBool(RouteConfiguration.IGNORE_PORT_IN_HOST_MATCHING_FIELD_NUMBER, true);
    out.writeMessage(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, b);
    out.flush();
    ByteString bytes = ByteString.copyFrom(buffer.toByteArray());
    RouteConfiguration config = RouteConfiguration.parseFrom(bytes);
    assertEquals(List.of(a, b), config.getVirtualHostsList());

    assertEquals(List.of(a.toByteString(), b.toByteString()), VirtualHostBytes.of(bytes, 2));
  }

  @Test
  void aCountThatDoesNotMatchIsOurFault() {
    RouteConfiguration config = RouteConfiguration.newBuilder().setName("80").addVirtualHosts(host("a", "a")).build();
    assertThrows(IllegalStateException.class, () -> VirtualHostBytes.of(config.toByteString(), 2));
  }
}
