package dev.outrigger.xds.istiod;

import com.github.udpa.udpa.type.v1.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

/** The network and HTTP filters istiod puts in a sidecar's listeners, each as istiod configures it. */
public final class IstiodFilters {
  private IstiodFilters() {}

  /** tcp_proxy to a cluster, with the cluster's name as stat prefix. */
  public static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build()))
        .build();
  }

  /** An http_connection_manager network filter. */
  public static Filter httpConnectionManager(HttpConnectionManager hcm) {
    return Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(hcm)).build();
  }

  /** Istio's TCP stats filter, reporter "CLIENT" (outbound) or "SERVER" (inbound). */
  public static Filter istioStats(String reporter) {
    return Filter.newBuilder().setName("istio.stats").setTypedConfig(statsConfig(reporter)).build();
  }

  /** Istio's HTTP stats filter, reporter "CLIENT" (outbound) or "SERVER" (inbound). */
  public static HttpFilter istioStatsHttp(String reporter) {
    return HttpFilter.newBuilder().setName("istio.stats").setTypedConfig(statsConfig(reporter)).build();
  }

  /** The router, last of every HTTP filter chain. */
  public static HttpFilter router() {
    return HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }

  /**
   * Istio's own filters' configuration as istiod sends it: a TypedStruct naming the type (which a
   * non-Istio Envoy would not know) around its fields.
   */
  public static Any typedStruct(String type, Struct value) {
    return Any.pack(TypedStruct.newBuilder().setTypeUrl("type.googleapis.com/" + type).setValue(value).build());
  }

  private static Any statsConfig(String reporter) {
    return typedStruct("stats.PluginConfig", Struct.newBuilder().putFields("reporter", Protos.text(reporter)).build());
  }
}
