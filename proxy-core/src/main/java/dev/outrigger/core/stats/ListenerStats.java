package dev.outrigger.core.stats;

import dev.outrigger.core.Direction;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one listener. Updated from event loops, read by the admin server. */
public final class ListenerStats {
  private final Direction direction;
  private final EnumMap<Counter, LongAdder> counters = new EnumMap<>(Counter.class);

  public ListenerStats(Direction direction) {
    this.direction = direction;
    for (Counter c : Counter.values()) {
      counters.put(c, new LongAdder());
    }
  }

  public Direction direction() {
    return direction;
  }

  public void increment(Counter counter) {
    counters.get(counter).increment();
  }

  public void add(Counter counter, long amount) {
    counters.get(counter).add(amount);
  }

  public void decrement(Counter counter) {
    counters.get(counter).decrement();
  }

  public long get(Counter counter) {
    return counters.get(counter).sum();
  }

  /** Stat name ({@code listener.outbound.downstream_cx_total}) to value, in declaration order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    String prefix = "listener." + direction.label() + ".";
    counters.forEach((counter, value) -> out.put(prefix + counter.statName(), value.sum()));
    return out;
  }
}
