package dev.outrigger.core.server;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;

/**
 * Keeps a batch's events for a descriptor's previous owner away from a socket that took the number
 * over during that batch.
 *
 * <p>Netty's epoll loop dispatches each batch that epoll_wait returned by descriptor number. When
 * handling one event closes a connection and opens another on the same thread (a retry's connect,
 * a relay's upstream), the kernel gives the new socket the lowest free number, often the one just
 * freed, and an event the closed connection had further on in the batch (its peer's reset, say)
 * is delivered to the new socket: a connect in progress sees EPOLLRDHUP and is closed
 * (StacklessClosedChannelException, 503 UF). A socket registered while a batch is dispatched
 * cannot have events in it (they were collected before it existed), so they are dropped here.
 */
final class ReusedDescriptorGuard implements EpollIoHandle {
  /** The dispatch state of one event loop: which batch, and whether one is being dispatched now. */
  static final class Batches {
    private long current;
    private boolean dispatching;

    void starting() {
      current++;
      dispatching = true;
    }

    void ended() {
      dispatching = false;
    }

    /** The batch a socket registered now is too young for, or -1 between batches. */
    long registering() {
      return dispatching ? current : -1;
    }

    boolean isDispatching(long batch) {
      return dispatching && current == batch;
    }
  }

  private final EpollIoHandle delegate;
  private final Batches batches;
  private final long registeredDuring;

  ReusedDescriptorGuard(EpollIoHandle delegate, Batches batches) {
    this.delegate = delegate;
    this.batches = batches;
    this.registeredDuring = batches.registering();
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    if (registeredDuring >= 0 && batches.isDispatching(registeredDuring)) {
      return; // an event for the descriptor's previous owner
    }
    delegate.handle(registration, event);
  }

  @Override
  public FileDescriptor fd() {
    return delegate.fd();
  }

  @Override
  public void registered() {
    delegate.registered();
  }

  @Override
  public void unregistered() {
    delegate.unregistered();
  }

  @Override
  public void close() throws Exception {
    delegate.close();
  }
}
