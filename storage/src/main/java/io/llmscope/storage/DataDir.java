package io.llmscope.storage;

import java.nio.file.Path;

/** The one place that knows where things live under a data directory (see package-info). */
record DataDir(Path root) {
  static final String SEGMENT_PREFIX = "seg-";

  /** Held by the one store that has the directory open ({@link DataDirLock}). */
  Path lock() {
    return root.resolve("lock");
  }

  Path wal() {
    return root.resolve("wal");
  }

  /** Where a damaged WAL is moved, whole, once its intact records are sealed. */
  Path walSetAside(long whenMs) {
    return root.resolve("wal-damaged-" + whenMs);
  }

  /** The score log (ScoreStore), a Chronicle Queue like the WAL. */
  Path scores() {
    return root.resolve("scores");
  }

  /** Where a damaged score log is rewritten from its intact records before it is swapped in. */
  Path scoresRewrite() {
    return root.resolve("scores-rewrite");
  }

  /** Where a damaged score log is kept once rewritten. */
  Path scoresSetAside(long whenMs) {
    return root.resolve("scores-damaged-" + whenMs);
  }

  Path segments() {
    return root.resolve("segments");
  }

  Path segment(String name) {
    return segments().resolve(name);
  }

  /** Repricing jobs, one file each ({@link RepriceJob}). */
  Path reprice() {
    return root.resolve("reprice");
  }

  Path repriceJob(String id) {
    return reprice().resolve(RepriceJob.FILE_PREFIX + id);
  }

  /** Small per-tenant settings ({@link TenantSettings}), a folder per setting name. */
  Path settings(String name) {
    return root.resolve("settings").resolve(name);
  }

  static String segmentName(int number) {
    return SEGMENT_PREFIX + number;
  }

  /** The number in a segment folder's name, or -1 when it is not one. */
  static int segmentNumber(String name) {
    if (!name.startsWith(SEGMENT_PREFIX)) return -1;
    try {
      return Integer.parseInt(name.substring(SEGMENT_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
