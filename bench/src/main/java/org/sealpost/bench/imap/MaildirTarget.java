package org.sealpost.bench.imap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Dovecot's Maildir, filled and delivered to as a local delivery agent would: a new message is
 * written into {@code tmp/} and renamed into {@code new/}, which Dovecot notices (inotify) and
 * tells its IDLE clients about. The preload goes straight into {@code cur/}, as mail already seen
 * by a client once; Dovecot builds its index on the first SELECT, before anything is measured.
 */
final class MaildirTarget implements Target {
  static final String FROM = "sender@bench.test";
  static final String TO = "bench@bench.test";

  private final String name;
  private final long pid;
  private final Path maildir;

  MaildirTarget(String name, long pid, Path maildir) {
    this.name = name;
    this.pid = pid;
    this.maildir = maildir;
  }

  /** Writes messages 0 to count - 1 into {@code maildir/cur}, creating the Maildir. */
  static void preload(Path maildir, int count) throws IOException {
    for (String sub : new String[] {"cur", "new", "tmp"}) {
      Files.createDirectories(maildir.resolve(sub));
    }
    long time = System.currentTimeMillis() / 1000 - count;
    for (int i = 0; i < count; i++) {
      // <time>.<unique>.<host>:2,<flags>: unique names, in number order, no flags yet.
      Files.write(
          maildir.resolve("cur").resolve((time + i) + ".M" + i + "P0.bench:2,"),
          BenchMessages.mime(i, FROM, TO));
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public long deliver(int number) throws IOException {
    long start = System.nanoTime();
    String unique = System.currentTimeMillis() / 1000 + ".D" + number + "P0.bench";
    Path tmp = maildir.resolve("tmp").resolve(unique);
    Files.write(tmp, BenchMessages.mime(number, FROM, TO));
    Files.move(tmp, maildir.resolve("new").resolve(unique), StandardCopyOption.ATOMIC_MOVE);
    return start;
  }
}
