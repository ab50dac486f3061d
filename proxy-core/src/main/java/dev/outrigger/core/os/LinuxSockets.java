package dev.outrigger.core.os;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The few Linux socket calls the JDK and Netty do not expose: reading the pre-NAT destination of a
 * redirected connection (SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST) and switching a thread's filesystem uid (which is the uid the kernel stamps on new
 * sockets, and so the uid iptables' owner match sees).
 */
public final class LinuxSockets {
  private static final int SOL_IP = 0;
  private static final int SOL_IPV6 = 41;
  /** Same number for both families: SO_ORIGINAL_DST (linux/netfilter_ipv4.h) and IP6T_SO_ORIGINAL_DST. */
  private static final int SO_ORIGINAL_DST = 80;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCKADDR_IN_LEN = 16;
  private static final int SOCKADDR_IN6_LEN = 28;

  /** libc, bound by jnr-ffi. Public only because jnr generates an implementation of it. */
  public interface LibC {
    int getsockopt(int fd, int level, int optname, @Out byte[] optval, IntByReference optlen);

    int setfsuid(int fsuid);

    int setfsgid(int fsgid);
  }

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  }

  private LinuxSockets() {}

  /** Binds libc now; throws {@link LinkageError} with jnr's reason when it cannot. */
  public static void ensureLoaded() {
    Runtime.getRuntime(Holder.LIBC);
  }

  /**
   * The destination the client dialled before iptables rewrote it.
   *
   * @param ipv6 whether the accepted socket is an AF_INET6 socket carrying IPv6 traffic
   * @throws OsCallException with the errno when the kernel has no NAT record for the connection
   */
  public static InetSocketAddress originalDestination(int fd, boolean ipv6) throws OsCallException {
    byte[] buf = new byte[ipv6 ? SOCKADDR_IN6_LEN : SOCKADDR_IN_LEN];
    IntByReference len = new IntByReference(buf.length);
    int rc = Holder.LIBC.getsockopt(fd, ipv6 ? SOL_IPV6 : SOL_IP, SO_ORIGINAL_DST, buf, len);
    if (rc != 0) {
      throw new OsCallException(ipv6 ? "getsockopt(IP6T_SO_ORIGINAL_DST)" : "getsockopt(SO_ORIGINAL_DST)", errno());
    }
    return decodeSockaddr(buf);
  }

  /** Decodes a struct sockaddr_in or sockaddr_in6 as the kernel writes it (family in host order). */
  static InetSocketAddress decodeSockaddr(byte[] buf) {
    int family = (buf[0] & 0xff) | (buf[1] & 0xff) << 8;
    int port = (buf[2] & 0xff) << 8 | (buf[3] & 0xff);
    try {
      if (family == AF_INET) {
        return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(buf, 4, 8)), port);
      }
      if (family == AF_INET6) {
        return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(buf, 8, 24)), port);
      }
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
    throw new IllegalArgumentException("unexpected address family " + family);
  }

  /**
   * Sets the calling thread's filesystem uid and gid and returns the previous uid. The Linux
   * syscall is per thread, so only sockets this thread creates afterwards carry the new owner.
   */
  public static int setThreadFsIds(int uid, int gid) {
    Holder.LIBC.setfsgid(gid);
    return Holder.LIBC.setfsuid(uid);
  }

  private static int errno() {
    return Runtime.getRuntime(Holder.LIBC).getLastError();
  }
}
