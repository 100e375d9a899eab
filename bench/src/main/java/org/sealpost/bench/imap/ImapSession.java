package org.sealpost.bench.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One IMAP connection over a plain socket, driven command by command so that each command's time is
 * exactly the time from writing it to reading its tagged answer. It parses only what the load
 * needs: response lines, literals ({@code {n}}, whose bytes it counts and skips), the tagged status
 * and untagged {@code EXISTS}. Not thread-safe: one session belongs to one load thread.
 */
final class ImapSession implements Closeable {
  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
  private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");

  /** A command's answer: its untagged lines (literals replaced by their size) and its status. */
  record Response(List<String> untagged, String status, String text, long literalBytes) {
    boolean ok() {
      return status.equals("OK");
    }

    /** The numbers of an untagged {@code * SEARCH} answer. */
    int searchHits() {
      int hits = 0;
      for (String line : untagged) {
        if (line.startsWith("* SEARCH")) {
          String rest = line.substring("* SEARCH".length()).trim();
          hits += rest.isEmpty() ? 0 : rest.split(" ").length;
        }
      }
      return hits;
    }

    /** The last {@code * n EXISTS} in the answer, or -1. */
    int exists() {
      int exists = -1;
      for (String line : untagged) {
        Matcher m = EXISTS.matcher(line);
        if (m.matches()) {
          exists = Integer.parseInt(m.group(1));
        }
      }
      return exists;
    }
  }

  /** The server answered a command with NO or BAD, or not as IMAP. */
  static final class ImapException extends IOException {
    ImapException(String message) {
      super(message);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tags;

  /** Connects and reads the greeting. */
  ImapSession(String host, int port, int timeoutMillis) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(timeoutMillis);
    socket.connect(new InetSocketAddress(host, port), timeoutMillis);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
    String greeting = readLine().text();
    if (!greeting.startsWith("* OK") && !greeting.startsWith("* PREAUTH")) {
      socket.close();
      throw new ImapException("unexpected greeting: " + greeting);
    }
  }

  /** Sends one command and reads up to its tagged answer; NO and BAD throw. */
  Response command(String command) throws IOException {
    Response response = send(command);
    if (!response.ok()) {
      throw new ImapException(
          response.status() + " " + response.text() + " (to: " + abbreviate(command) + ")");
    }
    return response;
  }

  /** Sends one command and reads up to its tagged answer, whatever its status. */
  Response send(String command) throws IOException {
    String tag = "b" + (++tags);
    write(tag + " " + command + "\r\n");
    return readUntilTagged(tag);
  }

  /** Starts IDLE and returns once the server's continuation arrives. */
  String idle() throws IOException {
    String tag = "b" + (++tags);
    write(tag + " IDLE\r\n");
    while (true) {
      Line line = readLine();
      if (line.text().startsWith("+")) {
        return tag;
      }
      if (line.text().startsWith(tag + " ")) {
        throw new ImapException("IDLE refused: " + line.text());
      }
    }
  }

  /** While idling: waits for {@code * n EXISTS} with n above {@code above}; returns n. */
  int awaitExistsAbove(int above) throws IOException {
    while (true) {
      Matcher m = EXISTS.matcher(readLine().text());
      if (m.matches() && Integer.parseInt(m.group(1)) > above) {
        return Integer.parseInt(m.group(1));
      }
    }
  }

  /** Ends IDLE started under {@code tag} and reads its tagged answer. */
  Response done(String tag) throws IOException {
    write("DONE\r\n");
    Response response = readUntilTagged(tag);
    if (!response.ok()) {
      throw new ImapException("IDLE ended with " + response.status() + " " + response.text());
    }
    return response;
  }

  private void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Response readUntilTagged(String tag) throws IOException {
    List<String> untagged = new ArrayList<>();
    long literalBytes = 0;
    while (true) {
      Line line = readLine();
      literalBytes += line.literalBytes();
      String text = line.text();
      if (text.startsWith(tag + " ")) {
        String rest = text.substring(tag.length() + 1);
        int space = rest.indexOf(' ');
        String status = space < 0 ? rest : rest.substring(0, space);
        return new Response(
            untagged, status, space < 0 ? "" : rest.substring(space + 1), literalBytes);
      }
      untagged.add(text);
    }
  }

  /** One logical response line: text with each literal replaced by "{n}", and literal sizes. */
  private record Line(String text, long literalBytes) {}

  private Line readLine() throws IOException {
    StringBuilder text = new StringBuilder();
    long literalBytes = 0;
    while (true) {
      String physical = readPhysicalLine();
      text.append(physical);
      Matcher literal = LITERAL.matcher(physical);
      if (!literal.find()) {
        return new Line(text.toString(), literalBytes);
      }
      long size = Long.parseLong(literal.group(1));
      skip(size);
      literalBytes += size;
    }
  }

  private String readPhysicalLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new ImapException("connection closed by the server");
      }
      if (b == '\n' && previous == '\r') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
  }

  private void skip(long size) throws IOException {
    long left = size;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new ImapException("connection closed inside a literal");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static String abbreviate(String command) {
    return command.startsWith("LOGIN ")
        ? "LOGIN …"
        : command.length() > 60 ? command.substring(0, 60) + "…" : command;
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing: nothing left to do with it
    }
  }
}
