package dev.outrigger.core.log;

/** Where finished access-log lines go (without their line break). Called on event loops: must not block. */
@FunctionalInterface
public interface LineSink {
  void accept(CharSequence line);
}
