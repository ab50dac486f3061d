package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One resource of an update: the Any it came in and its message, parsed only when asked for. The
 * client keeps resources in force as their bytes, not as messages: a parsed Istio cluster or
 * endpoint assignment takes several times its serialized size in the heap (nested messages, maps
 * of Struct values, each string twice), and what the proxy runs on is the translation, not the
 * message. So an instance lives for one update, and is parsed only when translated: a resource
 * whose bytes are those already in force is translated from the memo and never parsed, and the
 * others are parsed one at a time, each garbage once translated.
 */
public final class XdsResource {
  private final ResourceType type;
  private final Any sent;
  private Message message;

  private XdsResource(ResourceType type, Any sent, Message message) {
    this.type = type;
    this.sent = sent;
    this.message = message;
  }

  /** A resource as its bytes (received now, or in force); parsed if someone asks for the message. */
  static XdsResource of(ResourceType type, Any sent) {
    return new XdsResource(type, sent, null);
  }

  /** A resource in hand as a message (tests): packed as a server sends it. */
  public static XdsResource of(Message message) {
    Any sent = Any.pack(message);
    ResourceType type = ResourceType.forTypeUrl(sent.getTypeUrl())
        .orElseThrow(() -> new IllegalArgumentException("not an xDS resource type: " + sent.getTypeUrl()));
    return new XdsResource(type, sent, message);
  }

  /** {@link #of(Message)} for each, keeping the names. */
  public static Map<String, XdsResource> of(Map<String, ? extends Message> messages) {
    Map<String, XdsResource> out = new LinkedHashMap<>();
    messages.forEach((name, m) -> out.put(name, of(m)));
    return out;
  }

  /** Whether the message was parsed (or given); tests tell a resource known by its bytes from one read anew. */
  boolean isParsed() {
    return message != null;
  }

  /** The Any as sent: its type URL and bytes; equal bytes are the same resource. */
  public Any sent() {
    return sent;
  }

  /**
   * The message, parsed on the first call.
   *
   * @throws RejectedUpdate if the bytes do not parse (the update carrying them is rejected; bytes
   *     in force parsed when they came)
   */
  public Message message() throws RejectedUpdate {
    if (message == null) {
      try {
        message = type.parse(sent);
      } catch (InvalidProtocolBufferException e) {
        throw type.unparsable(sent, e);
      }
    }
    return message;
  }
}
