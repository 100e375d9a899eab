package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.identity.Account;
import org.sealpost.server.store.jpa.EnvelopeQueries;
import org.sealpost.server.store.jpa.JpaEnvelopeStore;

/**
 * How the inbox queries scale: fills a database with a million envelopes for one account (and
 * others for other accounts) straight in SQL, then shows, with each database's own EXPLAIN, that
 * reading a page is a range scan of the {@code (recipient, sequence)} primary key, already in
 * order, with no table scan and no sort, whether the page is the first, the newest, or empty
 * because the reader is up to date. Prints the plans (for the operations docs); asserts only their
 * shape, never timings.
 */
class InboxQueryPlanIT {
  private static final String BIG = "0x" + "b1".repeat(20);
  private static final String SMALL = "0x" + "5a".repeat(20);
  private static final int PAGE = 50;

  @RegisterExtension
  static final EmbeddedPostgresDatabase postgres = new EmbeddedPostgresDatabase();

  @RegisterExtension static final H2FileDatabase h2 = new H2FileDatabase();

  @Test
  void onPostgresqlAPageOfAMillionEnvelopeInboxIsAnIndexRangeScan() throws Exception {
    try (Connection connection =
        DriverManager.getConnection(
            postgres.jdbcUrl(), EmbeddedPostgresDatabase.USER, EmbeddedPostgresDatabase.PASSWORD)) {
      long started = System.nanoTime();
      try (Statement statement = connection.createStatement()) {
        // 1,000,000 envelopes for BIG, with one row in six for 1,000 other accounts in between,
        // then 1,000 for SMALL to compare with. Bodies are 16 bytes: only the index matters here.
        statement.execute(
            "INSERT INTO envelopes (recipient, envelope_id, body, size, received_at)"
                + " SELECT CASE WHEN g % 6 = 0 THEN '0x' || lpad(to_hex(g % 1000), 40, '0')"
                + " ELSE '"
                + BIG
                + "' END,"
                + " decode(lpad(to_hex(g), 32, '0'), 'hex'), decode(md5(g::text), 'hex'), 16, now()"
                + " FROM generate_series(1, 1200000) AS g");
        statement.execute(
            "INSERT INTO envelopes (recipient, envelope_id, body, size, received_at)"
                + " SELECT '"
                + SMALL
                + "', decode(lpad(to_hex(g), 32, '0'), 'hex'), decode(md5(g::text), 'hex'), 16,"
                + " now() FROM generate_series(1, 1000) AS g");
        statement.execute("ANALYZE envelopes");
      }
      System.out.printf(
          "PostgreSQL: %,d envelopes for one account inserted and analyzed in %d ms%n%n",
          count(connection, BIG), (System.nanoTime() - started) / 1_000_000);
      assertThat(count(connection, BIG)).isEqualTo(1_000_000);

      String analyze = "EXPLAIN (ANALYZE, BUFFERS) ";
      long newest = cursorBeforeLast(connection, BIG, PAGE);
      long upToDate = cursorBeforeLast(connection, BIG, 0);
      String newestPage = explain(connection, analyze + EnvelopeQueries.PAGE, BIG, newest, PAGE);
      String upToDatePage =
          explain(connection, analyze + EnvelopeQueries.PAGE, BIG, upToDate, PAGE);
      String firstPage = explain(connection, analyze + EnvelopeQueries.PAGE, BIG, 0L, PAGE);
      String smallNewestPage =
          explain(
              connection,
              analyze + EnvelopeQueries.PAGE,
              SMALL,
              cursorBeforeLast(connection, SMALL, PAGE),
              PAGE);
      String newestBodies =
          explain(connection, analyze + EnvelopeQueries.BODIES, BIG, newest, upToDate);
      print("PostgreSQL, newest page of 1,000,000", newestPage);
      print("PostgreSQL, nothing new in 1,000,000 (a reader that is up to date)", upToDatePage);
      print("PostgreSQL, first page of 1,000,000", firstPage);
      print("PostgreSQL, newest page of 1,000 (for comparison)", smallNewestPage);
      print("PostgreSQL, bodies of the newest page of 1,000,000", newestBodies);

      for (String plan : List.of(newestPage, upToDatePage, firstPage, smallNewestPage)) {
        assertThat(plan)
            .containsPattern("Index (Only )?Scan using envelopes_pk on envelopes")
            .containsPattern("Index Cond: .*recipient.* AND \\(sequence > ")
            .doesNotContain("Seq Scan")
            .doesNotContain("Bitmap")
            .doesNotContain("Sort");
      }
      assertThat(newestPage).contains("rows=" + PAGE + ".00 loops=1");
      // At most a page of rows, picked out of the primary key; PostgreSQL may sort those few.
      assertThat(newestBodies)
          .containsPattern("Index (Only )?Scan (using|on) envelopes_pk")
          .doesNotContain("Seq Scan");
    }

    long started = System.nanoTime();
    InboxPage page =
        new JpaEnvelopeStore(postgres.database())
            .read(Account.parse(BIG), Optional.empty(), PAGE, Long.MAX_VALUE);
    System.out.printf(
        "PostgreSQL: JpaEnvelopeStore.read, first page: %d envelopes in %d ms%n%n",
        page.envelopes().size(), (System.nanoTime() - started) / 1_000_000);
    assertThat(page.envelopes()).hasSize(PAGE);
  }

  @Test
  void onH2APageOfAHundredThousandEnvelopeInboxReadsOnlyThatPageOfTheIndex() throws Exception {
    try (Connection connection = DriverManager.getConnection(h2.jdbcUrl(), "sa", "")) {
      long started = System.nanoTime();
      try (Statement statement = connection.createStatement()) {
        // SYSTEM_RANGE's column is an upper-case X, which DATABASE_TO_LOWER makes us quote.
        statement.execute(
            "INSERT INTO envelopes (recipient, envelope_id, body, size, received_at)"
                + " SELECT CASE WHEN MOD(\"X\", 6) = 0"
                + " THEN '0x' || LPAD(CAST(MOD(\"X\", 1000) AS VARCHAR), 40, '0') ELSE '"
                + BIG
                + "' END,"
                + " STRINGTOUTF8(LPAD(CAST(\"X\" AS VARCHAR), 16, '0')),"
                + " STRINGTOUTF8(LPAD(CAST(\"X\" AS VARCHAR), 16, 'x')), 16, CURRENT_TIMESTAMP"
                + " FROM SYSTEM_RANGE(1, 120000)");
        statement.execute("ANALYZE");
      }
      System.out.printf(
          "H2: %,d envelopes for one account inserted and analyzed in %d ms%n%n",
          count(connection, BIG), (System.nanoTime() - started) / 1_000_000);
      assertThat(count(connection, BIG)).isEqualTo(100_000);

      String primaryKey = primaryKeyIndex(connection);
      String analyze = "EXPLAIN ANALYZE ";
      long newest = cursorBeforeLast(connection, BIG, PAGE);
      long upToDate = cursorBeforeLast(connection, BIG, 0);
      String newestPage = explain(connection, analyze + EnvelopeQueries.PAGE, BIG, newest, PAGE);
      String upToDatePage =
          explain(connection, analyze + EnvelopeQueries.PAGE, BIG, upToDate, PAGE);
      String firstPage = explain(connection, analyze + EnvelopeQueries.PAGE, BIG, 0L, PAGE);
      String newestBodies =
          explain(connection, analyze + EnvelopeQueries.BODIES, BIG, newest, upToDate);
      print("H2, newest page of 100,000", newestPage);
      print("H2, nothing new in 100,000 (a reader that is up to date)", upToDatePage);
      print("H2, first page of 100,000", firstPage);
      print("H2, bodies of the newest page of 100,000", newestBodies);

      for (String plan : List.of(newestPage, upToDatePage, firstPage, newestBodies)) {
        assertThat(plan)
            .contains("/* public." + primaryKey + ": ")
            .contains("recipient = ?1")
            .contains("sequence > ?2")
            .contains("/* index sorted */");
        // H2 counts the rows it visited: a page's worth (and the two either side), not the inbox.
        assertThat(scanCount(plan)).isLessThanOrEqualTo(PAGE + 2);
      }
    }
  }

  private static long count(Connection connection, String recipient) throws SQLException {
    try (PreparedStatement count =
        connection.prepareStatement("SELECT count(*) FROM envelopes WHERE recipient = ?")) {
      count.setString(1, recipient);
      try (ResultSet result = count.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  /** The cursor of a client to which the {@code n} newest envelopes are new. */
  private static long cursorBeforeLast(Connection connection, String recipient, int n)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT sequence FROM envelopes WHERE recipient = ?"
                + " ORDER BY recipient DESC, sequence DESC LIMIT 1 OFFSET ?")) {
      select.setString(1, recipient);
      select.setInt(2, n);
      try (ResultSet result = select.executeQuery()) {
        assertThat(result.next()).isTrue();
        return result.getLong(1);
      }
    }
  }

  /** H2 names a primary key's index itself. */
  private static String primaryKeyIndex(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet index =
            statement.executeQuery(
                "SELECT index_name FROM information_schema.indexes"
                    + " WHERE table_name = 'envelopes' AND index_type_name = 'PRIMARY KEY'")) {
      assertThat(index.next()).isTrue();
      return index.getString(1);
    }
  }

  private static int scanCount(String h2Plan) {
    Matcher count = Pattern.compile("/\\* scanCount: (\\d+) \\*/").matcher(h2Plan);
    assertThat(count.find()).as("scanCount in %s", h2Plan).isTrue();
    return Integer.parseInt(count.group(1));
  }

  /** The plan of {@code sql} run with {@code recipient}, {@code after} and a third parameter. */
  private static String explain(
      Connection connection, String sql, String recipient, long after, long third)
      throws SQLException {
    try (PreparedStatement explain = connection.prepareStatement(sql)) {
      explain.setString(1, recipient);
      explain.setLong(2, after);
      explain.setLong(3, third);
      StringJoiner plan = new StringJoiner("\n");
      try (ResultSet rows = explain.executeQuery()) {
        while (rows.next()) {
          plan.add(rows.getString(1));
        }
      }
      return plan.toString();
    }
  }

  private static void print(String title, String plan) {
    System.out.println("== " + title + "\n" + plan + "\n");
  }
}
