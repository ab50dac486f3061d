package dev.outrigger.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of each virtual host of a serialized route configuration, in order, as slices of its
 * bytes (no copy): how a virtual host sent again unchanged is known without keeping its parsed
 * message. Protobuf keeps the order of a repeated field's elements on the wire, so the slices line
 * up with {@link RouteConfiguration#getVirtualHostsList()} of the same bytes.
 */
final class VirtualHostBytes {
  /** A tag is (field number << 3) | wire type (WireFormat.makeTag is not public). */
  private static final int VIRTUAL_HOST_TAG =
      RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private VirtualHostBytes() {}

  /**
   * @param config a route configuration's bytes that parsed, with this many virtual hosts
   * @throws IllegalStateException if the bytes do not hold that many (they parsed: a fault of ours)
   */
  static List<ByteString> of(ByteString config, int count) {
    List<ByteString> hosts = new ArrayList<>(count);
    CodedInputStream in = config.newCodedInput();
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == VIRTUAL_HOST_TAG) {
          int length = in.readRawVarint32();
          int start = in.getTotalBytesRead();
          in.skipRawBytes(length);
          hosts.add(config.substring(start, start + length));
        } else if (!in.skipField(tag)) {
          break; // an end-group tag: not in a message that parsed
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("a route configuration that parsed does not scan", e);
    }
    if (hosts.size() != count) {
      throw new IllegalStateException("found " + hosts.size() + " virtual hosts in a route configuration of " + count);
    }
    return hosts;
  }
}
