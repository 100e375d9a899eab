package org.sealpost.cli;

/** Entry point of the {@code sealpost} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(SealpostCommand.execute(args));
  }
}
