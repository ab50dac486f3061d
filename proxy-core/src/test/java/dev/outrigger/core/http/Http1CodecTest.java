package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The strict HTTP/1 codecs on an EmbeddedChannel: what they refuse beyond Netty's own decoder. */
class Http1CodecTest {
  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  private static EmbeddedChannel server() {
    return new EmbeddedChannel(new Http1ServerCodec(60 * 1024, 8192));
  }

  private static EmbeddedChannel client() {
    return new EmbeddedChannel(new Http1ClientCodec(60 * 1024, 8192));
  }

  @Test
  void aFoldedRequestHeaderIsAnInvalidMessageAndNothingAfterItIsDecoded() {
    EmbeddedChannel ch = server();
    ch.writeInbound(ascii("GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\nGET /b HTTP/1.1\r\n\r\n"));
    HttpRequest bad = ch.readInbound();
    assertTrue(bad.decoderResult().isFailure());
    ReferenceCountUtil.release(bad);
    assertNull(ch.readInbound(), "nothing decoded after the refused head");
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aFoldSplitAcrossReadsIsFoundToo() {
    EmbeddedChannel ch = server();
    ch.writeInbound(ascii("GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n"));
    assertNull(ch.readInbound());
    ch.writeInbound(ascii("\tmore\r\n\r\n"));
    HttpRequest bad = ch.readInbound();
    assertTrue(bad.decoderResult().isFailure());
    ReferenceCountUtil.release(bad);
    ch.finishAndReleaseAll();
  }

  @Test
  void pipelinedRequestsWithBodiesThatStartWithSpacesAreNotFolds() {
    EmbeddedChannel ch = server();
    ch.writeInbound(ascii("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n  a\r\n"
        + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpRequest first = ch.readInbound();
    assertTrue(first.decoderResult().isSuccess(), first.decoderResult().toString());
    HttpContent body = ch.readInbound();
    assertEquals("  a\r\n", body.content().toString(StandardCharsets.ISO_8859_1));
    body.release();
    HttpRequest second = ch.readInbound();
    assertTrue(second.decoderResult().isSuccess());
    assertEquals("/b", second.uri());
    ReferenceCountUtil.release(ch.readInbound()); // its empty last content
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void theResponseToAHeadRequestHasNoBodyOnTheWire() {
    EmbeddedChannel ch = server();
    ch.writeInbound(ascii("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n"));
    ReferenceCountUtil.release(ch.readInbound());
    ReferenceCountUtil.release(ch.readInbound());
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    ch.writeOutbound(response);
    StringBuilder wire = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
      wire.append(b.toString(StandardCharsets.ISO_8859_1));
    }
    assertEquals("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", wire.toString());
    ch.finishAndReleaseAll();
  }

  @Test
  void whitespaceBeforeTheColonMakesAResponseInvalid() {
    EmbeddedChannel ch = client();
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.releaseOutbound();
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"));
    HttpResponse response = ch.readInbound();
    assertTrue(response.decoderResult().isFailure());
    ReferenceCountUtil.release(response);
    ch.finishAndReleaseAll();
  }

  @Test
  void aFoldedResponseHeaderIsInvalid() {
    EmbeddedChannel ch = client();
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.releaseOutbound();
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nX-A: 1\r\n Content-Length: 0\r\n\r\n"));
    HttpResponse response = ch.readInbound();
    assertTrue(response.decoderResult().isFailure());
    ReferenceCountUtil.release(response);
    ch.finishAndReleaseAll();
  }

  @Test
  void theResponseToHeadEndsAtItsHeadAndTheNextResponseIsDecoded() {
    EmbeddedChannel ch = client();
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/"));
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.releaseOutbound();
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    HttpResponse head = ch.readInbound();
    assertTrue(head.decoderResult().isSuccess());
    assertInstanceOf(LastHttpContent.class, ch.readInbound());
    HttpResponse get = ch.readInbound();
    assertTrue(get.decoderResult().isSuccess(), get.decoderResult().toString());
    HttpContent body = ch.readInbound();
    assertEquals("ok", body.content().toString(StandardCharsets.ISO_8859_1));
    body.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void upgradedBytesAfter101AreNotScannedAsHeaders() {
    EmbeddedChannel ch = client();
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/chat"));
    ch.releaseOutbound();
    ch.writeInbound(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"));
    HttpResponse switching = ch.readInbound();
    assertTrue(switching.decoderResult().isSuccess());
    ReferenceCountUtil.release(ch.readInbound());
    ch.writeInbound(ascii("\n  frame bytes"));
    Object next = ch.readInbound();
    assertFalse(next instanceof HttpResponse, "after 101 the bytes are not HTTP: " + next);
    ReferenceCountUtil.release(next);
    ch.finishAndReleaseAll();
  }
}
