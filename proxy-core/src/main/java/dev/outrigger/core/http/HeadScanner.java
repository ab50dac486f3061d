package dev.outrigger.core.http;

import io.netty.buffer.ByteBuf;

/**
 * Watches the bytes of one header section (start line and header lines) for what Netty's decoder
 * accepts leniently and Envoy refuses: a line folded onto the previous one (obs-fold, a line that
 * begins with SP or HTAB). Netty would join it to the previous value; RFC 9112 section 5.2 lets a
 * server reject it, and a proxy that joins what the app would split is a smuggling vector.
 *
 * <p>The decoder consumes whole lines as it parses them, so the scanner keeps its place relative to
 * the reader index: {@link #consumed} is told how many bytes the decoder took.
 */
final class HeadScanner {
  private enum State { LINE_START, IN_LINE, CR_AT_LINE_START, DONE }

  private State state = State.LINE_START;
  private boolean startLine = true;
  private int scannedAhead;

  /** A new header section begins (after the previous message ended). */
  void reset() {
    state = State.LINE_START;
    startLine = true;
    scannedAhead = 0;
  }

  /**
   * Scans the bytes not yet seen, up to the end of the header section.
   *
   * @return false if a folded line was found
   */
  boolean scan(ByteBuf in) {
    int i = in.readerIndex() + scannedAhead;
    int end = in.writerIndex();
    while (i < end && state != State.DONE) {
      if (state == State.IN_LINE) {
        // Only the first bytes of a line matter: jump to the line's end (a word-at-a-time search).
        int lineFeed = in.indexOf(i, end, (byte) '\n');
        if (lineFeed < 0) {
          i = end;
          break;
        }
        startLine = false;
        state = State.LINE_START;
        i = lineFeed + 1;
        continue;
      }
      byte b = in.getByte(i++);
      if (state == State.CR_AT_LINE_START) {
        state = b == '\n' ? (startLine ? State.LINE_START : State.DONE) : State.IN_LINE;
      } else if ((b == ' ' || b == '\t') && !startLine) {
        return false;
      } else if (b == '\n') {
        state = startLine ? State.LINE_START : State.DONE; // empty lines before the start line are skipped
      } else if (b == '\r') {
        state = State.CR_AT_LINE_START;
      } else {
        state = State.IN_LINE;
      }
    }
    scannedAhead = i - in.readerIndex();
    return true;
  }

  /** The decoder took {@code bytes} from the front of the buffer. */
  void consumed(int bytes) {
    scannedAhead = Math.max(0, scannedAhead - bytes);
  }
}
