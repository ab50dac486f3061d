package dev.outrigger.agent.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `outrigger kube-inject` as a user runs it: files, standard input, exit codes, messages. */
class KubeInjectCommandTest {
  private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n"
      + "  containers:\n  - {name: web, image: nginx}\n";

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream previous = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      int exit = new CommandLine(new KubeInjectCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
          .execute(args);
      return new Run(exit, out.toString(), err.toString());
    } finally {
      System.setIn(previous);
    }
  }

  @Test
  void injectsAFileAndPrintsTheResult() throws Exception {
    Path file = Files.writeString(dir.resolve("app.yaml"), POD);
    Run run = run("", "-f", file.toString(), "--image", "registry.example/outrigger:1");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("image: registry.example/outrigger:1"), run.out());
    KubernetesSchema.checkAll(run.out());
  }

  @Test
  void readsStandardInputWithDash() {
    Run run = run(POD, "-f", "-");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("name: " + ProxyContainer.NAME), run.out());
  }

  @Test
  void theRevisionFlagNamesTheRevisionOnThePod() {
    Run run = run(POD, "-f", "-", "--revision", "1-22");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("istio.io/rev: 1-22"), run.out());
    assertTrue(run.out().contains("\"revision\":\"1-22\""), run.out());
    Run bad = run(POD, "-f", "-", "--revision", "1.22");
    assertEquals(KubeInjectCommand.EXIT_REFUSED, bad.exit());
    assertTrue(bad.err().startsWith("outrigger kube-inject: --revision: '1.22'"), bad.err());
  }

  @Test
  void writesToTheOutputFile() throws Exception {
    Path out = dir.resolve("injected.yaml");
    Run run = run(POD, "-f", "-", "-o", out.toString(), "--native-sidecar");
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.out());
    assertTrue(Files.readString(out).contains("restartPolicy: Always"));
  }

  @Test
  void aRefusedPodPrintsNothingAndExitsOne() {
    Run run = run(POD + "---\n" + POD.replace("{name: web}", "{name: web, annotations: {"
        + "traffic.sidecar.istio.io/includeInboundPorts: http}}"), "-f", "-");
    assertEquals(KubeInjectCommand.EXIT_REFUSED, run.exit());
    assertEquals("", run.out(), "no partial manifest for kubectl apply");
    assertTrue(run.err().startsWith("outrigger kube-inject: Pod web: annotation traffic.sidecar.istio.io/includeInboundPorts"),
        run.err());
  }

  @Test
  void aHostNetworkPodIsPrintedUnchangedWithANotice() {
    String hostNetwork = POD.replace("spec:\n", "spec:\n  hostNetwork: true\n");
    Run run = run(hostNetwork, "-f", "-");
    assertEquals(0, run.exit());
    assertEquals(hostNetwork.strip() + "\n", run.out());
    assertTrue(run.err().startsWith("outrigger kube-inject: skipped Pod web: the pod uses the host's network"), run.err());
  }

  @Test
  void anOptedOutPodIsReportedOnStandardError() {
    Run run = run(POD.replace("{name: web}", "{name: web, annotations: {sidecar.istio.io/inject: 'false'}}"), "-f", "-");
    assertEquals(0, run.exit());
    assertEquals("outrigger kube-inject: skipped Pod web: sidecar.istio.io/inject is \"false\"\n", run.err());
  }

  @Test
  void badInputAndFlagsAreReportedClearly() {
    assertTrue(run("", "-f", dir.resolve("missing.yaml").toString()).err().contains("cannot read"));
    assertTrue(run("kind: [", "-f", "-").err().contains("document 1 is not valid YAML"));
    Run badMode = run(POD, "-f", "-", "--inbound-mode", "sideways");
    assertEquals(KubeInjectCommand.EXIT_REFUSED, badMode.exit());
    assertTrue(badMode.err().contains("--inbound-mode"), badMode.err());
  }

  @Test
  void xdsIsOffByDefaultAndOnWithItsFlagOrADiscoveryAddress() {
    assertTrue(!run(POD, "-f", "-").out().contains("istio-token"), "off by default: passthrough sidecars");
    assertTrue(!run(POD, "-f", "-", "--xds", "off").out().contains("PROXY_CONFIG"));
    Run on = run(POD, "-f", "-", "--xds", "on");
    assertEquals(0, on.exit(), on.err());
    assertTrue(on.out().contains("'{\"discoveryAddress\":\"istiod.istio-system.svc:15012\"}'"), on.out());
    assertTrue(on.out().contains("name: istio-token"), on.out());
    KubernetesSchema.checkAll(on.out());
    Run address = run(POD, "-f", "-", "--discovery-address", "istiod-1-30.istio-system.svc:15012",
        "--cluster-id", "east", "--trust-domain", "example.org");
    assertEquals(0, address.exit(), address.err());
    assertTrue(address.out().contains("istiod-1-30.istio-system.svc:15012"), address.out());
    assertTrue(address.out().contains("value: east"), address.out());
    assertTrue(address.out().contains("name: ISTIO_META_MESH_ID\n      value: example.org"), address.out());
  }

  @Test
  void badXdsFlagsAreRefusedNamingTheFlag() {
    for (String[] flags : new String[][] {{"--xds", "maybe"}, {"--xds", "off", "--discovery-address", "istiod:15012"},
        {"--discovery-address", "istiod"}, {"--discovery-address", "istiod:99999"}, {"--xds", "on", "--cluster-id", ""}}) {
      String[] args = new String[flags.length + 2];
      args[0] = "-f";
      args[1] = "-";
      System.arraycopy(flags, 0, args, 2, flags.length);
      Run run = run(POD, args);
      assertEquals(KubeInjectCommand.EXIT_REFUSED, run.exit(), String.join(" ", flags));
      assertEquals("", run.out());
      String named = flags[flags.length - 2].equals("--xds") ? "--xds" : flags[flags.length - 2];
      assertTrue(run.err().contains(named), String.join(" ", flags) + ": " + run.err());
    }
  }
}
