package dev.outrigger.agent.inject;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code outrigger kube-inject -f app.yaml}: prints the manifests with the sidecar injected. */
@Command(name = "kube-inject", mixinStandardHelpOptions = true,
    description = {"Prints manifests with the sidecar injected, as istioctl kube-inject does.",
        "Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs and"
            + " Lists are injected; other kinds are printed unchanged. Honours Istio's sidecar annotations.",
        "Example: outrigger kube-inject -f app.yaml | kubectl apply -f -"})
public final class KubeInjectCommand implements Callable<Integer> {
  static final int EXIT_REFUSED = 1;

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "Manifest file to inject; '-' reads standard input.")
  String filename;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
  Path output;

  @Mixin InjectionOptions options;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    String result;
    try {
      KubeInject kubeInject = new KubeInject(options.defaults());
      result = kubeInject.inject(read(), notice -> err.println("outrigger kube-inject: " + notice));
    } catch (InjectionException | IllegalArgumentException e) {
      // Nothing is printed: a partial manifest piped into kubectl apply would be worse than none.
      err.println("outrigger kube-inject: " + e.getMessage());
      err.flush();
      return EXIT_REFUSED;
    }
    err.flush();
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(result);
      out.flush();
    } else {
      Files.writeString(output, result, StandardCharsets.UTF_8);
    }
    return 0;
  }

  private String read() throws IOException {
    if ("-".equals(filename)) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      return Files.readString(Path.of(filename), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + filename + ": " + e);
    }
  }
}
