package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamConnector;
import dev.outrigger.core.route.UpstreamTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector's transport hook: it runs on each new upstream connection before the protocol
 * handlers, and the pools keep connections of different transports to one endpoint apart.
 */
class UpstreamTransportTest {
  /** Stands in for TLS: marks the channel with a handler of its own. */
  private record Marking(String name, AtomicInteger installs) implements UpstreamTransport {
    @Override
    public void install(Channel channel) {
      installs.incrementAndGet();
      channel.pipeline().addLast(name, new ChannelInboundHandlerAdapter());
    }
  }

  // Connections complete in the kernel's backlog: the test only needs them open, never served.
  private ServerSocket endpoint;
  private EventLoopGroup group;
  private EventLoop loop;
  private UpstreamPools pools;
  private final Marking marking = new Marking("transport-under-test", new AtomicInteger());
  private Upstream plaintext;
  private Upstream marked;

  @BeforeEach
  void start() throws Exception {
    endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    loop = group.next();
    pools = new UpstreamPools(new UpstreamConnector(Duration.ofSeconds(5)), HttpSettings.defaults());
    plaintext = Upstream.direct(new InetSocketAddress(endpoint.getInetAddress(), endpoint.getLocalPort()));
    marked = plaintext.withTransport(marking);
  }

  @AfterEach
  void stop() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    endpoint.close();
  }

  @Test
  void http1ConnectionsOfTwoTransportsToOneEndpointAreNotShared() throws Exception {
    Channel plain = acquire(plaintext, false);
    onLoop(() -> { pools.release(loop, plaintext, plain); return null; });
    Channel secured = acquire(marked, false);

    assertNotSame(plain, secured, "an idle plaintext connection is not lent to a TLS upstream");
    assertEquals(1, marking.installs().get());
    assertTrue(plain.pipeline().get(marking.name()) == null, "plaintext installs nothing");
    List<String> names = secured.pipeline().names();
    assertTrue(names.indexOf(marking.name()) >= 0 && names.indexOf(marking.name()) < names.indexOf("codec"),
        "the transport comes before the HTTP codec: " + names);

    onLoop(() -> { pools.release(loop, marked, secured); return null; });
    assertSame(plain, acquire(plaintext, false), "each transport keeps its own idle connection");
    assertSame(secured, acquire(marked, false));
    assertEquals(1, marking.installs().get());
  }

  @Test
  void http2ConnectionsOfTwoTransportsToOneEndpointAreNotShared() throws Exception {
    Channel plainStream = acquire(plaintext, true);
    Channel securedStream = acquire(marked, true);

    assertNotSame(plainStream.parent(), securedStream.parent(), "a TLS stream never rides a plaintext connection");
    assertEquals(1, marking.installs().get());
    List<String> names = securedStream.parent().pipeline().names();
    String codec = securedStream.parent().pipeline().context(Http2FrameCodec.class).name();
    assertTrue(names.indexOf(marking.name()) >= 0 && names.indexOf(marking.name()) < names.indexOf(codec),
        "the transport comes before the HTTP/2 codec: " + names);
    assertSame(plainStream.parent(), acquire(plaintext, true).parent(), "streams of one transport share a connection");
    assertSame(securedStream.parent(), acquire(marked, true).parent());
  }

  private Channel acquire(Upstream upstream, boolean h2) throws Exception {
    Future<UpstreamPools.Borrowed> borrowed = onLoop(() -> pools.acquire(loop, upstream, h2));
    return borrowed.get(5, TimeUnit.SECONDS).channel();
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(5, TimeUnit.SECONDS);
  }
}
