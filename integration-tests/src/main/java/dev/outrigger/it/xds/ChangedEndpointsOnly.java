package dev.outrigger.it.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * EDS pushes as istiod makes them: a response carries the ClusterLoadAssignments that changed
 * since the last response, not every subscribed one (pilot/pkg/xds/eds.go: on an incremental
 * push, edsUpdatedServices limits the response to the updated services). Wraps java-control-plane's
 * cache, which always answers with every subscribed resource. For one sidecar: the server tracks
 * what it has sent, not per stream.
 *
 * <p>The server's stream observer tells the cache which names the client knows from the last
 * response alone; after a partial response that would be the changed names only, and the cache
 * would answer the ACK at once with everything. So the names sent so far are added to that set.
 */
final class ChangedEndpointsOnly implements ConfigWatcher {
  private final ConfigWatcher cache;
  /** The assignments the sidecar holds: every one sent so far, by name. */
  private final Map<String, Message> sent = new HashMap<>();

  ChangedEndpointsOnly(ConfigWatcher cache) {
    this.cache = cache;
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
    if (!request.getTypeUrl().equals(XdsType.ENDPOINT.typeUrl())) {
      return cache.createWatch(ads, request, knownResourceNames, responseConsumer, hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }
    Set<String> known = new HashSet<>(knownResourceNames);
    synchronized (sent) {
      if (request.getResponseNonce().isEmpty()) {
        sent.clear(); // a new stream (a new or restarted sidecar): it holds nothing yet
      }
      known.addAll(sent.keySet());
      known.retainAll(request.getResourceNamesList());
    }
    return cache.createWatch(ads, request, known, response -> responseConsumer.accept(changedOnly(response)),
        hasClusterChanged, allowDefaultEmptyEdsUpdate);
  }

  private Response changedOnly(Response full) {
    List<Message> changed = new ArrayList<>();
    synchronized (sent) {
      for (Message resource : full.resources()) {
        String name = Resources.getResourceName(resource);
        if (!resource.equals(sent.get(name))) {
          changed.add(resource);
          sent.put(name, (ClusterLoadAssignment) resource);
        }
      }
    }
    return Response.create(full.request(), changed, full.version());
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
      Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
        responseConsumer, hasClusterChanged);
  }
}
