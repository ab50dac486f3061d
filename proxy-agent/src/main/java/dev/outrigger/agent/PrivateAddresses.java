package dev.outrigger.agent;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The pod's own addresses, found as pilot-agent finds them (pilot/pkg/util/network
 * GetPrivateIPsIfAvailable): every address of an interface that is up and not loopback, except
 * loopback, link-local and unspecified ones. istiod matches them against its endpoints to know
 * which services this proxy serves.
 */
final class PrivateAddresses {
  private PrivateAddresses() {}

  static List<String> find() {
    List<String> out = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress()) {
            continue;
          }
          out.add(NetUtil.toAddressString(a));
        }
      }
    } catch (SocketException e) {
      throw new ConfigException("INSTANCE_IP is not set and the pod's addresses cannot be listed: " + e.getMessage());
    }
    return out;
  }
}
