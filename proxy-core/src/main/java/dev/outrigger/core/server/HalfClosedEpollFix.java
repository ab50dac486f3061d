package dev.outrigger.core.server;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Works around a Netty 4.2.18 epoll defect that loses data on half-closed connections.
 *
 * <p>When a channel's interest set becomes empty, Netty removes its fd from epoll
 * (EPOLL_CTL_DEL) but its registration still counts as added, so the next interest change is an
 * EPOLL_CTL_MOD that fails with ENOENT. A relayed connection whose peer sent FIN has an empty
 * interest set as soon as nothing is pending; when it later has to wait to write (EPOLLOUT), the
 * failure shuts its output and drops the queued bytes. Here an empty interest set is submitted as
 * EPOLLET alone instead: the fd stays registered, and EPOLLHUP/EPOLLERR, which epoll always
 * reports, come once (edge-triggered) rather than in a loop, which is what the removal was for.
 * The next real interest change re-arms the fd level-triggered as Netty expects.
 *
 * <p>The same registration also leaves EPOLLRDHUP out while nothing is to be read
 * ({@link PeerCloseWhileReading}), and a socket that takes over a descriptor number while a batch
 * of events is dispatched does not get that batch's events for the number's previous owner
 * ({@link ReusedDescriptorGuard}).
 */
public final class HalfClosedEpollFix implements IoHandlerFactory {
  private final IoHandlerFactory delegate;

  private HalfClosedEpollFix(IoHandlerFactory delegate) {
    this.delegate = delegate;
  }

  /** Netty's epoll handler factory with the fix applied. */
  public static IoHandlerFactory epoll() {
    return new HalfClosedEpollFix(EpollIoHandler.newFactory());
  }

  @Override
  public IoHandler newHandler(ThreadAwareExecutor executor) {
    return new Handler(delegate.newHandler(executor));
  }

  @Override
  public boolean isChangingThreadSupported() {
    return delegate.isChangingThreadSupported();
  }

  private static final class Handler implements IoHandler {
    private final IoHandler delegate;
    private final ReusedDescriptorGuard.Batches batches = new ReusedDescriptorGuard.Batches();

    Handler(IoHandler delegate) {
      this.delegate = delegate;
    }

    @Override
    public void initialize() {
      delegate.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
      batches.starting(); // one epoll_wait and the dispatch of what it returned
      try {
        return delegate.run(context);
      } finally {
        batches.ended();
      }
    }

    @Override
    public void prepareToDestroy() {
      delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
      delegate.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
      IoHandle guarded = handle instanceof EpollIoHandle epoll ? new ReusedDescriptorGuard(epoll, batches) : handle;
      return new Registration(delegate.register(guarded));
    }

    @Override
    public void wakeup() {
      delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
      return delegate.isCompatible(handleType);
    }
  }

  private static final class Registration implements IoRegistration {
    private final IoRegistration delegate;

    Registration(IoRegistration delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T attachment() {
      return delegate.attachment();
    }

    @Override
    public long submit(IoOps ops) {
      IoOps wanted = PeerCloseWhileReading.adjust(ops);
      return delegate.submit(EpollIoOps.NONE.equals(wanted) || EpollIoOps.EPOLLET.equals(wanted)
          ? EpollIoOps.EPOLLET : wanted);
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public boolean cancel() {
      return delegate.cancel();
    }
  }
}
