package dev.outrigger.agent.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1ReplicationController;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The API server's schema check, done by the official Kubernetes Java models: their reader
 * rejects fields the schema does not define, values of the wrong type and missing required
 * fields. Kinds without a model here fail, so no manifest goes unchecked by accident.
 */
final class KubernetesSchema {
  private static final ObjectMapper JSON = new ObjectMapper();

  @FunctionalInterface
  private interface Reader {
    Object read(String json) throws IOException;
  }

  private static final Map<String, Reader> READERS = Map.ofEntries(
      Map.entry("v1/Pod", V1Pod::fromJson),
      Map.entry("v1/Service", V1Service::fromJson),
      Map.entry("v1/Namespace", V1Namespace::fromJson),
      Map.entry("v1/ServiceAccount", V1ServiceAccount::fromJson),
      Map.entry("v1/ConfigMap", V1ConfigMap::fromJson),
      Map.entry("v1/Secret", V1Secret::fromJson),
      Map.entry("v1/ReplicationController", V1ReplicationController::fromJson),
      Map.entry("apps/v1/Deployment", V1Deployment::fromJson),
      Map.entry("apps/v1/StatefulSet", V1StatefulSet::fromJson),
      Map.entry("apps/v1/DaemonSet", V1DaemonSet::fromJson),
      Map.entry("apps/v1/ReplicaSet", V1ReplicaSet::fromJson),
      Map.entry("batch/v1/Job", V1Job::fromJson),
      Map.entry("batch/v1/CronJob", V1CronJob::fromJson),
      Map.entry("admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", V1MutatingWebhookConfiguration::fromJson),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", V1ClusterRole::fromJson),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", V1ClusterRoleBinding::fromJson),
      Map.entry("rbac.authorization.k8s.io/v1/Role", V1Role::fromJson),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding::fromJson));

  private KubernetesSchema() {}

  /** Checks one object (a List: each item); throws AssertionError naming the object and the problem. */
  @SuppressWarnings("unchecked")
  static void check(Object tree) {
    if (!(tree instanceof Map<?, ?> object)) {
      throw new AssertionError("not a Kubernetes object: " + tree);
    }
    String type = object.get("apiVersion") + "/" + object.get("kind");
    if ("v1/List".equals(type)) {
      for (Object item : (List<Object>) object.get("items")) {
        check(item);
      }
      return;
    }
    Reader reader = READERS.get(type);
    if (reader == null) {
      throw new AssertionError("no schema known for " + type);
    }
    try {
      reader.read(JSON.writeValueAsString(tree));
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(type + " " + name(object) + " does not match the Kubernetes schema: " + e.getMessage(), e);
    }
  }

  /** Checks every document of a manifest stream. */
  static void checkAll(String manifests) {
    for (String document : ManifestYaml.split(manifests)) {
      Object tree = ManifestYaml.load(document);
      if (tree != null) {
        check(tree);
      }
    }
  }

  private static String name(Map<?, ?> object) {
    return object.get("metadata") instanceof Map<?, ?> meta ? String.valueOf(meta.get("name")) : "(no metadata)";
  }

  static String json(Object tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
