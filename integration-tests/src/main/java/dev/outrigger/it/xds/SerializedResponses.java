package dev.outrigger.it.xds;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * One ADS stream's response side shared by two writers (java-control-plane's watches and the
 * name table's pushes, each on threads of its own): a gRPC stream observer is not thread-safe,
 * so every write is serialized here. The rest (cancellation, flow control) is the call's own,
 * forwarded, so java-control-plane still sees a {@link ServerCallStreamObserver} and registers
 * its cancel handler as on a stream of its own.
 */
final class SerializedResponses<T> extends ServerCallStreamObserver<T> {
  private final ServerCallStreamObserver<T> call;

  SerializedResponses(ServerCallStreamObserver<T> call) {
    this.call = call;
  }

  @Override
  public synchronized void onNext(T value) {
    call.onNext(value);
  }

  @Override
  public synchronized void onError(Throwable t) {
    call.onError(t);
  }

  @Override
  public synchronized void onCompleted() {
    call.onCompleted();
  }

  @Override
  public boolean isCancelled() {
    return call.isCancelled();
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {
    call.setOnCancelHandler(onCancelHandler);
  }

  @Override
  public void setCompression(String compression) {
    call.setCompression(compression);
  }

  @Override
  public boolean isReady() {
    return call.isReady();
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    call.setOnReadyHandler(onReadyHandler);
  }

  @Override
  public void disableAutoInboundFlowControl() {
    call.disableAutoInboundFlowControl();
  }

  @Override
  public void request(int count) {
    call.request(count);
  }

  @Override
  public void setMessageCompression(boolean enable) {
    call.setMessageCompression(enable);
  }
}
