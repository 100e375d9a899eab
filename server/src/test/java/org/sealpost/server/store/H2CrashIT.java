package org.sealpost.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.database.Database;
import org.sealpost.identity.Account;
import org.sealpost.server.store.jpa.JpaEnvelopeStore;
import org.sealpost.server.store.jpa.ServerDatabase;

/**
 * The embedded default keeps what it acknowledged when the process dies right after: a child JVM
 * stores envelopes and halts (no shutdown hooks, no close), then this test opens the same data
 * directory. H2 on its own keeps commits in memory for up to a second and would lose them.
 */
class H2CrashIT {
  private static final Account RECIPIENT = Account.fromBytes(new byte[20]);
  private static final int ENVELOPES = 20;

  @Test
  void envelopesStoredBeforeTheProcessDiesAreStillThere(@TempDir Path dataDir) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Writer.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("stored " + ENVELOPES);

    try (Database database = ServerDatabase.h2File(dataDir)) {
      assertThat(new JpaEnvelopeStore(database).count(RECIPIENT)).isEqualTo(ENVELOPES);
      assertThat(
              new JpaEnvelopeStore(database)
                  .read(RECIPIENT, Optional.empty(), 100, Long.MAX_VALUE)
                  .envelopes())
          .hasSize(ENVELOPES);
    }
  }

  /** The child: stores, says so, and dies at once. */
  public static final class Writer {
    public static void main(String[] args) {
      Database database = ServerDatabase.h2File(Path.of(args[0]));
      JpaEnvelopeStore store = new JpaEnvelopeStore(database);
      for (int i = 0; i < ENVELOPES; i++) {
        store.store(StoreFixtures.envelope(RECIPIENT), StoreFixtures.NOW);
      }
      System.out.println("stored " + ENVELOPES);
      System.out.flush();
      Runtime.getRuntime().halt(0);
    }
  }
}
