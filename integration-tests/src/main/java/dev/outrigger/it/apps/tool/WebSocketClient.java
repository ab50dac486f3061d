package dev.outrigger.it.apps.tool;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket round trip with the JDK's client (java.net.http), which checks the 101 handshake
 * (Sec-WebSocket-Accept) itself: text messages, one binary message, then a clean close. Prints a
 * line per step; exits 0 only when every message came back unchanged and the close was answered.
 */
final class WebSocketClient {
  private static final long STEP_TIMEOUT_SECONDS = 10;
  private static final int BINARY_SIZE = 100_000;

  private WebSocketClient() {}

  static int roundTrip(String url, int textMessages) {
    Echoes echoes = new Echoes();
    try {
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(STEP_TIMEOUT_SECONDS))
          .buildAsync(URI.create(url), echoes)
          .get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      System.out.println("open");
      for (int i = 1; i <= textMessages; i++) {
        String message = "message " + i;
        socket.sendText(message, true).get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Object echo = echoes.next();
        System.out.println(message.equals(echo) ? "echo " + echo : "wrong echo '" + echo + "' for '" + message + "'");
      }
      byte[] payload = new byte[BINARY_SIZE];
      new Random(BINARY_SIZE).nextBytes(payload);
      socket.sendBinary(ByteBuffer.wrap(payload), true).get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Object echo = echoes.next();
      boolean same = echo instanceof byte[] bytes && Arrays.equals(bytes, payload);
      System.out.println(same ? "binary echo " + payload.length + " bytes" : "wrong binary echo");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      System.out.println("closed " + echoes.next());
      return 0;
    } catch (Exception e) {
      System.out.println("failed: " + e);
      return 1;
    }
  }

  /** Collects whole messages (String, byte[]) and the close code (Integer) in arrival order. */
  private static final class Echoes implements WebSocket.Listener {
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    Object next() throws InterruptedException {
      Object next = received.poll(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (next == null) {
        throw new IllegalStateException("nothing came back within " + STEP_TIMEOUT_SECONDS + " s");
      }
      return next;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add(text.toString());
        text.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      if (last) {
        received.add(binary.toByteArray());
        binary.reset();
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      received.add(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      received.add("error: " + error);
    }
  }
}
