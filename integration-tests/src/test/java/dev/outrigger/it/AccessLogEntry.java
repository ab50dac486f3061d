package dev.outrigger.it;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line of Istio's default text access log, as written for a TCP connection. */
record AccessLogEntry(
    Instant start,
    String request,
    String responseCode,
    String responseFlags,
    String transportFailureReason,
    long bytesReceived,
    long bytesSent,
    long durationMillis,
    String upstreamHost,
    String upstreamCluster,
    String upstreamLocalAddress,
    String downstreamLocalAddress,
    String downstreamRemoteAddress,
    String requestedServerName,
    String routeName) {

  // [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
  // %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
  // "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
  // %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
  // "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%
  // %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
  // %REQUESTED_SERVER_NAME% %ROUTE_NAME%
  private static final Pattern LINE = Pattern.compile(
      "^\\[(?<start>[^\\]]+)] \"(?<request>[^\"]*)\" (?<code>\\S+) (?<flags>\\S+) - - \"(?<transportFailure>[^\"]*)\""
          + " (?<received>\\d+) (?<sent>\\d+) (?<duration>\\d+) - \"-\" \"-\" \"-\" \"-\""
          + " \"(?<upstreamHost>[^\"]*)\" (?<cluster>\\S+) (?<upstreamLocal>\\S+) (?<downstreamLocal>\\S+)"
          + " (?<downstreamRemote>\\S+) (?<sni>\\S+) (?<route>\\S+)$");

  static AccessLogEntry parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an Istio TCP access-log line: " + line);
    }
    return new AccessLogEntry(
        Instant.parse(m.group("start")),
        m.group("request"),
        m.group("code"),
        m.group("flags"),
        m.group("transportFailure"),
        Long.parseLong(m.group("received")),
        Long.parseLong(m.group("sent")),
        Long.parseLong(m.group("duration")),
        m.group("upstreamHost"),
        m.group("cluster"),
        m.group("upstreamLocal"),
        m.group("downstreamLocal"),
        m.group("downstreamRemote"),
        m.group("sni"),
        m.group("route"));
  }

  /** The port of an "ip:port" address. */
  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The ip of an "ip:port" address. */
  static String ip(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }
}
