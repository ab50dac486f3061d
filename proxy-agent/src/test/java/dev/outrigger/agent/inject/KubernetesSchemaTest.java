package dev.outrigger.agent.inject;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The schema check itself can fail: otherwise every test relying on it would prove nothing. */
class KubernetesSchemaTest {
  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: app}
      spec:
        containers:
        - name: app
          image: nginx
          ports: [{containerPort: 80}]
      """;

  @Test
  void acceptsAValidPod() {
    KubernetesSchema.check(ManifestYaml.load(POD));
  }

  @Test
  void rejectsAnUnknownField() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> KubernetesSchema.check(ManifestYaml.load(POD.replace("image: nginx", "imag: nginx"))));
    assertTrue(e.getMessage().contains("imag"), e.getMessage());
  }

  @Test
  void rejectsAWrongType() {
    assertThrows(AssertionError.class,
        () -> KubernetesSchema.check(ManifestYaml.load(POD.replace("containerPort: 80", "containerPort: eighty"))));
  }

  @Test
  void rejectsAMissingRequiredField() {
    assertThrows(AssertionError.class,
        () -> KubernetesSchema.check(ManifestYaml.load(POD.replace("- name: app\n    image: nginx", "- image: nginx"))));
  }

  @Test
  void rejectsAKindItDoesNotKnow() {
    assertThrows(AssertionError.class,
        () -> KubernetesSchema.check(ManifestYaml.load(POD.replace("kind: Pod", "kind: Pdo"))));
  }
}
