package dev.outrigger.xds;

import com.google.protobuf.Message;
import java.util.HashMap;
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
 */
final class ResourcesInForce {
  private ResourcesInForce() {}

  /**
   * @param previous the resources in force before the response
   * @param received the resources the response carries, by name
   * @param subscribed the names subscribed to now (ignored for wildcard types)
   */
  static Map<String, Message> after(ResourceType type, Map<String, Message> previous, Map<String, Message> received,
      Set<String> subscribed) {
    boolean wholeSet = type.wildcard() || type == ResourceType.NAME_TABLE;
    Map<String, Message> inForce = wholeSet ? new HashMap<>() : new HashMap<>(previous);
    received.forEach((name, resource) -> inForce.put(name, unchanged(previous.get(name), resource)));
    if (!wholeSet) {
      inForce.keySet().retainAll(subscribed);
    }
    return inForce;
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
