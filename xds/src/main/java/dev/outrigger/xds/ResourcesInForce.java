package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which resources of a type are in force after a state-of-the-world response. For listeners and
 * clusters (wildcard types) the response is the whole set: what it leaves out is gone. For routes
 * and endpoints it is not: the server may send only the resources that changed, and one it leaves
 * out keeps its last value while it is still subscribed to (Envoy's xDS protocol, "Grouping
 * Resources into Responses"). istiod does exactly that on an incremental EDS push: it sends the
 * ClusterLoadAssignments of the services that changed, not the other ones (pilot/pkg/xds/eds.go,
 * edsUpdatedServices). A resource is dropped when its name leaves the subscription. Resources are
 * kept as the Any they came in, not parsed ({@link XdsResource}).
 *
 * <p>Immutable: the client replaces its value only when it accepts an update, so a rejected
 * update leaves the resources as they were.
 */
final class ResourcesInForce {
  static final ResourcesInForce NONE = new ResourcesInForce(Map.of(), Map.of());

  /** How a resource's name is read from its Any ({@link ResourceType#nameOf}; a counting one in tests). */
  @FunctionalInterface
  interface Namer {
    String name(Any sent) throws InvalidProtocolBufferException;
  }

  /** The Any each resource in force was last received in, by name. */
  private final Map<String, Any> resources;
  /**
   * The same, by Any: how a resource sent again as the same bytes is known without reading it (the
   * name is inside the bytes). Any's equals compares the type URL and the bytes (a ByteString: its
   * hash is cached, equals compares the bytes), and an Any's hash is memoized, so the lookup costs
   * one pass over bytes that are equal. The ByteStrings are copies of exactly the resource's size
   * (gRPC's marshaller parses from a reused buffer without aliasing), so the resources in force
   * cost about their serialized size.
   */
  private final Map<Any, String> names;

  private ResourcesInForce(Map<String, Any> resources, Map<Any, String> names) {
    this.resources = resources;
    this.names = names;
  }

  /** The resources in force, by name, as the Any each came in. */
  Map<String, Any> resources() {
    return resources;
  }

  /**
   * The resources a response carries, by name, not parsed; fails on one whose name cannot be
   * read or a name sent twice (bytes broken deeper inside fail when the resource is translated).
   */
  Map<String, XdsResource> decode(ResourceType type, List<Any> sent) throws RejectedUpdate {
    return decode(type, sent, type::nameOf);
  }

  /**
   * istiod's xDS cache sends an unchanged resource as the same bytes, and a full push re-sends
   * every cluster and listener: a resource sent as the bytes of one in force is that resource
   * (its Any in force is kept), known without reading its bytes. Other bytes (another map order, a
   * change) are known by the name read off them; they are parsed when translated.
   */
  Map<String, XdsResource> decode(ResourceType type, List<Any> sent, Namer namer) throws RejectedUpdate {
    Map<String, XdsResource> received = new HashMap<>();
    for (Any any : sent) {
      String name = names.get(any);
      XdsResource resource;
      if (name != null) {
        // The instance in force, not the copy just read: the copy dies young, the old generation
        // of the heap stays as it was.
        resource = XdsResource.of(type, resources.get(name));
      } else {
        try {
          name = namer.name(any);
        } catch (InvalidProtocolBufferException e) {
          throw type.unparsable(any, e);
        }
        resource = XdsResource.of(type, any);
      }
      if (received.put(name, resource) != null) {
        throw new RejectedUpdate("duplicate " + type + " resource name '" + name + "'");
      }
    }
    return received;
  }

  /**
   * @param received the resources the response carries, by name ({@link #decode})
   * @param subscribed the names subscribed to now (ignored for wildcard types)
   * @return what is in force once the response is accepted
   */
  ResourcesInForce after(ResourceType type, Map<String, XdsResource> received, Set<String> subscribed) {
    boolean wholeSet = type.wildcard() || type == ResourceType.NAME_TABLE;
    Map<String, Any> inForce = wholeSet ? new HashMap<>() : new HashMap<>(resources);
    // A received one is kept as sent now, even when its message equals the one in force: the
    // server sends it as these bytes next time too.
    received.forEach((name, r) -> inForce.put(name, r.sent()));
    if (!wholeSet) {
      inForce.keySet().retainAll(subscribed);
    }
    Map<Any, String> byAny = new HashMap<>();
    inForce.forEach((name, any) -> byAny.put(any, name));
    return new ResourcesInForce(Map.copyOf(inForce), byAny);
  }

  /** The update to apply: every resource in force, those the response carried as received. */
  Map<String, XdsResource> update(ResourceType type, Map<String, XdsResource> received) {
    Map<String, XdsResource> update = new LinkedHashMap<>();
    resources.forEach((name, any) -> update.put(name, received.getOrDefault(name, XdsResource.of(type, any))));
    return update;
  }
}
