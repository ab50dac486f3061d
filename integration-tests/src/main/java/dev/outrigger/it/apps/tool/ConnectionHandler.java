package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.net.Socket;

/** What a {@link TcpServer} does with one accepted connection; the server closes it afterwards. */
interface ConnectionHandler {
  void handle(Socket socket) throws IOException;
}
