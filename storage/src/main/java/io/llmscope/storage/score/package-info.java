/**
 * Internal to the storage module; not API. The score table: {@link
 * io.llmscope.storage.score.ScoreStore} keeps every tenant's quality scores in memory, indexed by
 * trace, behind its own write-ahead log ({@code scores/*.cq4}, one document per appended batch in
 * {@link io.llmscope.storage.score.ScoreCodec}'s format), which it replays whole on open.
 */
@Internal
package io.llmscope.storage.score;

import io.llmscope.storage.Internal;
