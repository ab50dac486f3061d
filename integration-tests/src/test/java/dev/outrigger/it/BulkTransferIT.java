package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 100 MB through both sidecars, each way, arrives byte for byte (equal SHA-256 on both ends). */
class BulkTransferIT extends PodNetworkTestBase {
  private static final long SIZE = 100L * 1024 * 1024;
  private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(3);

  private Pod client;
  private Pod server;
  private Path payload;

  @Override
  protected String networkName() {
    return "bulk";
  }

  @BeforeAll
  void startPods() throws IOException {
    client = network.addPod("client");
    server = network.addPod("server");
    Sidecar.inject(client, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    Sidecar.inject(server, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    payload = writeRandomFile(network.workDir().resolve("payload.bin"), SIZE);
  }

  @Test
  void uploadArrivesIntact() throws IOException {
    int port = 9100;
    Path received = server.workDir().resolve("upload.bin");
    BackgroundProcess receiver = server.start("recv-" + port, List.of("sh", "-c",
        "exec ncat -l \"$0\" \"$1\" --recv-only > \"$2\"", server.ip(), String.valueOf(port), received.toString()));
    server.awaitListening(server.ip(), port, Duration.ofSeconds(10));

    client.execWithInput(TRANSFER_TIMEOUT, payload, List.of("ncat", "--send-only", server.ip(), String.valueOf(port)))
        .requireSuccess();

    assertEquals(0, receiver.awaitExit(TRANSFER_TIMEOUT), receiver.describeOutput());
    assertEquals(sha256(payload), sha256(received), "received " + Files.size(received) + " of " + SIZE + " bytes");
  }

  /** The client asks first ("send"), then the server streams the file and half-closes. */
  @Test
  void downloadArrivesIntact() throws IOException {
    int port = 9101;
    Path received = client.workDir().resolve("download.bin");
    ToolServer.startFileSource(server, server.ip(), port, payload);

    client.exec(TRANSFER_TIMEOUT, List.of("sh", "-c", "printf 'send\\n' | ncat \"$0\" \"$1\" > \"$2\"",
        server.ip(), String.valueOf(port), received.toString())).requireSuccess();

    assertEquals(sha256(payload), sha256(received), "received " + Files.size(received) + " of " + SIZE + " bytes");
  }

  /** Seeded, so a failure can be reproduced byte for byte. */
  private static Path writeRandomFile(Path file, long size) throws IOException {
    Random random = new Random(4);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
    }
    return file;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
