package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import dev.outrigger.xds.nds.NameTables;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Optional;

/**
 * The resource types a sidecar subscribes to over ADS. Listeners and clusters are asked for by
 * wildcard (istiod sends all that apply to the proxy); routes and endpoints by the names the
 * listeners and clusters refer to.
 */
public enum ResourceType {
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", true, Cluster.class, Cluster.parser(),
      Cluster.NAME_FIELD_NUMBER),
  /** Known by the name of the cluster they belong to. */
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false, ClusterLoadAssignment.class,
      ClusterLoadAssignment.parser(), ClusterLoadAssignment.CLUSTER_NAME_FIELD_NUMBER),
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", true, Listener.class, Listener.parser(),
      Listener.NAME_FIELD_NUMBER),
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false, RouteConfiguration.class,
      RouteConfiguration.parser(), RouteConfiguration.NAME_FIELD_NUMBER),
  /**
   * istiod's DNS name table (NDS), one unnamed resource; asked for (as Istio's agent does) only
   * with DNS capture on ({@link AdsClient#subscribe}), never by default.
   */
  NAME_TABLE(NameTables.TYPE_URL, false, DynamicMessage.class, null, 0);

  /** Envoy's four (config_dump shows these; NDS is Istio's own). */
  public static final java.util.Set<ResourceType> ENVOY_TYPES = java.util.EnumSet.of(CLUSTER, ENDPOINT, LISTENER, ROUTE);

  private final String typeUrl;
  private final boolean wildcard;
  private final Class<? extends Message> messageClass;
  /** The generated class's parser; null for the name table, which has no generated class. */
  private final Parser<? extends Message> parser;
  /** The field number of the resource's name, a string at the top level; 0: unnamed (""). */
  private final int nameField;

  ResourceType(String typeUrl, boolean wildcard, Class<? extends Message> messageClass, Parser<? extends Message> parser,
      int nameField) {
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
    this.messageClass = messageClass;
    this.parser = parser;
    this.nameField = nameField;
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
    checkType(any);
    if (parser == null) { // no generated class: read by its descriptor
      return NameTables.parse(any.getValue());
    }
    return parser.parseFrom(any.getValue());
  }

  /**
   * The name the resource is known by, read off its bytes without parsing the rest: the name is a
   * string at the top level, so this skips over the nested messages that make up nearly all of a
   * resource. An update's resources are then parsed one at a time as they are translated, each
   * garbage right after, rather than all of them alive at once (a 1,000-service mesh parses to
   * about 13 MiB). As parsing does, the last occurrence of the field wins and it must be UTF-8;
   * bytes broken deeper inside fail when the resource is parsed.
   */
  String nameOf(Any any) throws InvalidProtocolBufferException {
    checkType(any);
    if (nameField == 0) {
      return "";
    }
    String name = "";
    CodedInputStream in = any.getValue().newCodedInput();
    int nameTag = nameField << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED; // WireFormat.makeTag is not public
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == nameTag) {
          name = in.readStringRequireUtf8();
        } else if (!in.skipField(tag)) {
          throw new InvalidProtocolBufferException("an end-group tag at the top level of a " + this + " resource");
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) { // declared by CodedInputStream; bytes in memory only fail as above
      throw new InvalidProtocolBufferException(e);
    }
    return name;
  }

  /** Why an update carrying {@code sent} is rejected: its bytes are not a resource of this type. */
  RejectedUpdate unparsable(Any sent, InvalidProtocolBufferException why) {
    return new RejectedUpdate("a " + sent.getTypeUrl() + " resource that does not parse as " + this + ": " + why.getMessage());
  }

  /** As Any.unpack and Envoy: the type is the part after the last '/', whatever the prefix. */
  private void checkType(Any any) throws InvalidProtocolBufferException {
    String sent = any.getTypeUrl();
    if (!sent.substring(sent.lastIndexOf('/') + 1).equals(typeUrl.substring(typeUrl.lastIndexOf('/') + 1))) {
      throw new InvalidProtocolBufferException("type URL " + sent + " is not " + typeUrl);
    }
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
