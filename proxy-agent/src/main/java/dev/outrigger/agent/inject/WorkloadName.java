package dev.outrigger.agent.inject;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload a Pod belongs to, told from the Pod alone as Istio's injector does
 * (pkg/kube/util.go GetDeployMetaFromPod): a generated pod is named by its controller, a
 * ReplicaSet of a Deployment by the Deployment (the pod-template-hash suffix dropped), a Job of a
 * CronJob by the CronJob (the 8-10 digit suffix dropped); any other pod by its own name.
 */
final class WorkloadName {
  private static final Pattern CRON_JOB_JOB = Pattern.compile("(.+)-\\d{8,10}$");

  private WorkloadName() {}

  /** The workload's name, or null when the pod has no name yet and no controller. */
  static String ofPod(Map<String, Object> pod) {
    Map<String, Object> metadata = Trees.child(pod, "metadata");
    String name = Trees.text(metadata, "name");
    if (Trees.text(metadata, "generateName") == null || Trees.text(metadata, "generateName").isEmpty()) {
      return name;
    }
    Map<String, Object> controller = Trees.objects(metadata, "ownerReferences").stream()
        .filter(ref -> "true".equals(Trees.text(ref, "controller"))).findFirst().orElse(null);
    if (controller == null) {
      return name;
    }
    String owner = Trees.text(controller, "name");
    String kind = Trees.text(controller, "kind");
    Map<String, String> labels = Trees.strings(Trees.child(metadata, "labels"));
    if ("ReplicaSet".equals(kind)) {
      for (String hashLabel : new String[] {"pod-template-hash", "rollouts-pod-template-hash"}) {
        String hash = labels.getOrDefault(hashLabel, "");
        if (!hash.isEmpty() && owner != null && owner.endsWith(hash)) {
          // Istio trims "-" + hash where it can; a name that ends in the hash without the dash keeps it.
          return owner.endsWith("-" + hash) ? owner.substring(0, owner.length() - hash.length() - 1) : owner;
        }
      }
    } else if ("ReplicationController".equals(kind) && !labels.getOrDefault("deploymentconfig", "").isEmpty()) {
      return labels.get("deploymentconfig");
    } else if ("Job".equals(kind) && owner != null) {
      Matcher m = CRON_JOB_JOB.matcher(owner);
      if (m.matches()) {
        return m.group(1);
      }
    }
    return owner == null || owner.isEmpty() ? name : owner;
  }
}
