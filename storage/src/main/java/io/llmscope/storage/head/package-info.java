/**
 * Internal to the storage module; not API. The head: a tenant's unsealed rows as in-memory
 * columns ({@link io.llmscope.storage.head.HeadBlock}), queryable at once; details stay in the
 * WAL and are read back (or copied into a segment) on demand.
 */
@Internal
package io.llmscope.storage.head;

import io.llmscope.storage.Internal;
