package dev.outrigger.xds.translate;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Loads test resources written in Envoy's JSON form (as a config dump shows them) into protos. */
public final class TestResources {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(HTTPFault.getDescriptor())
          .add(io.envoyproxy.envoy.config.cluster.v3.Cluster.getDescriptor())
          .add(io.envoyproxy.envoy.config.listener.v3.Listener.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.getDescriptor())
          .build());

  private TestResources() {}

  public static <B extends Message.Builder> B load(String resource, B builder) throws IOException {
    try (InputStream in = TestResources.class.getResourceAsStream("/istiod/" + resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      PARSER.merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), builder);
      return builder;
    }
  }
}
