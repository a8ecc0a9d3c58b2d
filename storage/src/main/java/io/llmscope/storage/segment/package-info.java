/**
 * Internal to the storage module; not API. Sealed segments: {@link
 * io.llmscope.storage.segment.SegmentWriter} writes a segment directory, {@link
 * io.llmscope.storage.segment.SegmentReader} opens one. The formats have one owner each:
 * {@code SegmentFormat} (the directory, Arrow column files, column names, derived columns),
 * {@code IndexFile} ({@code index.bin}), {@code DetailFile} ({@code detail.bin}); rollups are
 * {@link io.llmscope.storage.rollup.RollupFile}'s.
 */
@Internal
package io.llmscope.storage.segment;

import io.llmscope.storage.Internal;
