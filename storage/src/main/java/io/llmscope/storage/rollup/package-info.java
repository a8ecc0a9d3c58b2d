/**
 * Per-segment rollups. {@link io.llmscope.storage.rollup.Rollup} is public (queries read its
 * cells); {@link io.llmscope.storage.rollup.RollupBuilder} and {@link
 * io.llmscope.storage.rollup.RollupFile} (owner of {@code rollup.bin}) are internal to the storage
 * module: no other module may use them.
 */
package io.llmscope.storage.rollup;
