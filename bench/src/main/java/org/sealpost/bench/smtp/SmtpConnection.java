package org.sealpost.bench.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * One SMTP client connection, just enough of RFC 5321 for a load generator: replies are read whole
 * (multi-line included), and an unexpected reply code is an {@link SmtpException} carrying the
 * server's text, so a run that fails says why instead of measuring errors.
 */
final class SmtpConnection implements AutoCloseable {
  /** A reply whose code was not the one the transaction needed. */
  static final class SmtpException extends IOException {
    SmtpException(String command, String reply) {
      super(command + " -> " + reply.strip());
    }
  }

  /** AUTH PLAIN credentials for submission; empty for the gateway and the reference sink. */
  record Login(String user, String password) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private SmtpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  /** Connects, reads the greeting, says EHLO and logs in when {@code login} is given. */
  static SmtpConnection open(String host, int port, Optional<Login> login) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(60_000);
    SmtpConnection connection = new SmtpConnection(socket);
    try {
      connection.expect("(greeting)", 220);
      connection.command("EHLO bench.sealpost.invalid", 250);
      if (login.isPresent()) {
        String token =
            Base64.getEncoder()
                .encodeToString(
                    ("\0" + login.get().user() + "\0" + login.get().password())
                        .getBytes(StandardCharsets.UTF_8));
        connection.command("AUTH PLAIN " + token, 235);
      }
      return connection;
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** One whole mail transaction; returns when the server has accepted the message. */
  void send(String from, String to, byte[] message) throws IOException {
    command("MAIL FROM:<" + from + ">", 250);
    command("RCPT TO:<" + to + ">", 250);
    command("DATA", 354);
    out.write(dotStuffed(message));
    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    expect("(end of data)", 250);
  }

  private void command(String line, int code) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    expect(line.startsWith("AUTH") ? "AUTH PLAIN" : line, code);
  }

  private void expect(String command, int code) throws IOException {
    String reply = readReply();
    if (!reply.startsWith(Integer.toString(code))) {
      throw new SmtpException(command, reply);
    }
  }

  /** Lines up to the one whose fourth character is a space (RFC 5321 §4.2.1). */
  private String readReply() throws IOException {
    StringBuilder reply = new StringBuilder();
    while (true) {
      String line = readLine();
      reply.append(line).append('\n');
      if (line.length() < 4 || line.charAt(3) != '-') {
        return reply.toString();
      }
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b == -1 && line.size() == 0) {
      throw new IOException("the server closed the connection");
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** CRLF line ends and a leading dot doubled on every line (RFC 5321 §4.5.2). */
  private static byte[] dotStuffed(byte[] message) {
    ByteArrayOutputStream stuffed = new ByteArrayOutputStream(message.length + 64);
    boolean lineStart = true;
    for (byte b : message) {
      if (lineStart && b == '.') {
        stuffed.write('.');
      }
      stuffed.write(b);
      lineStart = b == '\n';
    }
    if (!lineStart) {
      stuffed.write('\r');
      stuffed.write('\n');
    }
    return stuffed.toByteArray();
  }

  @Override
  public void close() throws IOException {
    try {
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException ignored) {
      // closing anyway
    } finally {
      socket.close();
    }
  }
}
