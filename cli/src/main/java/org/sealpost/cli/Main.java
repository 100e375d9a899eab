package org.sealpost.cli;

/** Entry point of the {@code sealpost} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Hibernate logs through jboss-logging, which would pick java.util.logging on its own.
    System.setProperty("org.jboss.logging.provider", "slf4j");
    System.exit(SealpostCommand.execute(args));
  }
}
