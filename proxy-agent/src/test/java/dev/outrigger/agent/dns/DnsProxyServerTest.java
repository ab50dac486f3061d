package dev.outrigger.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy on an ephemeral port against a scripted upstream on loopback (UDP and TCP). */
class DnsProxyServerTest {
  private final FakeUpstream upstream = new FakeUpstream();
  private DnsProxyServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private DnsProxyServer start(List<InetSocketAddress> upstreams, Duration timeout, int cacheSize) throws Exception {
    return start(List.of(new InetSocketAddress("127.0.0.1", 0)), upstreams, timeout, cacheSize);
  }

  private DnsProxyServer start(List<InetSocketAddress> listen, List<InetSocketAddress> upstreams, Duration timeout,
      int cacheSize) throws Exception {
    DnsProxyConfig config = new DnsProxyConfig(listen,
        new ResolvConf(upstreams, List.of("default.svc.cluster.local")), ProxyDomain.forNamespace("default"), timeout,
        cacheSize);
    server = new DnsProxyServer(config, new DnsStats());
    server.update(new NameTable(Map.of("api.example.com",
        NameTable.NameInfo.serviceEntry(List.of(InetAddress.getByName("240.240.0.1"))))));
    server.start();
    return server;
  }

  static byte[] query(int id, String name, DnsRecordType type) throws Exception {
    ByteBuf out = Unpooled.buffer();
    out.writeShort(id).writeShort(0x0100).writeShort(1).writeZero(6);
    DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), out);
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    return bytes;
  }

  private byte[] udp(byte[] message) throws Exception {
    return udp(message, server.address());
  }

  private static byte[] udp(byte[] message, InetSocketAddress to) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      socket.send(new DatagramPacket(message, message.length, to));
      DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
      socket.receive(reply);
      return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
    }
  }

  private byte[] tcp(byte[] message) throws Exception {
    try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(message.length);
      out.write(message);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] reply = new byte[in.readUnsignedShort()];
      in.readFully(reply);
      return reply;
    }
  }

  private static int answerCount(byte[] reply) {
    return ((reply[6] & 0xFF) << 8) | (reply[7] & 0xFF);
  }

  @Test
  void aDualStackPodsProxyAnswersOnBothLoopbacksOnOnePort() throws Exception {
    // As Istio's agent for a resolv.conf with an IPv4 and an IPv6 nameserver: the capture rules of each
    // family redirect to its own loopback.
    List<InetSocketAddress> listen = DnsProxyConfig.listenAddresses("localhost:0",
        List.of(new InetSocketAddress("10.96.0.10", 53), new InetSocketAddress("fd00::10", 53)));
    start(listen, List.of(upstream.address()), Duration.ofSeconds(1), 16);
    assertEquals(2, server.addresses().size(), server.addresses().toString());
    for (InetSocketAddress address : server.addresses()) {
      assertEquals(server.address().getPort(), address.getPort());
      assertEquals(1, answerCount(udp(query(11, "api.example.com.", DnsRecordType.A), address)), address.toString());
    }
    assertTrue(server.addresses().get(1).getAddress() instanceof java.net.Inet6Address, server.addresses().toString());
  }

  @Test
  void knownNameIsAnsweredLocallyAndAuthoritatively() throws Exception {
    start(List.of(upstream.address()), Duration.ofSeconds(1), 16);
    byte[] reply = udp(query(7, "api.example.com.", DnsRecordType.A));
    assertEquals(7, DnsWire.id(reply));
    assertEquals(0, DnsWire.rcode(reply));
    assertTrue((reply[2] & 0x04) != 0, "AA");
    assertEquals(1, answerCount(reply));
    byte[] address = java.util.Arrays.copyOfRange(reply, reply.length - 4, reply.length);
    assertEquals("240.240.0.1", InetAddress.getByAddress(address).getHostAddress());
    assertEquals(0, upstream.udpQueries.get());
  }

  @Test
  void unknownNameIsForwardedOverTheSameTransportAndCached() throws Exception {
    start(List.of(upstream.address()), Duration.ofSeconds(1), 16);
    byte[] first = udp(query(9, "other.test.", DnsRecordType.A));
    assertEquals(9, DnsWire.id(first));
    assertEquals(1, answerCount(first));
    byte[] again = udp(query(10, "other.test.", DnsRecordType.A));
    assertEquals(10, DnsWire.id(again));
    assertEquals(1, upstream.udpQueries.get(), "the second came from the cache");
    assertEquals(1, server.stats().value("cacheHits"));
    byte[] overTcp = tcp(query(11, "tcp.test.", DnsRecordType.A));
    assertEquals(11, DnsWire.id(overTcp));
    assertEquals(1, upstream.tcpQueries.get());
  }

  @Test
  void nxdomainIsPassedOn() throws Exception {
    start(List.of(upstream.address()), Duration.ofSeconds(1), 16);
    assertEquals(3, DnsWire.rcode(udp(query(12, "nx.test.", DnsRecordType.A))));
  }

  @Test
  void truncatedUdpReplyIsPassedOnAndTheTcpRetryGoesUpstreamOverTcp() throws Exception {
    start(List.of(upstream.address()), Duration.ofSeconds(1), 16);
    byte[] reply = udp(query(13, "big.test.", DnsRecordType.A));
    assertTrue(DnsWire.truncated(reply));
    byte[] full = tcp(query(14, "big.test.", DnsRecordType.A));
    assertTrue(!DnsWire.truncated(full));
    assertEquals(40, answerCount(full));
  }

  @Test
  void silentUpstreamGivesServfailAfterTheTimeoutAndTheNextServerIsTried() throws Exception {
    try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      InetSocketAddress silent = new InetSocketAddress("127.0.0.1", blackHole.getLocalPort());
      start(List.of(silent), Duration.ofMillis(300), 16);
      long t0 = System.nanoTime();
      byte[] reply = udp(query(15, "other.test.", DnsRecordType.A));
      assertEquals(2, DnsWire.rcode(reply));
      assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
      assertEquals(1, server.stats().value("timeout"));
      assertEquals(1, server.stats().value("upstreamFailures"));
    }
  }

  @Test
  void refusedUpstreamIsSkippedForTheNextOne() throws Exception {
    InetSocketAddress closed;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    start(List.of(closed, upstream.address()), Duration.ofSeconds(2), 0);
    for (int i = 0; i < 4; i++) { // the order is random: at least one query meets the closed port first
      assertEquals(0, DnsWire.rcode(udp(query(20 + i, "other.test.", DnsRecordType.A))));
    }
    assertTrue(server.stats().value("refused") >= 1 || upstream.udpQueries.get() == 4);
  }

  @Test
  void badPacketsAreCountedAndTheServerKeepsServing() throws Exception {
    start(List.of(upstream.address()), Duration.ofSeconds(1), 16);
    try (DatagramSocket socket = new DatagramSocket()) {
      byte[] junk = {1, 2, 3};
      socket.send(new DatagramPacket(junk, junk.length, server.address()));
    }
    byte[] badQuestion = {0, 42, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'a'};
    byte[] formerr = udp(badQuestion);
    assertEquals(42, DnsWire.id(formerr));
    assertEquals(1, DnsWire.rcode(formerr));
    assertEquals(0, DnsWire.rcode(udp(query(16, "api.example.com.", DnsRecordType.A))));
    assertEquals(2, server.stats().value("badQueries"));
  }

  /** Answers other names with 192.0.2.1 (TTL 60), nx.* with NXDOMAIN, big.* with 40 records (too big for 512 bytes over UDP). */
  static final class FakeUpstream implements AutoCloseable {
    final AtomicInteger udpQueries = new AtomicInteger();
    final AtomicInteger tcpQueries = new AtomicInteger();
    private final DatagramSocket udp;
    private final ServerSocket tcp;

    FakeUpstream() {
      try {
        udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        tcp = new ServerSocket(udp.getLocalPort(), 10, InetAddress.getLoopbackAddress());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      for (Runnable loop : List.<Runnable>of(this::serveUdp, this::serveTcp)) {
        Thread thread = new Thread(loop, "fake-dns-upstream");
        thread.setDaemon(true);
        thread.start();
      }
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", udp.getLocalPort());
    }

    private void serveUdp() {
      byte[] buffer = new byte[65535];
      while (!udp.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          udp.receive(packet);
          udpQueries.incrementAndGet();
          byte[] reply = answer(java.util.Arrays.copyOf(packet.getData(), packet.getLength()), true);
          udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        } catch (Exception e) {
          return;
        }
      }
    }

    private void serveTcp() {
      while (!tcp.isClosed()) {
        try (Socket s = tcp.accept()) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] q = new byte[in.readUnsignedShort()];
          in.readFully(q);
          tcpQueries.incrementAndGet();
          byte[] reply = answer(q, false);
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          out.writeShort(reply.length);
          out.write(reply);
          out.flush();
        } catch (Exception e) {
          if (tcp.isClosed()) {
            return;
          }
        }
      }
    }

    private static byte[] answer(byte[] wire, boolean udp) throws Exception {
      DnsQuery q = DnsWire.parseQuery(Unpooled.wrappedBuffer(wire));
      if (q.name().startsWith("nx.")) {
        return DnsWire.failure(q, io.netty.handler.codec.dns.DnsResponseCode.NXDOMAIN);
      }
      int count = q.name().startsWith("big.") ? 40 : 1;
      List<Answer> answers = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        answers.add(new Answer(q.name(), DnsRecordType.A, 60, InetAddress.getByName("192.0.2." + (i + 1)), null));
      }
      return DnsWire.reply(q, io.netty.handler.codec.dns.DnsResponseCode.NOERROR, false, answers, q.responseLimit(udp ? Transport.UDP : Transport.TCP));
    }

    @Override
    public void close() throws Exception {
      udp.close();
      tcp.close();
    }
  }
}
