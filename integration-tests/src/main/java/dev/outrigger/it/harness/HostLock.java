package dev.outrigger.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * One pod network per host at a time: they all use 10.99.0.0/24. The kernel releases the lock
 * when its holder dies, so whoever holds it knows that every orit-it* leftover is stale.
 */
final class HostLock implements AutoCloseable {
  private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "orit-it.lock");
  private static final Duration WAIT_FOR_OTHER_RUN = Duration.ofMinutes(2);
  private static boolean heldInThisJvm;

  private final FileChannel channel;
  private final FileLock lock;

  private HostLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static synchronized HostLock acquire() {
    if (heldInThisJvm) {
      throw new IllegalStateException("a PodNetwork is already open in this JVM; close it before creating another");
    }
    try {
      FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = Waits.until("the pod-network lock " + LOCK_FILE + " (held by another test run or demo)",
          WAIT_FOR_OTHER_RUN, () -> tryLock(channel));
      heldInThisJvm = true;
      return new HostLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + LOCK_FILE, e);
    }
  }

  private static Optional<FileLock> tryLock(FileChannel channel) {
    try {
      return Optional.ofNullable(channel.tryLock());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + LOCK_FILE, e);
    }
  }

  @Override
  public void close() {
    synchronized (HostLock.class) {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release " + LOCK_FILE, e);
      } finally {
        heldInThisJvm = false;
      }
    }
  }
}
