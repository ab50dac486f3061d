package dev.outrigger.it.demo;

import static dev.outrigger.it.xds.MtlsMesh.HTTP_PORT;

import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.PodNetwork;
import dev.outrigger.it.mtls.CertMount;
import dev.outrigger.it.mtls.MeshCa;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.InjectedEnvironment;
import dev.outrigger.it.xds.IstioShapes;
import dev.outrigger.it.xds.MtlsMesh;
import dev.outrigger.it.xds.ServiceCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The mTLS act's pods: httpbin (an app that echoes the request headers it got) behind an Outrigger
 * sidecar in STRICT, sleep with an Outrigger sidecar, both configured over xDS as istiod would with
 * auto mTLS ({@link MtlsMesh}) and given workload certificates of a mesh CA made with openssl
 * (mounted files, FILE_MOUNTED_CERTS), and "outsider", a pod without a sidecar.
 */
public final class MtlsCluster implements AutoCloseable {
  private static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(30);

  private final Pod httpbin;
  private final Pod sleep;
  private final Pod outsider;
  private final MeshCa.Leaf sleepLeaf;
  private final MeshCa.Leaf httpbinLeaf;
  private final ControlPlane controlPlane;
  private final Sidecar httpbinSidecar;
  private final ServiceCalls calls;

  public MtlsCluster(PodNetwork network) {
    Path caDir;
    try {
      caDir = Files.createDirectory(network.workDir().resolve("mtls-ca"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MeshCa ca = MeshCa.create(caDir, "mesh");
    httpbin = network.addPod(MtlsMesh.HTTPBIN_POD);
    sleep = network.addPod("sleep-mtls");
    outsider = network.addPod("outsider");
    httpbinLeaf = ca.issue("httpbin", MeshCa.spiffeId(IstioShapes.NAMESPACE, httpbin.name()));
    sleepLeaf = ca.issue("sleep", MeshCa.spiffeId(IstioShapes.NAMESPACE, sleep.name()));
    ToolServer.startHttpApp(httpbin, "0.0.0.0", HTTP_PORT);
    // No openssl peer in this act: its cluster's endpoint is httpbin's address, never called.
    controlPlane = ControlPlane.start(network, new MtlsMesh(httpbin.ip(), httpbin.ip()).config());
    try {
      httpbinSidecar = Sidecar.inject(httpbin, withCerts(InjectedEnvironment.of(httpbin, controlPlane),
          CertMount.create(httpbin.workDir().resolve("etc-certs"), httpbinLeaf)));
      Sidecar.inject(sleep, withCerts(InjectedEnvironment.of(sleep, controlPlane),
          CertMount.create(sleep.workDir().resolve("etc-certs"), sleepLeaf)));
      controlPlane.awaitAcks(controlPlane.versions(), CONFIG_TIMEOUT);
      calls = new ServiceCalls(sleep);
    } catch (RuntimeException e) {
      controlPlane.close();
      throw e;
    }
  }

  private static SidecarSettings withCerts(SidecarSettings settings, CertMount certs) {
    return settings.with("FILE_MOUNTED_CERTS", "true").with("OUTRIGGER_CERT_DIR", certs.dir().toString());
  }

  public Pod httpbin() {
    return httpbin;
  }

  public Pod sleep() {
    return sleep;
  }

  public Pod outsider() {
    return outsider;
  }

  public MeshCa.Leaf sleepLeaf() {
    return sleepLeaf;
  }

  public MeshCa.Leaf httpbinLeaf() {
    return httpbinLeaf;
  }

  public Sidecar httpbinSidecar() {
    return httpbinSidecar;
  }

  public ServiceCalls calls() {
    return calls;
  }

  @Override
  public void close() {
    controlPlane.close();
  }
}
