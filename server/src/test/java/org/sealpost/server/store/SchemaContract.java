package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.server.store.StoreFixtures.NOW;
import static org.sealpost.server.store.StoreFixtures.envelope;
import static org.sealpost.server.store.StoreFixtures.randomAccount;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sealpost.database.Database;
import org.sealpost.identity.Account;
import org.sealpost.identity.envelope.Envelope;
import org.sealpost.server.store.jpa.JpaEnvelopeStore;

/**
 * Flyway's migration and Hibernate's validation, on each database the server runs on: a new
 * database is migrated at open, a migrated one is left as it is, and a schema that drifted from the
 * entities stops the open instead of being repaired.
 */
public interface SchemaContract {

  /** Opens this test's database, a new and empty one for each test; the same one on each call. */
  Database open();

  /** A plain JDBC connection to this test's database. */
  Connection connect() throws SQLException;

  @Test
  default void aNewDatabaseIsMigratedAndValidatedWhenOpened() throws SQLException {
    try (Database database = open()) {
      assertThat(database.ready()).isTrue();
    }

    assertThat(appliedMigrations()).containsExactly("1 true", "2 true");
  }

  @Test
  default void reopeningAMigratedDatabaseMigratesNothingAndKeepsItsData() throws SQLException {
    Account recipient = randomAccount();
    Envelope envelope = envelope(recipient);
    try (Database database = open()) {
      new JpaEnvelopeStore(database).store(envelope, NOW);
    }

    try (Database reopened = open()) {
      assertThat(reopened.ready()).isTrue();
      InboxPage page =
          new JpaEnvelopeStore(reopened).read(recipient, Optional.empty(), 10, Long.MAX_VALUE);
      assertThat(page.envelopes()).singleElement();
      assertThat(page.envelopes().get(0).body()).isEqualTo(envelope.toByteArray());
    }
    assertThat(appliedMigrations()).containsExactly("1 true", "2 true");
  }

  @Test
  default void aSchemaThatNoLongerMatchesTheEntitiesStopsTheOpenAndIsLeftAsItIs()
      throws SQLException {
    open().close();
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE consent DROP COLUMN signature");
    }

    assertThatThrownBy(this::open).hasStackTraceContaining("signature");

    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet columns =
            statement.executeQuery(
                "SELECT count(*) FROM information_schema.columns"
                    + " WHERE table_name = 'consent' AND column_name = 'signature'")) {
      columns.next();
      assertThat(columns.getLong(1)).as("Hibernate must not repair the schema").isZero();
    }
  }

  @Test
  default void aClosedDatabaseIsNotReady() {
    Database database = open();
    database.close();

    assertThat(database.ready()).isFalse();
  }

  private List<String> appliedMigrations() throws SQLException {
    List<String> applied = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, success FROM flyway_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (rows.next()) {
        applied.add(rows.getString(1) + " " + rows.getBoolean(2));
      }
    }
    return applied;
  }
}
