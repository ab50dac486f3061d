package dev.outrigger.core.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * Istio's JSON access log ({@code accessLogEncoding: JSON}, pilot's EnvoyJSONLogFormatIstio) as
 * Envoy's typed JSON formatter writes it: keys sorted, a missing value is {@code null}, the response
 * code, byte counts and duration are numbers, everything else (upstream_service_time too, being a
 * header) is a string. A TCP line has {@code "response_code":0}, {@code "response_flags":"-"} and
 * null HTTP fields, as Envoy's tcp_proxy logs it.
 */
public final class JsonAccessLogFormat implements AccessLogFormat {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public void appendTo(StringBuilder line, AccessLogEntry e) {
    StringWriter out = new StringWriter(640);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      // In Envoy's order: it sorts the keys of a JSON format.
      g.writeStringField("authority", e.authority());
      g.writeNumberField("bytes_received", e.bytesReceived());
      g.writeNumberField("bytes_sent", e.bytesSent());
      g.writeStringField("connection_termination_details", e.connectionTerminationDetails());
      address(g, "downstream_local_address", e.downstreamLocalAddress());
      address(g, "downstream_remote_address", e.downstreamRemoteAddress());
      g.writeNumberField("duration", e.durationMillis());
      g.writeStringField("method", e.method());
      g.writeStringField("path", e.path());
      g.writeStringField("protocol", e.protocol());
      g.writeStringField("request_id", e.requestId());
      g.writeStringField("requested_server_name", e.requestedServerName());
      g.writeNumberField("response_code", e.responseCode());
      g.writeStringField("response_code_details", e.responseCodeDetails());
      g.writeStringField("response_flags", e.responseFlags() == null ? ResponseFlag.NONE.code() : e.responseFlags());
      g.writeStringField("route_name", e.routeName());
      g.writeStringField("start_time", StartTimes.format(e.startTime()));
      g.writeStringField("upstream_cluster", e.upstreamCluster());
      address(g, "upstream_host", e.upstreamHost());
      address(g, "upstream_local_address", e.upstreamLocalAddress());
      Long serviceTime = e.upstreamServiceTimeMillis();
      g.writeStringField("upstream_service_time", serviceTime == null ? null : serviceTime.toString());
      g.writeStringField("upstream_transport_failure_reason", e.upstreamTransportFailureReason());
      g.writeStringField("user_agent", e.userAgent());
      g.writeStringField("x_forwarded_for", e.xForwardedFor());
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible); // a StringWriter does not fail
    }
    line.append(out.getBuffer());
  }

  private static void address(JsonGenerator g, String key, InetSocketAddress value) throws IOException {
    g.writeStringField(key, value == null ? null : AccessLog.address(value));
  }
}
