package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * istioctl kube-inject's transformation on manifest text: each document with a pod template is
 * injected, every other document is copied unchanged, documents are joined by "---".
 */
public final class KubeInject {
  private final ManifestInjector injector;

  public KubeInject(InjectionDefaults defaults) {
    this.injector = new ManifestInjector(defaults);
  }

  /**
   * The injected manifests; {@code notices} hears of every pod template left unchanged
   * (opt-out, hostNetwork, a template Outrigger does not provide) and of every warning.
   * Throws {@link InjectionException} on a bad annotation value or a document that is not YAML.
   */
  public String inject(String manifests, Consumer<String> notices) {
    List<String> out = new ArrayList<>();
    int index = 0;
    for (String document : ManifestYaml.split(manifests)) {
      index++;
      out.add(injectDocument(document, index, notices));
    }
    return String.join("---\n", out);
  }

  @SuppressWarnings("unchecked")
  private String injectDocument(String document, int index, Consumer<String> notices) {
    Object tree;
    try {
      tree = ManifestYaml.load(document);
    } catch (YAMLException e) {
      throw new InjectionException("document " + index + " is not valid YAML: " + e.getMessage());
    }
    if (!(tree instanceof Map)) {
      return document;
    }
    boolean changed = false;
    for (ManifestInjector.Result result : injector.inject((Map<String, Object>) tree)) {
      if (result.outcome().injected()) {
        changed = true;
        result.outcome().warnings().forEach(w -> notices.accept("warning: " + result.where() + ": " + w));
      } else {
        notices.accept("skipped " + result.where() + ": " + result.outcome().reason());
      }
    }
    return changed ? ManifestYaml.dump(tree) : document;
  }
}
