package dev.outrigger.agent.dns;

/** How a query came in, and so how it goes upstream (as Istio's proxy: UDP to UDP, TCP to TCP). */
public enum Transport {
  UDP, TCP;

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
