package dev.outrigger.it.container;

import dev.outrigger.agent.inject.InjectionDefaults;
import dev.outrigger.agent.inject.KubeInject;
import dev.outrigger.core.config.InboundMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * A Pod manifest after kube-inject, read back: the containers the tests then run are exactly
 * the ones injection wrote (image, args, environment, user, capabilities, read-only root, mounts).
 */
final class InjectedPod {
  private final Map<String, Object> spec;

  private InjectedPod(Map<String, Object> spec) {
    this.spec = spec;
  }

  /** A one-container Pod named {@code name} with the inbound-mode annotation, injected with {@code image}. */
  static InjectedPod of(String name, InboundMode mode, String image) {
    String manifest = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          annotations:
            outrigger.dev/inboundMode: %s
        spec:
          containers:
          - name: app
            image: app
        """.formatted(name, mode.label());
    return injected(manifest, image);
  }

  /** A Pod manifest as kube-inject writes it with {@code image} (preserve mode by default). */
  static InjectedPod injected(String manifest, String image) {
    String injected = new KubeInject(new InjectionDefaults(image, false, false, InboundMode.PRESERVE))
        .inject(manifest, notice -> {});
    Map<String, Object> pod = new Yaml().load(injected);
    return new InjectedPod(map(pod.get("spec")));
  }

  /** One of the pod's own containers, as injection left it (its probes rewritten). */
  Map<String, Object> appContainer(String name) {
    return container("containers", name);
  }

  Map<String, Object> initContainer() {
    return container("initContainers", "istio-init");
  }

  Map<String, Object> proxyContainer() {
    return container("containers", "istio-proxy");
  }

  /** The volume a container mounts at {@code path}. */
  Map<String, Object> volumeMountedAt(Map<String, Object> container, String path) {
    for (Object mount : list(container.get("volumeMounts"))) {
      if (path.equals(map(mount).get("mountPath"))) {
        for (Object volume : list(spec.get("volumes"))) {
          if (map(mount).get("name").equals(map(volume).get("name"))) {
            return map(volume);
          }
        }
      }
    }
    throw new AssertionError("nothing is mounted at " + path + " in " + container);
  }

  private Map<String, Object> container(String list, String name) {
    for (Object c : list(spec.get(list))) {
      if (name.equals(map(c).get("name"))) {
        return map(c);
      }
    }
    throw new AssertionError("no " + name + " in " + list + " of the injected pod");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value == null ? List.of() : new ArrayList<>((List<Object>) value);
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Object value) {
    return value == null ? List.of() : List.copyOf((List<String>) value);
  }
}
