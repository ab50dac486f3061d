package dev.outrigger.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BufferedLineWriterTest {
  /** Records what reaches the "file" and how many write calls it took. */
  private static class RecordingChannel implements WritableByteChannel {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (failing.get()) {
        throw new IOException("Broken pipe");
      }
      writes.incrementAndGet();
      int n = src.remaining();
      byte[] chunk = new byte[n];
      src.get(chunk);
      bytes.write(chunk, 0, n);
      return n;
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void aWriteThatRunsOutOfMemoryLosesItsBatchAndNotTheFlushThread() throws Exception {
    AtomicBoolean outOfMemory = new AtomicBoolean(true);
    RecordingChannel out = new RecordingChannel() {
      @Override
      public synchronized int write(ByteBuffer src) throws IOException {
        if (outOfMemory.getAndSet(false)) {
          throw new OutOfMemoryError("Cannot reserve 65536 bytes of direct buffer memory");
        }
        return super.write(src);
      }
    };
    try (BufferedLineWriter writer = new BufferedLineWriter(out, Duration.ofMillis(20), "test-flush")) {
      writer.accept("lost with the failed write");
      awaitTrue("the failed write to be counted", () -> writer.writeFailures() == 1);
      writer.accept("after the shortage");
      awaitTrue("the next line to be written", () -> out.text().equals("after the shortage\n"));
      assertEquals(1, writer.linesDropped());
      assertEquals(1, writer.linesWritten());
    }
  }

  @Test
  void linesReachTheOutputInOrderWithinTheFlushIntervalInOneWrite() throws Exception {
    RecordingChannel out = new RecordingChannel();
    try (BufferedLineWriter writer = new BufferedLineWriter(out, Duration.ofMillis(50), "test-flush")) {
      writer.accept("first");
      writer.accept("second é");
      writer.accept(new StringBuilder("third"));
      awaitTrue("the timed flush", () -> writer.linesWritten() == 3);
      assertEquals("first\nsecond é\nthird\n", out.text());
      assertEquals(1, out.writes.get(), "three lines, one write");
    }
  }

  @Test
  void aFullBatchIsWrittenWithoutWaitingForTheInterval() throws Exception {
    RecordingChannel out = new RecordingChannel();
    try (BufferedLineWriter writer = new BufferedLineWriter(out, Duration.ofHours(1), "test-flush")) {
      String line = "x".repeat(999);
      int lines = BufferedLineWriter.FLUSH_CHARS / 1000 + 1;
      for (int i = 0; i < lines; i++) {
        writer.accept(line);
      }
      awaitTrue("the early flush", () -> writer.linesWritten() == lines);
      assertEquals(lines * 1000, out.text().length());
    }
  }

  @Test
  void aStuckOutputDropsCountsAndLogsLinesInsteadOfBlockingTheCaller() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(BufferedLineWriter.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    RecordingChannel out = new RecordingChannel();
    out.gate = new CountDownLatch(1);
    BufferedLineWriter writer = new BufferedLineWriter(out, Duration.ofMillis(1), "test-flush");
    try {
      writer.accept("taken by the flush thread, which then blocks");
      assertTrue(out.entered.await(5, TimeUnit.SECONDS), "the flush thread took the first line and is blocked");
      String line = "y".repeat(1023);
      int fit = BufferedLineWriter.MAX_PENDING_CHARS / 1024;
      long start = System.nanoTime();
      for (int i = 0; i < fit + 100; i++) {
        writer.accept(line);
      }
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "accept never waits for the output");
      assertEquals(100, writer.linesDropped());
      out.gate.countDown();
      awaitTrue("the backlog to drain", () -> writer.linesWritten() == fit + 1);
      awaitTrue("a log line about the drops", () -> logged.list.stream()
          .anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("access log: 100 lines dropped")));
    } finally {
      out.gate.countDown();
      writer.close();
      logger.detachAppender(logged);
    }
  }

  @Test
  void aFailedWriteIsCountedAndLaterLinesStillGetThrough() throws Exception {
    RecordingChannel out = new RecordingChannel();
    try (BufferedLineWriter writer = new BufferedLineWriter(out, Duration.ofHours(1), "test-flush")) {
      out.failing.set(true);
      writer.accept("lost");
      writer.flush();
      assertEquals(1, writer.writeFailures());
      assertEquals(1, writer.linesDropped());
      out.failing.set(false);
      writer.accept("kept");
      writer.flush();
      assertEquals("kept\n", out.text());
      assertEquals(1, writer.linesWritten());
    }
  }

  @Test
  void closeWritesWhatIsPendingAndLaterLinesAreCountedAsDropped() throws Exception {
    RecordingChannel out = new RecordingChannel();
    BufferedLineWriter writer = new BufferedLineWriter(out, Duration.ofHours(1), "test-flush");
    writer.accept("pending at close");
    writer.close();
    assertEquals("pending at close\n", out.text());
    writer.accept("after close");
    assertEquals(1, writer.linesDropped());
  }
}
