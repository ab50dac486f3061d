package dev.outrigger.core.server;

import io.netty.channel.IoOps;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Asks the kernel for EPOLLRDHUP (the peer sent FIN) only while the channel also asks for
 * EPOLLIN, i.e. while the proxy wants to read it.
 *
 * <p>Netty's epoll transport, once it sees EPOLLRDHUP, reads the socket to its end in a loop of
 * event-loop tasks whether or not a read was requested (so that it can report the half-close).
 * A client that writes a lot into a slow upstream and then sends FIN would have everything its
 * socket holds read into the proxy's memory, past every bit of backpressure; thousands of them
 * exhaust the direct memory. Without EPOLLRDHUP the FIN is seen by the next read the proxy asks
 * for, after the data before it, as for any other byte. A reset still arrives at once: epoll
 * always reports EPOLLERR and EPOLLHUP, and Netty's read on EPOLLERR gets ECONNRESET, so a
 * connection its peer reset is released even while it is not being read.
 */
final class PeerCloseWhileReading {
  private PeerCloseWhileReading() {}

  static IoOps adjust(IoOps ops) {
    if (!(ops instanceof EpollIoOps)) {
      return ops;
    }
    EpollIoOps epoll = (EpollIoOps) ops;
    return epoll.contains(EpollIoOps.EPOLLIN) ? epoll : epoll.without(EpollIoOps.EPOLLRDHUP);
  }
}
