package org.sealpost.bench.imap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resident memory of a server: the process and all its descendants (Dovecot runs one {@code imap}
 * process per connection, the bridge one JVM for all), read from /proc. Linux only.
 *
 * <p>RSS is what the brief of this benchmark asks for ({@code VmRSS}); it counts pages shared
 * between processes once per process, which overstates a forking server. PSS (from {@code
 * smaps_rollup}) divides each shared page among the processes sharing it, so its sum is the
 * server's real share of memory; both are reported.
 */
final class ProcessMemory {
  /**
   * Kibibytes summed over the process tree, how many processes it held, and for a JVM the heap in
   * use right after a full collection (-1 otherwise).
   */
  record Sample(long rssKib, long pssKib, int processes, long heapKib) {}

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private ProcessMemory() {}

  static Sample of(long root) {
    // For a JVM, collect first: a collection can shrink the heap (G1 gives memory back), and
    // before and after must both be read in the same, collected state.
    long heap = heapAfterCollection(root);
    long rss = 0;
    long pss = 0;
    List<Long> tree = tree(root);
    for (long pid : tree) {
      rss += field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
      pss += field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }
    return new Sample(rss, pss, tree.size(), heap);
  }

  /**
   * A JVM's RSS hardly moves when sessions open: its heap was reserved and touched long before.
   * What a session costs there is live heap, so for a JVM this asks it (jcmd, which comes with the
   * JDK) to collect and say how much heap is still in use. -1 for anything else or on failure.
   */
  private static long heapAfterCollection(long pid) {
    try {
      if (!Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("java")) {
        return -1;
      }
      jcmd(pid, "GC.run");
      Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
      return used.find() ? Long.parseLong(used.group(1)) : -1;
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jcmd.waitFor();
    return output;
  }

  /** {@code root} and every process descending from it. */
  private static List<Long> tree(long root) {
    Map<Long, List<Long>> children = new HashMap<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        try {
          String stat = Files.readString(proc.resolve("stat"));
          long ppid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
          children
              .computeIfAbsent(ppid, any -> new ArrayList<>())
              .add(Long.parseLong(proc.getFileName().toString()));
        } catch (IOException | RuntimeException gone) {
          // the process ended while listing
        }
      }
    } catch (IOException e) {
      return List.of(root);
    }
    List<Long> tree = new ArrayList<>(List.of(root));
    for (int i = 0; i < tree.size(); i++) {
      tree.addAll(children.getOrDefault(tree.get(i), List.of()));
    }
    return tree;
  }

  private static long field(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended, or the file is not there (older kernels have no smaps_rollup)
    }
    return 0;
  }
}
