package dev.outrigger.core.overload;

/**
 * A user event: the peer of a connection that is not being read has sent FIN (its socket is in
 * CLOSE_WAIT). The bytes before the FIN are still unread; only a handler for which a FIN at this
 * point ends the connection (an HTTP/1 exchange waiting for its answer, or a keep-alive between
 * requests) acts on it. The byte relay ignores it: it passes the FIN on after the data.
 */
public final class PeerHalfClosed {
  public static final PeerHalfClosed INSTANCE = new PeerHalfClosed();

  private PeerHalfClosed() {}
}
