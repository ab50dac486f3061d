package dev.outrigger.core.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, with each leak it finds kept for {@link LeakCheckExtension} to fail the
 * test with, rather than only logged. Installed for every buffer by the surefire system property
 * {@code io.netty.customResourceLeakDetector}; with the paranoid level every buffer is tracked.
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {
  private static final List<String> leaks = new ArrayList<>();

  public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval, maxActive);
  }

  public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  /** The leaks found since the last call. */
  static List<String> drain() {
    synchronized (leaks) {
      List<String> found = List.copyOf(leaks);
      leaks.clear();
      return found;
    }
  }

  @Override
  protected boolean needReport() {
    return true; // even with Netty's logging off
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    super.reportTracedLeak(resourceType, records);
    add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    super.reportUntracedLeak(resourceType);
    add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected.");
  }

  private static void add(String leak) {
    synchronized (leaks) {
      leaks.add(leak);
    }
  }
}
