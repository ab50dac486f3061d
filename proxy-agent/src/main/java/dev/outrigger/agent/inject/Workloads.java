package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the pod template sits in each kind that has one: a Pod is its own template; Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController and Job keep it at spec.template;
 * CronJob at spec.jobTemplate.spec.template; a List holds such objects. Other kinds have none.
 */
final class Workloads {
  private Workloads() {}

  /** A pod template found in a manifest object, with the object's name for messages. */
  record Found(PodTemplate pod, String where) {}

  static List<Found> podTemplates(Map<String, Object> object) {
    List<Found> found = new ArrayList<>();
    collect(object, found);
    return found;
  }

  private static void collect(Map<String, Object> object, List<Found> found) {
    String kind = String.valueOf(object.get("kind"));
    String group = group(Trees.text(object, "apiVersion"));
    Map<String, Object> template = switch (group + "/" + kind) {
      case "/Pod" -> object;
      case "/ReplicationController", "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet",
          "batch/Job" -> Trees.child(Trees.child(object, "spec"), "template");
      case "batch/CronJob" -> Trees.child(Trees.child(Trees.child(Trees.child(object, "spec"), "jobTemplate"), "spec"),
          "template");
      case "/List" -> {
        for (Map<String, Object> item : Trees.objects(object, "items")) {
          collect(item, found);
        }
        yield null;
      }
      default -> null;
    };
    if (template != null) {
      // Istio's kube-inject: a workload is named by its object, a Pod as the webhook names it.
      String workload = template == object ? WorkloadName.ofPod(object)
          : Trees.text(Trees.child(object, "metadata"), "name");
      found.add(new Found(new PodTemplate(template, workload), describe(kind, object)));
    }
  }

  /** "apps/v1" -> "apps", "v1" -> "" (the core group). */
  private static String group(String apiVersion) {
    if (apiVersion == null) {
      return "?";
    }
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** "Deployment default/httpbin", or "Deployment httpbin" without a namespace. */
  static String describe(String kind, Map<String, Object> object) {
    Map<String, Object> metadata = Trees.child(object, "metadata");
    String name = Trees.text(metadata, "name");
    if (name == null) {
      name = Trees.text(metadata, "generateName") == null ? "(unnamed)" : Trees.text(metadata, "generateName") + "*";
    }
    String namespace = Trees.text(metadata, "namespace");
    return kind + " " + (namespace == null ? "" : namespace + "/") + name;
  }
}
