package io.llmscope.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another store in this one) has the data directory open. */
public final class DataDirLockedException extends IOException {
  public DataDirLockedException(Path dir, String holder) {
    super("data dir " + dir + " is in use" + (holder.isBlank() ? "" : " by " + holder.strip())
        + "; one server per data dir");
  }
}
