package org.sealpost.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseTest {

  @Test
  void aBareH2UrlGetsTheSettingsTheSchemaNeeds() {
    assertThat(Database.withH2Settings("jdbc:h2:file:/var/lib/sealpost/db/sealpost"))
        .isEqualTo(
            "jdbc:h2:file:/var/lib/sealpost/db/sealpost;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                + ";DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000");
  }

  @Test
  void settingsAlreadyInTheUrlAreKeptAndNotRepeated() {
    assertThat(
            Database.withH2Settings(
                "jdbc:h2:mem:test;mode=postgresql;DATABASE_TO_LOWER=true;LOCK_TIMEOUT=500"))
        .isEqualTo(
            "jdbc:h2:mem:test;mode=postgresql;DATABASE_TO_LOWER=true;LOCK_TIMEOUT=500"
                + ";DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void anH2UrlThatContradictsTheSchemaIsRefused() {
    assertThatThrownBy(() -> Database.withH2Settings("jdbc:h2:file:/tmp/x;MODE=MySQL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MODE=MySQL")
        .hasMessageContaining("PostgreSQL");
  }

  @Test
  void onlyPostgresqlAndH2AreAccepted() {
    assertThatThrownBy(
            () -> Database.open("jdbc:mysql://localhost/sealpost", "u", "p", 4, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("localhost");
  }

  @Test
  void aDataDirectoryThatWouldBreakTheUrlIsRefused() {
    assertThatThrownBy(() -> Database.h2File(Path.of("/tmp/a;MODE=MySQL"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("';'");
  }

  @Test
  void anInMemoryH2DatabaseWorksToo() {
    try (Database database = Database.open("jdbc:h2:mem:database-test", "sa", "", 2, List.of())) {
      assertThat(database.ready()).isTrue();
      assertThat(database.vendor()).isEqualTo(Database.Vendor.H2);
    }
  }
}
