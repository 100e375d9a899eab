package org.sealpost.bridge.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw SMTP client over a real socket, for the answers mail libraries hide: each command's full
 * reply, several refusals on one connection, commands before STARTTLS.
 */
final class SmtpConversation implements AutoCloseable {
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;
  final String greeting;

  SmtpConversation(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  /** Over {@code socket}, e.g. an {@link SSLSocket} for implicit TLS. */
  SmtpConversation(Socket socket) throws IOException {
    attach(socket);
    greeting = reply();
  }

  private void attach(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /** After a 220 to STARTTLS: the handshake over the same connection, trusting {@code trust}. */
  void startTls(SSLContext trust, String host) throws IOException {
    SSLSocket tls =
        (SSLSocket) trust.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
    tls.setUseClientMode(true);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name host
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    attach(tls);
  }

  /** Writes {@code bytes} as they are (e.g. several pipelined lines) and returns the next reply. */
  String write(String bytes) throws IOException {
    out.write(bytes.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return reply();
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
