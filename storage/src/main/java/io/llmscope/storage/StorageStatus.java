package io.llmscope.storage;

/**
 * What {@code GET /api/v1/status} reports for one tenant. {@code oldest}/{@code newest} are span
 * start times in epoch ms, null when the tenant has no spans.
 */
public record StorageStatus(
    long spans, long headRows, int segments, long walBytes, long segmentBytes, Long oldest, Long newest) {}
