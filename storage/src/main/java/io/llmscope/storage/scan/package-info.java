/**
 * What the query module reads: {@link io.llmscope.storage.scan.ColumnBatch} (a run of rows in
 * columns, head or segment), {@link io.llmscope.storage.scan.Dictionary} and {@link
 * io.llmscope.storage.scan.MeasureRange}. Public SPI, obtained from a {@link
 * io.llmscope.storage.StoreSnapshot}.
 */
package io.llmscope.storage.scan;
