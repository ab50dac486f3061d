package dev.outrigger.core.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * A distinguished name as Envoy prints it (XFCC's Subject, %DOWNSTREAM_PEER_SUBJECT%): BoringSSL's
 * {@code X509_NAME_print_ex(..., XN_FLAG_RFC2253)}, which differs from Java's RFC 2253 form: the
 * attributes in reverse order of the encoding, multi-valued RDNs included; OpenSSL's short names
 * ({@code emailAddress}, {@code serialNumber}, {@code street}, ...); an attribute it has no name for
 * as its dotted OID with the value's DER in upper-case hex ({@code 1.2.3=#0C0161}); bytes of UTF-8
 * above 0x7f and control characters escaped as {@code \XX}; {@code , + " \ < > ;}, a leading
 * {@code #} or space and a trailing space escaped with a backslash.
 */
public final class OpensslSubjectName {
  /** OpenSSL's short names for the attribute types seen in certificates (obj_dat.h). */
  private static final Map<String, String> SHORT_NAMES = Map.ofEntries(
      Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.4", "SN"), Map.entry("2.5.4.5", "serialNumber"),
      Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"),
      Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"),
      Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.13", "description"), Map.entry("2.5.4.15", "businessCategory"),
      Map.entry("2.5.4.17", "postalCode"), Map.entry("2.5.4.41", "name"), Map.entry("2.5.4.42", "GN"),
      Map.entry("2.5.4.43", "initials"), Map.entry("2.5.4.44", "generationQualifier"),
      Map.entry("2.5.4.46", "dnQualifier"), Map.entry("2.5.4.65", "pseudonym"),
      Map.entry("2.5.4.97", "organizationIdentifier"), Map.entry("0.9.2342.19200300.100.1.1", "UID"),
      Map.entry("0.9.2342.19200300.100.1.25", "DC"), Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
      Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"), Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
      Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));

  private OpensslSubjectName() {}

  public static String of(X500Principal name) {
    try {
      return print(name);
    } catch (RuntimeException e) {
      // An encoding this small reader does not follow (the JDK parsed it, so it is valid DER):
      // Java's own RFC 2253 form, close to BoringSSL's, rather than no subject at all.
      return name.getName(X500Principal.RFC2253);
    }
  }

  private static String print(X500Principal name) {
    Der der = new Der(name.getEncoded());
    List<Attribute> attributes = new ArrayList<>();
    Der rdns = der.enter(0x30);
    for (int set = 0; rdns.hasMore(); set++) {
      Der rdn = rdns.enter(0x31);
      while (rdn.hasMore()) {
        Der ava = rdn.enter(0x30);
        String oid = ava.oid();
        attributes.add(new Attribute(set, oid, ava.nextTlv()));
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = attributes.size() - 1; i >= 0; i--) {
      Attribute a = attributes.get(i);
      if (i < attributes.size() - 1) {
        out.append(attributes.get(i + 1).set == a.set ? '+' : ',');
      }
      String shortName = SHORT_NAMES.get(a.oid);
      out.append(shortName == null ? a.oid : shortName).append('=');
      String text = shortName == null ? null : text(a.value);
      if (text == null) {
        out.append('#').append(HexFormat.of().withUpperCase().formatHex(a.value.der()));
      } else {
        escape(text, out);
      }
    }
    return out.toString();
  }

  /** The value as text, for the string types BoringSSL prints; null for one it dumps as hex. */
  private static String text(Tlv value) {
    Charset charset = switch (value.tag()) {
      case 0x0c -> StandardCharsets.UTF_8; // UTF8String
      case 0x12, 0x13, 0x16, 0x1a -> StandardCharsets.US_ASCII; // Numeric, Printable, IA5, Visible
      case 0x14 -> StandardCharsets.ISO_8859_1; // T61String: BoringSSL reads it as Latin-1
      case 0x1e -> StandardCharsets.UTF_16BE; // BMPString
      case 0x1c -> Charset.forName("UTF-32BE"); // UniversalString
      default -> null;
    };
    return charset == null ? null : new String(value.content(), charset);
  }

  private static void escape(String text, StringBuilder out) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      int c = utf8[i] & 0xff;
      boolean first = i == 0;
      boolean last = i == utf8.length - 1;
      if (c > 0x7f || c < 0x20 || c == 0x7f) {
        out.append('\\').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      } else if (c == '\\' || c == '"' || c == ',' || c == '+' || c == '<' || c == '>' || c == ';'
          || (first && (c == ' ' || c == '#')) || (last && c == ' ')) {
        out.append('\\').append((char) c);
      } else {
        out.append((char) c);
      }
    }
  }

  private record Attribute(int set, String oid, Tlv value) {}

  private record Tlv(int tag, byte[] der, int contentOffset) {
    byte[] content() {
      byte[] c = new byte[der.length - contentOffset];
      System.arraycopy(der, contentOffset, c, 0, c.length);
      return c;
    }
  }

  /** Just enough DER to walk a Name: definite lengths, single-byte tags. */
  private static final class Der {
    private final byte[] bytes;
    private int at;
    private final int end;

    Der(byte[] bytes) {
      this(bytes, 0, bytes.length);
    }

    private Der(byte[] bytes, int at, int end) {
      this.bytes = bytes;
      this.at = at;
      this.end = end;
    }

    boolean hasMore() {
      return at < end;
    }

    Der enter(int expectedTag) {
      int start = at;
      int tag = bytes[at++] & 0xff;
      if (tag != expectedTag) {
        throw new IllegalArgumentException("tag " + tag + " at " + start + ", expected " + expectedTag);
      }
      int length = length();
      Der inner = new Der(bytes, at, at + length);
      at += length;
      return inner;
    }

    Tlv nextTlv() {
      int start = at;
      int tag = bytes[at++] & 0xff;
      int length = length();
      int contentOffset = at - start;
      at += length;
      ByteArrayOutputStream der = new ByteArrayOutputStream();
      der.write(bytes, start, at - start);
      return new Tlv(tag, der.toByteArray(), contentOffset);
    }

    String oid() {
      Tlv tlv = nextTlv();
      byte[] c = tlv.content();
      StringBuilder s = new StringBuilder();
      long value = 0;
      boolean firstArc = true;
      for (byte b : c) {
        value = (value << 7) | (b & 0x7f);
        if ((b & 0x80) == 0) {
          if (firstArc) {
            int top = value < 40 ? 0 : value < 80 ? 1 : 2;
            s.append(top).append('.').append(value - 40L * top);
            firstArc = false;
          } else {
            s.append('.').append(value);
          }
          value = 0;
        }
      }
      return s.toString();
    }

    private int length() {
      int first = bytes[at++] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int length = 0;
      for (int n = first & 0x7f; n > 0; n--) {
        length = (length << 8) | (bytes[at++] & 0xff);
      }
      return length;
    }
  }
}
