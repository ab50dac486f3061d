package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the packaged jar must still hold after minimizeJar (proxy-agent/pom.xml): the classes found
 * by name, which bytecode reachability cannot see, and the natives of the platforms the image
 * runs; and that the minimization still happens (every entry costs each sidecar heap).
 */
class ShadedJarIT {
  private static ZipFile jar;
  private static Set<String> names;

  @BeforeAll
  static void open() throws IOException {
    jar = new ZipFile(Path.of(System.getProperty("outrigger.root", ".."), "proxy-agent/target/outrigger.jar").toFile());
    names = new TreeSet<>();
    Collections.list(jar.entries()).forEach(e -> names.add(e.getName()));
  }

  @AfterAll
  static void close() throws IOException {
    jar.close();
  }

  @Test
  void everyServiceProviderIsInTheJar() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!name.startsWith("META-INF/services/") || name.endsWith("/")) {
        continue;
      }
      ZipEntry entry = jar.getEntry(name);
      try (BufferedReader r = new BufferedReader(new InputStreamReader(jar.getInputStream(entry), StandardCharsets.UTF_8))) {
        r.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty())
            .filter(c -> !names.contains(c.replace('.', '/') + ".class"))
            .forEach(c -> missing.add(name + ": " + c));
      }
    }
    assertEquals(List.of(), missing, "providers named in META-INF/services but not in the jar");
  }

  /**
   * Netty loads BouncyCastle's provider by name to read PEM keys (the injector's certificate
   * files), and the provider loads its algorithms by name; the config dump finds the class of any
   * typed config istiod sends by its type URL (ApiTypes), not only the ones our code names.
   */
  @Test
  void classesLoadedByNameAreThere() {
    List<String> byName = List.of(
        "org/bouncycastle/jce/provider/BouncyCastleProvider.class",
        "org/bouncycastle/jcajce/provider/asymmetric/RSA$Mappings.class",
        "org/bouncycastle/jcajce/provider/asymmetric/EC$Mappings.class",
        "org/bouncycastle/jcajce/provider/digest/SHA256$Mappings.class",
        // typed configs Istio's sidecars get, which no code of ours names
        "io/envoyproxy/envoy/extensions/filters/http/wasm/v3/Wasm.class",
        "io/envoyproxy/envoy/extensions/filters/http/rbac/v3/RBAC.class",
        "io/envoyproxy/envoy/extensions/filters/http/grpc_stats/v3/FilterConfig.class",
        "io/envoyproxy/envoy/extensions/filters/listener/tls_inspector/v3/TlsInspector.class",
        "io/envoyproxy/envoy/extensions/upstreams/http/v3/HttpProtocolOptions.class",
        "com/github/udpa/udpa/type/v1/TypedStruct.class",
        "io/envoyproxy/pgv/validate/Validate$FieldRules.class");
    assertEquals(List.of(), byName.stream().filter(n -> !names.contains(n)).toList());
  }

  @Test
  void nativesForLinuxX8664AndAarch64Only() {
    for (String n : List.of("META-INF/native/libnetty_transport_native_epoll_x86_64.so",
        "META-INF/native/libnetty_tcnative_linux_x86_64.so", "META-INF/native/libnetty_tcnative_linux_aarch_64.so",
        "jni/x86_64-Linux/libjffi-1.2.so", "jni/aarch64-Linux/libjffi-1.2.so")) {
      assertTrue(names.contains(n), n);
    }
    List<String> others = names.stream()
        .filter(n -> n.matches("(META-INF/native|jni)/.*\\.(so|dll|jnilib|dylib|a)"))
        .filter(n -> !n.contains("x86_64") && !n.contains("aarch_64") && !n.contains("aarch64")
            || n.contains("osx") || n.contains("windows") || n.contains("Windows") || n.contains("BSD")
            || n.contains("Darwin") || n.contains("SunOS"))
        .toList();
    assertEquals(List.of(), others, "natives of platforms the image never runs");
  }

  /** 34,185 entries unminimized; about 26,000 minimized (the v3 Envoy API stays whole). */
  @Test
  void theJarIsMinimized() {
    assertTrue(names.size() < 28_000, names.size() + " entries");
    assertTrue(names.stream().noneMatch(n -> n.startsWith("io/envoyproxy/envoy/api/v2/")), "the v2 Envoy API");
    assertTrue(names.stream().noneMatch(n -> n.endsWith(".proto") && n.startsWith("envoy/")), ".proto sources");
  }
}
