package dev.outrigger.iptables.validation;

import jnr.ffi.LibraryLoader;

/**
 * The Linux call neither the JDK nor Netty exposes: switching a thread's filesystem uid, which is
 * the uid the kernel stamps on new sockets, and so the uid iptables' owner match sees. The
 * validation probe dials as the proxy's uid with it.
 */
final class ThreadFsIds {
  /** libc, bound by jnr-ffi. Public only because jnr generates an implementation of it. */
  public interface LibC {
    int setfsuid(int fsuid);

    int setfsgid(int fsgid);
  }

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  }

  private ThreadFsIds() {}

  /**
   * Sets the calling thread's filesystem uid and gid and returns the previous uid. The Linux
   * syscall is per thread, so only sockets this thread creates afterwards carry the new owner.
   */
  static int set(int uid, int gid) {
    Holder.LIBC.setfsgid(gid);
    return Holder.LIBC.setfsuid(uid);
  }
}
