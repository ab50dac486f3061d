package dev.outrigger.core.cluster;

import java.util.List;

/** The hosts of one EDS cluster, as the latest ClusterLoadAssignment lists them. */
public record EndpointSet(String cluster, List<Endpoint> endpoints) {
  public EndpointSet {
    endpoints = List.copyOf(endpoints);
  }
}
