/**
 * Internal to the storage module; not API. What every on-disk format shares: {@link
 * io.llmscope.storage.format.Framing} (header with format name and version, checksummed footer),
 * {@link io.llmscope.storage.format.CheckedRead} (reads that verify what they read), the byte
 * codec {@link io.llmscope.storage.format.SegmentBytes}, and {@link
 * io.llmscope.storage.format.DetailCodec}, the span-detail encoding the WAL and {@code detail.bin}
 * share.
 */
@Internal
package io.llmscope.storage.format;

import io.llmscope.storage.Internal;
