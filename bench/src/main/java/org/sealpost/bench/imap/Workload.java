package org.sealpost.bench.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IMAP load: for each concurrency level, that many sessions run one phase per command kind for
 * a fixed time each (closed loop: every session sends its next command as soon as the previous
 * answer is in), then all of them IDLE while new mail is delivered. One phase per kind rather than
 * a mix, so that each kind's throughput is its own and a slow kind (header SEARCH on the bridge
 * opens every message) does not hide the others' latency.
 *
 * <p>The mailbox is prepared once: every message \Seen except every 50th, so UNSEEN finds 2% of it.
 * STORE phases take a \Seen message's flag off and put it back, which leaves that true.
 */
final class Workload {
  private static final Pattern UID = Pattern.compile("UID (\\d+)");
  static final String CONNECT = "connect (to greeting)";
  static final String LOGIN = "LOGIN";
  static final String SELECT = "SELECT INBOX";
  static final String FETCH_FLAGS = "UID FETCH 100 × (FLAGS)";
  static final String FETCH_BODY = "FETCH BODY.PEEK[]";
  static final String STORE_MINUS = "UID STORE -FLAGS (\\Seen)";
  static final String STORE_PLUS = "UID STORE +FLAGS (\\Seen)";
  static final String SEARCH_UNSEEN = "UID SEARCH UNSEEN";
  static final String SEARCH_HEADER = "UID SEARCH HEADER Subject";
  static final String IDLE = "IDLE (to continuation)";
  static final String PUSH = "IDLE push (delivery to EXISTS)";
  static final String DONE = "DONE";

  /** How the load runs; see ImapMain's usage for each. */
  record Settings(
      String host,
      int port,
      String user,
      String password,
      List<Integer> levels,
      int phaseSeconds,
      int warmupSeconds,
      int idlePushes,
      int graceSeconds,
      int headerSearchSessions) {}

  /** One concurrency level's results. */
  record Level(
      int sessions,
      Timings timings,
      ProcessMemory.Sample before,
      ProcessMemory.Sample with,
      String loadBefore,
      String loadAfter) {}

  /** What a step does; it records its own commands' times (see {@link #timed}). */
  private interface Action {
    void run(ImapSession session, SplittableRandom random, Timings timings) throws IOException;
  }

  /**
   * One step of a phase, run over and over by every session; {@code name} is the table row that a
   * command left unanswered at the end of the grace time counts against.
   */
  private record Step(String name, Action action, int maxSessions) {
    Step(String name, Action action) {
      this(name, action, Integer.MAX_VALUE);
    }
  }

  private final Settings settings;
  private final Target target;
  private int messages;
  private long firstUid;
  private final AtomicInteger delivered = new AtomicInteger();

  Workload(Settings settings, Target target) {
    this.settings = settings;
    this.target = target;
  }

  List<Level> run() throws Exception {
    prepare();
    System.out.printf("  warm-up, not reported: %d s%n", settings.warmupSeconds());
    long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.warmupSeconds());
    List<ImapSession> warm = open(8);
    try {
      while (System.nanoTime() < warmUntil) {
        for (Step step : steps()) {
          phase(limited(warm, step), step, new Timings(), 2);
        }
      }
    } finally {
      warm.forEach(ImapSession::close);
    }
    List<Level> levels = new ArrayList<>();
    for (int sessions : settings.levels()) {
      levels.add(level(sessions));
    }
    return levels;
  }

  /** Marks all but every 50th message \Seen and finds the first UID (UIDs are dense from it). */
  private void prepare() throws IOException {
    try (ImapSession session = login()) {
      messages = session.command("SELECT INBOX").exists();
      if (messages < 100) {
        throw new IllegalStateException("the inbox holds " + messages + " messages, not >= 100");
      }
      Matcher uid = UID.matcher(String.join(" ", session.command("FETCH 1 (UID)").untagged()));
      if (!uid.find()) {
        throw new IllegalStateException("FETCH 1 (UID) answered no UID");
      }
      firstUid = Long.parseLong(uid.group(1));
      session.command("STORE 1:* +FLAGS.SILENT (\\Seen)");
      StringBuilder unseen = new StringBuilder();
      for (int i = 50; i <= messages; i += 50) {
        unseen.append(unseen.isEmpty() ? "" : ",").append(i);
      }
      session.command("STORE " + unseen + " -FLAGS.SILENT (\\Seen)");
      session.command("LOGOUT");
    }
  }

  private Level level(int count) throws Exception {
    System.out.printf("  %d sessions%n", count);
    Timings timings = new Timings();
    String loadBefore = loadAverage();
    phase(count, connectStep(), timings);
    Thread.sleep(1000);
    ProcessMemory.Sample before = ProcessMemory.of(target.pid());
    List<ImapSession> sessions = open(count);
    try {
      Thread.sleep(2000);
      ProcessMemory.Sample with = ProcessMemory.of(target.pid());
      for (Step step : steps()) {
        phase(limited(sessions, step), step, timings, settings.phaseSeconds());
      }
      idle(sessions, timings);
      return new Level(count, timings, before, with, loadBefore, loadAverage());
    } finally {
      sessions.forEach(ImapSession::close);
    }
  }

  /** The measured steps after LOGIN and SELECT, in phase order. */
  private List<Step> steps() {
    return List.of(
        new Step(
            FETCH_FLAGS,
            (session, random, timings) -> {
              long from = firstUid + random.nextInt(Math.max(1, messages - 99));
              timed(
                  timings,
                  FETCH_FLAGS,
                  session,
                  "UID FETCH " + from + ":" + (from + 99) + " (FLAGS)");
            }),
        new Step(
            FETCH_BODY,
            (session, random, timings) -> {
              ImapSession.Response body =
                  timed(
                      timings,
                      FETCH_BODY,
                      session,
                      "FETCH " + (1 + random.nextInt(messages)) + " BODY.PEEK[]");
              check(
                  timings,
                  FETCH_BODY,
                  body.literalBytes() >= 1000,
                  "a body of " + body.literalBytes() + " bytes");
            }),
        new Step(
            STORE_MINUS,
            (session, random, timings) -> {
              long uid = firstUid + seenMessage(random) - 1;
              timed(timings, STORE_MINUS, session, "UID STORE " + uid + " -FLAGS (\\Seen)");
              timed(timings, STORE_PLUS, session, "UID STORE " + uid + " +FLAGS (\\Seen)");
            }),
        new Step(
            SEARCH_UNSEEN,
            (session, random, timings) -> {
              int hits = timed(timings, SEARCH_UNSEEN, session, "UID SEARCH UNSEEN").searchHits();
              check(timings, SEARCH_UNSEEN, hits > 0, "UNSEEN found nothing");
            }),
        new Step(
            SEARCH_HEADER,
            (session, random, timings) -> {
              String word = BenchMessages.WORDS.get(random.nextInt(BenchMessages.WORDS.size()));
              timed(timings, SEARCH_HEADER, session, "UID SEARCH HEADER Subject " + word);
            },
            // A server that reads every message for it would otherwise still be busy with the
            // searches of 100 sessions long after the phase, and slow whatever is measured next.
            settings.headerSearchSessions()));
  }

  /** The sessions that run {@code step}: all, or as many as it allows. */
  private static List<ImapSession> limited(List<ImapSession> sessions, Step step) {
    return sessions.subList(0, Math.min(sessions.size(), step.maxSessions()));
  }

  /** A message number that prepare() left \Seen (not a multiple of 50). */
  private int seenMessage(SplittableRandom random) {
    while (true) {
      int n = 1 + random.nextInt(messages);
      if (n % 50 != 0) {
        return n;
      }
    }
  }

  /** New connections, each timed through its greeting, LOGIN and SELECT, then LOGOUT. */
  private Step connectStep() {
    return new Step(
        CONNECT,
        (unused, random, timings) -> {
          long begin = System.nanoTime();
          ImapSession session;
          try {
            session =
                new ImapSession(settings.host(), settings.port(), settings.graceSeconds() * 1000);
          } catch (IOException e) {
            timings.command(CONNECT).error(e.toString());
            throw e;
          }
          try (session) {
            timings.command(CONNECT).ok(System.nanoTime() - begin);
            timed(timings, LOGIN, session, login(settings));
            timed(timings, SELECT, session, "SELECT INBOX");
            session.command("LOGOUT");
          }
        });
  }

  /** Runs one command, recording its time under {@code name}, or its failure. */
  private static ImapSession.Response timed(
      Timings timings, String name, ImapSession session, String command) throws IOException {
    long begin = System.nanoTime();
    ImapSession.Response response;
    try {
      response = session.command(command);
    } catch (IOException e) {
      timings.command(name).error(e.getMessage());
      throw e;
    }
    timings.command(name).ok(System.nanoTime() - begin);
    return response;
  }

  /** Counts a wrong answer as an error of {@code name}. */
  private static void check(Timings timings, String name, boolean holds, String problem)
      throws IOException {
    if (!holds) {
      timings.command(name).error(problem);
      throw new ImapSession.ImapException(problem);
    }
  }

  /** A connection phase: {@code count} workers with no session of their own. */
  private void phase(int count, Step step, Timings timings) throws Exception {
    List<ImapSession> none = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      none.add(null);
    }
    phase(none, step, timings, settings.phaseSeconds());
  }

  /**
   * Every session runs {@code step} until the phase's time is up; commands still running then may
   * finish within the grace time, after which their sessions are closed and count an error each. A
   * session that failed is replaced by a new one (not timed). The phase's wall time, from start to
   * the last answer, is what throughput divides by.
   */
  private void phase(List<ImapSession> sessions, Step step, Timings timings, int seconds)
      throws Exception {
    Timings phase = new Timings();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long graceEnd = deadline + TimeUnit.SECONDS.toNanos(settings.graceSeconds());
    ExecutorService pool = Executors.newFixedThreadPool(sessions.size());
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < sessions.size(); i++) {
        int index = i;
        SplittableRandom random = new SplittableRandom(System.nanoTime() + i);
        workers.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < deadline) {
                    try {
                      step.action().run(sessions.get(index), random, phase);
                    } catch (IOException | RuntimeException e) {
                      if (System.nanoTime() > graceEnd) {
                        return null; // closed for lateness below, already counted
                      }
                      if (sessions.get(index) != null) {
                        sessions.get(index).close();
                        try {
                          sessions.set(index, login(true));
                        } catch (IOException again) {
                          phase.command(step.name()).error("reconnecting: " + again);
                          Thread.sleep(1000);
                        }
                      }
                    }
                  }
                  return null;
                }));
      }
      for (int i = 0; i < workers.size(); i++) {
        try {
          workers.get(i).get(Math.max(1, graceEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException late) {
          workers.get(i).cancel(true);
          if (sessions.get(i) != null) {
            sessions.get(i).close();
          }
          phase.command(step.name()).error("no answer within the grace time");
        }
      }
      long wall = System.nanoTime() - start;
      for (var entry : phase.all().entrySet()) {
        Timings.Command into = timings.command(entry.getKey());
        entry.getValue().copyTo(into);
        into.wall(wall);
      }
    } finally {
      pool.shutdownNow();
    }
    // Sessions closed for lateness are replaced for the next phase.
    for (int i = 0; i < sessions.size(); i++) {
      if (sessions.get(i) != null && sessions.get(i).isClosed()) {
        sessions.set(i, login(true));
      }
    }
  }

  /**
   * All sessions IDLE; {@code idlePushes} messages are delivered one after the other, each once
   * every session has seen the previous one, and every session's time from delivery to its {@code *
   * n EXISTS} is recorded. Then DONE.
   */
  private void idle(List<ImapSession> sessions, Timings timings) throws Exception {
    int known = 0;
    for (ImapSession session : sessions) {
      known = Math.max(known, session.command("NOOP").exists());
    }
    known = Math.max(known, messages + delivered.get());
    ExecutorService pool = Executors.newFixedThreadPool(sessions.size());
    try {
      List<String> tags = new ArrayList<>();
      for (ImapSession session : sessions) {
        long begin = System.nanoTime();
        tags.add(session.idle());
        timings.command(IDLE).ok(System.nanoTime() - begin);
      }
      for (int push = 0; push < settings.idlePushes(); push++) {
        int above = known;
        CountDownLatch seen = new CountDownLatch(sessions.size());
        long[] arrived = new long[sessions.size()];
        List<Future<?>> waits = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
          int index = i;
          waits.add(
              pool.submit(
                  () -> {
                    sessions.get(index).awaitExistsAbove(above);
                    arrived[index] = System.nanoTime();
                    seen.countDown();
                    return null;
                  }));
        }
        long delivery = target.deliver(messages + delivered.getAndIncrement());
        known++;
        seen.await(settings.graceSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < sessions.size(); i++) {
          if (arrived[i] != 0) {
            timings.command(PUSH).ok(arrived[i] - delivery);
          } else {
            timings.command(PUSH).error("no EXISTS within the grace");
            waits.get(i).cancel(true);
          }
        }
        Thread.sleep(200);
      }
      for (int i = 0; i < sessions.size(); i++) {
        long begin = System.nanoTime();
        try {
          sessions.get(i).done(tags.get(i));
          timings.command(DONE).ok(System.nanoTime() - begin);
        } catch (IOException e) {
          timings.command(DONE).error(e.toString());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private List<ImapSession> open(int count) throws IOException {
    List<ImapSession> sessions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sessions.add(login(true));
    }
    return sessions;
  }

  private ImapSession login() throws IOException {
    ImapSession session =
        new ImapSession(settings.host(), settings.port(), settings.graceSeconds() * 1000);
    session.command(login(settings));
    return session;
  }

  private ImapSession login(boolean select) throws IOException {
    ImapSession session = login();
    if (select) {
      session.command("SELECT INBOX");
    }
    return session;
  }

  private static String login(Settings settings) {
    return "LOGIN " + quoted(settings.user()) + " " + quoted(settings.password());
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The 1-, 5- and 15-minute load averages, e.g. "1.91 1.44 2.43". */
  static String loadAverage() {
    try {
      String[] fields =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
