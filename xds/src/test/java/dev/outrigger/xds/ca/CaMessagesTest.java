package dev.outrigger.xds.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-made encoding against protobuf's own reading of the wire, by ca.proto's field numbers. */
class CaMessagesTest {
  @Test
  void aRequestCarriesCaProtosFieldNumbers() throws Exception {
    Struct metadata = Struct.newBuilder().putFields("CertSigner", Value.newBuilder().setStringValue("s").build()).build();
    byte[] wire = CaMessages.encode(new CaMessages.Request("-----BEGIN CERTIFICATE REQUEST-----", 86400, metadata));
    UnknownFieldSet fields = UnknownFieldSet.parseFrom(wire);
    assertEquals("-----BEGIN CERTIFICATE REQUEST-----", fields.getField(1).getLengthDelimitedList().get(0).toStringUtf8());
    assertEquals(List.of(86400L), fields.getField(3).getVarintList());
    assertEquals(metadata, Struct.parseFrom(fields.getField(4).getLengthDelimitedList().get(0)));
    assertEquals(new CaMessages.Request("-----BEGIN CERTIFICATE REQUEST-----", 86400, metadata),
        CaMessages.decodeRequest(CodedInputStream.newInstance(wire)));
  }

  @Test
  void anEmptyMetadataIsNotSent() throws Exception {
    byte[] wire = CaMessages.encode(new CaMessages.Request("csr", 60, Struct.getDefaultInstance()));
    assertEquals(java.util.Set.of(1, 3), UnknownFieldSet.parseFrom(wire).asMap().keySet());
  }

  @Test
  void aResponsesChainIsReadInOrderAndUnknownFieldsAreSkipped() throws Exception {
    byte[] wire = UnknownFieldSet.newBuilder()
        .addField(1, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("leaf"))
            .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("root")).build())
        .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
        .build().toByteArray();
    assertEquals(List.of("leaf", "root"), CaMessages.decodeResponse(CodedInputStream.newInstance(wire)).certChain());
    assertEquals(List.of("leaf", "root"), CaMessages.decodeResponse(CodedInputStream.newInstance(
        CaMessages.encode(new CaMessages.Response(List.of("leaf", "root"))))).certChain());
  }
}
