package dev.outrigger.agent.inject.webhook;

import dev.outrigger.agent.inject.InjectionOptions;
import dev.outrigger.agent.inject.ManifestInjector;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code outrigger injector}: the mutating admission webhook that injects pods as they are created. */
@Command(name = "injector", mixinStandardHelpOptions = true,
    description = {"Serves the sidecar-injection admission webhook over HTTPS.",
        "admission.k8s.io/v1 AdmissionReview in, JSONPatch out: POST /inject; readiness: GET /healthz/ready.",
        "Which pods are sent here is set by the MutatingWebhookConfiguration (k8s/install), with Istio's selectors:"
        + " namespaces labelled istio.io/rev=<--revision>, istio-injection=enabled or outrigger-injection=enabled,"
        + " pods labelled istio.io/rev=<--revision> or sidecar.istio.io/inject=true; pods opt out with"
        + " sidecar.istio.io/inject: \"false\"."})
public final class InjectorCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(InjectorCommand.class);
  static final int EXIT_START = 1;

  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "15017", description = "HTTPS port (Istio's webhook port) [${DEFAULT-VALUE}].")
  int port;

  @Option(names = "--address", defaultValue = "0.0.0.0", description = "Address to listen on [${DEFAULT-VALUE}].")
  String address;

  @Option(names = "--tls-cert-file", required = true, paramLabel = "FILE",
      description = "Serving certificate chain, PEM; re-read when it changes.")
  Path certFile;

  @Option(names = "--tls-key-file", required = true, paramLabel = "FILE",
      description = "Private key, PEM in PKCS#8 (BEGIN PRIVATE KEY); re-read when it changes.")
  Path keyFile;

  @Mixin InjectionOptions options;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    WebhookServer server;
    try {
      var reviewer = new AdmissionReviewer(new ManifestInjector(options.defaults()));
      server = WebhookServer.start(new InetSocketAddress(address, port), new CertificateFiles(certFile, keyFile), reviewer);
    } catch (IOException | IllegalArgumentException e) {
      err.println("outrigger injector: " + e.getMessage());
      err.flush();
      return EXIT_START;
    }
    log.info("injector of revision {} listening on https://{}:{}{} with image {}", options.defaults().revision(), address,
        server.port(), WebhookHandler.INJECT_PATH, options.defaults().image());
    Signal.handle(new Signal("TERM"), s -> server.close());
    Signal.handle(new Signal("INT"), s -> server.close());
    server.awaitClose();
    log.info("injector stopped");
    return 0;
  }
}
