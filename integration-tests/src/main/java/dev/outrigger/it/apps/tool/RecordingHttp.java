package dev.outrigger.it.apps.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP app that parses requests strictly by the framing their own bytes declare, prints each
 * one ({@value #RECEIVED} method, target, body length and body, escaped) and answers by path: a
 * path from {@link #MALFORMED} gets that broken response, any other {@code 200 path=<target>}. So a
 * test sees exactly what reached the app through the sidecars, and can make the app misbehave.
 */
public final class RecordingHttp implements ConnectionHandler {
  public static final String RECEIVED = "received ";
  public static final Map<String, String> MALFORMED = Map.of(
      "/bad-two-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 51\r\n\r\nhello",
      "/bad-length-and-chunked", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "/bad-space-before-colon", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
      "/bad-bare-cr", "HTTP/1.1 200 OK\r\nX-Bad: a\rb\r\nContent-Length: 5\r\n\r\nhello",
      "/bad-folded", "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 5\r\n\r\nhello");

  @Override
  public void handle(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    for (String head; (head = readHead(in)) != null; ) {
      String target = head.split(" ", 3)[1];
      byte[] body = readBody(in, head.toLowerCase(Locale.ROOT));
      System.out.println(RECEIVED + head.substring(0, head.indexOf(' ')) + " " + target + " " + body.length + " "
          + escape(new String(body, StandardCharsets.ISO_8859_1)));
      System.out.flush();
      String ok = "path=" + target;
      String answer = MALFORMED.getOrDefault(target, "HTTP/1.1 200 OK\r\nContent-Length: " + ok.length() + "\r\n\r\n" + ok);
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }

  public static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0; ) {
      head.write(b);
      if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static byte[] readBody(InputStream in, String lowerHead) throws IOException {
    if (lowerHead.contains("\r\ntransfer-encoding: chunked\r\n")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; line(in)) {
        body.write(in.readNBytes(size));
      }
      while (!line(in).isEmpty()) {
        // trailer fields
      }
      return body.toByteArray();
    }
    int at = lowerHead.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return new byte[0];
    }
    return in.readNBytes(Integer.parseInt(lowerHead.substring(at + 17, lowerHead.indexOf("\r\n", at + 2)).trim()));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b; (b = in.read()) >= 0; ) {
      if (b == '\n') {
        return sb.toString().replace("\r", "");
      }
      sb.append((char) b);
    }
    throw new IOException("closed inside a chunked body");
  }
}
