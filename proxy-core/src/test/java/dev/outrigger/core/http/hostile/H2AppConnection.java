package dev.outrigger.core.http.hostile;

import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recording app's h2c side: a minimal HTTP/2 server that records each stream's request
 * (pseudo-headers and all) and answers a complete one with 200 and "METHOD path" as the body.
 * The start line of a recorded stream ends with its state: END_STREAM, RESET or OPEN.
 */
final class H2AppConnection {
  private final RecordingApp.Connection connection;
  private final InputStream in;
  private final OutputStream out;
  private final H2Frames.Decoder decoder = new H2Frames.Decoder();
  private final Map<Integer, Message> streams = new HashMap<>();
  private final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();

  H2AppConnection(RecordingApp.Connection connection, InputStream afterPreface, OutputStream out) {
    this.connection = connection;
    this.in = afterPreface;
    this.out = out;
  }

  void serve() throws IOException {
    out.write(H2Frames.settings());
    out.flush();
    H2Frames.Frame f;
    while ((f = H2Frames.read(in)) != null) {
      switch (f.type()) {
        case H2Frames.SETTINGS -> {
          if (!f.has(H2Frames.ACK)) {
            out.write(H2Frames.settingsAck());
            out.flush();
          }
        }
        case H2Frames.HEADERS -> headers(f);
        case H2Frames.DATA -> {
          bodies.computeIfAbsent(f.stream(), s -> new ByteArrayOutputStream()).writeBytes(f.payload());
          if (f.has(H2Frames.END_STREAM)) {
            ended(f.stream(), "END_STREAM");
          }
        }
        case H2Frames.RST_STREAM -> ended(f.stream(), "RESET");
        default -> {
          // PING, WINDOW_UPDATE, PRIORITY, GOAWAY: nothing to record
        }
      }
    }
  }

  private void headers(H2Frames.Frame f) throws IOException {
    List<Message.Header> fields;
    try {
      fields = decoder.decode(f.stream(), f.headerBlock());
    } catch (Http2Exception e) {
      fields = List.of(new Message.Header("x-undecodable-block", e.getMessage()));
    }
    String method = value(fields, ":method");
    String path = value(fields, ":path");
    Message stream = new Message(method + " " + path + " HTTP/2 OPEN", fields, new byte[0]);
    streams.put(f.stream(), stream);
    connection.addH2Stream(stream);
    if (f.has(H2Frames.END_STREAM)) {
      ended(f.stream(), "END_STREAM");
    }
  }

  private void ended(int id, String how) throws IOException {
    Message open = streams.remove(id);
    if (open == null) {
      return;
    }
    ByteArrayOutputStream body = bodies.remove(id);
    String line = open.startLine().replace(" OPEN", " " + how);
    connection.replaceH2Stream(open, new Message(line, open.headers(),
        body == null ? new byte[0] : body.toByteArray()));
    if (how.equals("END_STREAM")) {
      byte[] text = line.substring(0, line.indexOf(" HTTP/2")).getBytes(StandardCharsets.ISO_8859_1);
      out.write(H2Frames.frame(H2Frames.HEADERS, H2Frames.END_HEADERS, id, new byte[] {(byte) 0x88})); // :status 200
      out.write(H2Frames.frame(H2Frames.DATA, H2Frames.END_STREAM, id, text));
      out.flush();
    }
  }

  private static String value(List<Message.Header> fields, String name) {
    return fields.stream().filter(h -> h.name().equals(name)).map(Message.Header::value).findFirst().orElse("-");
  }
}
