package dev.outrigger.core;

/** Which of the two capture listeners accepted a connection. */
public enum Direction {
  /** Traffic the pod's app sends out, redirected to the outbound port (15001). */
  OUTBOUND("outbound"),
  /** Traffic arriving for the pod's app, redirected to the inbound port (15006). */
  INBOUND("inbound");

  private final String label;

  Direction(String label) {
    this.label = label;
  }

  /** The lower-case name used in stats, cluster names and logs. */
  public String label() {
    return label;
  }
}
