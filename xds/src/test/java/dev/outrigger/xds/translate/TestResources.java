package dev.outrigger.xds.translate;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.xds.dump.AnyTree;
import dev.outrigger.xds.dump.ApiTypes;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads test resources written in Envoy's JSON form (as a config dump shows them) into protos. */
public final class TestResources {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(HTTPFault.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor())
          .add(io.envoyproxy.envoy.config.cluster.v3.Cluster.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor())
          .add(io.envoyproxy.envoy.config.listener.v3.Listener.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.getDescriptor())
          .build());
  /** Marks, inside a Struct, an Istio-typed object the loader could not parse as its type. */
  private static final String MARK_TYPE = "__test_type_url";
  private static final String MARK_BYTES = "__test_bytes";

  private TestResources() {}

  public static <B extends Message.Builder> B load(String resource, B builder) throws IOException {
    PARSER.merge(text(resource), builder);
    return builder;
  }

  /**
   * A config dump as Envoy printed it (sidecar-config-dump.json). Types of the Envoy API are
   * parsed as themselves; Istio's own types (no classes here) become an Any under their own type
   * URL whose bytes are their JSON fields as a Struct: opaque to the proxy, as istiod's would be.
   */
  public static ConfigDump loadConfigDump(String resource) throws IOException {
    JsonElement json = JsonParser.parseString(text(resource));
    Set<Descriptor> types = new HashSet<>(List.of(Struct.getDescriptor(), ConfigDump.getDescriptor()));
    json = replaceUnknownTypes(json, types);
    ConfigDump.Builder dump = ConfigDump.newBuilder();
    JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(types).build())
        .merge(json.toString(), dump);
    return (ConfigDump) AnyTree.rewrite(dump.build(), new AnyTree.Visitor() {
      @Override
      public Any before(Any any) {
        if (!any.getTypeUrl().endsWith("/google.protobuf.Struct")) {
          return any;
        }
        try {
          Map<String, Value> fields = any.unpack(Struct.class).getFieldsMap();
          if (!fields.containsKey(MARK_TYPE)) {
            return any;
          }
          return Any.newBuilder().setTypeUrl(fields.get(MARK_TYPE).getStringValue())
              .setValue(com.google.protobuf.ByteString.copyFrom(
                  Base64.getDecoder().decode(fields.get(MARK_BYTES).getStringValue()))).build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
      }
    });
  }

  private static JsonElement replaceUnknownTypes(JsonElement e, Set<Descriptor> types) throws IOException {
    if (e.isJsonArray()) {
      JsonArray out = new JsonArray();
      for (JsonElement item : e.getAsJsonArray()) {
        out.add(replaceUnknownTypes(item, types));
      }
      return out;
    }
    if (!e.isJsonObject()) {
      return e;
    }
    JsonObject object = e.getAsJsonObject();
    JsonObject out = new JsonObject();
    for (Map.Entry<String, JsonElement> field : object.entrySet()) {
      out.add(field.getKey(), replaceUnknownTypes(field.getValue(), types));
    }
    if (!object.has("@type")) {
      return out;
    }
    String typeUrl = object.get("@type").getAsString();
    var type = ApiTypes.resolve(typeUrl);
    if (type.isPresent()) {
      types.add(type.get());
      return out;
    }
    out.remove("@type");
    Struct.Builder fields = Struct.newBuilder();
    JsonFormat.parser().merge(out.toString(), fields);
    JsonObject marked = new JsonObject();
    marked.addProperty("@type", "type.googleapis.com/google.protobuf.Struct");
    JsonObject value = new JsonObject();
    value.addProperty(MARK_TYPE, typeUrl);
    value.addProperty(MARK_BYTES, Base64.getEncoder().encodeToString(fields.build().toByteArray()));
    marked.add("value", value);
    return marked;
  }

  /** The resources of one section of a dump, in order. */
  public static <T extends Message> List<T> resources(ConfigDump dump, Class<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    for (Any section : dump.getConfigsList()) {
      AnyTree.rewrite(section, new AnyTree.Visitor() {
        @Override
        public Any before(Any any) {
          if (any.is(type)) {
            try {
              out.add(any.unpack(type));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
              throw new IllegalStateException(e);
            }
            return Any.getDefaultInstance(); // found: not looked into
          }
          return any;
        }
      });
    }
    return out;
  }

  private static String text(String resource) throws IOException {
    try (InputStream in = TestResources.class.getResourceAsStream("/istiod/" + resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
