package io.llmscope.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A segment file failed its checks (magic, name, version, length or checksum); names the file. */
final class CorruptSegmentException extends IOException {
  private static final long serialVersionUID = 1L;

  CorruptSegmentException(Path file, String problem) {
    super(file + ": " + problem);
  }

  CorruptSegmentException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
