package dev.outrigger.agent;

import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.xds.AdsClient;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.nds.NameTables;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import dev.outrigger.xds.XdsChannels;
import dev.outrigger.xds.XdsConfigSource;
import dev.outrigger.xds.XdsSnapshot;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS stream to istiod and what it feeds: updates are translated into the proxy's config
 * store, and the connection's state is counted in {@link XdsStats}. Started with the proxy,
 * closed at the end of the drain.
 */
final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final XdsConfig config;
  private final ConfigStore store;
  private final XdsStats stats = new XdsStats();
  private ManagedChannel channel;
  private AdsClient client;

  /** Given istiod's NDS name tables when DNS capture is on; then NDS is subscribed to. */
  private final Optional<Consumer<Map<String, NameTables.NameEntry>>> nameTables;

  ControlPlane(XdsConfig config, ConfigStore store) {
    this(config, store, Optional.empty());
  }

  ControlPlane(XdsConfig config, ConfigStore store, Optional<Consumer<Map<String, NameTables.NameEntry>>> nameTables) {
    this.config = config;
    this.store = store;
    this.nameTables = nameTables;
  }

  XdsStats stats() {
    return stats;
  }

  XdsConfig config() {
    return config;
  }

  /**
   * Dials istiod and subscribes; does not wait for it. Fails if TLS is wanted and the mesh root
   * is missing, as pilot-agent fails without its root CA.
   */
  void start() throws IOException {
    if (config.plaintext()) {
      channel = XdsChannels.plaintext(config.discoveryAddress());
    } else {
      if (!Files.isReadable(config.rootCert())) {
        throw new IOException("xDS over TLS to " + config.discoveryAddress() + ": the root certificate "
            + config.rootCert() + " cannot be read (" + XdsConfig.XDS_ROOT_CA
            + " names another; the injector mounts the istio-ca-root-cert ConfigMap there)");
      }
      try {
        channel = XdsChannels.istiod(config.discoveryAddress(), config.authority(), config.rootCert(),
            config.tokenFile(), config.clusterId());
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("xDS over TLS to " + config.discoveryAddress() + ": root certificate "
            + config.rootCert() + ": " + e.getMessage(), e);
      }
    }
    AdsClient[] self = new AdsClient[1];
    self[0] = new AdsClient(channel, config.node(), new XdsConfigSource(store, (type, names) -> self[0].subscribe(type, names),
        nameTables.orElse(table -> { })), stats);
    client = self[0];
    log.info("xDS: dialling {} as {}", config, config.node().getId());
    client.start();
    if (nameTables.isPresent()) {
      client.subscribe(ResourceType.NAME_TABLE, Set.of()); // Istio's agent asks for NDS with DNS capture on
    }
  }

  /** What was received, for /config_dump; completed on the client's thread, never blocking the caller. */
  CompletableFuture<XdsSnapshot> snapshot() {
    try {
      return client.snapshotAsync();
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the xDS client is closed (draining)"));
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    if (channel != null) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
