package dev.outrigger.it.http;

import java.util.List;

/** The two ways curl speaks to the apps: HTTP/1.1, and HTTP/2 with prior knowledge (h2c). */
enum Protocol {
  HTTP_1_1("HTTP/1.1", "1.1", List.of("--http1.1")),
  HTTP_2("HTTP/2", "2", List.of("--http2-prior-knowledge"));

  private final String logName;
  private final String curlVersion;
  private final List<String> curlOptions;

  Protocol(String logName, String curlVersion, List<String> curlOptions) {
    this.logName = logName;
    this.curlVersion = curlVersion;
    this.curlOptions = curlOptions;
  }

  /** As the access log's PROTOCOL field writes it. */
  String logName() {
    return logName;
  }

  /** As curl's %{http_version} prints it. */
  String curlVersion() {
    return curlVersion;
  }

  List<String> curlOptions() {
    return curlOptions;
  }

  boolean h2c() {
    return this == HTTP_2;
  }
}
