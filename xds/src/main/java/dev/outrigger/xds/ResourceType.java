package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
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
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", true) {
    @Override
    Message parse(Any any) throws InvalidProtocolBufferException {
      return any.unpack(Cluster.class);
    }

    @Override
    String name(Message resource) {
      return ((Cluster) resource).getName();
    }
  },
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false) {
    @Override
    Message parse(Any any) throws InvalidProtocolBufferException {
      return any.unpack(ClusterLoadAssignment.class);
    }

    @Override
    String name(Message resource) {
      return ((ClusterLoadAssignment) resource).getClusterName();
    }
  },
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", true) {
    @Override
    Message parse(Any any) throws InvalidProtocolBufferException {
      return any.unpack(Listener.class);
    }

    @Override
    String name(Message resource) {
      return ((Listener) resource).getName();
    }
  },
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false) {
    @Override
    Message parse(Any any) throws InvalidProtocolBufferException {
      return any.unpack(RouteConfiguration.class);
    }

    @Override
    String name(Message resource) {
      return ((RouteConfiguration) resource).getName();
    }
  };

  private final String typeUrl;
  private final boolean wildcard;

  ResourceType(String typeUrl, boolean wildcard) {
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /** Subscribed to as a whole (an empty name list), rather than by name. */
  public boolean wildcard() {
    return wildcard;
  }

  /** The resource in an {@code Any}; fails if the Any holds another type or bad bytes. */
  abstract Message parse(Any any) throws InvalidProtocolBufferException;

  /** The name the resource is known by (for clusters' endpoints, the cluster's name). */
  abstract String name(Message resource);

  static Optional<ResourceType> forTypeUrl(String typeUrl) {
    for (ResourceType t : values()) {
      if (t.typeUrl.equals(typeUrl)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
