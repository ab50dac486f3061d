package dev.outrigger.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.agent.ConfigException;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where probes go and from where, as Istio's status server (NewServer) decides. */
class ProbeTargetTest {
  @Test
  void thePodIpByDefaultFromTheInboundPassthroughAddress() throws Exception {
    assertEquals(new ProbeTarget("10.1.2.3", InetAddress.getByName("10.1.2.3"), InetAddress.getByName("127.0.0.6")),
        ProbeTarget.fromEnvironment(Map.of("INSTANCE_IP", "10.1.2.3")));
  }

  @Test
  void localhostUnderTheLegacySetting() throws Exception {
    assertEquals(new ProbeTarget("localhost", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.6")),
        ProbeTarget.fromEnvironment(Map.of("INSTANCE_IP", "10.1.2.3", "REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "true")));
    assertEquals("10.1.2.3", ProbeTarget.fromEnvironment(
        Map.of("INSTANCE_IP", "10.1.2.3", "REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "false")).host());
    assertThrows(ConfigException.class, () -> ProbeTarget.fromEnvironment(
        Map.of("INSTANCE_IP", "10.1.2.3", "REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "maybe")));
  }

  @Test
  void anIpv6PodUsesTheIpv6LoopbackAndPassthroughAddresses() throws Exception {
    assertEquals(new ProbeTarget("fd00::5", InetAddress.getByName("fd00::5"), InetAddress.getByName("::6")),
        ProbeTarget.fromEnvironment(Map.of("INSTANCE_IP", "fd00::5")));
    assertEquals(new ProbeTarget("localhost", InetAddress.getByName("::1"), InetAddress.getByName("::6")),
        ProbeTarget.fromEnvironment(Map.of("INSTANCE_IP", "fd00::5", "REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "1")));
    // A link-local pod IP does not make the pod IPv6 (as Istio).
    assertEquals(InetAddress.getByName("127.0.0.6"), ProbeTarget.fromEnvironment(Map.of("INSTANCE_IP", "fe80::1")).source());
  }

  @Test
  void withoutAPodIpTheProbesGoToLoopback() throws Exception {
    assertEquals(InetAddress.getByName("127.0.0.1"), ProbeTarget.fromEnvironment(Map.of()).destination());
  }
}
