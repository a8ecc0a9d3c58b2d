package io.llmscope.storage;

import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per data directory (Lucene's {@code write.lock}): an OS lock on {@code DATA_DIR/lock}
 * held while the store is open, so a second server cannot delete the first one's unfinished
 * segments or interleave WAL writes. The file names the holder (pid, host, since) for the message
 * a second process gets; the OS drops the lock when the holder dies, even by kill -9.
 */
final class DataDirLock implements Closeable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dir, Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another store in this JVM
    }
    if (lock == null) {
      String holder = read(ch);
      ch.close();
      throw new DataDirLockedException(dir, holder);
    }
    try {
      byte[] me = ("pid " + ProcessHandle.current().pid() + " (" + ManagementFactory.getRuntimeMXBean().getName()
          + ") since " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me), 0);
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      lock.release();
      ch.close();
      throw e;
    }
    return new DataDirLock(ch, lock);
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 512));
    while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
      // until full or end of file
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
