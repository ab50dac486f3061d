package dev.outrigger.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger wait}: blocks until the proxy is ready, with the flags and defaults of Istio's
 * {@code pilot-agent wait}, so a postStart hook can hold the app until its proxy can carry traffic.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = "Waits until the proxy's readiness URL answers 200; exits 1 when the timeout passes.")
final class WaitCommand implements Callable<Integer> {

  @Option(names = "--timeoutSeconds", defaultValue = "60", description = "Give up after this many seconds [${DEFAULT-VALUE}].")
  int timeoutSeconds;

  @Option(names = "--requestTimeoutMillis", defaultValue = "500", description = "Timeout of each request [${DEFAULT-VALUE}].")
  int requestTimeoutMillis;

  @Option(names = "--periodMillis", defaultValue = "500", description = "Time between requests [${DEFAULT-VALUE}].")
  int periodMillis;

  @Option(names = "--url", defaultValue = "http://localhost:15021/healthz/ready", description = "Readiness URL [${DEFAULT-VALUE}].")
  URI url;

  @Override
  public Integer call() throws InterruptedException {
    System.out.printf("Waiting for the Outrigger proxy to be ready (timeout: %d seconds)...%n", timeoutSeconds);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(requestTimeoutMillis)).build();
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(requestTimeoutMillis)).GET().build();
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    String last = "no answer yet";
    while (System.nanoTime() - deadline < 0) {
      try {
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          System.out.println("Outrigger proxy is ready");
          return 0;
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      Thread.sleep(periodMillis);
    }
    System.err.printf("timeout waiting for the proxy to be ready after %d seconds (last: %s)%n", timeoutSeconds, last);
    return 1;
  }
}
