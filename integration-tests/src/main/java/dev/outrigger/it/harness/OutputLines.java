package dev.outrigger.it.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Collects the lines of a process stream on a daemon thread so the process never blocks on output. */
final class OutputLines {
  private final List<String> lines = new ArrayList<>();
  private boolean complete;

  static OutputLines follow(String threadName, InputStream stream) {
    OutputLines output = new OutputLines();
    Thread reader = new Thread(() -> output.readAll(stream), threadName);
    reader.setDaemon(true);
    reader.start();
    return output;
  }

  private void readAll(InputStream stream) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        synchronized (lines) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      // The stream closes when the process is killed; the lines read so far are what counts.
    }
    synchronized (lines) {
      complete = true;
    }
  }

  /** True once the stream has ended: no line will be added any more. */
  boolean isComplete() {
    synchronized (lines) {
      return complete;
    }
  }

  List<String> snapshot() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
