package dev.outrigger.core.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access-log lines, written the way Envoy writes its file logs: event loops append to a shared
 * buffer under a short lock, and one flush thread writes everything pending in a single write(2)
 * every flush interval (Istio runs Envoy with 1 s), or as soon as {@link #FLUSH_CHARS} characters
 * are pending.
 * A hand-off per line (a queue and a thread wake-up per request) cost more CPU and tail latency
 * than the formatting itself. Event loops never wait for the output: with {@link #MAX_PENDING_CHARS}
 * characters pending, further lines are dropped and counted.
 */
public final class BufferedLineWriter implements LineSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BufferedLineWriter.class);
  static final int FLUSH_CHARS = 64 * 1024;
  static final int MAX_PENDING_CHARS = 4 * 1024 * 1024;
  private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final WritableByteChannel out;
  private final long flushIntervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition flushSoon = lock.newCondition();
  private final Thread flusher;
  private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  // Direct, and allocated once: writing a heap buffer to a file channel borrows a temporary
  // direct buffer from the JDK on every write, which fails exactly when the log matters most
  // (direct memory exhausted by traffic); this one is taken at startup.
  private final ByteBuffer bytes = ByteBuffer.allocateDirect(64 * 1024);
  private final LongAdder written = new LongAdder();
  private final LongAdder droppedBufferFull = new LongAdder();
  private final LongAdder droppedWriteFailed = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();
  private StringBuilder pending = new StringBuilder(FLUSH_CHARS);
  private StringBuilder spare = new StringBuilder(FLUSH_CHARS);
  private int pendingLines;
  private boolean wakeRequested;
  private boolean closed;
  private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;
  private long lastDropLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;
  private long droppedReported;

  public BufferedLineWriter(WritableByteChannel out, Duration flushInterval, String threadName) {
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flush interval must be positive: " + flushInterval);
    }
    this.out = out;
    this.flushIntervalNanos = flushInterval.toNanos();
    this.flusher = new Thread(this::flushLoop, threadName);
    flusher.setDaemon(true);
    flusher.start();
  }

  /** The process's stdout, flushed on exit too. */
  public static BufferedLineWriter stdout(Duration flushInterval) {
    BufferedLineWriter writer = new BufferedLineWriter(
        new FileOutputStream(FileDescriptor.out).getChannel(), flushInterval, "access-log-flush");
    Runtime.getRuntime().addShutdownHook(new Thread(writer::close, "access-log-final-flush"));
    return writer;
  }

  @Override
  public void accept(CharSequence line) {
    lock.lock();
    try {
      if (closed || pending.length() + line.length() + 1 > MAX_PENDING_CHARS) {
        droppedBufferFull.increment();
        return;
      }
      pending.append(line).append('\n');
      pendingLines++;
      if (pending.length() >= FLUSH_CHARS && !wakeRequested) {
        wakeRequested = true;
        flushSoon.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes what is pending now, on the calling thread (the flush thread, drain, tests). One flush
   * at a time: they share the spare buffer and the encoder.
   */
  public synchronized void flush() {
    writeOut(takePending());
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      flushSoon.signal();
    } finally {
      lock.unlock();
    }
    try {
      flusher.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long linesWritten() {
    return written.sum();
  }

  /** Lines lost because the output did not keep up (the buffer was full) or after close. */
  public long linesDropped() {
    return droppedBufferFull.sum() + droppedWriteFailed.sum();
  }

  public long writeFailures() {
    return writeFailures.sum();
  }

  private void flushLoop() {
    boolean last = false;
    while (!last) {
      lock.lock();
      try {
        long wait = flushIntervalNanos;
        while (!closed && !wakeRequested && wait > 0) {
          wait = flushSoon.awaitNanos(wait);
        }
        wakeRequested = false;
        last = closed;
      } catch (InterruptedException e) {
        last = true;
      } finally {
        lock.unlock();
      }
      flush();
    }
  }

  private Batch takePending() {
    lock.lock();
    try {
      Batch batch = new Batch(pending, pendingLines);
      pending = spare;
      spare = null;
      pendingLines = 0;
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void writeOut(Batch batch) {
    reportDrops();
    try {
      if (batch.lines > 0) {
        write(batch.text);
        written.add(batch.lines);
      }
    } catch (IOException | OutOfMemoryError e) {
      // A memory shortage loses this batch, like a failed write, and not the flush thread: the
      // lines after it are written once memory is back.
      writeFailures.increment();
      droppedWriteFailed.add(batch.lines);
      long now = System.nanoTime();
      if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
        lastFailureLog = now;
        log.warn("access log: writing {} lines failed, they are lost: {}", batch.lines, e.toString());
      }
    } finally {
      batch.text.setLength(0);
      lock.lock();
      try {
        spare = batch.text;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Lines dropped while the buffer was full get a log line, at most every 10 s, from the flushing thread. */
  private void reportDrops() {
    long droppedNow = droppedBufferFull.sum();
    long now = System.nanoTime();
    if (droppedNow > droppedReported && now - lastDropLog >= FAILURE_LOG_INTERVAL_NANOS) {
      lastDropLog = now;
      log.warn("access log: {} lines dropped because stdout did not keep up ({} pending characters at most)",
          droppedNow - droppedReported, MAX_PENDING_CHARS);
      droppedReported = droppedNow;
    }
  }

  private void write(StringBuilder text) throws IOException {
    CharBuffer chars = CharBuffer.wrap(text);
    bytes.clear(); // whatever a failed write left behind is not part of this batch
    encoder.reset();
    CoderResult result;
    do {
      result = encoder.encode(chars, bytes, true);
      drain();
    } while (result.isOverflow());
    encoder.flush(bytes);
    drain();
  }

  private void drain() throws IOException {
    bytes.flip();
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
    bytes.clear();
  }

  private record Batch(StringBuilder text, int lines) {}
}
