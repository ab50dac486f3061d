package dev.outrigger.core.overload;

import dev.outrigger.core.log.RateLimitedLog;
import java.time.Duration;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The bytes the whole proxy holds on their way from one connection to another, against one
 * budget (after Envoy's overload manager: a resource measured as a whole, actions at levels of
 * it). Per-connection backpressure alone bounds each connection, not their number: thousands of
 * connections into slow peers, each within its own bound, fill the direct memory together.
 *
 * <ul>
 *   <li>Below {@link #SATURATION_PERCENT} of the budget, nothing changes.
 *   <li>At that level ({@link OverloadState#SATURATED}), a connection whose peer holds more than
 *       {@link #DRAINING_BYTES} is no longer read, and read bursts stop at that many bytes; a
 *       connection whose peer drains holds almost nothing, so it keeps flowing. Paused
 *       connections are read again, from the sweep, once the budget allows it.
 *   <li>At the budget ({@link OverloadState#EXHAUSTED}), the sweep resets the connections holding
 *       the most, largest first, until what is left is under the saturation level (Envoy's
 *       {@code reset_high_memory_stream}), at most {@link #MAX_RESETS_PER_SWEEP} per sweep.
 * </ul>
 *
 * The levels are also reached through the direct memory Netty has allocated (Envoy's
 * {@code fixed_heap} monitor measures the real heap, not what streams account for): buffers the
 * accounts do not see (codecs' cumulations, a read buffer kept whole by the slice of it still
 * queued, the allocator's partly used chunks) can take as much again. Saturated from
 * {@link #DIRECT_SATURATION_EIGHTHS}/8 of -XX:MaxDirectMemorySize, exhausted from
 * {@link #DIRECT_LIMIT_EIGHTHS}/8: the rest is headroom for what lands before the sweep acts and
 * for the JDK's own direct buffers.
 *
 * <p>Accounts are updated by event loops; the sweep runs on its own thread, so it works while
 * event loops are busy.
 */
public final class BufferBudget {
  static final int SATURATION_PERCENT = 80;
  static final int DIRECT_SATURATION_EIGHTHS = 5;
  static final int DIRECT_LIMIT_EIGHTHS = 6;
  /** A peer with no more than this queued is keeping up: reading its feeder costs nothing lasting. */
  static final long DRAINING_BYTES = 16 * 1024;
  /** As Envoy's reset_high_memory_stream (kMaxNumberOfStreamsToResetPerInvocation): a bounded sweep. */
  static final int MAX_RESETS_PER_SWEEP = 50;
  /** Read buffers while saturated: thousands of connections read once more add megabytes, not hundreds. */
  static final int SATURATED_READ_BYTES = 2048;
  /** Connections not being read are asked every this many sweeps (a second) whether their peer reset them. */
  static final int SWEEPS_PER_RESET_CHECK = 20;

  private final long limit;
  private final long saturation;
  private final int readBurstBytes;
  private final LongSupplier directUsed;
  private final long directLimit;
  private final long directSaturation;
  private final AtomicLong held = new AtomicLong();
  private final Set<ReadAccount> accounts = ConcurrentHashMap.newKeySet();
  private final LongAdder readsPaused = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder allocationFailures = new LongAdder();
  private final LongAdder peerProbes = new LongAdder();
  private final RateLimitedLog log = new RateLimitedLog("outrigger.overload", Duration.ofSeconds(1), "overload");
  private final RateLimitedLog probeLog = new RateLimitedLog("outrigger.overload", Duration.ofSeconds(1), "peer probe");
  private final RateLimitedLog stateLog = new RateLimitedLog("outrigger.overload", Duration.ofSeconds(1), "overload");
  private final AllocationFailureGuard guard = new AllocationFailureGuard(this);
  private volatile OverloadState state = OverloadState.NORMAL;
  private long sweeps; // the monitor thread only

  public BufferBudget(OverloadSettings settings) {
    this(settings, PlatformDependent::usedDirectMemory, PlatformDependent.maxDirectMemory());
  }

  /**
   * @param directUsed direct memory in use now (Netty's counter; negative if it keeps none)
   * @param directMax the most direct memory the process may use
   */
  BufferBudget(OverloadSettings settings, LongSupplier directUsed, long directMax) {
    this.limit = settings.budgetBytes();
    this.saturation = limit * SATURATION_PERCENT / 100;
    this.readBurstBytes = settings.readBurstBytes();
    this.directUsed = directUsed;
    this.directLimit = directMax / 8 * DIRECT_LIMIT_EIGHTHS;
    this.directSaturation = directMax / 8 * DIRECT_SATURATION_EIGHTHS;
  }

  /**
   * Puts a new connection under the budget (its reads are then requested through
   * {@link ReadGate}); call before its first read.
   */
  public void install(io.netty.channel.Channel channel) {
    ChannelReads.install(channel, this);
    channel.pipeline().addFirst(AllocationFailureGuard.NAME, guard);
  }

  int readBurstBytes() {
    return readBurstBytes;
  }

  ReadAccount open(ReadAccount.Reader reader) {
    ReadAccount account = new ReadAccount(this, reader);
    accounts.add(account);
    return account;
  }

  /** The connection closed: what it held is released with it. */
  void close(ReadAccount account) {
    account.set(0);
    accounts.remove(account);
  }

  void changed(long delta) {
    if (delta != 0) {
      held.addAndGet(delta);
    }
  }

  /** Bytes above the saturation level (negative: below it), by whichever measure is further. */
  private long overSaturation() {
    return Math.max(held.get() - saturation, directUsed.getAsLong() - directSaturation);
  }

  private boolean atLimit() {
    return held.get() >= limit || directUsed.getAsLong() >= directLimit;
  }

  /** Whether a connection may be read now. */
  boolean mayRead(ReadAccount account) {
    return overSaturation() < 0 || account.held() <= DRAINING_BYTES;
  }

  /**
   * The largest buffer a read may take now: the adaptive size below the saturation level, small
   * above it, so that every connection being read once more cannot add much in total.
   */
  int readBufferBytes(int adaptive) {
    return overSaturation() < 0 ? adaptive : Math.min(adaptive, SATURATED_READ_BYTES);
  }

  /** Whether a read burst that has taken {@code burstBytes} so far may read once more. */
  boolean mayContinueBurst(ReadAccount account, long burstBytes) {
    if (burstBytes >= readBurstBytes || atLimit()) {
      return false;
    }
    return overSaturation() < 0 || account.held() <= DRAINING_BYTES;
  }

  void paused(String connection) {
    readsPaused.increment();
    log.warn("buffer budget saturated ({} of {} bytes held, {} bytes of direct memory used): stopped reading {},"
        + " whose peer does not drain", held.get(), limit, directUsed.getAsLong(), connection);
  }

  /** A connection not being read gets TCP keepalive, so that a peer whose reset was lost is found. */
  void peerProbed(String connection) {
    peerProbes.increment();
    probeLog.warn("{} is not being read: its peer is probed (TCP keepalive), in case it left and its reset was lost",
        connection);
  }

  void allocationFailed(String connection, Throwable cause) {
    allocationFailures.increment();
    log.warn("allocation failed, resetting {}: {}", connection, cause.toString());
  }

  /**
   * Looks at every account again, then resets the largest while the budget is exhausted and reads
   * again from paused connections the budget now allows; once a second, connections not being
   * read are released if their peer has reset them, and told if it has sent FIN. Runs on the
   * monitor thread.
   */
  void sweep() {
    if (++sweeps % SWEEPS_PER_RESET_CHECK == 0) {
      accounts.forEach(a -> a.reader().checkPeerWhileNotRead());
    }
    accounts.forEach(ReadAccount::refresh);
    updateState();
    for (ReadAccount account : toReset()) {
      resets.increment();
      log.warn("buffer budget exhausted ({} of {} bytes held, {} bytes of direct memory used): resetting a"
          + " connection holding {} bytes", held.get(), limit, directUsed.getAsLong(), account.held());
      account.reader().reset();
    }
    resumePaused();
  }

  /**
   * Paused connections whose peer has drained are read again, in small reads. Below the
   * saturation level, the others are read again only as far as the headroom goes, one full read
   * each: all of them at once, thousands of full reads, would overshoot the budget by far.
   */
  private void resumePaused() {
    long headroom = -overSaturation();
    for (ReadAccount account : accounts) {
      if (!account.paused() || !mayRead(account)) {
        continue;
      }
      if (account.held() > DRAINING_BYTES) {
        if (headroom <= 0) {
          continue;
        }
        headroom -= readBurstBytes;
      }
      account.reader().resume();
    }
  }

  private void updateState() {
    long over = overSaturation();
    OverloadState next;
    if (atLimit() || (state == OverloadState.EXHAUSTED && over >= 0)) {
      next = OverloadState.EXHAUSTED; // until back under the saturation level
    } else if (over >= 0) {
      next = OverloadState.SATURATED;
    } else {
      next = OverloadState.NORMAL;
    }
    if (next != state) {
      stateLog.warn("buffer budget: {} -> {} ({} of {} bytes held, {} bytes of direct memory used)", state, next,
          held.get(), limit, directUsed.getAsLong());
      state = next;
    }
  }

  /** Largest first, until what they hold covers what is over the saturation level. */
  List<ReadAccount> toReset() {
    if (state != OverloadState.EXHAUSTED) {
      return List.of();
    }
    // Sizes change while this runs: sort a snapshot of them, not the live values.
    List<Map.Entry<ReadAccount, Long>> largest = new ArrayList<>();
    accounts.forEach(a -> largest.add(Map.entry(a, a.held())));
    largest.sort(Map.Entry.<ReadAccount, Long>comparingByValue().reversed());
    List<ReadAccount> chosen = new ArrayList<>();
    long over = overSaturation();
    for (Map.Entry<ReadAccount, Long> account : largest) {
      if (over < 0 || chosen.size() == MAX_RESETS_PER_SWEEP || account.getValue() <= DRAINING_BYTES) {
        break;
      }
      chosen.add(account.getKey());
      over -= account.getValue();
    }
    return chosen;
  }

  public OverloadState state() {
    return state;
  }

  public long held() {
    return held.get();
  }

  /** For /stats, after Envoy's overload stats. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("overload.buffer_budget_bytes", limit);
    out.put("overload.buffer_held_bytes", Math.max(0, held.get()));
    out.put("overload.state", (long) state.ordinal());
    out.put("overload.reads_paused_total", readsPaused.sum());
    out.put("overload.cx_reset_total", resets.sum());
    out.put("overload.alloc_failures_total", allocationFailures.sum());
    out.put("overload.peer_probes_total", peerProbes.sum());
    out.put("overload.direct_memory_used_bytes", directUsed.getAsLong());
    out.put("overload.direct_memory_limit_bytes", directLimit);
    return out;
  }
}
