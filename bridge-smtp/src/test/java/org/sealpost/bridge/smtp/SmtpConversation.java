package org.sealpost.bridge.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A raw SMTP client over a real socket, for the answers mail libraries hide: each command's full
 * reply, several refusals on one connection.
 */
final class SmtpConversation implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;
  final String greeting;

  SmtpConversation(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
    greeting = reply();
  }

  /** Sends one command line and returns the reply (multi-line replies joined with newlines). */
  String send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return reply();
  }

  String authPlain(String user, String password) throws IOException {
    return send(
        "AUTH PLAIN "
            + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
  }

  /** DATA, then the message (dot-stuffed here), then the final dot: the reply after the dot. */
  String data(String message) throws IOException {
    String ready = send("DATA");
    if (!ready.startsWith("354")) {
      return ready;
    }
    StringBuilder body = new StringBuilder();
    for (String line : message.split("\r\n", -1)) {
      body.append(line.startsWith(".") ? "." + line : line).append("\r\n");
    }
    out.write(body.toString().getBytes(StandardCharsets.UTF_8));
    return send(".");
  }

  private String reply() throws IOException {
    StringBuilder reply = new StringBuilder();
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed after: " + reply);
      }
      if (reply.length() > 0) {
        reply.append('\n');
      }
      reply.append(line);
    } while (line.length() > 3 && line.charAt(3) == '-');
    return reply.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
