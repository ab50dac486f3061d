package dev.outrigger.it.apps;

import dev.outrigger.it.harness.CommandResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one curl request got back: status, protocol, response headers (names in lower case, the
 * last header block when there were interim 1xx responses), body, and the local port it used.
 */
public record CurlExchange(
    CommandResult result, int status, String httpVersion, int localPort, int newConnections,
    Map<String, List<String>> headers, String body) {

  static CurlExchange parse(CommandResult result, String headerText, String body) {
    String[] writeOut = result.stdout().strip().split(" ");
    if (writeOut.length != 4) {
      throw new IllegalStateException("curl printed no summary\n" + result.describe());
    }
    return new CurlExchange(result, Integer.parseInt(writeOut[0]), writeOut[1], Integer.parseInt(writeOut[2]),
        Integer.parseInt(writeOut[3]), lastHeaderBlock(headerText), body);
  }

  private static Map<String, List<String>> lastHeaderBlock(String text) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      if (line.startsWith("HTTP/")) {
        headers.clear(); // a new block: interim responses come first
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
              .add(line.substring(colon + 1).strip());
        }
      }
    }
    return headers;
  }

  /** The first value of a response header, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Throws with everything curl printed unless the transfer completed (whatever the status). */
  public CurlExchange requireTransfer() {
    result.requireSuccess();
    return this;
  }

  @Override
  public String toString() {
    return status + " " + httpVersion + " " + headers + "\n" + body + "\n" + result.describe();
  }
}
