package dev.outrigger.agent.dns;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Upstream replies kept for their TTL, at most {@code capacity} of them (least recently used
 * first out). Confined to the DNS event loop: no locking. Replies are kept as received; a hit is
 * served with the new query's id and the original TTLs (a client may keep it up to twice the TTL).
 */
final class ResponseCache {
  /** Nothing is kept longer than this, whatever the upstream's TTL. */
  static final long MAX_TTL_SECONDS = 300;

  record Key(String name, int type, int dnsClass) {
    static Key of(DnsQuery query) {
      return new Key(query.name().toLowerCase(Locale.ROOT), query.type().intValue(), query.dnsClass());
    }
  }

  private record Entry(byte[] response, long expiresAtNanos) {
  }

  private final int capacity;
  private final LongSupplier nanoTime;
  private final Map<Key, Entry> entries;

  ResponseCache(int capacity, LongSupplier nanoTime) {
    this.capacity = capacity;
    this.nanoTime = nanoTime;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > ResponseCache.this.capacity;
      }
    };
  }

  /** The kept reply for the query, already carrying its id. */
  Optional<byte[]> get(DnsQuery query) {
    if (capacity == 0) {
      return Optional.empty();
    }
    Key key = Key.of(query);
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (nanoTime.getAsLong() - entry.expiresAtNanos >= 0) {
      entries.remove(key);
      return Optional.empty();
    }
    return Optional.of(DnsWire.withId(entry.response, query.id()));
  }

  /** Keeps a complete (not truncated) NOERROR or NXDOMAIN reply that has a TTL above zero. */
  void put(DnsQuery query, byte[] response) {
    if (capacity == 0 || DnsWire.truncated(response)) {
      return;
    }
    int rcode = DnsWire.rcode(response);
    if (rcode != 0 && rcode != 3) {
      return;
    }
    OptionalLong ttl = DnsWire.minimumTtl(response);
    if (ttl.isEmpty() || ttl.getAsLong() <= 0) {
      return;
    }
    long seconds = Math.min(ttl.getAsLong(), MAX_TTL_SECONDS);
    entries.put(Key.of(query), new Entry(response, nanoTime.getAsLong() + seconds * 1_000_000_000L));
  }

  int size() {
    return entries.size();
  }
}
