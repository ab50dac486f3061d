package dev.outrigger.core.tls;

/** Pipeline names of the TLS handlers. */
public final class TlsPipelineNames {
  public static final String UPSTREAM_TLS = "upstream-tls";
  public static final String DOWNSTREAM_TLS = "downstream-tls";

  private TlsPipelineNames() {}
}
