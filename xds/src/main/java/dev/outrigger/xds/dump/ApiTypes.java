package dev.outrigger.xds.dump;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A type URL of the Envoy API (or one of the APIs it embeds) to its generated class in the
 * {@code io.envoyproxy.controlplane:api} jar. The jar's classes follow each proto file's
 * java_package with java_multiple_files, so the class is the proto's full name under a fixed
 * prefix per API root; nested messages are inner classes. Looked up once per type and cached:
 * istiod sends a few dozen types, over and over.
 */
public final class ApiTypes {
  private static final Logger LOG = LoggerFactory.getLogger(ApiTypes.class);
  /** Proto package root to Java package prefix, as the api jar's protos declare them. */
  private static final List<Map.Entry<String, String>> PACKAGES = List.of(
      Map.entry("envoy.", "io.envoyproxy.envoy."),
      Map.entry("udpa.", "com.github.udpa.udpa."),
      Map.entry("xds.", "com.github.xds."),
      Map.entry("google.protobuf.", "com.google.protobuf."),
      Map.entry("google.rpc.", "com.google.rpc."),
      Map.entry("validate.", "io.envoyproxy.pgv.validate.Validate$"));
  private static final Map<String, Optional<Message>> CACHE = new ConcurrentHashMap<>();

  private ApiTypes() {}

  /** The type name of a type URL: what follows its last '/'. */
  public static String typeName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }

  /** The message type a type URL names, if this proxy has its class. */
  public static Optional<Descriptor> resolve(String typeUrl) {
    return prototype(typeUrl).map(Message::getDescriptorForType);
  }

  /** The type's empty instance (to parse bytes with), if this proxy has its class. */
  public static Optional<Message> prototype(String typeUrl) {
    return CACHE.computeIfAbsent(typeName(typeUrl), ApiTypes::find);
  }

  private static Optional<Message> find(String typeName) {
    Optional<Class<?>> type = classFor(typeName);
    if (type.isEmpty()) {
      LOG.debug("no class for protobuf type {}", typeName);
      return Optional.empty();
    }
    try {
      Method m = type.get().getMethod("getDefaultInstance");
      Message prototype = (Message) m.invoke(null);
      // A class of that name that is some other message is no answer.
      return prototype.getDescriptorForType().getFullName().equals(typeName) ? Optional.of(prototype) : Optional.empty();
    } catch (ReflectiveOperationException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static Optional<Class<?>> classFor(String typeName) {
    for (Map.Entry<String, String> p : PACKAGES) {
      if (!typeName.startsWith(p.getKey())) {
        continue;
      }
      String name = p.getValue() + typeName.substring(p.getKey().length());
      // Try the outermost class first, then each trailing part as an inner class.
      while (true) {
        try {
          Class<?> c = Class.forName(name, false, ApiTypes.class.getClassLoader());
          if (Message.class.isAssignableFrom(c)) {
            return Optional.of(c);
          }
        } catch (ClassNotFoundException | LinkageError notThis) {
          // next candidate
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
          break;
        }
        name = name.substring(0, dot) + '$' + name.substring(dot + 1);
      }
    }
    return Optional.empty();
  }
}
