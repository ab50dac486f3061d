package dev.outrigger.agent.inject.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.agent.inject.InjectionException;
import dev.outrigger.agent.inject.ManifestInjector;
import dev.outrigger.agent.inject.PodInjector;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one admission.k8s.io/v1 AdmissionReview for a pod: allowed with a base64 JSONPatch that
 * injects it, allowed unchanged when it is not to be injected (opt-out, hostNetwork, a gateway
 * template), with warnings where Istio admits what a sidecar of ours serves less well, or denied
 * only where Istio's injection fails too: a bad annotation value.
 * Which namespaces and pods reach this is the MutatingWebhookConfiguration's selectors' business.
 */
public final class AdmissionReviewer {
  private static final Logger log = LoggerFactory.getLogger(AdmissionReviewer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};
  static final String API_VERSION = "admission.k8s.io/v1";

  private final ManifestInjector injector;
  private final InjectionMetrics metrics = new InjectionMetrics();

  public AdmissionReviewer(ManifestInjector injector) {
    this.injector = injector;
  }

  InjectionMetrics metrics() {
    return metrics;
  }

  /** The response review; IllegalArgumentException when the body is not an AdmissionReview. */
  public byte[] review(byte[] body) {
    metrics.request();
    try {
      return answer(body);
    } catch (IllegalArgumentException notAReview) {
      metrics.failure();
      throw notAReview;
    }
  }

  private byte[] answer(byte[] body) {
    Map<String, Object> review = parse(body);
    Map<String, Object> request = map(review.get("request"), "request");
    Object uid = request.get("uid");
    if (uid == null) {
      throw new IllegalArgumentException("request.uid is missing");
    }
    Map<String, Object> response = respond(request);
    response.put("uid", uid);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", API_VERSION);
    out.put("kind", "AdmissionReview");
    out.put("response", response);
    return write(out);
  }

  private Map<String, Object> respond(Map<String, Object> request) {
    Map<String, Object> response = new LinkedHashMap<>();
    Object kind = request.get("kind") instanceof Map<?, ?> k ? k.get("kind") : null;
    if (!"Pod".equals(kind) || !(request.get("object") instanceof Map)) {
      metrics.skip();
      response.put("allowed", true);
      return response;
    }
    Map<String, Object> before = parse(write(request.get("object")));
    Map<String, Object> pod = parse(write(request.get("object")));
    String where = where(request, pod);
    try {
      PodInjector.Outcome outcome = injector.injectPod(pod, where);
      response.put("allowed", true);
      List<Map<String, Object>> patch = JsonPatch.between(before, pod);
      if (!patch.isEmpty()) {
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(write(patch)));
      }
      if (!outcome.warnings().isEmpty()) {
        // admission.k8s.io/v1 warnings: kubectl prints them to whoever created the pod.
        response.put("warnings", outcome.warnings().stream().map(w -> "outrigger: " + w).toList());
        outcome.warnings().forEach(w -> log.warn("{}: {}", where, w));
      }
      log.info("{}: {}", where, outcome.injected() ? "injected" : "not injected, " + outcome.reason());
      if (outcome.injected()) {
        metrics.success();
      } else {
        metrics.skip();
      }
    } catch (InjectionException e) {
      log.warn("refused {}", e.getMessage());
      metrics.failure();
      response.put("allowed", false);
      response.put("status", Map.of("code", 403, "reason", "Forbidden", "message", "outrigger: " + e.getMessage()));
    }
    return response;
  }

  /** "Pod shop/httpbin-7c9d*": pods of a workload have only a generateName when admitted. */
  private static String where(Map<String, Object> request, Map<String, Object> pod) {
    Map<String, Object> meta = pod.get("metadata") instanceof Map<?, ?> ? map(pod.get("metadata"), "metadata") : Map.of();
    Object name = meta.get("name") != null ? meta.get("name") : meta.get("generateName") + "*";
    Object namespace = request.get("namespace") != null ? request.get("namespace") : meta.get("namespace");
    return "Pod " + (namespace == null ? "" : namespace + "/") + name;
  }

  private static Map<String, Object> parse(byte[] body) {
    try {
      return JSON.readValue(body, TREE);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String name) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(name + " is missing or not an object");
    }
    return (Map<String, Object>) value;
  }

  private static byte[] write(Object value) {
    try {
      return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode JSON", e);
    }
  }
}
