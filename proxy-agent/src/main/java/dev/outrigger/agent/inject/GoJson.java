package dev.outrigger.agent.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON written byte for byte as Go's encoding/json writes it, for values Istio's agent (or ours,
 * reading Istio's format) parses from an environment variable: compact, and with Go's HTML-safe
 * escapes of {@code <}, {@code >}, {@code &}, U+2028 and U+2029. Callers give maps in the field
 * order of the Go struct, or sorted for a Go map.
 */
final class GoJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setCharacterEscapes(new GoEscapes());
  }

  private GoJson() {}

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new InjectionException("cannot write " + value + " as JSON: " + e.getOriginalMessage());
    }
  }

  static ObjectMapper reader() {
    return JSON;
  }

  private static final class GoEscapes extends CharacterEscapes {
    private final int[] ascii = standardAsciiEscapesForJSON();

    GoEscapes() {
      ascii['<'] = CharacterEscapes.ESCAPE_CUSTOM;
      ascii['>'] = CharacterEscapes.ESCAPE_CUSTOM;
      ascii['&'] = CharacterEscapes.ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
