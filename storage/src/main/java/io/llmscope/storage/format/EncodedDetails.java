package io.llmscope.storage.format;

/**
 * A batch that hands out each row's detail as stored, in {@link DetailCodec} form, so that
 * sealing and compaction copy the bytes instead of decoding them into maps and encoding them
 * again. Head batches (details in the WAL) and segment views (details in detail.bin) are.
 */
public interface EncodedDetails {
  /** Appends the encoded detail of {@code row} to {@code out}. */
  void copyDetail(int row, SegmentBytes.Out out);
}
