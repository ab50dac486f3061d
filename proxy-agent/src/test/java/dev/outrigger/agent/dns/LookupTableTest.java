package dev.outrigger.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LookupTableTest {
  private static final List<String> SEARCH = List.of("default.svc.cluster.local", "svc.cluster.local", "cluster.local");

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  private static LookupTable table() throws Exception {
    return LookupTable.build(new NameTable(Map.of(
        "reviews.default.svc.cluster.local", NameTable.NameInfo.kubernetes(List.of(ip("10.0.0.5")), "reviews", "default"),
        "ratings.other.svc.cluster.local", NameTable.NameInfo.kubernetes(List.of(ip("10.0.0.6"), ip("fd00::6")), "ratings", "other"),
        "api.example.com", NameTable.NameInfo.serviceEntry(List.of(ip("240.240.0.1"))),
        "*.wild.example.com", NameTable.NameInfo.serviceEntry(List.of(ip("240.240.0.2"))))),
        ProxyDomain.forNamespace("default"), SEARCH);
  }

  private static List<String> a(LookupTable table, String name) {
    return table.lookup(DnsRecordType.A, name).orElseThrow().stream()
        .map(r -> r.type().name() + " " + r.name() + " " + (r.address() != null ? r.address().getHostAddress() : r.target()))
        .toList();
  }

  @Test
  void kubernetesServiceAnswersItsShortNamesAsIstioDoes() throws Exception {
    LookupTable t = table();
    assertEquals(List.of("A reviews.default.svc.cluster.local. 10.0.0.5"), a(t, "reviews.default.svc.cluster.local."));
    assertEquals(List.of("A reviews. 10.0.0.5"), a(t, "reviews."));
    assertEquals(List.of("A reviews.default. 10.0.0.5"), a(t, "reviews.default."));
    assertEquals(List.of("A reviews.default.svc. 10.0.0.5"), a(t, "REVIEWS.default.svc."));
    // Another namespace's service: not by its bare name, by name.namespace
    assertTrue(t.lookup(DnsRecordType.A, "ratings.").isEmpty());
    assertEquals(List.of("A ratings.other. 10.0.0.6"), a(t, "ratings.other."));
  }

  @Test
  void firstSearchDomainAppendedIsACnameToTheHost() throws Exception {
    assertEquals(List.of("CNAME api.example.com.default.svc.cluster.local. api.example.com.", "A api.example.com. 240.240.0.1"),
        a(table(), "api.example.com.default.svc.cluster.local."));
  }

  @Test
  void wildcardAnswersUnderTheAskedName() throws Exception {
    assertEquals(List.of("A foo.wild.example.com. 240.240.0.2"), a(table(), "foo.wild.example.com."));
  }

  @Test
  void knownNameWithoutThatFamilyIsAnEmptyAnswerNotAMiss() throws Exception {
    assertEquals(List.of(), table().lookup(DnsRecordType.AAAA, "api.example.com.").orElseThrow());
    assertEquals(1, table().lookup(DnsRecordType.AAAA, "ratings.other.svc.cluster.local.").orElseThrow().size());
  }

  @Test
  void unknownNamesAndOtherTypesGoUpstream() throws Exception {
    assertTrue(table().lookup(DnsRecordType.A, "google.com.").isEmpty());
    assertTrue(table().lookup(DnsRecordType.MX, "api.example.com.").isEmpty());
  }
}
