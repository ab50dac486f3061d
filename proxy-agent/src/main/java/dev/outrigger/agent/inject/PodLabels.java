package dev.outrigger.agent.inject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels Istio's injection template (injection-template.yaml, {@code metadata.labels}) puts on
 * an injected pod, derived as the template derives them. A label the pod already has (non-empty)
 * wins, so injecting again computes the same values and a label the user set is never replaced.
 */
final class PodLabels {
  /** istiod copies it into the pod's endpoint metadata; its auto mTLS sends mTLS only to such endpoints. */
  static final String TLS_MODE = "security.istio.io/tlsMode";
  /** The canonical service: telemetry's {@code *_canonical_service}, and Kiali's app. */
  static final String CANONICAL_NAME = "service.istio.io/canonical-name";
  static final String CANONICAL_REVISION = "service.istio.io/canonical-revision";
  /** Kubernetes' limit on a label value; the template truncates the canonical name to it. */
  private static final int LABEL_VALUE_MAX = 63;

  private PodLabels() {}

  /**
   * @param mutualTls the sidecar terminates Istio mTLS (it is wired to istiod, --xds on); a
   *     passthrough sidecar has no certificate, so the tlsMode label, which would make istiod's
   *     auto mTLS send it mTLS, is left out
   */
  static Map<String, String> of(PodTemplate pod, boolean mutualTls) {
    Map<String, String> labels = pod.labels();
    Map<String, String> out = new LinkedHashMap<>();
    if (mutualTls) {
      out.put(TLS_MODE, firstSet(labels.get(TLS_MODE), "istio"));
    }
    out.put(CANONICAL_NAME, canonicalName(firstSet(labels.get(CANONICAL_NAME), labels.get("app.kubernetes.io/name"),
        labels.get("app"), pod.workloadName())));
    out.put(CANONICAL_REVISION, firstSet(labels.get(CANONICAL_REVISION), labels.get("app.kubernetes.io/version"),
        labels.get("version"), "latest"));
    return out;
  }

  /**
   * The template's {@code trunc 63 | trimAll "-_."}, applied to whichever source won (a name cut at
   * 63 characters may end in a dash, which a label value may not).
   */
  static String canonicalName(String name) {
    String cut = name.length() > LABEL_VALUE_MAX ? name.substring(0, LABEL_VALUE_MAX) : name;
    int start = 0;
    int end = cut.length();
    while (start < end && "-_.".indexOf(cut.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && "-_.".indexOf(cut.charAt(end - 1)) >= 0) {
      end--;
    }
    return cut.substring(start, end);
  }

  /** The template's chain of {@code default}s: the first value that is neither absent nor empty, else "". */
  private static String firstSet(String... values) {
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return "";
  }
}
