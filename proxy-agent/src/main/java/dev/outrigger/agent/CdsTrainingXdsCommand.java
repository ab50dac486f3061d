package dev.outrigger.agent;

import dev.outrigger.xds.training.TrainingAdsService;
import dev.outrigger.xds.training.TrainingMesh;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger cds-training-xds --port N}: a training control plane, which exists only for
 * {@code bin/outrigger cds-archive}. It serves a small istiod-shaped configuration
 * ({@link TrainingMesh}) over ADS in plaintext on 127.0.0.1, so that the archive's training run
 * of the proxy loads what xDS loads in production (gRPC, protobuf, the Envoy API, the translators)
 * and the class-data archive holds those classes. Hidden: not listed in the help, not for users.
 * It runs until it is stopped (SIGTERM) or {@code --max-seconds} pass, so that a training run
 * killed without cleanup leaves nothing running for long.
 */
@Command(name = CdsTrainingXdsCommand.NAME, hidden = true, mixinStandardHelpOptions = true,
    description = "Serves a fixed istiod-shaped configuration over ADS (plaintext, 127.0.0.1) for "
        + "bin/outrigger cds-archive's training run; exists only for that.")
final class CdsTrainingXdsCommand implements Callable<Integer> {
  static final String NAME = "cds-training-xds";
  private static final Logger log = LoggerFactory.getLogger(CdsTrainingXdsCommand.class);

  @Option(names = "--port", required = true, description = "The port on 127.0.0.1 to serve ADS on.")
  int port;

  @Option(names = "--max-seconds", defaultValue = "600", description = "Exit after this many seconds [${DEFAULT-VALUE}].")
  int maxSeconds;

  @Override
  public Integer call() throws InterruptedException {
    TrainingAdsService service = new TrainingAdsService(TrainingMesh.create());
    Server server;
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
          InsecureServerCredentials.create()).addService(service).build().start();
    } catch (IOException e) {
      System.err.println("outrigger " + NAME + ": cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
      return 1;
    }
    log.info("{}: serving the training mesh over ADS on 127.0.0.1:{}", NAME, server.getPort());
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, NAME + "-shutdown"));
    if (!server.awaitTermination(maxSeconds, TimeUnit.SECONDS)) {
      log.warn("{}: stopping after --max-seconds {} (the training run should have stopped it)", NAME, maxSeconds);
      server.shutdownNow();
    }
    log.info("{}: {} ACKs, {} NACKs", NAME, service.acks(), service.nacks());
    return 0;
  }
}
