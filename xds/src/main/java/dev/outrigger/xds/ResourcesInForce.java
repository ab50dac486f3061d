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
 * edsUpdatedServices). A resource is dropped when its name leaves the subscription.
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
    if (type.wildcard() || type == ResourceType.NAME_TABLE) {
      return received;
    }
    Map<String, Message> merged = new HashMap<>(previous);
    merged.putAll(received);
    merged.keySet().retainAll(subscribed);
    return merged;
  }
}
