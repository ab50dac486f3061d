package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The folded-line scanner on its own: every head fed whole, one byte at a time and in two parts
 * split at every position, to a heap and a direct buffer, must give the same verdict.
 */
class HeadScannerTest {
  private static final String LONG_VALUE = "v".repeat(300);

  @Test
  void headsWithoutFoldsPass() {
    for (String head : new String[] {
        "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + LONG_VALUE + "\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n", // bare line feeds
        "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", // empty lines before the start line
        " GET / HTTP/1.1\r\nHost: x\r\n\r\n", // the start line is not a fold
        "GET / HTTP/1.1\r\nX-A: a b\tc \r\n\r\n", // whitespace inside a line
        "GET / HTTP/1.1\r\nX-A: 1\r\r\n\r\n", // a CR inside a line
        "GET / HTTP/1.1\r\nHost: x\r\r more\r\n\r\n", // only a line feed ends a line
        "GET / HTTP/1.1\r\n\r\n  body that starts with spaces\r\n", // after the head: not scanned
    }) {
      assertVerdict(head, true);
    }
  }

  @Test
  void aLineStartingWithWhitespaceAfterTheStartLineIsAFold() {
    for (String head : new String[] {
        "GET / HTTP/1.1\r\n Host: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\tmore\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Long: " + LONG_VALUE + "\r\n " + LONG_VALUE + "\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n more\n\n",
    }) {
      assertVerdict(head, false);
    }
  }

  @Test
  void theBytesTheDecoderTookAreNotScannedAgain() {
    HeadScanner scanner = new HeadScanner();
    ByteBuf in = ascii("GET / HTTP/1.1\r\nHost: x\r\n");
    assertEquals(true, scanner.scan(in));
    in.skipBytes(in.readableBytes()); // the decoder took both lines
    scanner.consumed(in.readerIndex());
    in.writeCharSequence(" folded\r\n\r\n", StandardCharsets.ISO_8859_1);
    assertEquals(false, scanner.scan(in));
    in.release();
  }

  private static void assertVerdict(String head, boolean passes) {
    assertEquals(passes, scanWhole(head, false), "whole, heap: " + head);
    assertEquals(passes, scanWhole(head, true), "whole, direct: " + head);
    assertEquals(passes, scanByteAtATime(head), "byte at a time: " + head);
    for (int split = 1; split < head.length(); split++) {
      assertEquals(passes, scanInTwo(head, split), "split at " + split + ": " + head);
    }
  }

  private static boolean scanWhole(String head, boolean direct) {
    ByteBuf in = direct ? Unpooled.directBuffer() : Unpooled.buffer();
    in.writeCharSequence(head, StandardCharsets.ISO_8859_1);
    try {
      return new HeadScanner().scan(in);
    } finally {
      in.release();
    }
  }

  private static boolean scanByteAtATime(String head) {
    HeadScanner scanner = new HeadScanner();
    ByteBuf in = Unpooled.buffer();
    try {
      for (char c : head.toCharArray()) {
        in.writeByte(c);
        if (!scanner.scan(in)) {
          return false;
        }
      }
      return true;
    } finally {
      in.release();
    }
  }

  private static boolean scanInTwo(String head, int split) {
    HeadScanner scanner = new HeadScanner();
    ByteBuf in = ascii(head.substring(0, split));
    try {
      if (!scanner.scan(in)) {
        return false;
      }
      in.writeCharSequence(head.substring(split), StandardCharsets.ISO_8859_1);
      return scanner.scan(in);
    } finally {
      in.release();
    }
  }

  private static ByteBuf ascii(String s) {
    ByteBuf in = Unpooled.buffer();
    in.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    return in;
  }
}
