package dev.outrigger.agent.inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: run kube-inject's transformation and read the result as trees. */
final class Injected {
  private Injected() {}

  static String inject(String manifests) {
    return inject(manifests, InjectionDefaults.standard());
  }

  /** Injects, then checks every output document against the Kubernetes schema. */
  static String inject(String manifests, InjectionDefaults defaults) {
    List<String> notices = new ArrayList<>();
    String out = new KubeInject(defaults).inject(manifests, notices::add);
    KubernetesSchema.checkAll(out);
    return out;
  }

  /** What kube-inject reports while injecting: skipped pods and warnings. */
  static List<String> notices(String manifests, InjectionDefaults defaults) {
    List<String> notices = new ArrayList<>();
    new KubeInject(defaults).inject(manifests, notices::add);
    return notices;
  }

  /** The one document of an injected single-object manifest, as a tree. */
  static Map<String, Object> injectOne(String manifest) {
    return tree(inject(manifest));
  }

  static List<String> documents(String manifests) {
    return ManifestYaml.split(manifests);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> tree(String document) {
    return (Map<String, Object>) ManifestYaml.load(document);
  }

  static String resource(String name) {
    try (InputStream in = Injected.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pod template of a Pod or workload tree. */
  static PodTemplate pod(Map<String, Object> object) {
    List<Workloads.Found> found = Workloads.podTemplates(object);
    if (found.size() != 1) {
      throw new AssertionError("expected one pod template, found " + found.size());
    }
    return found.get(0).pod();
  }

  static Map<String, Object> container(List<Map<String, Object>> containers, String name) {
    return containers.stream().filter(c -> name.equals(c.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + containers));
  }

  static Map<String, Object> proxy(Map<String, Object> object) {
    PodTemplate pod = pod(object);
    List<Map<String, Object>> all = new ArrayList<>(pod.containers());
    all.addAll(pod.initContainers());
    return container(all, ProxyContainer.NAME);
  }

  static Map<String, Object> init(Map<String, Object> object) {
    return container(pod(object).initContainers(), InitContainer.NAME);
  }

  @SuppressWarnings("unchecked")
  static List<String> args(Map<String, Object> container) {
    return (List<String>) container.get("args");
  }

  static List<String> names(List<Map<String, Object>> containers) {
    return containers.stream().map(c -> String.valueOf(c.get("name"))).toList();
  }
}
