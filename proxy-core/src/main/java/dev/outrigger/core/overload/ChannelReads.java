package dev.outrigger.core.overload;

import dev.outrigger.core.relay.Resets;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;

/**
 * The reads of one channel under a {@link BufferBudget}: its account, its read requests (each
 * one looks at the peer's queue first), and what the budget's sweep asks of it.
 */
final class ChannelReads implements ReadAccount.Reader {
  static final AttributeKey<ChannelReads> KEY = AttributeKey.valueOf(ChannelReads.class, "reads");

  /** Linux's TCP_ESTABLISHED. */
  private static final int TCP_ESTABLISHED = 1;
  /** Linux's TCP_CLOSE: what a socket is in once its peer has reset it. */
  private static final int TCP_CLOSE = 7;
  /** Linux's TCP_CLOSE_WAIT: the peer has sent FIN, this side has not closed yet. */
  private static final int TCP_CLOSE_WAIT = 8;
  /**
   * TCP keepalive for a connection that is not being read ({@link #probePeer}): the first probe
   * after this many seconds without a segment from the peer, then one every as many seconds, and
   * the connection fails after {@link #PEER_PROBE_COUNT} unanswered ones. A peer that is gone
   * answers the first probe with a reset, which (unlike its own) carries the expected sequence.
   */
  static final int PEER_PROBE_IDLE_SECONDS = 5;
  static final int PEER_PROBE_COUNT = 3;

  private final Channel channel;
  private final BufferBudget budget;
  private final ReadAccount account;
  // Written on the channel's event loop, read by the sweep.
  private volatile Channel peer;
  // Written on the event loop, read by the sweep: a read was asked for and has not started yet.
  private volatile boolean readRequested;
  // On the event loop: a FIN seen by the sweep was told to the pipeline.
  private boolean halfCloseTold;
  // On the event loop: the kernel probes the peer (TCP keepalive) since the sweep found it not read.
  private boolean peerProbed;

  private ChannelReads(Channel channel, BufferBudget budget) {
    this.channel = channel;
    this.budget = budget;
    this.account = budget.open(this);
  }

  /** Puts a new channel's reads under the budget; before its first read. */
  static ChannelReads install(Channel channel, BufferBudget budget) {
    ChannelReads reads = new ChannelReads(channel, budget);
    channel.attr(KEY).set(reads);
    channel.config().setRecvByteBufAllocator(new BudgetedReadAllocator(budget, reads.account, reads));
    channel.closeFuture().addListener((ChannelFutureListener) f -> budget.close(reads.account));
    channel.pipeline().addFirst(ReadRequestWatch.NAME, new ReadRequestWatch(reads));
    return reads;
  }

  /** A read request from the protocol code, on the channel's event loop: read now, or pause. */
  void read(Channel peer) {
    this.peer = peer;
    account.set(queuedOn(peer));
    if (budget.mayRead(account)) {
      account.unpause();
      channel.read();
    } else if (account.pause()) {
      budget.paused(channel.toString());
    }
  }

  void readRequested() {
    readRequested = true;
  }

  /**
   * A read burst starts. One nobody asked for comes from an error epoll reported (it always
   * reports EPOLLERR and EPOLLHUP). If the peer reset the connection while data was still queued
   * in its socket, the burst reads some of that data, stops at the budget or the other side's
   * backpressure, and the error behind the data would wait for a read nobody asks for: the
   * connection, and what it holds, would stay until its peer drains. Such a connection is failed
   * here instead, as the read would have failed once it got to the end.
   */
  void burstStarts() {
    if (readRequested) {
      readRequested = false;
      return;
    }
    if (peerReset()) {
      channel.eventLoop().execute(this::failAsReset);
    }
  }

  /**
   * The same for a connection whose last read left the error behind data and which is not read
   * again (its peer does not drain): the sweep asks every second. A FIN is not read past the data
   * before it (see PeerCloseWhileReading), so a peer that sent FIN while the connection is not
   * read is only told to the pipeline, once, as {@link PeerHalfClosed}: an HTTP exchange waiting
   * for its answer then knows its client left, as Envoy's early close detection knows it.
   */
  @Override
  public void checkPeerWhileNotRead() {
    // Connected channels only: a socket still connecting (or not yet) is in TCP_CLOSE too, and
    // failing it would turn a connect in progress into a refused one (503 UF, "null").
    if (readRequested || !channel.isActive()) {
      return; // being read: the read gets to the error or the FIN
    }
    channel.eventLoop().execute(() -> {
      if (readRequested || !(channel instanceof EpollSocketChannel epoll) || !channel.isActive()) {
        return;
      }
      int state = epoll.tcpInfo().state();
      if (state == TCP_CLOSE) {
        failAsReset();
      } else if (state == TCP_CLOSE_WAIT && !halfCloseTold) {
        halfCloseTold = true;
        channel.pipeline().fireUserEventTriggered(PeerHalfClosed.INSTANCE);
      } else if (state == TCP_ESTABLISHED && !peerProbed) {
        peerProbed = true;
        probePeer(epoll);
      }
    });
  }

  /**
   * A peer's own reset is not always seen. A socket that is not read closes its receive window;
   * when the peer resets with data of its own still unacknowledged (a flood's connections, or a
   * proxy's upstream that had data queued), the reset's sequence number lies past that window, or
   * inside it but not where the kernel expects, and the kernel drops it (RFC 5961: at most a
   * challenge ACK, rate-limited per socket). The socket stays ESTABLISHED, the proxy writes
   * nothing on it, and the connection would be held until the idle timeout, an hour. So once such
   * a connection is seen, its kernel probes the peer with TCP keepalive: a peer that is gone
   * answers with a reset at the exact sequence (released at once, as any reset), one that does
   * not answer at all fails the connection after a few probes, and a live peer just acknowledges.
   * It stays on once set: the reset may be lost while the connection is held back and found
   * only after reading resumed, with nothing left to read. Envoy sets no keepalive on accepted
   * connections by default; it is limited here to connections the proxy has stopped reading.
   */
  private void probePeer(EpollSocketChannel epoll) {
    try {
      epoll.config().setOption(EpollChannelOption.TCP_KEEPIDLE, PEER_PROBE_IDLE_SECONDS);
      epoll.config().setOption(EpollChannelOption.TCP_KEEPINTVL, PEER_PROBE_IDLE_SECONDS);
      epoll.config().setOption(EpollChannelOption.TCP_KEEPCNT, PEER_PROBE_COUNT);
      epoll.config().setOption(ChannelOption.SO_KEEPALIVE, true);
      budget.peerProbed(channel.toString());
    } catch (RuntimeException closedMeanwhile) {
      // The socket went away since the state was read: nothing is left to probe.
    }
  }

  private boolean peerReset() {
    return channel instanceof EpollSocketChannel && channel.isActive()
        && ((EpollSocketChannel) channel).tcpInfo().state() == TCP_CLOSE;
  }

  private void failAsReset() {
    if (channel.isOpen()) {
      channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer (seen before its data)"));
      channel.close();
    }
  }

  @Override
  public long queued() {
    Channel p = peer;
    return p == null ? -1 : queuedOn(p);
  }

  @Override
  public void resume() {
    channel.eventLoop().execute(() -> {
      if (account.paused() && channel.isActive()) {
        read(peer);
      }
    });
  }

  @Override
  public void reset() {
    channel.eventLoop().execute(() -> {
      if (!channel.isOpen()) {
        return; // closed since the sweep chose it (its peer's reset, say): nothing left to free
      }
      // The protocol code sees a failed connection (flags, counters, its own resets), then both
      // sides go with a RST, which frees what their queues hold.
      channel.pipeline().fireExceptionCaught(new BufferBudgetExhaustedException());
      Channel p = peer;
      if (p != null) {
        Resets.reset(p);
      }
      Resets.reset(channel);
    });
  }

  /** Bytes written to {@code peer} and not yet taken by its socket (0 once it is closed). */
  private static long queuedOn(Channel peer) {
    if (peer == null) {
      return 0;
    }
    ChannelOutboundBuffer queue = peer.unsafe().outboundBuffer();
    return queue == null ? 0 : queue.totalPendingWriteBytes();
  }
}
