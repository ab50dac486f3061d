package dev.outrigger.core.route.table;

import java.util.List;

/**
 * Header changes a route makes (Envoy's request/response_headers_to_add and _to_remove; Istio's
 * VirtualService {@code headers}: "set" overwrites, "add" appends).
 */
public record HeaderMutations(List<Header> requestAdd, List<String> requestRemove, List<Header> responseAdd,
    List<String> responseRemove) {
  public static final HeaderMutations NONE = new HeaderMutations(List.of(), List.of(), List.of(), List.of());

  /** @param append add beside existing values rather than replace them */
  public record Header(String name, String value, boolean append) {}

  public HeaderMutations {
    requestAdd = List.copyOf(requestAdd);
    requestRemove = List.copyOf(requestRemove);
    responseAdd = List.copyOf(responseAdd);
    responseRemove = List.copyOf(responseRemove);
  }
}
