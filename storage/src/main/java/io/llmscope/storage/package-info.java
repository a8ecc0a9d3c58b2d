/**
 * The span store. Its public face is this package's {@link io.llmscope.storage.Storage} (open,
 * append, snapshot, trace, status), {@link io.llmscope.storage.StorageConfig}, {@link
 * io.llmscope.storage.StoreSnapshot}, {@link io.llmscope.storage.Repricing} and {@link
 * io.llmscope.storage.TenantSettings}, the span model in {@link io.llmscope.storage.model}, the
 * scan SPI in {@link io.llmscope.storage.scan} and {@link io.llmscope.storage.rollup.Rollup}.
 * Packages marked {@link io.llmscope.storage.Internal} ({@code wal}, {@code head},
 * {@code segment}, {@code format}) are the write and read paths behind it.
 *
 * <h2>The data directory</h2>
 *
 * Where each thing lives is known only to {@code DataDir}; each file's format has one owner
 * class, which documents the layout and names the versions it reads and writes.
 *
 * <pre>
 * DATA_DIR/
 *   lock                    DataDirLock: OS-locked by the one process that has the directory open;
 *                           names it (pid, host, since) for a second one
 *   manifest-N              Manifest: the live segments and the WAL index they cover, generation N
 *                           (the highest valid one wins); committed atomically
 *   manifest-N.pending      Manifest: a commit in progress; deleted on open
 *   wal/                    WriteAheadLog: a Chronicle Queue
 *     yyyyMMdd-HH[F].cq4    one file per roll cycle (FAST_HOURLY by default); one document per
 *                           appended batch, in SpanCodec's WAL batch format (details in DetailCodec form)
 *     metadata.cq4t         Chronicle's own queue metadata
 *   wal-damaged-MS/         a WAL in which open found damaged records, moved aside whole once its
 *                           intact records were sealed (Storage.open); kept for inspection, never read
 *   scores/                 ScoreStore: the score log, a Chronicle Queue (FAST_DAILY cycles) of
 *                           ScoreCodec batches; replayed whole on open, it is the score table
 *   scores-rewrite/         ScoreStore: a damaged score log being rewritten from its intact records
 *   scores-damaged-MS/      a damaged score log once rewritten; kept for inspection, never read
 *   reprice/
 *     job-ID                RepriceJob: one repricing job, its segments and progress (Repricing)
 *   settings/
 *     NAME/TENANT           TenantSettings: a small per-tenant value other modules keep (e.g.
 *                           settings/prices/TENANT: the tenant's price overrides, owned by ingest)
 *   segments/
 *     seg-N/                one sealed, immutable segment (SegmentWriter, SegmentReader; SegmentFormat)
 *       COLUMN.arrow        SegmentFormat: one Arrow IPC file per stored column (trace_id, span_id,
 *                           parent_row_delta, parent_span_id, start_offset_ns, duration_ns, flags,
 *                           one per dimension and measure)
 *       index.bin           IndexFile: meta, per-column stats, file checksums, postings, trace index
 *       detail.bin          DetailFile: every row's detail (attributes, resource, events, links)
 *       rollup.bin          RollupFile: pre-aggregated cells (absent when not worth its bytes)
 * </pre>
 *
 * Job and setting files are replaced whole through a {@code NAME.pending} file ({@code AtomicFile});
 * a pending file a crash left is deleted when its folder is next read.
 *
 * A segment folder the manifest does not list is an unfinished seal or merge and is deleted on
 * open; WAL cycles are deleted once every document in them is sealed and no snapshot reads them.
 */
package io.llmscope.storage;
