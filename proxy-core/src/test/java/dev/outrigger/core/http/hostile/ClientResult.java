package dev.outrigger.core.http.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * What a raw client got back: the complete responses, the head of a response that was cut after
 * its head (if any), bytes that are no response at all, and how the connection ended.
 */
record ClientResult(List<Message> responses, Message cutHead, MessageParser.Parsed parsed, Expected.End end,
    boolean waitedOut) {
  /** A hang is a failure: reading stops at this bound whatever the proxy does. */
  static final long HANG_MILLIS = 2000;
  /** Keep-alive: after the expected responses, this long without a byte means nothing more is coming. */
  static final long QUIET_MILLIS = 100;
  /** A close expected after the responses: this long without it means the connection stays open. */
  static final long CLOSE_WAIT_MILLIS = 500;

  /**
   * Reads until the connection ends, or until {@code expected} responses arrived and the connection
   * stayed quiet (briefly when it is expected to stay open, longer when it is expected to close), or
   * the hang bound.
   */
  static ClientResult read(Socket socket, int expected, boolean expectEnd) throws IOException {
    InputStream in = socket.getInputStream();
    socket.setSoTimeout(20);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    long last = System.nanoTime();
    Expected.End end = null;
    boolean waitedOut = false;
    while (end == null) {
      try {
        int n = in.read(buf);
        if (n < 0) {
          end = Expected.End.CLOSED;
          break;
        }
        got.write(buf, 0, n);
        last = System.nanoTime();
      } catch (SocketTimeoutException quiet) {
        // nothing this tick
      } catch (SocketException reset) {
        end = Expected.End.RESET;
        break;
      }
      long now = System.nanoTime();
      long quiet = (expectEnd ? CLOSE_WAIT_MILLIS : QUIET_MILLIS) * 1_000_000L;
      if (now - last >= quiet && MessageParser.responses(got.toByteArray(), false).messages().size() >= expected) {
        end = Expected.End.OPEN;
      } else if (now - last >= HANG_MILLIS * 1_000_000L) {
        // silence for that long, not a long exchange: a flood of pipelined requests under the
        // tests' paranoid leak detector takes longer than the bound and is still no hang
        end = Expected.End.OPEN;
        waitedOut = true;
      }
    }
    MessageParser.Parsed parsed = MessageParser.responses(got.toByteArray(), end != Expected.End.OPEN);
    Message cutHead = parsed.clean() ? null : MessageParser.headOf(parsed.remainder());
    return new ClientResult(parsed.messages(), cutHead, parsed, end, waitedOut);
  }

  String render() {
    StringBuilder b = new StringBuilder();
    responses.forEach(r -> b.append(r.render(java.util.Set.of())));
    b.append(parsed.renderRemainder());
    b.append("  then ").append(end).append(waitedOut ? " (no end after " + HANG_MILLIS + " ms of silence: a hang)" : "");
    return b.toString();
  }
}
