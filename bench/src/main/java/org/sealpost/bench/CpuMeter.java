package org.sealpost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How much CPU other processes took while the benchmark measured: client and server share the
 * machine's cores, so a build running beside them changes every number. Linux only (/proc);
 * elsewhere the share reads "?".
 *
 * <p>The benchmark's own processes are this JVM (client, server and H2) and, on PostgreSQL, the
 * postmaster and its backends; everything else busy on the machine counts as foreign.
 */
final class CpuMeter {
  private final Supplier<Collection<Long>> ownProcesses;

  /** Busy and total jiffies of the whole machine, and busy jiffies of our own processes. */
  record Sample(long busy, long total, long own) {}

  CpuMeter(Supplier<Collection<Long>> ownProcesses) {
    this.ownProcesses = ownProcesses;
  }

  /** A sample now, or null where /proc cannot be read. */
  Sample sample() {
    try {
      // cpu user nice system idle iowait irq softirq steal ...
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(cpu[i]);
      }
      long total = busy + Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      long own = cpuOf(ProcessHandle.current().pid());
      for (long pid : ownProcesses.get()) {
        own += cpuOf(pid);
      }
      return new Sample(busy, total, own);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The machine's capacity other processes used between two samples, e.g. "12%". */
  static String foreignShare(Sample from, Sample to) {
    if (from == null || to == null || to.total() <= from.total()) {
      return "?";
    }
    double foreign = (to.busy() - from.busy()) - (to.own() - from.own());
    return String.format(
        Locale.ROOT, "%.0f%%", Math.max(0, 100 * foreign / (to.total() - from.total())));
  }

  /** utime + stime of one process, in jiffies; 0 if it is gone. */
  private static long cpuOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }
}
