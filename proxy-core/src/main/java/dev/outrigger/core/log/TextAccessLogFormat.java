package dev.outrigger.core.log;


/**
 * Istio's default text format:
 * <pre>
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 * "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 * %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 * "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%
 * %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
 * %REQUESTED_SERVER_NAME% %ROUTE_NAME%
 * </pre>
 */
public final class TextAccessLogFormat implements AccessLogFormat {
  @Override
  public void appendTo(StringBuilder b, AccessLogEntry e) {
    StartTimes.appendTo(b.append('['), e.startTime()).append("] \"");
    b.append(or(e.method())).append(' ').append(or(e.path())).append(' ').append(or(e.protocol())).append("\" ");
    b.append(e.responseCode()).append(' ').append(or(e.responseFlags())).append(' ');
    b.append(or(e.responseCodeDetails())).append(' ').append(or(e.connectionTerminationDetails()));
    b.append(" \"").append(or(e.upstreamTransportFailureReason())).append("\" ");
    b.append(e.bytesReceived()).append(' ').append(e.bytesSent()).append(' ').append(e.durationMillis()).append(' ');
    b.append(e.upstreamServiceTimeMillis() == null ? "-" : e.upstreamServiceTimeMillis().toString());
    quoted(b, e.xForwardedFor());
    quoted(b, e.userAgent());
    quoted(b, e.requestId());
    quoted(b, e.authority());
    AccessLog.appendAddress(b.append(" \""), e.upstreamHost()).append("\" ");
    b.append(or(e.upstreamCluster())).append(' ');
    AccessLog.appendAddress(b, e.upstreamLocalAddress()).append(' ');
    AccessLog.appendAddress(b, e.downstreamLocalAddress()).append(' ');
    AccessLog.appendAddress(b, e.downstreamRemoteAddress()).append(' ');
    b.append(or(e.requestedServerName())).append(' ').append(or(e.routeName()));
  }

  private static void quoted(StringBuilder b, String value) {
    b.append(" \"").append(or(value)).append('"');
  }

  private static String or(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }
}
