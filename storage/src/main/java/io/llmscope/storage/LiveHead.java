package io.llmscope.storage;

import io.llmscope.storage.head.HeadBlock;
import java.util.Set;

/**
 * A head in service: its block plus the references that keep it readable. The store holds one
 * while the head is active or waiting to be sealed, each query snapshot one while it reads;
 * while any is held the head stays in {@code live}, and WAL files it points into are kept.
 * The twin of {@link Segment} for heads.
 */
final class LiveHead {
  final HeadBlock block;
  final RefCount refs;

  LiveHead(HeadBlock block, Set<LiveHead> live) {
    this.block = block;
    this.refs = new RefCount(() -> live.remove(this));
    live.add(this);
  }

  String tenant() {
    return block.tenant;
  }

  long rows() {
    return block.rows();
  }
}
