package dev.outrigger.it.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One access-log line of an HTTP request, from Istio's default text format or its JSON encoding,
 * with every field: "-" in the text (null in JSON) is kept as "-", so both read the same.
 */
public record HttpLogLine(
    Instant start,
    String method,
    String path,
    String protocol,
    int responseCode,
    String responseFlags,
    String responseCodeDetails,
    String connectionTerminationDetails,
    String upstreamTransportFailureReason,
    long bytesReceived,
    long bytesSent,
    long durationMillis,
    String upstreamServiceTime,
    String xForwardedFor,
    String userAgent,
    String requestId,
    String authority,
    String upstreamHost,
    String upstreamCluster,
    String upstreamLocalAddress,
    String downstreamLocalAddress,
    String downstreamRemoteAddress,
    String requestedServerName,
    String routeName) {

  static final String NONE = "-";
  private static final ObjectMapper JSON = new ObjectMapper();

  // [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
  // %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
  // "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
  // %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
  // "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%
  // %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
  // %REQUESTED_SERVER_NAME% %ROUTE_NAME%
  private static final Pattern TEXT = Pattern.compile(
      "^\\[(?<start>[^\\]]+)] \"(?<method>\\S+) (?<path>\\S+) (?<protocol>\\S+)\" (?<code>\\d+) (?<flags>\\S+)"
          + " (?<details>\\S+) (?<termination>\\S+) \"(?<failure>[^\"]*)\" (?<received>\\d+) (?<sent>\\d+)"
          + " (?<duration>\\d+) (?<serviceTime>\\S+) \"(?<xff>[^\"]*)\" \"(?<userAgent>[^\"]*)\""
          + " \"(?<requestId>[^\"]*)\" \"(?<authority>[^\"]*)\" \"(?<upstreamHost>[^\"]*)\" (?<cluster>\\S+)"
          + " (?<upstreamLocal>\\S+) (?<downstreamLocal>\\S+) (?<downstreamRemote>\\S+) (?<sni>\\S+) (?<route>\\S+)$");

  public static HttpLogLine parseText(String line) {
    Matcher m = TEXT.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an Istio HTTP access-log line: " + line);
    }
    return new HttpLogLine(Instant.parse(m.group("start")), m.group("method"), m.group("path"), m.group("protocol"),
        Integer.parseInt(m.group("code")), m.group("flags"), m.group("details"), m.group("termination"),
        m.group("failure"), Long.parseLong(m.group("received")), Long.parseLong(m.group("sent")),
        Long.parseLong(m.group("duration")), m.group("serviceTime"), m.group("xff"), m.group("userAgent"),
        m.group("requestId"), m.group("authority"), m.group("upstreamHost"), m.group("cluster"),
        m.group("upstreamLocal"), m.group("downstreamLocal"), m.group("downstreamRemote"), m.group("sni"),
        m.group("route"));
  }

  /** A JSON line; numbers must be JSON numbers and every other value a string or null, as Envoy writes them. */
  public static HttpLogLine parseJson(String line) {
    JsonNode n = json(line);
    return new HttpLogLine(Instant.parse(string(n, "start_time")), string(n, "method"), string(n, "path"),
        string(n, "protocol"), (int) number(n, "response_code"), string(n, "response_flags"),
        string(n, "response_code_details"), string(n, "connection_termination_details"),
        string(n, "upstream_transport_failure_reason"), number(n, "bytes_received"), number(n, "bytes_sent"),
        number(n, "duration"), string(n, "upstream_service_time"), string(n, "x_forwarded_for"),
        string(n, "user_agent"), string(n, "request_id"), string(n, "authority"), string(n, "upstream_host"),
        string(n, "upstream_cluster"), string(n, "upstream_local_address"), string(n, "downstream_local_address"),
        string(n, "downstream_remote_address"), string(n, "requested_server_name"), string(n, "route_name"));
  }

  static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + line, e);
    }
  }

  private static String string(JsonNode n, String key) {
    JsonNode value = n.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no key " + key + " in " + n);
    }
    if (value.isNull()) {
      return NONE;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(key + " is not a string: " + n);
    }
    return value.textValue();
  }

  private static long number(JsonNode n, String key) {
    JsonNode value = n.get(key);
    if (value == null || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(key + " is not a whole number: " + n);
    }
    return value.longValue();
  }

  /** The port of an "ip:port" address. */
  public static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The ip of an "ip:port" address. */
  public static String ip(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }
}
