package dev.outrigger.xds.ca;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio's CA protocol (istio/api security/v1alpha1/ca.proto, package istio.v1.auth), encoded by
 * hand over protobuf's coded streams: two small messages do not justify a protoc step in the build
 * (no grpc-java plugin is available here, and the message classes alone would be the larger part).
 * Field numbers are ca.proto's; unknown fields are skipped, as generated code does.
 *
 * <pre>
 * message IstioCertificateRequest  { string csr = 1; int64 validity_duration = 3; google.protobuf.Struct metadata = 4; }
 * message IstioCertificateResponse { repeated string cert_chain = 1; }
 * service IstioCertificateService  { rpc CreateCertificate(IstioCertificateRequest) returns (IstioCertificateResponse); }
 * </pre>
 */
public final class CaMessages {
  private CaMessages() {}

  static final int CSR = 1;
  static final int VALIDITY_DURATION = 3;
  static final int METADATA = 4;
  static final int CERT_CHAIN = 1;

  /**
   * @param csr the PEM certificate request
   * @param validitySeconds the validity asked for (istiod caps it at its MAX_WORKLOAD_CERT_TTL)
   * @param metadata pilot-agent's opaque metadata (CertSigner, when set); empty is not sent
   */
  public record Request(String csr, long validitySeconds, Struct metadata) {}

  /** @param certChain PEM certificates, the leaf first and the root last */
  public record Response(List<String> certChain) {
    public Response {
      certChain = List.copyOf(certChain);
    }
  }

  public static final MethodDescriptor<Request, Response> CREATE_CERTIFICATE =
      MethodDescriptor.<Request, Response>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("istio.v1.auth.IstioCertificateService",
              "CreateCertificate"))
          .setRequestMarshaller(new RequestMarshaller())
          .setResponseMarshaller(new ResponseMarshaller())
          .build();

  private static boolean is(int tag, int field, int wireType) {
    return WireFormat.getTagFieldNumber(tag) == field && WireFormat.getTagWireType(tag) == wireType;
  }

  static byte[] encode(Request r) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    if (!r.csr().isEmpty()) {
      out.writeString(CSR, r.csr());
    }
    if (r.validitySeconds() != 0) {
      out.writeInt64(VALIDITY_DURATION, r.validitySeconds());
    }
    if (r.metadata().getFieldsCount() > 0) {
      out.writeMessage(METADATA, r.metadata());
    }
    out.flush();
    return bytes.toByteArray();
  }

  static Request decodeRequest(CodedInputStream in) throws IOException {
    String csr = "";
    long validity = 0;
    Struct metadata = Struct.getDefaultInstance();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (is(tag, CSR, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        csr = in.readStringRequireUtf8();
      } else if (is(tag, VALIDITY_DURATION, WireFormat.WIRETYPE_VARINT)) {
        validity = in.readInt64();
      } else if (is(tag, METADATA, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        metadata = in.readMessage(Struct.parser(), com.google.protobuf.ExtensionRegistryLite.getEmptyRegistry());
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new Request(csr, validity, metadata);
  }

  static byte[] encode(Response r) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (String pem : r.certChain()) {
      out.writeString(CERT_CHAIN, pem);
    }
    out.flush();
    return bytes.toByteArray();
  }

  static Response decodeResponse(CodedInputStream in) throws IOException {
    List<String> chain = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (is(tag, CERT_CHAIN, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        chain.add(in.readStringRequireUtf8());
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new Response(chain);
  }

  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<Request> {
    @Override
    public InputStream stream(Request value) {
      try {
        return new ByteArrayInputStream(encode(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Request parse(InputStream stream) {
      try {
        return decodeRequest(CodedInputStream.newInstance(stream));
      } catch (IOException e) {
        throw io.grpc.Status.INTERNAL.withDescription("malformed IstioCertificateRequest: " + e.getMessage())
            .withCause(e).asRuntimeException();
      }
    }
  }

  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<Response> {
    @Override
    public InputStream stream(Response value) {
      try {
        return new ByteArrayInputStream(encode(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Response parse(InputStream stream) {
      try {
        return decodeResponse(CodedInputStream.newInstance(stream));
      } catch (IOException e) {
        throw io.grpc.Status.INTERNAL.withDescription("malformed IstioCertificateResponse: " + e.getMessage())
            .withCause(e).asRuntimeException();
      }
    }
  }
}
