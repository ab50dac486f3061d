package dev.outrigger.xds;

import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.Map;

/**
 * The translations of the last accepted resources of one kind, each with the message it was made
 * from, so that an update translates only what changed: istiod sends every cluster and the whole
 * route configuration again when one service is added to the mesh, and translating all of it made
 * each such push allocate in proportion to the mesh: new translations equal to the ones in force,
 * which then replaced them, so the long-lived old ones became garbage.
 *
 * <p>An update asks for each resource's translation through an {@link Update}: a message equal to
 * the one last accepted under its key gets that translation back (the same instance), any other is
 * translated anew. What an update translated becomes the memo only when it is {@linkplain
 * Update#commit() committed}, once the whole update was accepted: a rejected update leaves the
 * memo as it was, so it never hands out a translation that was never in force. Keys the update did
 * not ask for are forgotten on commit (the resource is gone).
 *
 * <p>Touched only on the xDS client's thread.
 *
 * @param <K> what a resource is known by (its name)
 * @param <M> the xDS resource as compared: its Any (type URL and bytes), as the client keeps it
 * @param <T> its translation; a pure function of the message, else reusing it would be wrong
 */
final class TranslationMemo<K, M extends Message, T> {
  /** How a message becomes its translation; may reject it. */
  @FunctionalInterface
  interface Translation<M, T> {
    T translate(M message) throws RejectedUpdate;
  }

  private Map<K, Translated<M, T>> accepted = Map.of();

  /** Starts an update; nothing it translates is kept unless it is committed. */
  Update update() {
    return new Update();
  }

  /** How many translations the memo holds (the resources of the last committed update). */
  int size() {
    return accepted.size();
  }

  /**
   * A message and its translation. The message kept is the latest equal one, not the first: the
   * memo then refers to the resource in force and keeps no older copy alive in the heap.
   */
  private record Translated<M, T>(M message, T translation) {}

  /** One update's translations, pending until it is accepted. */
  final class Update {
    private final Map<K, Translated<M, T>> translated = new HashMap<>();
    private int reused;

    private Update() {}

    /** The translation of {@code message} known as {@code key}: the last accepted one if the message equals its. */
    T translate(K key, M message, Translation<M, T> translation) throws RejectedUpdate {
      Translated<M, T> last = accepted.get(key);
      // An Any (what the client keeps resources as) compares its type URL and bytes.
      if (last != null && last.message().equals(message)) {
        reused++;
        translated.put(key, last.message() == message ? last : new Translated<>(message, last.translation()));
        return last.translation();
      }
      T result = translation.translate(message);
      translated.put(key, new Translated<>(message, result));
      return result;
    }

    /** The translation in force for {@code key} (the last committed update's), or null. */
    T accepted(K key) {
      Translated<M, T> last = accepted.get(key);
      return last == null ? null : last.translation();
    }

    /** How many translations this update reused rather than made. */
    int reused() {
      return reused;
    }

    /** How many resources this update asked for. */
    int size() {
      return translated.size();
    }

    /** The update was accepted: its translations are now the ones to reuse. */
    void commit() {
      accepted = translated;
    }
  }
}
