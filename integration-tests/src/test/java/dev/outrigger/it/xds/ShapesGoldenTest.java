package dev.outrigger.it.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import dev.outrigger.it.bench.ScaleMesh;
import dev.outrigger.it.xds.IstioMtlsShapes.InboundPort;
import dev.outrigger.it.xds.IstioMtlsShapes.PeerAuthentication;
import dev.outrigger.it.xds.IstioMtlsShapes.PortProtocol;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.training.TrainingMesh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TEMPORARY (removed once the shapes are shared): every shape the harness and the training mesh
 * build, serialized; recorded before the refactoring (-Dgolden.record=true), compared after.
 */
class ShapesGoldenTest {
  private static final Path GOLDEN = Path.of("/tmp/shapes-golden.txt");

  @Test
  void everyShapeIsByteIdentical() throws IOException {
    Map<String, String> now = shapes();
    List<String> lines = new ArrayList<>();
    now.forEach((k, v) -> lines.add(k + " " + v));
    if (Boolean.getBoolean("golden.record")) {
      Files.write(GOLDEN, lines);
      return;
    }
    List<String> recorded = Files.readAllLines(GOLDEN);
    assertEquals(recorded.size(), lines.size(), "shape count");
    for (int i = 0; i < recorded.size(); i++) {
      assertEquals(recorded.get(i), lines.get(i), "shape " + i);
    }
  }

  private static Map<String, String> shapes() {
    Map<String, String> out = new LinkedHashMap<>();
    TrainingMesh training = TrainingMesh.create();
    for (ResourceType type : ResourceType.values()) {
      var any = training.resources(type, training.names(type));
      for (int i = 0; i < any.size(); i++) {
        out.put("training." + type + "." + i, b64(any.get(i)));
      }
    }
    List<Workload> two = List.of(new Workload("a-1", "10.0.0.1", 80, "a", "v1"),
        new Workload("a-2", "10.0.0.2", 81, "a", "v2"));
    for (OutboundPolicy policy : OutboundPolicy.values()) {
      config(out, "bookinfo." + policy, BookinfoMesh.of(policy, two, two, two, two, two).config());
      config(out, "bookinfo.w." + policy, BookinfoMesh.of(policy, two, List.of(), two, two, two)
          .withReviewsWeights(0, 50, 50).config());
      put(out, "virtualOutbound." + policy, IstioShapes.virtualOutbound(policy));
      put(out, "catchAll." + policy, IstioShapes.catchAllVirtualHost(policy));
      put(out, "routeConfiguration." + policy, IstioShapes.routeConfiguration(9080, List.of(), policy));
    }
    config(out, "mtls", new MtlsMesh("10.0.0.5", "10.0.0.6").config());
    config(out, "scale", ScaleMesh.of(3, 4, "10.0.0.7").config());
    config(out, "scale.app", ScaleMesh.appOnly("10.0.0.7").config());
    put(out, "ingress.lo", SidecarIngressShapes.defaultEndpointCluster(8080, "127.0.0.1", 8080));
    put(out, "ingress.pod", SidecarIngressShapes.defaultEndpointCluster(8080, "10.0.0.8", 9090));
    List<InboundPort> ports = new ArrayList<>();
    for (PeerAuthentication mode : PeerAuthentication.values()) {
      for (PortProtocol protocol : PortProtocol.values()) {
        InboundPort port = new InboundPort(8000 + ports.size(), protocol, mode, "svc");
        ports.add(port);
        List<?> chains = IstioMtlsShapes.inboundChains(port);
        for (int i = 0; i < chains.size(); i++) {
          put(out, "inboundChains." + mode + "." + protocol + "." + i, (Message) chains.get(i));
        }
      }
    }
    put(out, "virtualInbound.all", IstioMtlsShapes.virtualInbound(ports));
    put(out, "virtualInbound.none", IstioMtlsShapes.virtualInbound(List.of()));
    put(out, "virtualInbound.client", IstioShapes.virtualInbound());
    for (PortProtocol protocol : PortProtocol.values()) {
      put(out, "downstreamTls." + protocol, IstioMtlsShapes.downstreamTlsContext(protocol));
    }
    put(out, "upstreamTls", IstioMtlsShapes.upstreamTlsContext("sni", List.of("spiffe://a", "spiffe://b")));
    put(out, "istioMutual", IstioMtlsShapes.istioMutualCluster(9080, "v1", "reviews", List.of("spiffe://a", "spiffe://b")));
    put(out, "istioMutual.none", IstioMtlsShapes.istioMutualCluster(9080, "", "reviews", List.of()));
    put(out, "tlsDisabled", IstioMtlsShapes.tlsDisabledCluster(9080, "reviews"));
    put(out, "meshed.two", IstioMtlsShapes.meshedEndpoints("c", two));
    put(out, "meshed.none", IstioMtlsShapes.meshedEndpoints("c", List.of()));
    put(out, "tcpOutbound", IstioMtlsShapes.tcpOutboundListener("10.96.0.41", 9000, "c"));
    put(out, "inboundPort", IstioMtlsShapes.inboundPortCluster(9000));
    put(out, "alpn", IstioMtlsShapes.istioAlpnFilter());
    put(out, "eds", IstioShapes.edsCluster("c", "reviews"));
    put(out, "blackHole", IstioShapes.blackHoleCluster());
    put(out, "passthrough", IstioShapes.passthroughCluster());
    put(out, "inboundPassthrough", IstioShapes.inboundPassthroughCluster());
    put(out, "endpoints.two", IstioShapes.endpoints("c", two));
    put(out, "endpoints.none", IstioShapes.endpoints("c", List.of()));
    put(out, "httpOutbound", IstioShapes.httpOutboundListener(9080));
    put(out, "serviceVh", IstioShapes.serviceVirtualHost("svc", "10.96.0.1", 80, List.of()));
    put(out, "route.null", IstioShapes.route("r", IstioShapes.exact("/x"), "c", IstioShapes.millis(1500), null, "svc", 80));
    put(out, "route.retries", IstioShapes.route("r", IstioShapes.prefixWithHeader("/", "h", "v"), "c",
        IstioShapes.noTimeout(), IstioShapes.retries(3, "5xx"), "svc", 80));
    put(out, "weighted", IstioShapes.weightedRoute("w", IstioShapes.prefix("/"), Map.of("a", 1), IstioShapes.noTimeout(),
        IstioShapes.defaultRetryPolicy(), "svc", 80));
    put(out, "abort", IstioShapes.withAbort(IstioShapes.route("r", IstioShapes.prefix("/"), "c", IstioShapes.noTimeout(),
        null, "svc", 80), 500, 12.5));
    return out;
  }

  private static void config(Map<String, String> out, String name, MeshConfig config) {
    for (XdsType type : XdsType.values()) {
      List<?> resources = config.resources(type);
      for (int i = 0; i < resources.size(); i++) {
        put(out, name + "." + type + "." + i, (Message) resources.get(i));
      }
    }
  }

  private static void put(Map<String, String> out, String name, Message m) {
    out.put(name, b64(m));
  }

  private static String b64(Message m) {
    return Base64.getEncoder().encodeToString(m.toByteArray());
  }
}
