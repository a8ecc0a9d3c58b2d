/**
 * Internal to the storage module; not API. The write-ahead log: {@link
 * io.llmscope.storage.wal.WriteAheadLog} (Chronicle Queue, one document per appended batch, in
 * {@code wal/*.cq4} cycle files) and {@link io.llmscope.storage.wal.SpanCodec}, the owner of the
 * WAL batch format and its versions.
 */
@Internal
package io.llmscope.storage.wal;

import io.llmscope.storage.Internal;
