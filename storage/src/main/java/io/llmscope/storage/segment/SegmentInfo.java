package io.llmscope.storage.segment;

/**
 * What a sealed segment holds: its tenant, row count, the range of span start times, and the
 * total size of its files (columns, detail and index).
 */
public record SegmentInfo(String tenant, int rows, long minStartNanos, long maxStartNanos, long bytesOnDisk) {}
