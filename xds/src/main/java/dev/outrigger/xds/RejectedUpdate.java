package dev.outrigger.xds;

/** An update the proxy cannot apply; its message goes back to the server in the NACK. */
public final class RejectedUpdate extends Exception {
  public RejectedUpdate(String message) {
    super(message);
  }
}
