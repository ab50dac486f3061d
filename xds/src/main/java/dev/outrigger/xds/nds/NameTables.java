package dev.outrigger.xds.nds;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * istiod's {@code istio.networking.nds.v1.NameTable} (src/main/proto/nds.proto) without generated
 * classes: its descriptor built in code, the resource read as a {@link DynamicMessage} (so it
 * prints in the config dump like any other), then turned into plain {@link NameEntry} values.
 */
public final class NameTables {
  public static final String TYPE_URL = "type.googleapis.com/istio.networking.nds.v1.NameTable";
  public static final Descriptor NAME_TABLE = build();
  private static final Descriptor NAME_INFO = NAME_TABLE.findNestedTypeByName("NameInfo");
  private static final Descriptor TABLE_ENTRY = NAME_TABLE.findNestedTypeByName("TableEntry");

  private NameTables() {
  }

  /** One host of the table, as nds.proto's NameInfo. */
  public record NameEntry(List<String> ips, String registry, String shortname, String namespace, List<String> altHosts) {
    public NameEntry {
      ips = List.copyOf(ips);
      altHosts = List.copyOf(altHosts);
    }
  }

  public static DynamicMessage parse(ByteString bytes) throws InvalidProtocolBufferException {
    return DynamicMessage.parseFrom(NAME_TABLE, bytes);
  }

  /** Host name to entry. */
  @SuppressWarnings("unchecked")
  public static Map<String, NameEntry> entries(Message table) {
    Map<String, NameEntry> out = new HashMap<>();
    FieldDescriptor tableField = NAME_TABLE.findFieldByName("table");
    for (Message entry : (List<Message>) table.getField(tableField)) {
      String host = (String) entry.getField(TABLE_ENTRY.findFieldByName("key"));
      Message info = (Message) entry.getField(TABLE_ENTRY.findFieldByName("value"));
      out.put(host, new NameEntry(
          (List<String>) info.getField(NAME_INFO.findFieldByName("ips")),
          (String) info.getField(NAME_INFO.findFieldByName("registry")),
          (String) info.getField(NAME_INFO.findFieldByName("shortname")),
          (String) info.getField(NAME_INFO.findFieldByName("namespace")),
          (List<String>) info.getField(NAME_INFO.findFieldByName("alt_hosts"))));
    }
    return out;
  }

  /** A table message from entries (for tests and test control planes). */
  public static DynamicMessage message(Map<String, NameEntry> entries) {
    DynamicMessage.Builder table = DynamicMessage.newBuilder(NAME_TABLE);
    FieldDescriptor tableField = NAME_TABLE.findFieldByName("table");
    entries.forEach((host, e) -> {
      DynamicMessage.Builder info = DynamicMessage.newBuilder(NAME_INFO);
      e.ips().forEach(ip -> info.addRepeatedField(NAME_INFO.findFieldByName("ips"), ip));
      info.setField(NAME_INFO.findFieldByName("registry"), e.registry());
      info.setField(NAME_INFO.findFieldByName("shortname"), e.shortname());
      info.setField(NAME_INFO.findFieldByName("namespace"), e.namespace());
      e.altHosts().forEach(h -> info.addRepeatedField(NAME_INFO.findFieldByName("alt_hosts"), h));
      table.addRepeatedField(tableField, DynamicMessage.newBuilder(TABLE_ENTRY)
          .setField(TABLE_ENTRY.findFieldByName("key"), host)
          .setField(TABLE_ENTRY.findFieldByName("value"), info.build()).build());
    });
    return table.build();
  }

  private static FieldDescriptorProto field(String name, int number, Type type, Label label) {
    return FieldDescriptorProto.newBuilder().setName(name).setJsonName(jsonName(name)).setNumber(number)
        .setType(type).setLabel(label).build();
  }

  private static String jsonName(String name) {
    int underscore = name.indexOf('_');
    return underscore < 0 ? name : name.substring(0, underscore) + Character.toUpperCase(name.charAt(underscore + 1))
        + name.substring(underscore + 2);
  }

  private static Descriptor build() {
    DescriptorProto nameInfo = DescriptorProto.newBuilder().setName("NameInfo")
        .addField(field("ips", 1, Type.TYPE_STRING, Label.LABEL_REPEATED))
        .addField(field("registry", 2, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
        .addField(field("shortname", 3, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
        .addField(field("namespace", 4, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
        .addField(field("alt_hosts", 5, Type.TYPE_STRING, Label.LABEL_REPEATED).toBuilder()
            .setOptions(com.google.protobuf.DescriptorProtos.FieldOptions.newBuilder().setDeprecated(true)).build())
        .build();
    // map<string, NameInfo> is, on the wire and in descriptors, a repeated nested TableEntry message.
    DescriptorProto tableEntry = DescriptorProto.newBuilder().setName("TableEntry")
        .setOptions(MessageOptions.newBuilder().setMapEntry(true))
        .addField(field("key", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
        .addField(field("value", 2, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL).toBuilder()
            .setTypeName(".istio.networking.nds.v1.NameTable.NameInfo").build())
        .build();
    DescriptorProto nameTable = DescriptorProto.newBuilder().setName("NameTable")
        .addNestedType(nameInfo).addNestedType(tableEntry)
        .addField(field("table", 1, Type.TYPE_MESSAGE, Label.LABEL_REPEATED).toBuilder()
            .setTypeName(".istio.networking.nds.v1.NameTable.TableEntry").build())
        .build();
    FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("dns/proto/nds.proto")
        .setPackage("istio.networking.nds.v1").setSyntax("proto3").addMessageType(nameTable).build();
    try {
      return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]).findMessageTypeByName("NameTable");
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException("nds.proto's descriptor", e);
    }
  }
}
