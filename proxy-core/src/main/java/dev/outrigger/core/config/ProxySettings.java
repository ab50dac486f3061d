package dev.outrigger.core.config;

import dev.outrigger.core.inbound.LocalhostInboundPorts;
import java.time.Duration;

/**
 * The data path's settings, validated once. Built by the agent from the environment; tests build
 * it directly.
 *
 * @param outboundPort listener for captured outbound traffic (Istio: 15001)
 * @param inboundPort listener for captured inbound traffic (Istio: 15006)
 * @param inboundMode how inbound connections reach the app
 * @param connectTimeout upstream connect timeout (Istio's mesh default: 10s)
 * @param idleTimeout a connection with no bytes either way for this long is closed (Envoy: 1h)
 * @param accessLog whether one access-log line per connection is written
 * @param ipv6 whether to also listen on [::] (IPv6-only sockets beside the IPv4 ones)
 * @param workerThreads event-loop threads (Istio's default concurrency is 2)
 * @param localhostInboundPorts ports dialled over loopback even in preserve mode (apps bound to lo)
 * @param interceptionMode how inbound connections were captured: REDIRECT (nat) or TPROXY (mangle)
 */
public record ProxySettings(
    int outboundPort,
    int inboundPort,
    InboundMode inboundMode,
    Duration connectTimeout,
    Duration idleTimeout,
    boolean accessLog,
    boolean ipv6,
    int workerThreads,
    LocalhostInboundPorts localhostInboundPorts,
    InterceptionMode interceptionMode) {

  /** Inbound captured with REDIRECT, as istio-iptables does by default. */
  public ProxySettings(int outboundPort, int inboundPort, InboundMode inboundMode, Duration connectTimeout,
      Duration idleTimeout, boolean accessLog, boolean ipv6, int workerThreads,
      LocalhostInboundPorts localhostInboundPorts) {
    this(outboundPort, inboundPort, inboundMode, connectTimeout, idleTimeout, accessLog, ipv6, workerThreads,
        localhostInboundPorts, InterceptionMode.REDIRECT);
  }

  /** No per-port loopback exception. */
  public ProxySettings(int outboundPort, int inboundPort, InboundMode inboundMode, Duration connectTimeout,
      Duration idleTimeout, boolean accessLog, boolean ipv6, int workerThreads) {
    this(outboundPort, inboundPort, inboundMode, connectTimeout, idleTimeout, accessLog, ipv6, workerThreads,
        LocalhostInboundPorts.NONE);
  }

  public ProxySettings {
    if (localhostInboundPorts == null) {
      throw new IllegalArgumentException("localhostInboundPorts: null (expected: a set of ports, possibly empty)");
    }
    requirePort("outboundPort", outboundPort);
    requirePort("inboundPort", inboundPort);
    if (outboundPort == inboundPort && outboundPort != 0) {
      throw new IllegalArgumentException(
          "outboundPort and inboundPort: both " + outboundPort + " (expected: two different ports)");
    }
    if (interceptionMode == null) {
      throw new IllegalArgumentException("interceptionMode: null (expected: " + InterceptionMode.ACCEPTED + ")");
    }
    if (inboundMode == null) {
      throw new IllegalArgumentException("inboundMode: null (expected: " + InboundMode.ACCEPTED + ")");
    }
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("idleTimeout", idleTimeout);
    if (workerThreads < 1) {
      throw new IllegalArgumentException("workerThreads: " + workerThreads + " (expected: >= 1)");
    }
  }

  /** Istio's defaults: 15001/15006, preserve, 10s connect timeout, 1h idle timeout, 2 workers. */
  public static ProxySettings defaults() {
    return new ProxySettings(
        15001, 15006, InboundMode.PRESERVE, Duration.ofSeconds(10), Duration.ofHours(1), true, true, 2);
  }

  private static void requirePort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
