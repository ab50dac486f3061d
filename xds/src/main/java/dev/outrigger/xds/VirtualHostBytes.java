package dev.outrigger.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A serialized route configuration split, without parsing it, into the bytes of each virtual host
 * and the bytes of everything else: istiod sends one configuration per port with a virtual host
 * per service, whole, for one service added; split, only the virtual hosts whose bytes are new
 * need parsing. The parts are slices of the configuration's bytes (no copy). Parsing the parts
 * gives what parsing the whole gives: protobuf keeps the order of a repeated field's elements on
 * the wire, and the other fields keep theirs.
 */
final class VirtualHostBytes {
  /** A tag is (field number << 3) | wire type (WireFormat.makeTag is not public). */
  private static final int VIRTUAL_HOST_TAG =
      RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /**
   * @param withoutVirtualHosts the configuration's other fields, as a configuration with no virtual host
   * @param virtualHosts each virtual host's bytes, in order
   */
  record Split(ByteString withoutVirtualHosts, List<ByteString> virtualHosts) {}

  private VirtualHostBytes() {}

  /** @throws InvalidProtocolBufferException if the bytes are not a message at the top level */
  static Split split(ByteString config) throws InvalidProtocolBufferException {
    List<ByteString> hosts = new ArrayList<>();
    ByteString rest = ByteString.EMPTY;
    CodedInputStream in = config.newCodedInput();
    try {
      int fieldStart = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == VIRTUAL_HOST_TAG) {
          int length = in.readRawVarint32();
          int start = in.getTotalBytesRead();
          in.skipRawBytes(length);
          hosts.add(config.substring(start, start + length));
        } else if (in.skipField(tag)) {
          rest = rest.concat(config.substring(fieldStart, in.getTotalBytesRead()));
        } else {
          throw new InvalidProtocolBufferException("an end-group tag at the top level of a route configuration");
        }
        fieldStart = in.getTotalBytesRead();
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) { // declared by CodedInputStream; bytes in memory only fail as above
      throw new InvalidProtocolBufferException(e);
    }
    return new Split(rest, hosts);
  }
}
