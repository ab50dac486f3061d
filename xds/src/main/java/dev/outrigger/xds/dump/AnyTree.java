package dev.outrigger.xds.dump;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks a message and every {@code Any} inside it, at any depth, including Anys inside the
 * messages Anys hold (a listener holds an HTTP connection manager, which holds filters, which may
 * hold a TypedStruct or a Wasm config holding another Any).
 */
public final class AnyTree {
  /** Bounds the recursion: istiod's deepest nesting is about a dozen; a loop of Anys is hostile. */
  static final int MAX_DEPTH = 100;

  private AnyTree() {}

  /** What to do at each Any. */
  public interface Visitor {
    /** Before the Any is looked into: the same Any to look into it, or a replacement taken as is. */
    default Any before(Any any) {
      return any;
    }

    /** An Any whose type this proxy has no class for, or whose bytes are not that type: kept or replaced. */
    default Any unreadable(Any any) {
      return any;
    }

    /** A type found in an Any and looked into. */
    default void seen(Descriptor type) {}
  }

  /** @return the message with the visitor's replacements, the same instance if there were none */
  public static Message rewrite(Message message, Visitor visitor) {
    return rewrite(message, visitor, 0);
  }

  private static Message rewrite(Message message, Visitor visitor, int depth) {
    if (depth > MAX_DEPTH) {
      return message;
    }
    if (message instanceof Any any) {
      return any(any, visitor, depth);
    }
    Message.Builder builder = null;
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor fd = field.getKey();
      if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (fd.isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        for (int i = 0; i < values.size(); i++) {
          Message value = (Message) values.get(i);
          Message changed = rewrite(value, visitor, depth + 1);
          if (changed != value) {
            builder = builder == null ? message.toBuilder() : builder;
            builder.setRepeatedField(fd, i, changed);
          }
        }
      } else {
        Message value = (Message) field.getValue();
        Message changed = rewrite(value, visitor, depth + 1);
        if (changed != value) {
          builder = builder == null ? message.toBuilder() : builder;
          builder.setField(fd, changed);
        }
      }
    }
    return builder == null ? message : builder.build();
  }

  private static Message any(Any any, Visitor visitor, int depth) {
    Any replaced = visitor.before(any);
    if (replaced != any) {
      return replaced;
    }
    Optional<Message> prototype = ApiTypes.prototype(any.getTypeUrl());
    if (prototype.isEmpty()) {
      return visitor.unreadable(any);
    }
    Message content;
    try {
      content = prototype.get().getParserForType().parseFrom(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      return visitor.unreadable(any);
    }
    visitor.seen(prototype.get().getDescriptorForType());
    Message changed = rewrite(content, visitor, depth + 1);
    return changed == content ? any : Any.newBuilder().setTypeUrl(any.getTypeUrl()).setValue(changed.toByteString()).build();
  }
}
