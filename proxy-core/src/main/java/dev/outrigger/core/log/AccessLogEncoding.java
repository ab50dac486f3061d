package dev.outrigger.core.log;

import java.util.Locale;

/** Istio's {@code meshConfig.accessLogEncoding}: the default text line, or one JSON object a line. */
public enum AccessLogEncoding {
  TEXT,
  JSON;

  public static final String ACCEPTED = "TEXT or JSON";

  /** Parses Istio's names, case-insensitively. */
  public static AccessLogEncoding parse(String value) {
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "TEXT":
        return TEXT;
      case "JSON":
        return JSON;
      default:
        throw new IllegalArgumentException("'" + value + "' (expected: " + ACCEPTED + ")");
    }
  }

  public AccessLogFormat newFormat() {
    return this == JSON ? new JsonAccessLogFormat() : new TextAccessLogFormat();
  }
}
