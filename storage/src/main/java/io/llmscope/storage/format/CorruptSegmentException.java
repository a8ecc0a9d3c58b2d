package io.llmscope.storage.format;

import java.io.IOException;
import java.nio.file.Path;

/** A segment file failed its checks (magic, name, version, length or checksum); names the file. */
public final class CorruptSegmentException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptSegmentException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public CorruptSegmentException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
