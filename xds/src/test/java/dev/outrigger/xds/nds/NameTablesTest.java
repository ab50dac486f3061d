package dev.outrigger.xds.nds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.outrigger.xds.XdsConfigSource;
import dev.outrigger.core.config.ConfigStore;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** istiod's NameTable bytes, written field by field as nds.proto numbers them, read through the built descriptor. */
class NameTablesTest {

  /** NameTable{table: {"reviews.default.svc.cluster.local": {ips: [10.0.0.5, fd00::5], registry: Kubernetes, ...}}} */
  static ByteString istiodBytes() throws Exception {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    CodedOutputStream i = CodedOutputStream.newInstance(info);
    i.writeString(1, "10.0.0.5");
    i.writeString(1, "fd00::5");
    i.writeString(2, "Kubernetes");
    i.writeString(3, "reviews");
    i.writeString(4, "default");
    i.flush();
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    CodedOutputStream e = CodedOutputStream.newInstance(entry);
    e.writeString(1, "reviews.default.svc.cluster.local");
    e.writeBytes(2, ByteString.copyFrom(info.toByteArray()));
    e.flush();
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    CodedOutputStream t = CodedOutputStream.newInstance(table);
    t.writeBytes(1, ByteString.copyFrom(entry.toByteArray()));
    t.flush();
    return ByteString.copyFrom(table.toByteArray());
  }

  @Test
  void readsWhatIstiodWrites() throws Exception {
    Map<String, NameTables.NameEntry> hosts = NameTables.entries(NameTables.parse(istiodBytes()));
    assertEquals(Map.of("reviews.default.svc.cluster.local",
        new NameTables.NameEntry(List.of("10.0.0.5", "fd00::5"), "Kubernetes", "reviews", "default", List.of())), hosts);
  }

  @Test
  void writesWhatItReads() throws Exception {
    assertEquals(istiodBytes(), NameTables.message(NameTables.entries(NameTables.parse(istiodBytes()))).toByteString());
  }

  @Test
  void anNdsUpdateReachesTheConsumer() throws Exception {
    AtomicReference<Map<String, NameTables.NameEntry>> got = new AtomicReference<>();
    XdsConfigSource source = new XdsConfigSource(new ConfigStore(), (type, names) -> { }, got::set);
    Any any = Any.newBuilder().setTypeUrl(NameTables.TYPE_URL).setValue(istiodBytes()).build();
    assertEquals(NameTables.TYPE_URL, dev.outrigger.xds.ResourceType.NAME_TABLE.typeUrl());
    source.accept(dev.outrigger.xds.ResourceType.NAME_TABLE, Map.of("", dev.outrigger.xds.XdsResource.of(NameTables.parse(any.getValue()))));
    assertEquals(List.of("10.0.0.5", "fd00::5"), got.get().get("reviews.default.svc.cluster.local").ips());
  }
}
