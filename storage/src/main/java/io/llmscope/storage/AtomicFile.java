package io.llmscope.storage;

import io.llmscope.storage.format.Framing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small files replaced whole, crash-safe, as the {@link Manifest} is: the new content goes to
 * {@code NAME.pending}, is fsynced, renamed over {@code NAME}, and the directory is fsynced. A
 * reader sees the old file or the new one, never a torn one; a {@code .pending} left by a crash
 * never became visible and is removed by {@link #removePending}.
 */
final class AtomicFile {
  static final String PENDING = ".pending";

  private AtomicFile() {}

  static void write(Path target, byte[] body) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path pending = dir.resolve(target.getFileName() + PENDING);
    try (FileChannel ch = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(body);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    try {
      Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(pending, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Framing.fsyncDirectory(dir);
  }

  /** Deletes a file so that a crash cannot bring it back. */
  static void delete(Path target) throws IOException {
    if (Files.deleteIfExists(target)) Framing.fsyncDirectory(target.getParent());
  }

  /** Removes what interrupted writes left in {@code dir}. */
  static void removePending(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + PENDING)) {
      for (Path f : files) Files.deleteIfExists(f);
    }
  }
}
