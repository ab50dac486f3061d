package dev.outrigger.xds.dump;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.github.xds.type.v3.TypedStruct;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any message as Envoy's JSON, whatever Anys it holds. JsonFormat prints an Any only if its type
 * is in the printer's registry, and one unknown type fails the whole print; so the registry is
 * built from the types actually found in the message (recursively, through every Any), and an Any
 * whose type has no class here (Istio's own: stats.PluginConfig, metadata exchange, ALPN, ...) is
 * printed as {@code {"@type": "<its type URL>", "value": "<its bytes, base64>"}}.
 *
 * <p>Why that form: it keeps istiod's type URL where istiod put it (tools that look for a filter
 * by its type still find it) and carries the bytes unchanged, while still parsing as Envoy JSON
 * for istioctl, whose config-dump reader (istioctl/pkg/util/configdump/wrapper.go) resolves an
 * unknown type to a placeholder message and discards unknown fields; a TypedStruct instead would
 * change the type URL and could not hold the fields, which this proxy cannot name. To print it,
 * each such type name gets a stand-in descriptor of that full name with one bytes field "value"
 * (the Any's own JSON field), and the Any's bytes are wrapped in it.
 */
public final class PrintableJson {
  private static final Logger LOG = LoggerFactory.getLogger(PrintableJson.class);
  /** Stand-in descriptors by type name; istiod uses a handful of types of its own. */
  private static final Map<String, Optional<Descriptor>> STAND_INS = new ConcurrentHashMap<>();
  /** The last registry and the types it was built for: a dump's types rarely change. */
  private static final AtomicReference<Registry> LAST = new AtomicReference<>(new Registry(Set.of(),
      JsonFormat.TypeRegistry.getEmptyTypeRegistry()));

  private record Registry(Set<Descriptor> types, JsonFormat.TypeRegistry registry) {}

  private PrintableJson() {}

  /** Envoy's JSON (proto field names, as Envoy's admin prints them). */
  public static String print(Message message) throws InvalidProtocolBufferException {
    Set<Descriptor> types = new HashSet<>();
    Message printable = AnyTree.rewrite(message, new AnyTree.Visitor() {
      @Override
      public Any unreadable(Any any) {
        return opaque(any, types);
      }

      @Override
      public void seen(Descriptor type) {
        types.add(type);
      }
    });
    return JsonFormat.printer().preservingProtoFieldNames().usingTypeRegistry(registry(types)).print(printable);
  }

  private static JsonFormat.TypeRegistry registry(Set<Descriptor> types) {
    Registry last = LAST.get();
    if (last.types().equals(types)) {
      return last.registry();
    }
    Registry built = new Registry(Set.copyOf(types), JsonFormat.TypeRegistry.newBuilder().add(types).build());
    LAST.set(built);
    return built.registry();
  }

  private static Any opaque(Any any, Set<Descriptor> types) {
    if (any.getTypeUrl().isEmpty() && any.getValue().isEmpty()) {
      return any; // an empty Any prints as {}
    }
    String typeName = ApiTypes.typeName(any.getTypeUrl());
    // A type this proxy knows whose bytes did not parse gets no stand-in of the same name.
    Optional<Descriptor> standIn = ApiTypes.resolve(any.getTypeUrl()).isPresent() ? Optional.empty()
        : STAND_INS.computeIfAbsent(typeName, PrintableJson::standIn);
    if (standIn.isPresent()) {
      types.add(standIn.get());
      Message wrapped = DynamicMessage.newBuilder(standIn.get())
          .setField(standIn.get().findFieldByName("value"), any.getValue()).build();
      return Any.newBuilder().setTypeUrl(any.getTypeUrl()).setValue(wrapped.toByteString()).build();
    }
    // Last resort (a type name no descriptor can have, or bytes that are not their type): a
    // TypedStruct naming the type, with the bytes in base64.
    types.add(TypedStruct.getDescriptor());
    TypedStruct described = TypedStruct.newBuilder().setTypeUrl(any.getTypeUrl())
        .setValue(Struct.newBuilder().putFields("unreadable_bytes_base64", Value.newBuilder()
            .setStringValue(Base64.getEncoder().encodeToString(any.getValue().toByteArray())).build()))
        .build();
    return Any.pack(described);
  }

  private static Optional<Descriptor> standIn(String typeName) {
    int dot = typeName.lastIndexOf('.');
    String pkg = dot < 0 ? "" : typeName.substring(0, dot);
    String simple = typeName.substring(dot + 1);
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("outrigger/stand-in/" + typeName + ".proto")
        .setPackage(pkg)
        .setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName(simple)
            .addField(FieldDescriptorProto.newBuilder().setName("value").setNumber(1)
                .setType(FieldDescriptorProto.Type.TYPE_BYTES).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)))
        .build();
    try {
      return Optional.of(FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName(simple));
    } catch (DescriptorValidationException | RuntimeException e) {
      LOG.debug("no stand-in descriptor for type {}: {}", typeName, e.getMessage());
      return Optional.empty();
    }
  }
}
