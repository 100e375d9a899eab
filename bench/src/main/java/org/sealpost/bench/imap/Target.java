package org.sealpost.bench.imap;

/** A server under load: where its process is, and how a new message reaches its inbox. */
interface Target {
  /** For the tables, e.g. "Dovecot 2.3.19.1". */
  String name();

  /** The server's process (the root of its process tree), for memory readings. */
  long pid();

  /**
   * Delivers a new message to the inbox the load reads, the way mail arrives at this server (a
   * publish to the home server; a file moved into Maildir/new). Returns {@link System#nanoTime()}
   * taken just before delivery began: IDLE push latency is measured from there.
   */
  long deliver(int number) throws Exception;
}
