package dev.outrigger.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * DNS messages on the wire. Names, questions and records go through Netty's codec-dns
 * ({@link DnsRecordDecoder#DEFAULT}, {@link DnsRecordEncoder#DEFAULT}); the 12-byte header is read
 * and written here because the proxy needs a query's exact bytes (they are forwarded unchanged)
 * and a reply's encoded size (for truncation) before anything is sent.
 */
final class DnsWire {
  static final int HEADER_BYTES = 12;
  private static final int FLAG_QR = 0x8000;
  private static final int FLAG_AA = 0x0400;
  private static final int FLAG_TC = 0x0200;
  private static final int FLAG_RD = 0x0100;
  private static final int FLAG_CD = 0x0010;

  private DnsWire() {
  }

  /** Thrown for a message that is not a well-formed query; {@link #id} says whether a reply can name it. */
  static final class BadQuery extends Exception {
    final int id;

    BadQuery(String message, int id) {
      super(message, null, false, false);
      this.id = id;
    }
  }

  /** Reads a query; its bytes are copied (the buffer is not consumed). */
  static DnsQuery parseQuery(ByteBuf message) throws BadQuery {
    ByteBuf in = message.duplicate();
    if (in.readableBytes() < HEADER_BYTES) {
      throw new BadQuery("shorter than a DNS header (" + in.readableBytes() + " bytes)", -1);
    }
    int id = in.readUnsignedShort();
    int flags = in.readUnsignedShort();
    if ((flags & FLAG_QR) != 0) {
      throw new BadQuery("a response, not a query", -1);
    }
    int questions = in.readUnsignedShort();
    int answers = in.readUnsignedShort();
    int authorities = in.readUnsignedShort();
    int additionals = in.readUnsignedShort();
    if (questions == 0) {
      throw new BadQuery("no question", id);
    }
    DnsQuestion question;
    int ednsUdpSize = 0;
    try {
      question = DnsRecordDecoder.DEFAULT.decodeQuestion(in);
      for (int i = 1; i < questions; i++) {
        ReferenceCountUtil.release(DnsRecordDecoder.DEFAULT.decodeQuestion(in));
      }
      for (int i = 0; i < answers + authorities + additionals; i++) {
        DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
        if (record == null) {
          throw new BadQuery("truncated record section", id);
        }
        try {
          if (record.type().equals(DnsRecordType.OPT)) {
            ednsUdpSize = record.dnsClass(); // an OPT record's class is the sender's UDP payload size
          }
        } finally {
          ReferenceCountUtil.release(record);
        }
      }
    } catch (BadQuery e) {
      throw e;
    } catch (Exception e) { // CorruptedFrameException, IndexOutOfBoundsException
      throw new BadQuery("malformed: " + e, id);
    }
    byte[] wire = ByteBufUtil.getBytes(message);
    return new DnsQuery(id, (flags & FLAG_RD) != 0, (flags & FLAG_CD) != 0, (flags >> 11) & 0xF, question.name(),
        question.type(), question.dnsClass(), ednsUdpSize, wire);
  }

  /**
   * A reply to the query (miekg's SetReply: id, opcode, RD and CD echoed, the question repeated),
   * with the given records; over the size limit, the records are dropped and TC set, so the
   * client asks again over TCP.
   */
  static byte[] reply(DnsQuery query, DnsResponseCode rcode, boolean authoritative, List<Answer> answers, int limit) {
    byte[] full = encodeReply(query, rcode, authoritative, answers, false);
    if (full.length <= limit) {
      return full;
    }
    return encodeReply(query, rcode, authoritative, List.of(), true);
  }

  static byte[] failure(DnsQuery query, DnsResponseCode rcode) {
    return encodeReply(query, rcode, false, List.of(), false);
  }

  /** A reply naming only the id (the question could not be read): FORMERR, as DNS servers do. */
  static byte[] formatError(int id) {
    ByteBuf out = Unpooled.buffer(HEADER_BYTES);
    out.writeShort(id).writeShort(FLAG_QR | DnsResponseCode.FORMERR.intValue()).writeZero(8);
    return out.array();
  }

  private static byte[] encodeReply(DnsQuery query, DnsResponseCode rcode, boolean authoritative, List<Answer> answers,
      boolean truncated) {
    ByteBuf out = Unpooled.buffer(512);
    try {
      int flags = FLAG_QR | (query.opcode() << 11) | rcode.intValue();
      flags |= authoritative ? FLAG_AA : 0;
      flags |= truncated ? FLAG_TC : 0;
      flags |= query.recursionDesired() ? FLAG_RD : 0;
      flags |= query.checkingDisabled() ? FLAG_CD : 0;
      out.writeShort(query.id()).writeShort(flags).writeShort(1).writeShort(answers.size()).writeShort(0).writeShort(0);
      DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(query.name(), query.type(), query.dnsClass()), out);
      for (Answer answer : answers) {
        DefaultDnsRawRecord record = new DefaultDnsRawRecord(answer.name(), answer.type(), answer.ttlSeconds(),
            Unpooled.wrappedBuffer(rdata(answer)));
        try {
          DnsRecordEncoder.DEFAULT.encodeRecord(record, out);
        } finally {
          record.release();
        }
      }
      return ByteBufUtil.getBytes(out);
    } catch (Exception e) {
      throw new IllegalStateException("encoding a reply to " + query.name(), e);
    } finally {
      out.release();
    }
  }

  private static byte[] rdata(Answer answer) {
    if (answer.address() != null) {
      return answer.address().getAddress();
    }
    ByteBuf name = Unpooled.buffer();
    for (String label : answer.target().split("\\.")) {
      if (!label.isEmpty()) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        name.writeByte(bytes.length).writeBytes(bytes);
      }
    }
    name.writeByte(0);
    return ByteBufUtil.getBytes(name);
  }

  /** The id of a message, 0 if it has none. */
  static int id(byte[] message) {
    return message.length < 2 ? 0 : ((message[0] & 0xFF) << 8) | (message[1] & 0xFF);
  }

  /** A copy carrying another id (a cached reply for a new query). */
  static byte[] withId(byte[] message, int id) {
    byte[] copy = message.clone();
    copy[0] = (byte) (id >> 8);
    copy[1] = (byte) id;
    return copy;
  }

  static boolean truncated(byte[] response) {
    return response.length >= 4 && (response[2] & 0x02) != 0;
  }

  static int rcode(byte[] response) {
    return response.length >= 4 ? response[3] & 0x0F : -1;
  }

  /**
   * How long an upstream reply may be reused: the smallest TTL of its answer and authority
   * records (the SOA's, for a negative answer); empty when it has none or cannot be read.
   */
  static OptionalLong minimumTtl(byte[] response) {
    ByteBuf in = Unpooled.wrappedBuffer(response);
    try {
      in.skipBytes(4);
      int questions = in.readUnsignedShort();
      int records = in.readUnsignedShort() + in.readUnsignedShort();
      in.skipBytes(2);
      for (int i = 0; i < questions; i++) {
        ReferenceCountUtil.release(DnsRecordDecoder.DEFAULT.decodeQuestion(in));
      }
      long min = Long.MAX_VALUE;
      for (int i = 0; i < records; i++) {
        DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
        if (record == null) {
          return OptionalLong.empty();
        }
        min = Math.min(min, record.timeToLive());
        ReferenceCountUtil.release(record);
      }
      return min == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(min);
    } catch (Exception e) {
      return OptionalLong.empty();
    } finally {
      in.release();
    }
  }

  static boolean isCorrupt(Throwable t) {
    return t instanceof CorruptedFrameException || t instanceof IndexOutOfBoundsException;
  }
}
