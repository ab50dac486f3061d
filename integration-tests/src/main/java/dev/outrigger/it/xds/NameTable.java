package dev.outrigger.it.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * istiod's name table, {@code istio.networking.nds.v1.NameTable} of Istio's pkg/dns/proto/nds.proto,
 * encoded here from the .proto's field numbers, not with the proxy's own descriptor: a mistake
 * there must not be repeated on both ends of the test.
 *
 * <pre>
 * message NameTable {
 *   message NameInfo { repeated string ips = 1; string registry = 2; string shortname = 3; string namespace = 4; }
 *   map&lt;string, NameInfo&gt; table = 1;   // on the wire: repeated { string key = 1; NameInfo value = 2; }
 * }
 * </pre>
 */
public record NameTable(Map<String, NameTable.Host> hosts) {
  public static final String TYPE_URL = "type.googleapis.com/istio.networking.nds.v1.NameTable";
  public static final NameTable EMPTY = new NameTable(Map.of());
  /** The registry istiod names for Kubernetes Services (provider.Kubernetes). */
  public static final String KUBERNETES = "Kubernetes";
  /** The registry of ServiceEntries (provider.External). */
  public static final String EXTERNAL = "External";

  public NameTable {
    hosts = Map.copyOf(hosts);
  }

  /**
   * One host's NameInfo: its addresses; the registry; for a Kubernetes Service its name and
   * namespace (istiod sets them only for registry Kubernetes, and the agent then answers the
   * short forms of the name).
   */
  public record Host(List<String> ips, String registry, String shortname, String namespace) {
    public Host {
      ips = List.copyOf(ips);
    }

    public static Host kubernetesService(String name, String namespace, String vip) {
      return new Host(List.of(vip), KUBERNETES, name, namespace);
    }

    /** A ServiceEntry host with the address istiod auto-allocated (from 240.240.0.0/16). */
    public static Host serviceEntry(String address) {
      return new Host(List.of(address), EXTERNAL, "", "");
    }
  }

  /** The resource as istiod sends it: an Any of the table, with no resource name. */
  public Any toAny() {
    return Any.newBuilder().setTypeUrl(TYPE_URL).setValue(encode()).build();
  }

  private ByteString encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      for (Map.Entry<String, Host> e : new TreeMap<>(hosts).entrySet()) {
        ByteString entry = message(entryOut -> {
          entryOut.writeString(1, e.getKey());
          entryOut.writeBytes(2, message(info -> {
            for (String ip : e.getValue().ips()) {
              info.writeString(1, ip);
            }
            writeIfSet(info, 2, e.getValue().registry());
            writeIfSet(info, 3, e.getValue().shortname());
            writeIfSet(info, 4, e.getValue().namespace());
          }));
        });
        out.writeBytes(1, entry);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }

  /** proto3: a string field at its default ("") is not on the wire. */
  private static void writeIfSet(CodedOutputStream out, int field, String value) throws IOException {
    if (!value.isEmpty()) {
      out.writeString(field, value);
    }
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static ByteString message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return ByteString.copyFrom(bytes.toByteArray());
  }
}
