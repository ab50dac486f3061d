package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.DynamicMessage;
import dev.outrigger.xds.nds.NameTables;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The resource types a sidecar subscribes to over ADS. Listeners and clusters are asked for by
 * wildcard (istiod sends all that apply to the proxy); routes and endpoints by the names the
 * listeners and clusters refer to.
 */
public enum ResourceType {
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", true, Cluster.class, Cluster.parser(),
      m -> ((Cluster) m).getName()),
  /** Known by the name of the cluster they belong to. */
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false, ClusterLoadAssignment.class,
      ClusterLoadAssignment.parser(), m -> ((ClusterLoadAssignment) m).getClusterName()),
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", true, Listener.class, Listener.parser(),
      m -> ((Listener) m).getName()),
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false, RouteConfiguration.class,
      RouteConfiguration.parser(), m -> ((RouteConfiguration) m).getName()),
  /**
   * istiod's DNS name table (NDS), one unnamed resource; asked for (as Istio's agent does) only
   * with DNS capture on ({@link AdsClient#subscribe}), never by default.
   */
  NAME_TABLE(NameTables.TYPE_URL, false, DynamicMessage.class, null, m -> "");

  /** Envoy's four (config_dump shows these; NDS is Istio's own). */
  public static final java.util.Set<ResourceType> ENVOY_TYPES = java.util.EnumSet.of(CLUSTER, ENDPOINT, LISTENER, ROUTE);

  private final String typeUrl;
  private final boolean wildcard;
  private final Class<? extends Message> messageClass;
  /** The generated class's parser; null for the name table, which has no generated class. */
  private final Parser<? extends Message> parser;
  private final Function<Message, String> name;

  ResourceType(String typeUrl, boolean wildcard, Class<? extends Message> messageClass, Parser<? extends Message> parser,
      Function<Message, String> name) {
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
    this.messageClass = messageClass;
    this.parser = parser;
    this.name = name;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /** The resource's message class. */
  Class<? extends Message> messageClass() {
    return messageClass;
  }

  /** Subscribed to as a whole (an empty name list), rather than by name. */
  public boolean wildcard() {
    return wildcard;
  }

  /**
   * The resource in an {@code Any}; fails if the Any holds another type or bad bytes. Not
   * {@code Any.unpack}: it keeps the message it parsed inside the Any, and the client keeps the
   * Anys of the resources in force, so every parsed resource would stay in the heap with them.
   */
  Message parse(Any any) throws InvalidProtocolBufferException {
    // As Any.unpack and Envoy: the type is the part after the last '/', whatever the prefix.
    String sent = any.getTypeUrl();
    if (!sent.substring(sent.lastIndexOf('/') + 1).equals(typeUrl.substring(typeUrl.lastIndexOf('/') + 1))) {
      throw new InvalidProtocolBufferException("type URL " + sent + " is not " + typeUrl);
    }
    if (parser == null) { // no generated class: read by its descriptor
      return NameTables.parse(any.getValue());
    }
    return parser.parseFrom(any.getValue());
  }

  /** The name the resource is known by. */
  String name(Message resource) {
    return name.apply(resource);
  }

  /** The type a type URL names; empty for one a sidecar never subscribes to. */
  public static Optional<ResourceType> forTypeUrl(String typeUrl) {
    for (ResourceType t : values()) {
      if (t.typeUrl.equals(typeUrl)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
