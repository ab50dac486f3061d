package dev.outrigger.agent.dns;

import dev.outrigger.core.log.RateLimitedLog;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the proxy replies to one query (Istio's LocalDNSServer.ServeDNS): SERVFAIL before the
 * first name table; an authoritative answer for a name in the table (A/AAAA); else a cached or
 * fresh upstream reply; SERVFAIL when every upstream failed. Runs on the DNS event loop.
 */
final class DnsResolver {
  private static final RateLimitedLog warnings =
      new RateLimitedLog(DnsResolver.class.getName(), Duration.ofSeconds(10), "DNS");

  private final AtomicReference<LookupTable> table;
  private final UpstreamForwarder upstream;
  private final ResponseCache cache;
  private final DnsStats stats;

  DnsResolver(AtomicReference<LookupTable> table, UpstreamForwarder upstream, ResponseCache cache, DnsStats stats) {
    this.table = table;
    this.upstream = upstream;
    this.cache = cache;
    this.stats = stats;
  }

  Future<byte[]> resolve(EventLoop loop, DnsQuery query, Transport transport) {
    stats.requests.inc();
    int limit = query.responseLimit(transport);
    LookupTable names = table.get();
    if (names == null) {
      stats.notReady.inc();
      warnings.warn("DNS query for {} before istiod's first name table: SERVFAIL", query.name());
      return loop.newSucceededFuture(DnsWire.failure(query, DnsResponseCode.SERVFAIL));
    }
    Optional<List<Answer>> local = names.lookup(query.type(), query.name());
    if (local.isPresent()) {
      stats.localAnswers.inc();
      return loop.newSucceededFuture(DnsWire.reply(query, DnsResponseCode.NOERROR, true, local.get(), limit));
    }
    Optional<byte[]> cached = cache.get(query).filter(reply -> reply.length <= limit);
    if (cached.isPresent()) {
      stats.cacheHits.inc();
      return loop.newSucceededFuture(cached.get());
    }
    stats.upstreamRequests.inc();
    long start = System.nanoTime();
    Promise<byte[]> result = loop.newPromise();
    upstream.forward(loop, query, transport).addListener(f -> {
      stats.upstreamDuration.observe((System.nanoTime() - start) / 1e9);
      if (f.isSuccess()) {
        byte[] reply = (byte[]) f.getNow();
        cache.put(query, reply);
        result.setSuccess(reply);
      } else {
        stats.upstreamFailures.inc();
        warnings.warn("DNS query for {} {}: SERVFAIL ({})", query.name(), query.type().name(), f.cause().getMessage());
        result.setSuccess(DnsWire.failure(query, DnsResponseCode.SERVFAIL));
      }
    });
    return result;
  }
}
