package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Collections;
import java.util.HashMap;
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
 * edsUpdatedServices). A resource is dropped when its name leaves the subscription. A resource
 * equal to the one in force keeps the instance in force.
 *
 * <p>Immutable: the client replaces its value only when it accepts an update, so a rejected
 * update leaves both the resources and the wire forms remembered for them as they were.
 */
final class ResourcesInForce {
  static final ResourcesInForce NONE = new ResourcesInForce(Map.of(), Map.of());

  /** How a resource is read from its Any ({@link ResourceType#parse}; a counting one in tests). */
  @FunctionalInterface
  interface Parser {
    Message parse(Any sent) throws InvalidProtocolBufferException;
  }

  /** A resource a response carries: the message and the Any it came in. */
  record Received(Message resource, Any sent) {}

  private final Map<String, Message> resources;
  /**
   * The Any each resource in force was last received in, to its name: one entry per resource.
   * Keyed by the Any, not by the name, because the name is inside the bytes: a resource is known
   * by name only once parsed, and not parsing it is the point. Any's equals compares the type URL
   * and the bytes (a ByteString: its hash is cached, equals compares the bytes), and an Any's hash
   * is memoized, so the lookup costs one pass over bytes that are equal. The ByteStrings are
   * copies of exactly the resource's size (gRPC's marshaller parses from a reused buffer without
   * aliasing), so this costs about the serialized size of the resources in force, not whole
   * responses.
   */
  private final Map<Any, String> names;

  private ResourcesInForce(Map<String, Message> resources, Map<Any, String> names) {
    this.resources = resources;
    this.names = names;
  }

  /** The resources in force, by name. */
  Map<String, Message> resources() {
    return resources;
  }

  /** The resources a response carries, by name; fails on one that does not parse or a name sent twice. */
  Map<String, Received> decode(ResourceType type, List<Any> sent) throws RejectedUpdate {
    return decode(type, sent, type::parse);
  }

  /**
   * istiod's xDS cache sends an unchanged resource as the same bytes, and a full push re-sends
   * every cluster and listener: a resource sent as the bytes of one in force is that resource, and
   * is not parsed (parsing and comparing 1,000 clusters cost ~12 ms and ~7 MiB of garbage per
   * push, most of it protobuf's equals on map fields). Bytes that differ (another map order, a
   * change) are parsed and compared as before, so correctness does not rest on the server's
   * serialization.
   */
  Map<String, Received> decode(ResourceType type, List<Any> sent, Parser parser) throws RejectedUpdate {
    Map<String, Received> received = new HashMap<>();
    for (Any any : sent) {
      String name = names.get(any);
      Message resource;
      if (name != null) {
        resource = resources.get(name);
      } else {
        try {
          resource = parser.parse(any);
        } catch (InvalidProtocolBufferException e) {
          throw new RejectedUpdate("a " + any.getTypeUrl() + " resource that does not parse as " + type + ": "
              + e.getMessage());
        }
        name = type.name(resource);
      }
      if (received.put(name, new Received(resource, any)) != null) {
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
  ResourcesInForce after(ResourceType type, Map<String, Received> received, Set<String> subscribed) {
    boolean wholeSet = type.wildcard() || type == ResourceType.NAME_TABLE;
    Map<String, Message> inForce = wholeSet ? new HashMap<>() : new HashMap<>(resources);
    received.forEach((name, r) -> inForce.put(name, unchanged(resources.get(name), r.resource())));
    if (!wholeSet) {
      inForce.keySet().retainAll(subscribed);
    }
    Map<Any, String> sentAs = new HashMap<>();
    // A resource kept from before (not in this partial response) keeps the bytes it came in.
    names.forEach((any, name) -> {
      if (inForce.containsKey(name) && !received.containsKey(name)) {
        sentAs.put(any, name);
      }
    });
    // A received one is remembered as sent now, even when its message is the one in force: the
    // server sends it as these bytes next time too.
    received.forEach((name, r) -> {
      if (inForce.containsKey(name)) {
        sentAs.put(r.sent(), name);
      }
    });
    return new ResourcesInForce(Collections.unmodifiableMap(inForce), sentAs);
  }

  /**
   * The resource in force when the new one equals it: a server that re-sends every resource on
   * each push (a state-of-the-world cache) then leaves the old generation of the heap as it was;
   * the decoded copies die young, and the translations of unchanged resources are reused by
   * identity.
   */
  private static Message unchanged(Message previous, Message received) {
    return received.equals(previous) ? previous : received;
  }
}
