package dev.outrigger.it;

import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.demo.DemoCluster;
import dev.outrigger.it.demo.DemoCluster.Server;
import dev.outrigger.it.demo.MeshAct;
import dev.outrigger.it.demo.MtlsAct;
import dev.outrigger.it.demo.MtlsCluster;
import dev.outrigger.it.demo.MeshCluster;
import dev.outrigger.it.demo.TextTable;
import dev.outrigger.it.harness.CommandFailedException;
import dev.outrigger.it.harness.HostRequirements;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.PodNetwork;
import dev.outrigger.it.harness.WaitTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shows, on real network namespaces, what the seed documents showed on Kubernetes: which
 * servers a sidecar can reach in each inbound mode (seed 004), what the app sees as its local
 * and peer address (seed 000), and the access log; then, with a sidecar that a control plane
 * configures over xDS, seed 003's 5/5/90 split and URI matches and seed 001's service-named log
 * line; last, seed 001's mTLS between two sidecars (the XFCC the app sees, a plaintext client
 * refused). Run as root: scripts/demo.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    Optional<String> missing = HostRequirements.missing();
    if (missing.isPresent()) {
      System.err.println("demo: " + missing.get());
      System.exit(2);
    }
    System.out.println("Starting pods on a bridge (10.99.0.0/24) with Outrigger sidecars...\n");
    try (PodNetwork network = PodNetwork.create("demo")) {
      DemoCluster cluster = new DemoCluster(network);
      printPods(cluster);
      printInterfaceMatrix(cluster);
      printAddresses(cluster);
      printAccessLog(cluster);
      printMeshAct(network);
      printMtlsAct(network);
    } catch (CommandFailedException | WaitTimeoutException e) {
      // What failed and what it printed is the useful part; the stack trace is not.
      System.err.println("demo failed: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("Pods removed.");
  }

  private static void printPods(DemoCluster cluster) {
    TextTable pods = new TextTable("pod", "IP", "sidecar")
        .row(cluster.plainClient().name(), cluster.plainClient().ip(), "none")
        .row(cluster.meshedClient().name(), cluster.meshedClient().ip(), "yes (its outbound traffic is captured to 15001)");
    for (Server server : cluster.servers()) {
      pods.row(server.pod().name(), server.pod().ip(), server.sidecar() == null ? "none" : "inbound mode " + server.label());
    }
    System.out.println(pods.render());
  }

  /** Seed 004: `echo ping | ncat <pod IP> <port>` from both clients to the lo- and eth0-bound servers. */
  private static void printInterfaceMatrix(DemoCluster cluster) {
    System.out.println("Seed 004: echo ping | ncat <server pod IP> <port>   (lo server on :" + DemoCluster.LO_PORT
        + ", eth0 server on :" + DemoCluster.ETH0_PORT + ")\n");
    List<String> header = new ArrayList<>(List.of("server listens on", "client"));
    cluster.servers().forEach(server -> header.add(server.label()));
    TextTable table = new TextTable(header.toArray(String[]::new));
    for (boolean lo : new boolean[] {true, false}) {
      for (Pod client : List.of(cluster.plainClient(), cluster.meshedClient())) {
        List<String> row = new ArrayList<>(List.of(lo ? "127.0.0.1 (lo)" : "pod IP (eth0)", client.name()));
        for (Server server : cluster.servers()) {
          PongServer pong = lo ? server.lo() : server.eth0();
          pong.awaitListening();
          row.add(Ncat.ping(client, server.pod().ip(), pong.port()).printed());
        }
        table.row(row.toArray(String[]::new));
      }
    }
    System.out.println(table.render());
  }

  /** Seed 000: what nginx reports as its own address and its peer's. */
  private static void printAddresses(DemoCluster cluster) {
    System.out.println("Seed 000: curl http://<server pod IP>/ from " + cluster.plainClient().name()
        + " (" + cluster.plainClient().ip() + "); nginx echoes what it sees\n");
    TextTable table = new TextTable("server pod", "mode", "Server ($server_addr)", "Remote IP ($remote_addr)");
    for (Server server : cluster.servers()) {
      String body = Curl.get(cluster.plainClient(), server.echo().url()).requireSuccess().stdout();
      Map<String, String> seen = EchoPage.fields(body);
      table.row(server.pod().name(), server.label(), seen.get(EchoPage.SERVER), seen.get(EchoPage.REMOTE_IP));
    }
    System.out.println(table.render());
  }

  /** A few lines per sidecar: one per connection, written when it closed. */
  private static void printAccessLog(DemoCluster cluster) {
    System.out.println("Access log (Istio's text format, stdout of each sidecar) for the connections above:\n");
    printLines(cluster.meshedClient().name() + " (outbound)", cluster.meshedClientSidecar().flushedAccessLog());
    for (Server server : cluster.servers()) {
      if (server.sidecar() != null) {
        printLines(server.pod().name() + " (inbound, " + server.label() + ")", server.sidecar().accessLog());
      }
    }
  }

  /** Seed 003 (and seed 001's log line) with a sidecar configured by a control plane over xDS. */
  private static void printMeshAct(PodNetwork network) {
    System.out.println("Starting a control plane, Bookinfo's productpage and reviews v1/v2/v3, and a client whose sidecar it configures...\n");
    try (MeshCluster mesh = new MeshCluster(network)) {
      MeshAct.print(mesh);
    }
  }

  /** Seed 001's mTLS: XFCC at the app behind a STRICT sidecar, and a plaintext client refused. */
  private static void printMtlsAct(PodNetwork network) {
    System.out.println("Starting a mesh CA, httpbin (STRICT) and sleep-mtls with sidecars, and a pod without one...\n");
    try (MtlsCluster mesh = new MtlsCluster(network)) {
      MtlsAct.print(mesh);
    }
  }

  private static void printLines(String title, List<String> lines) {
    System.out.println("  " + title + ":");
    lines.stream().limit(3).forEach(line -> System.out.println("    " + line));
    System.out.println();
  }
}
