package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams a file after the client's first line, then half-closes and reads to the client's FIN:
 * the download counterpart of `ncat --recv-only`, which ncat cannot play itself (its listener
 * quits as soon as the client's FIN arrives, cutting the file short).
 */
final class FileSource implements ConnectionHandler {
  private final Path file;

  FileSource(Path file) {
    this.file = file;
  }

  @Override
  public void handle(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ServerBehaviour.skipLine(in);
    try (InputStream content = Files.newInputStream(file)) {
      content.transferTo(socket.getOutputStream());
    }
    socket.shutdownOutput();
    ServerBehaviour.drain(in);
  }
}
