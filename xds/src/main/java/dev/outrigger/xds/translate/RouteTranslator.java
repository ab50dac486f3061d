package dev.outrigger.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMatch;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.PathMatch;
import dev.outrigger.core.route.table.Regex;
import dev.outrigger.core.route.table.RetryPolicy;
import dev.outrigger.core.route.table.Route;
import dev.outrigger.core.route.table.RouteAction;
import dev.outrigger.core.route.table.RouteMatch;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.core.route.table.StringMatch;
import dev.outrigger.core.route.table.VirtualHost;
import dev.outrigger.core.route.table.WeightedCluster;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * An RDS RouteConfiguration, as istiod sends it, into a {@link RouteTable}. What would change
 * which requests a route takes, and which this proxy cannot honour (query-parameter matches,
 * redirects, a cluster named by a header, ...), rejects the whole resource: a NACK keeps the last
 * good table, where ignoring it would route requests somewhere their owner never meant.
 */
public final class RouteTranslator {
  static final String FAULT_FILTER = "envoy.filters.http.fault";
  /** Envoy's route timeout when the route names none; istiod always names one ("0s" = none). */
  static final Duration ENVOY_DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private RouteTranslator() {}

  public static RouteTable translate(RouteConfiguration config) throws RejectedUpdate {
    List<VirtualHost> translated = new ArrayList<>(config.getVirtualHostsCount());
    for (io.envoyproxy.envoy.config.route.v3.VirtualHost vh : config.getVirtualHostsList()) {
      translated.add(virtualHost(config.getName(), vh));
    }
    return table(config, translated);
  }

  /**
   * The table of a route configuration whose virtual hosts were translated apart (a caller that
   * kept the translations of an earlier configuration hands back those of the virtual hosts that
   * did not change: one service added to a mesh changes one of a thousand).
   *
   * @param config the configuration's fields other than its virtual hosts (which it may lack)
   * @param hosts the translations of its virtual hosts, in its order
   */
  public static RouteTable table(RouteConfiguration config, List<VirtualHost> hosts) throws RejectedUpdate {
    try {
      // Domains are checked here, across virtual hosts: a reused virtual host is checked again.
      return new RouteTable(config.getName(), hosts, config.getIgnorePortInHostMatching());
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdate(e.getMessage());
    }
  }

  /** One virtual host of the route configuration {@code table}; its translation depends on nothing else. */
  public static VirtualHost virtualHost(String table, io.envoyproxy.envoy.config.route.v3.VirtualHost vh)
      throws RejectedUpdate {
    List<Route> routes = new ArrayList<>(vh.getRoutesCount());
    for (io.envoyproxy.envoy.config.route.v3.Route r : vh.getRoutesList()) {
      routes.add(route(table, vh.getName(), r));
    }
    return new VirtualHost(vh.getName(), vh.getDomainsList(), routes);
  }

  private static Route route(String table, String host, io.envoyproxy.envoy.config.route.v3.Route r) throws RejectedUpdate {
    String where = "route table " + table + ", virtual host " + host + ", route '" + r.getName() + "'";
    RouteMatch match = match(where, r.getMatch());
    RouteAction action;
    Duration timeout = Duration.ZERO;
    RetryPolicy retry = RetryPolicy.NONE;
    if (r.hasRoute()) {
      io.envoyproxy.envoy.config.route.v3.RouteAction a = r.getRoute();
      action = forward(where, a);
      timeout = a.hasTimeout() ? Protos.duration(a.getTimeout()) : ENVOY_DEFAULT_TIMEOUT;
      retry = a.hasRetryPolicy() ? retry(a.getRetryPolicy()) : RetryPolicy.NONE;
    } else if (r.hasDirectResponse()) {
      action = new RouteAction.Respond(r.getDirectResponse().getStatus(),
          r.getDirectResponse().getBody().getInlineString());
    } else {
      throw new RejectedUpdate(where + ": action " + r.getActionCase() + " is not supported");
    }
    HeaderMutations headers = new HeaderMutations(headers(r.getRequestHeadersToAddList()), r.getRequestHeadersToRemoveList(),
        headers(r.getResponseHeadersToAddList()), r.getResponseHeadersToRemoveList());
    return new Route(r.getName(), match, action, timeout, retry, fault(where, r), headers);
  }

  private static RouteMatch match(String where, io.envoyproxy.envoy.config.route.v3.RouteMatch m) throws RejectedUpdate {
    if (m.getQueryParametersCount() > 0) {
      throw new RejectedUpdate(where + ": query parameter matches are not supported");
    }
    if (m.hasRuntimeFraction() || m.hasGrpc() || m.hasTlsContext() || m.getDynamicMetadataCount() > 0) {
      throw new RejectedUpdate(where + ": runtime, gRPC, TLS and metadata route matches are not supported");
    }
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    PathMatch path = switch (m.getPathSpecifierCase()) {
      case PREFIX -> new PathMatch.Prefix(m.getPrefix(), caseSensitive);
      case PATH -> new PathMatch.Exact(m.getPath(), caseSensitive);
      case SAFE_REGEX -> new PathMatch.Matching(regex(where, m.getSafeRegex().getRegex()));
      default -> throw new RejectedUpdate(where + ": path match " + m.getPathSpecifierCase() + " is not supported");
    };
    List<HeaderMatch> headers = new ArrayList<>();
    for (HeaderMatcher h : m.getHeadersList()) {
      headers.add(header(where, h));
    }
    return new RouteMatch(path, headers);
  }

  private static HeaderMatch header(String where, HeaderMatcher h) throws RejectedUpdate {
    String name = h.getName().toLowerCase(Locale.ROOT);
    StringMatch value = switch (h.getHeaderMatchSpecifierCase()) {
      case STRING_MATCH -> string(where, h.getStringMatch());
      case EXACT_MATCH -> new StringMatch.Exact(h.getExactMatch(), false);
      case PREFIX_MATCH -> new StringMatch.Prefix(h.getPrefixMatch(), false);
      case SUFFIX_MATCH -> new StringMatch.Suffix(h.getSuffixMatch(), false);
      case CONTAINS_MATCH -> new StringMatch.Contains(h.getContainsMatch(), false);
      case SAFE_REGEX_MATCH -> new StringMatch.Matching(regex(where, h.getSafeRegexMatch().getRegex()));
      case PRESENT_MATCH, HEADERMATCHSPECIFIER_NOT_SET -> null; // presence alone
      default -> throw new RejectedUpdate(where + ": header match " + h.getHeaderMatchSpecifierCase() + " is not supported");
    };
    boolean absent = h.hasPresentMatch() && !h.getPresentMatch(); // present_match: false matches an absent header
    return new HeaderMatch(name, value, h.getInvertMatch() != absent);
  }

  private static StringMatch string(String where, StringMatcher s) throws RejectedUpdate {
    boolean ic = s.getIgnoreCase();
    return switch (s.getMatchPatternCase()) {
      case EXACT -> new StringMatch.Exact(s.getExact(), ic);
      case PREFIX -> new StringMatch.Prefix(s.getPrefix(), ic);
      case SUFFIX -> new StringMatch.Suffix(s.getSuffix(), ic);
      case CONTAINS -> new StringMatch.Contains(s.getContains(), ic);
      case SAFE_REGEX -> new StringMatch.Matching(regex(where, s.getSafeRegex().getRegex()));
      default -> throw new RejectedUpdate(where + ": string match " + s.getMatchPatternCase() + " is not supported");
    };
  }

  private static Regex regex(String where, String regex) throws RejectedUpdate {
    try {
      return Regex.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new RejectedUpdate(where + ": regex '" + regex + "': " + e.getDescription());
    }
  }

  private static RouteAction forward(String where, io.envoyproxy.envoy.config.route.v3.RouteAction a) throws RejectedUpdate {
    try {
      return switch (a.getClusterSpecifierCase()) {
        case CLUSTER -> new RouteAction.Forward(List.of(new WeightedCluster(a.getCluster(), 1)));
        case WEIGHTED_CLUSTERS -> {
          List<WeightedCluster> clusters = new ArrayList<>();
          for (var c : a.getWeightedClusters().getClustersList()) {
            clusters.add(new WeightedCluster(c.getName(), c.hasWeight() ? c.getWeight().getValue() : 0));
          }
          yield new RouteAction.Forward(clusters);
        }
        default -> throw new RejectedUpdate(where + ": cluster specifier " + a.getClusterSpecifierCase() + " is not supported");
      };
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdate(where + ": " + e.getMessage());
    }
  }

  private static RetryPolicy retry(io.envoyproxy.envoy.config.route.v3.RetryPolicy p) {
    Set<String> on = new HashSet<>();
    for (String condition : p.getRetryOn().split(",")) {
      if (!condition.isBlank()) {
        on.add(condition.trim());
      }
    }
    int retries = p.hasNumRetries() ? p.getNumRetries().getValue() : 1; // Envoy's default: one retry
    Duration perTry = p.hasPerTryTimeout() ? Protos.duration(p.getPerTryTimeout()) : Duration.ZERO;
    boolean previousHosts = p.getRetryHostPredicateList().stream()
        .anyMatch(predicate -> predicate.getName().equals("envoy.retry_host_predicates.previous_hosts"));
    // Envoy's default is one selection attempt; istiod asks for 5 beside previous_hosts.
    int selections = (int) Math.max(1, p.getHostSelectionRetryMaxAttempts());
    return new RetryPolicy(on, retries, perTry, new HashSet<>(p.getRetriableStatusCodesList()), previousHosts,
        selections);
  }

  private static FaultPolicy fault(String where, io.envoyproxy.envoy.config.route.v3.Route r) throws RejectedUpdate {
    Any config = r.getTypedPerFilterConfigMap().get(FAULT_FILTER);
    if (config == null) {
      return FaultPolicy.NONE;
    }
    HTTPFault fault;
    try {
      fault = config.unpack(HTTPFault.class);
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedUpdate(where + ": " + FAULT_FILTER + " config is not an HTTPFault: " + e.getMessage());
    }
    Duration delay = Duration.ZERO;
    double delayPercent = 0;
    if (fault.hasDelay()) {
      if (!fault.getDelay().hasFixedDelay()) {
        throw new RejectedUpdate(where + ": only fixed fault delays are supported");
      }
      delay = Protos.duration(fault.getDelay().getFixedDelay());
      delayPercent = fault.getDelay().hasPercentage() ? Protos.percent(fault.getDelay().getPercentage()) : 100;
    }
    int abortStatus = 0;
    double abortPercent = 0;
    if (fault.hasAbort()) {
      if (!fault.getAbort().hasHttpStatus()) {
        throw new RejectedUpdate(where + ": only HTTP status fault aborts are supported");
      }
      abortStatus = fault.getAbort().getHttpStatus();
      abortPercent = fault.getAbort().hasPercentage() ? Protos.percent(fault.getAbort().getPercentage()) : 100;
    }
    return new FaultPolicy(delay, delayPercent, abortStatus, abortPercent);
  }

  private static List<HeaderMutations.Header> headers(List<HeaderValueOption> options) {
    List<HeaderMutations.Header> out = new ArrayList<>();
    for (HeaderValueOption o : options) {
      // Envoy: "append" defaults to true when unset; append_action refines it in newer configs.
      boolean append = o.hasAppend()
          ? o.getAppend().getValue()
          : o.getAppendAction() == HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD;
      out.add(new HeaderMutations.Header(o.getHeader().getKey().toLowerCase(Locale.ROOT), o.getHeader().getValue(), append));
    }
    return out;
  }
}
