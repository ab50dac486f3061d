package dev.outrigger.it.http;

import dev.outrigger.it.sidecar.Sidecar;

/** Finding a request's access-log line on a sidecar. Lines are written when the request ends. */
final class AccessLogs {
  private AccessLogs() {}

  /** The text line carrying this request id. */
  static HttpLogLine byRequestId(Sidecar sidecar, String requestId) {
    return HttpLogLine.parseText(sidecar.awaitAccessLog("a line for request " + requestId,
        line -> line.contains(" \"" + requestId + "\" ")));
  }

  /** The text line of a request for this path (tests give each request its own path). */
  static HttpLogLine byPath(Sidecar sidecar, String path) {
    return HttpLogLine.parseText(sidecar.awaitAccessLog("a line for " + path,
        line -> line.contains(" " + path + " HTTP/")));
  }

  /** The JSON line carrying this request id. */
  static HttpLogLine jsonByRequestId(Sidecar sidecar, String requestId) {
    return HttpLogLine.parseJson(sidecar.awaitAccessLog("a JSON line for request " + requestId,
        line -> line.contains("\"request_id\":\"" + requestId + "\"")));
  }
}
