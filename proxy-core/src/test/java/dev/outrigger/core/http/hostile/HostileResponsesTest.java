package dev.outrigger.core.http.hostile;

import static dev.outrigger.core.http.hostile.Expected.End.CUT;
import static dev.outrigger.core.http.hostile.Expected.End.OPEN;
import static dev.outrigger.core.http.hostile.Expected.answered;
import static dev.outrigger.core.http.hostile.Expected.upstreamProtocolError;
import static dev.outrigger.core.http.hostile.HostileCase.named;
import static dev.outrigger.core.http.hostile.HostileCase.numberedHeaders;
import static dev.outrigger.core.http.hostile.HostileCase.req;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Malformed responses from the app (RFC 9112, Envoy's client codec; the contract in the issue).
 * A response the proxy cannot parse ends as Envoy ends it: 503 UPE while nothing was sent, a cut
 * client connection once the head was; either way the upstream connection is never used again,
 * which each case shows by the next request arriving on a new connection.
 */
class HostileResponsesTest {
  private static final String R1 = "GET /r1 HTTP/1.1\r\nHost: app.test\r\n\r\n";
  private static final String R2 = "GET /r2 HTTP/1.1\r\nHost: app.test\r\n\r\n";
  private static final Message R1_AT_APP = req("GET /r1 HTTP/1.1", "host: app.test");
  private static final Message R2_AT_APP = req("GET /r2 HTTP/1.1", "host: app.test");
  private static final String UPE = "503 UPE upstream_reset_before_response_started\\{protocol_error\\}";
  private static final String VIA_UPSTREAM = "200 - via_upstream";
  private static final String OK = "HTTP/1.1 200 OK\r\n";

  private static CorpusRunner runner;

  @BeforeAll
  static void startProxy() throws Exception {
    runner = new CorpusRunner();
  }

  @AfterAll
  static void stopProxy() {
    runner.close();
  }

  @TestFactory
  Stream<DynamicTest> corpus() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> runner.run(c)));
  }

  static List<HostileCase> cases() {
    String x20k = "z".repeat(20 * 1024);
    return List.of(
        rejectedResponse("two different Content-Length headers",
            OK + "Content-Length: 5\r\nContent-Length: 51\r\n\r\nhello"),
        rejectedResponse("Content-Length with Transfer-Encoding: chunked",
            OK + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        rejectedResponse("a space before the colon (Content-Length : 5)", OK + "Content-Length : 5\r\n\r\nhello"),
        rejectedResponse("a bare CR in a header value", OK + "X-Cr: a\rX-Injected: 1\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("a NUL in a header value", OK + "X-Nul: a\u0000b\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("obs-fold", OK + "X-Folded: a\r\n b\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("a status line without a numeric status (HTTP/1.1 abc)",
            "HTTP/1.1 abc\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("HTTP/2.0 in a status line", "HTTP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("a status line that is no status line", "hello world\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("101 header fields", OK + numberedHeaders(100) + "Content-Length: 5\r\n\r\nhello"),
        rejectedResponse("a header section over 60 KiB",
            OK + "X-Big: " + "z".repeat(61 * 1024) + "\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("Transfer-Encoding other than chunked (gzip)", OK + "Transfer-Encoding: gzip\r\n\r\nhello"),
        rejectedResponse("a header name that is not a token (a space inside)",
            OK + "Bad Name: x\r\nContent-Length: 5\r\n\r\nhello"),
        rejectedResponse("a non-numeric Content-Length", OK + "Content-Length: abc\r\n\r\nhello"),
        cutResponse("a chunk size that is not hex", "zz\r\n"),
        cutResponse("chunk data not followed by CRLF", "5\r\nworldXX0\r\n\r\n"),
        passedResponse("exactly 100 header fields pass", OK + numberedHeaders(99) + "Content-Length: 5\r\n\r\nhello",
            Expected.status(200).header("x-h99", "99").body("hello")),
        passedResponse("a 20 KiB header passes intact (over Netty's 8 KiB default)",
            OK + "X-Big: " + x20k + "\r\nContent-Length: 5\r\n\r\nhello",
            Expected.status(200).header("x-big", x20k).body("hello")),
        passedResponse("Connection: Content-Length cannot remove the response's length",
            OK + "Connection: Content-Length\r\nContent-Length: 5\r\n\r\nhello",
            Expected.status(200).header("content-length", "5").body("hello")),
        passedResponse("Connection: Transfer-Encoding cannot unframe a chunked response",
            OK + "Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            Expected.status(200).body("hello")),
        named("response: a close-delimited body is chunked for an HTTP/1.1 client, which stays connected")
            .appReplies(Reply.Script.first(Reply.raw(OK + "\r\nuntil the close").thenClose()))
            .send(R1).expect(OPEN, Expected.status(200).header("transfer-encoding", "chunked").body("until the close"))
            .send(R2).expect(OPEN, answered("GET /r2"))
            .appConnections(List.of(R1_AT_APP), List.of(R2_AT_APP))
            .log(VIA_UPSTREAM, VIA_UPSTREAM),
        named("response: Connection: close makes it the connection's last, even if the app keeps it open")
            .appReplies(Reply.Script.first(Reply.raw(OK + "Connection: close\r\nContent-Length: 7\r\n\r\nGET /r1")))
            .send(R1).expect(OPEN, answered("GET /r1"))
            .send(R2).expect(OPEN, answered("GET /r2"))
            .appConnections(List.of(R1_AT_APP), List.of(R2_AT_APP))
            .firstUpstreamClosed()
            .log(VIA_UPSTREAM, VIA_UPSTREAM),
        named("response: bytes after a complete response never answer the next request")
            .appReplies(Reply.Script.first(Reply.raw(OK + "Content-Length: 7\r\n\r\nGET /r1"
                + OK + "Content-Length: 8\r\n\r\nINJECTED")))
            .send(R1).expect(OPEN, answered("GET /r1"))
            .send(R2).expect(OPEN, answered("GET /r2"))
            .appConnections(List.of(R1_AT_APP), List.of(R2_AT_APP))
            .firstUpstreamClosed()
            .log(VIA_UPSTREAM, VIA_UPSTREAM));
  }

  /** Nothing of the response was sent: 503 UPE, the client stays connected, the upstream connection is gone. */
  private static HostileCase rejectedResponse(String name, String raw) {
    return named("response: " + name)
        .appReplies(Reply.Script.first(Reply.raw(raw)))
        .send(R1).expect(OPEN, upstreamProtocolError())
        .send(R2).expect(OPEN, answered("GET /r2"))
        .appConnections(List.of(R1_AT_APP), List.of(R2_AT_APP))
        .firstUpstreamClosed()
        .log(UPE, VIA_UPSTREAM)
        .countsProtocolError();
  }

  /** The head went out, then the chunked body broke: the client is cut and sees nothing after the break. */
  private static HostileCase cutResponse(String name, String broken) {
    String head = OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
    return named("response: malformed chunk after the head was sent: " + name)
        .appReplies(Reply.Script.first(Reply.raw(head, broken + OK + "Content-Length: 8\r\n\r\nINJECTED")))
        .send(R1).expectCutAfterHead(200, CUT)
        .send(2, R2).expect(OPEN, answered("GET /r2"))
        .appConnections(List.of(R1_AT_APP), List.of(R2_AT_APP))
        .firstUpstreamClosed()
        .log("200 UPE \\S+", VIA_UPSTREAM)
        .countsProtocolError();
  }

  private static HostileCase passedResponse(String name, String raw, Expected expected) {
    return named("response: " + name)
        .appReplies(Reply.Script.first(Reply.raw(raw)))
        .send(R1).expect(OPEN, expected)
        .app(R1_AT_APP)
        .log(VIA_UPSTREAM);
  }
}
