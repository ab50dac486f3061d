package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.AppProbesInjectionTest.env;
import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Istio's metrics merge (applyPrometheusMerge), on Istio's inputs where it has them. */
class PrometheusMergeTest {
  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
        annotations:
      %s
      spec:
        containers:
        - name: app
          image: nginx
      """;

  private static Map<String, Object> injected(String... annotations) {
    String lines = annotations.length == 0 ? "    {}" : String.join("\n", annotations);
    String manifest = annotations.length == 0
        ? POD.replace("  annotations:\n%s\n", "") : POD.formatted(lines);
    return injectOne(manifest);
  }

  private static Map<String, String> annotations(Map<String, Object> object) {
    return pod(object).annotations();
  }

  @Test
  void aPodWithoutPrometheusAnnotationsIsScrapedAtTheMergedEndpoint() {
    // Every injected golden of Istio without prometheus.io annotations, e.g. hello-probes.yaml.injected.
    Map<String, Object> out = injectOne(IstioTestdata.HELLO);
    assertEquals("15020", annotations(out).get("prometheus.io/port"));
    assertEquals("/stats/prometheus", annotations(out).get("prometheus.io/path"));
    assertEquals("true", annotations(out).get("prometheus.io/scrape"));
    assertNull(env(out, PrometheusMerge.ENV), "nothing of the app's to merge");
  }

  @Test
  void theAppsOwnValuesMoveToTheProxyInIstiosJson() {
    Map<String, Object> out = injected("    prometheus.io/scrape: \"true\"", "    prometheus.io/port: \"8080\"",
        "    prometheus.io/path: /app/metrics");
    assertEquals("15020", annotations(out).get("prometheus.io/port"));
    assertEquals("/stats/prometheus", annotations(out).get("prometheus.io/path"));
    // Istio's PrometheusScrapeConfiguration: scrape, path, port, all always written.
    assertEquals("{\"scrape\":\"true\",\"path\":\"/app/metrics\",\"port\":\"8080\"}", env(out, PrometheusMerge.ENV));
  }

  @Test
  void variantSpellingsAreMovedAndClearedToo() {
    Map<String, Object> out = injected("    prometheus-io/port: \"9102\"");
    assertEquals("{\"scrape\":\"\",\"path\":\"\",\"port\":\"9102\"}", env(out, PrometheusMerge.ENV));
    assertFalse(annotations(out).containsKey("prometheus-io/port"), "Prometheus would pick one of two at random");
  }

  @Test
  void scrapeFalseIsLeftAlone() {
    for (String manifest : new String[] {IstioTestdata.PROMETHEUS_SCRAPE, IstioTestdata.PROMETHEUS_SCRAPE2}) {
      Map<String, Object> out = injectOne(manifest);
      assertFalse(annotations(out).containsKey("prometheus.io/port"), manifest);
      assertFalse(annotations(out).containsKey("prometheus.io/path"), manifest);
      assertNull(env(out, PrometheusMerge.ENV));
    }
  }

  @Test
  void mergeMetricsFalseOptsOut() {
    Map<String, Object> out = injected("    prometheus.istio.io/merge-metrics: \"false\"", "    prometheus.io/port: \"8080\"");
    assertEquals("8080", annotations(out).get("prometheus.io/port"));
    assertNull(env(out, PrometheusMerge.ENV));
  }

  @Test
  void aBadMergeMetricsValueIsRefusedAsIstioValidatesIt() {
    assertThrows(InjectionException.class, () -> injected("    prometheus.istio.io/merge-metrics: \"maybe\""));
  }

  @Test
  void aPortAlreadyAtTheAgentIsTheUsersToControl() {
    // Istio's "legacy port equal to agent port triggers no-op via early-return guard".
    Map<String, Object> out = injected("    prometheus.io/scrape: \"true\"", "    prometheus.io/port: \"15020\"");
    assertEquals("15020", annotations(out).get("prometheus.io/port"));
    assertFalse(annotations(out).containsKey("prometheus.io/path"));
    assertNull(env(out, PrometheusMerge.ENV));
  }

  @ParameterizedTest
  @ValueSource(strings = {"15000", "15090", "abc", "0", "70000"})
  void aPortThatCannotBeTheAppsIsRefusedAsIstioDoes(String port) {
    // Istio's "legacy reserved port rejected at injection time" (and invalid ports).
    InjectionException e = assertThrows(InjectionException.class,
        () -> injected("    prometheus.io/scrape: \"true\"", "    prometheus.io/port: \"" + port + "\""));
    assertTrue(e.getMessage().contains(port), e.getMessage());
  }

  @Test
  void reinjectingChangesNothingAndOptingOutLaterGivesTheAppItsValuesBack() {
    String manifest = POD.formatted("    prometheus.io/port: \"8080\"\n    prometheus.io/path: /m");
    String once = inject(manifest);
    assertEquals(once, inject(once));

    Map<String, Object> optedOut = tree(inject(once.replace("annotations:\n",
        "annotations:\n    prometheus.istio.io/merge-metrics: \"false\"\n")));
    assertEquals("8080", annotations(optedOut).get("prometheus.io/port"));
    assertEquals("/m", annotations(optedOut).get("prometheus.io/path"));
    assertFalse(annotations(optedOut).containsKey("prometheus.io/scrape"));
    assertNull(env(optedOut, PrometheusMerge.ENV));
  }

  @Test
  void aPodWithoutItsOwnValuesLosesTheMergedOnesWhenItOptsOutLater() {
    String once = inject(IstioTestdata.HELLO);
    Map<String, Object> optedOut = tree(inject(once.replaceFirst("(?m)^( *)annotations:\n( *)",
        "$1annotations:\n$2prometheus.istio.io/merge-metrics: \"false\"\n$2")));
    assertFalse(annotations(optedOut).keySet().stream().anyMatch(k -> k.startsWith("prometheus.io/")),
        annotations(optedOut).toString());
  }
}
