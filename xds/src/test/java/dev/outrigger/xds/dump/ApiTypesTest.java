package dev.outrigger.xds.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Type URLs of the Envoy API and the APIs it embeds, to the api jar's classes. */
class ApiTypesTest {
  private static String resolved(String typeName) {
    return ApiTypes.resolve("type.googleapis.com/" + typeName).orElseThrow(() -> new AssertionError(typeName))
        .getFullName();
  }

  @Test
  void theTypesIstiodSendsResolve() {
    for (String type : new String[] {
        "envoy.config.listener.v3.Listener",
        "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        "envoy.extensions.filters.http.wasm.v3.Wasm",
        "envoy.extensions.access_loggers.file.v3.FileAccessLog",
        "udpa.type.v1.TypedStruct",
        "xds.type.v3.TypedStruct",
        "xds.type.matcher.v3.IPMatcher",
        "google.protobuf.StringValue",
        "envoy.config.cluster.v3.Cluster.CommonLbConfig", // a nested message: an inner class
    }) {
      assertEquals(type, resolved(type));
    }
  }

  @Test
  void istiosOwnTypesAndNonsenseDoNot() {
    assertEquals(Optional.empty(), ApiTypes.resolve("type.googleapis.com/stats.PluginConfig"));
    assertEquals(Optional.empty(), ApiTypes.resolve("type.googleapis.com/envoy.config.listener.v3.NoSuchThing"));
    assertEquals(Optional.empty(), ApiTypes.resolve(""));
    assertEquals(Optional.empty(), ApiTypes.resolve("type.googleapis.com/envoy..x"));
    // A class of that name that is not the message of that name is no answer.
    assertTrue(ApiTypes.resolve("type.googleapis.com/envoy.config.listener.v3.ListenerProto").isEmpty());
  }
}
