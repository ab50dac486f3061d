package dev.outrigger.core.telemetry;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes registries in the Prometheus text format (0.0.4) or as OpenMetrics. */
public final class PrometheusText {
  public static final String TEXT_CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
  public static final String OPENMETRICS_CONTENT_TYPE = OpenMetricsTextFormatWriter.CONTENT_TYPE;
  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

  private PrometheusText() {}

  /**
   * The metrics of {@code registries}, in one exposition.
   *
   * @param openMetrics OpenMetrics instead of the text format
   * @param more whether another exposition follows: OpenMetrics then leaves out its closing
   *     {@code # EOF}, which only the last part may have
   */
  public static byte[] write(boolean openMetrics, boolean more, PrometheusRegistry... registries) {
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    for (PrometheusRegistry r : registries) {
      for (MetricSnapshot s : r.scrape()) {
        all.metricSnapshot(s);
      }
    }
    ExpositionFormatWriter writer = openMetrics ? OpenMetricsTextFormatWriter.create() : PrometheusTextFormatWriter.create();
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, all.build());
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible); // in memory
    }
    byte[] bytes = out.toByteArray();
    if (openMetrics && more && endsWith(bytes, EOF)) {
      return Arrays.copyOf(bytes, bytes.length - EOF.length);
    }
    return bytes;
  }

  /** The registries in the text format, as a string (tests, /stats). */
  public static String text(PrometheusRegistry... registries) {
    return new String(write(false, false, registries), StandardCharsets.UTF_8);
  }

  private static boolean endsWith(byte[] bytes, byte[] suffix) {
    if (bytes.length < suffix.length) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (bytes[bytes.length - suffix.length + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }
}
