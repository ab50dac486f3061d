package dev.outrigger.core.http.hostile;

import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What an h2c client got for its stream 1: the response (status and body), a RST_STREAM, a GOAWAY,
 * or the connection's end. Reading stops at the first of these that settles the stream, or at the
 * hang bound.
 */
record H2ClientResult(Integer status, String body, boolean complete, Integer streamReset, Integer goAway,
    boolean closed, boolean waitedOut) {

  /** Sends the preface, an empty SETTINGS and {@code frames}, then reads what comes back for stream 1. */
  static H2ClientResult exchange(Socket socket, byte[] frames) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(H2Frames.concat(H2Frames.PREFACE, H2Frames.settings(), frames));
    out.flush();
    InputStream in = socket.getInputStream();
    H2Frames.Decoder decoder = new H2Frames.Decoder();
    long deadline = System.nanoTime() + ClientResult.HANG_MILLIS * 1_000_000L;
    Integer status = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return new H2ClientResult(status, body.toString(StandardCharsets.ISO_8859_1), false, null, null, false, true);
      }
      socket.setSoTimeout((int) left);
      H2Frames.Frame f;
      try {
        f = H2Frames.read(in);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (SocketException reset) {
        f = null;
      }
      if (f == null) {
        return new H2ClientResult(status, body.toString(StandardCharsets.ISO_8859_1), false, null, null, true, false);
      }
      if (f.type() == H2Frames.SETTINGS && !f.has(H2Frames.ACK)) {
        out.write(H2Frames.settingsAck());
        out.flush();
      } else if (f.type() == H2Frames.GOAWAY) {
        return new H2ClientResult(status, body.toString(StandardCharsets.ISO_8859_1), false, null, f.errorCode(),
            false, false);
      } else if (f.stream() == 1 && f.type() == H2Frames.RST_STREAM) {
        return new H2ClientResult(status, body.toString(StandardCharsets.ISO_8859_1), false, f.errorCode(), null,
            false, false);
      } else if (f.stream() == 1 && (f.type() == H2Frames.HEADERS || f.type() == H2Frames.DATA)) {
        if (f.type() == H2Frames.HEADERS) {
          status = statusOf(decoder, f);
        } else {
          body.writeBytes(f.payload());
        }
        if (f.has(H2Frames.END_STREAM)) {
          return new H2ClientResult(status, body.toString(StandardCharsets.ISO_8859_1), true, null, null, false,
              false);
        }
      }
    }
  }

  private static Integer statusOf(H2Frames.Decoder decoder, H2Frames.Frame f) {
    try {
      List<Message.Header> fields = decoder.decode(1, f.headerBlock());
      return fields.stream().filter(h -> h.name().equals(":status")).map(h -> Integer.parseInt(h.value()))
          .findFirst().orElse(null);
    } catch (Http2Exception e) {
      return -1;
    }
  }

  /** The stream was refused: reset, or the connection ended (GOAWAY or close), with no response. */
  boolean refused() {
    return status == null && (streamReset != null || goAway != null || closed);
  }

  @Override
  public String toString() {
    if (waitedOut) {
      return "nothing that settles stream 1 within " + ClientResult.HANG_MILLIS + " ms (a hang)"
          + (status == null ? "" : ", status " + status);
    }
    if (complete) {
      return "a complete response: " + status + " \"" + Message.shorten(body) + "\"";
    }
    String how = streamReset != null ? "RST_STREAM error " + streamReset
        : goAway != null ? "GOAWAY error " + goAway : "the connection closed";
    return how + (status == null ? ", no response" : " after a " + status + " head");
  }
}
