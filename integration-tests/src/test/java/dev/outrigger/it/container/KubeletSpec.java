package dev.outrigger.it.container;

import static dev.outrigger.it.container.InjectedPod.list;
import static dev.outrigger.it.container.InjectedPod.map;
import static dev.outrigger.it.container.InjectedPod.strings;

import com.github.dockerjava.api.model.Capability;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A container of a pod spec as a kubelet would run it with docker: image and args, environment
 * (downward-API fields resolved), uid:gid, capabilities, read-only root, no privilege escalation,
 * and in-memory emptyDir volumes as tmpfs mounts.
 */
final class KubeletSpec {
  private KubeletSpec() {}

  static GenericContainer<?> container(InjectedPod pod, Map<String, Object> spec, Map<String, String> fields) {
    Map<String, Object> security = map(spec.get("securityContext"));
    Map<String, Object> caps = map(security.get("capabilities"));
    Map<String, String> tmpfs = new HashMap<>();
    for (Object mount : list(spec.get("volumeMounts"))) {
      String path = (String) map(mount).get("mountPath");
      if ("Memory".equals(map(pod.volumeMountedAt(spec, path).get("emptyDir")).get("medium"))) {
        tmpfs.put(path, "rw,noexec,nosuid,size=16m"); // docker's tmpfs defaults: stricter than an emptyDir
      }
    }
    return new GenericContainer<>(DockerImageName.parse((String) spec.get("image")))
        .withCommand(strings(spec.get("args")).toArray(String[]::new))
        .withEnv(environment(spec, fields))
        .withTmpFs(tmpfs)
        .withCreateContainerCmdModifier(cmd -> {
          cmd.withUser(security.get("runAsUser") + ":" + security.get("runAsGroup"));
          cmd.getHostConfig()
              .withCapDrop(capabilities(caps.get("drop")))
              .withCapAdd(capabilities(caps.get("add")))
              .withReadonlyRootfs(Boolean.TRUE.equals(security.get("readOnlyRootFilesystem")))
              .withSecurityOpts(Boolean.FALSE.equals(security.get("allowPrivilegeEscalation"))
                  ? List.of("no-new-privileges") : List.of());
        });
  }

  private static Map<String, String> environment(Map<String, Object> spec, Map<String, String> fields) {
    Map<String, String> env = new HashMap<>();
    for (Object item : list(spec.get("env"))) {
      Map<String, Object> var = map(item);
      Object path = map(map(map(var.get("valueFrom")).get("fieldRef"))).get("fieldPath");
      if (path != null && !fields.containsKey(path)) {
        throw new AssertionError("no value for the downward-API field " + path);
      }
      env.put((String) var.get("name"), path == null ? String.valueOf(var.get("value")) : fields.get(path));
    }
    return env;
  }

  private static Capability[] capabilities(Object names) {
    return strings(names).stream().map(Capability::valueOf).toArray(Capability[]::new);
  }
}
