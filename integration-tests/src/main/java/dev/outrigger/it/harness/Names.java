package dev.outrigger.it.harness;

import java.util.regex.Pattern;

/**
 * Every namespace, link and work directory the harness creates starts with one of these
 * prefixes, so leftovers are recognisable and nobody else's (orit-ipt-* for instance) are touched.
 */
final class Names {
  static final String NAMESPACE_PREFIX = "orit-it-";
  static final String VETH_PREFIX = "orit-it";
  static final String BRIDGE_PREFIX = "oritbr-";
  static final String WORK_DIR_PREFIX = "orit-it-net-";

  // Link names are limited to 15 bytes (IFNAMSIZ - 1): "oritbr-" leaves 8 characters.
  private static final Pattern NETWORK_NAME = Pattern.compile("[a-z0-9]{1,8}");
  private static final Pattern POD_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  private Names() {}

  static String requireNetworkName(String name) {
    if (!NETWORK_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("network name: " + name + " (expected: 1-8 of [a-z0-9])");
    }
    return name;
  }

  static String requirePodName(String name) {
    if (!POD_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("pod name: " + name + " (expected: [a-z0-9][a-z0-9-]{0,31})");
    }
    return name;
  }

  /**
   * The short-lived namespace with which a JVM checks, before it takes the host lock, that it may
   * create namespaces at all; it belongs to that JVM, not to a dead run, while the JVM lives.
   */
  static String probeNamespace(long pid) {
    return NAMESPACE_PREFIX + "probe-" + pid;
  }

  static boolean isProbeOfLiveProcess(String netns) {
    String prefix = NAMESPACE_PREFIX + "probe-";
    if (!netns.startsWith(prefix)) {
      return false;
    }
    try {
      return ProcessHandle.of(Long.parseLong(netns.substring(prefix.length()))).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The namespace holding the network's bridge. */
  static String networkNamespace(String network) {
    return NAMESPACE_PREFIX + network;
  }

  static String podNamespace(String network, String pod) {
    return NAMESPACE_PREFIX + network + "-" + pod;
  }

  static String bridge(String network) {
    return BRIDGE_PREFIX + network;
  }

  /** Bridge-side end of a pod's veth pair; the pod's end is its eth0. */
  static String bridgePort(int hostNumber) {
    return VETH_PREFIX + "-h" + hostNumber;
  }
}
