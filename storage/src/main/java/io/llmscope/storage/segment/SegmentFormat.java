package io.llmscope.storage.segment;

import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.model.Dim;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * The segment directory format: its versions, the names of its files and columns, the rules
 * that derive columns it does not store, and the layout below. {@link SegmentWriter} writes the
 * current version; {@link SegmentReader} reads every version from {@link #VERSION_START} to
 * {@link #VERSION_CURRENT}. The files with framing of their own ({@link IndexFile},
 * {@link DetailFile}, {@code RollupFile}) own their versions and layouts; the Arrow column files
 * carry this class's version in their schema metadata.
 *
 * <h2>Directory layout (format {@value #VERSION_CURRENT})</h2>
 *
 * <pre>
 * &lt;column&gt;.arrow    one standard Arrow IPC file per column (see {@link SegmentColumns}), ZSTD buffers:
 *   trace_id          FixedSizeBinary(16), big-endian hi then lo; record batches of {@value #TRACE_BATCH_ROWS} rows
 *   span_id           int64
 *   parent_row_delta  int: row - (row of the parent span) when the parent is another row of the same
 *                     trace in this segment, else 0
 *   parent_span_id    int64, nullable: the parent id where parent_row_delta = 0 (0 = root), null elsewhere
 *                     (parent = coalesce(parent_span_id, span_id at row - parent_row_delta))
 *   start_offset_ns   int: start_ns - llmscope.base (schema metadata: the segment's min start_ns)
 *   duration_ns       int: end_ns - start_ns (two's complement, so any pair of longs round-trips)
 *   flags             int8, SpanFlags bits
 *   &lt;dim&gt;             one per {@link Dim} by field name: dictionary-encoded Utf8 (sorted dictionary,
 *                     index = id - 1, absent = null). A dim whose ids and dictionary equal an earlier
 *                     dim's (e.g. request_model = model) has no file; the index records the alias.
 *   &lt;measure&gt;         one per {@link Measure} but duration_ms, by field name, nullable (null = NaN):
 *                     at most {@value #MEASURE_DICTIONARY_MAX} distinct values: int8 indices into a
 *                     Float64 dictionary; else integers of magnitude ≤ 2^53 (no -0.0): an int column;
 *                     else decimals with k ≤ {@value #MAX_DECIMALS} places (costs): an int column of
 *                     value * 10^k, k in llmscope.decimals (column version 2); else float64
 *   duration_ms       only when some row differs from the ingest rule (end - start) / 1e6 (NaN unless
 *                     start &gt; 0 and end ≥ start); otherwise derived on read
 *   total_tokens      likewise only when some row differs from input + output (else whichever is known)
 *   integer widths are the narrowest of 8/16/32/64 bits holding the segment's values
 * detail.bin          header, ZSTD blocks of {@value #DETAIL_BLOCK_ROWS} rows' details, block table, footer
 *   block (raw)    := count:i32 length:varint * count payload (v1: offset:i32 * (count + 1))
 *                     (each row's {@code DetailCodec.writeDetail} bytes, row order)
 *   table          := blockCount:i32 rowsPerBlock:i32 (offset:i64 compressedLength:i32 rawLength:i32 crc32:i64)*
 *   then tableOffset:i64 tableLength:i32 and the footer. index.bin holds the table's position, its CRC
 *   and the footer's checksum, so the first detail read checks header, table, tail and footer without
 *   reading the whole file; each block is checked by its own CRC when read
 * index.bin           header, postings sections, meta, metaOffset:i64, footer (CRC of the whole file,
 *                     verified on open)
 *   meta := tenant:utf8 rows:i32 minStart:i64 maxStart:i64
 *           fileCount:i32 (name:utf8 length:i64 crc32:i64)*          every other file (whole-file CRC32)
 *           detailTableOffset:i64 detailTableLength:i32 detailTableCrc:i64 detailFooterChecksum:i64
 *           columnCount:i32 (name:utf8 kind:u8 nullCount:i32 min:i64 max:i64)*   (SegmentColumns.ColumnStats)
 *           dimCount:i32 (name:utf8 dictSize:i32 aliasOf:i32 hasPostings:u8
 *                         [value:utf8 * (dictSize - 1) offset:i64 length:i32 rawLength:i32 crc32:i64])*
 *           traceCount:i32 traceBatchRows:i32 bloomHashes:i32
 *           headLength:i32 headCrc:i64 tailOffset:i64 tailLength:i32 tailCrc:i64    (of trace_id.arrow)
 *           bloomWords:i32 word:i64*                                 all trace ids, {@value #BLOOM_BITS_PER_TRACE} bits each,
 *                                                                    at least {@value #BLOOM_MIN_BITS} bits
 *           batchCount:i32 (offset:i64 metadataLength:i32 bodyLength:i64 crc32:i64 bloomWords:i32 word:i64*)*
 *                                                                    per trace_id record batch, {@value #BATCH_BLOOM_BITS_PER_TRACE} bits per trace
 *   postings section (raw, ZSTD-compressed) for a dim with dictSize = V + 1:
 *           offset:i32 * (V + 1) (relative to the lists), then per id 1..V: count:varint rowDelta:varint*
 *           (first delta = row, then row - previous - 1). Identical sections are stored once.
 * </pre>
 *
 * Strings are varint length + UTF-8; integers little-endian. Postings exist for a dimension in
 * {@link #INDEXED} whose segment dictionary has at most max({@value #POSTINGS_MIN_LIMIT},
 * rows / {@value #POSTINGS_ROWS_PER_VALUE}) values: all the low-cardinality dimensions, and user
 * and session only in segments where each value covers 32+ rows on average (below that the
 * postings would cost a byte or more per span). Their dictionaries are also kept in the meta so a query can resolve
 * a filter value without reading the column file.
 *
 * <p>Trace lookup: the global Bloom filter prunes the segment; the per-batch filters pick the
 * record batches of trace_id.arrow to read; only those batches (with the file's head and tail, each
 * CRC-checked) are read and scanned. There is no separate sorted trace table: it would repeat the
 * 16 random bytes per trace that trace_id.arrow already holds (measured: 5.3 B/span).
 *
 * <h2>Row order</h2>
 * Rows are grouped by trace; traces are ordered by the (service, environment) of their earliest
 * span, then by that span's start, then trace id; rows within a trace by (start, span id). Trace ids
 * repeat in runs, parents are mostly rows of the same run, service/environment columns and postings
 * collapse to a few runs, and start times are nearly monotonic within each (service, environment).
 */
final class SegmentFormat {
  /** The first column-file version; readers accept every version from here to the current one. */
  static final int VERSION_START = 1;
  /** Version 2: a measure column may hold decimals ({@link #META_DECIMALS}). */
  static final int VERSION_CURRENT = 2;

  /** {@code llmscope.format} of every Arrow column file's schema metadata. */
  static final String COLUMN_FORMAT = "llmscope.segment.column";
  static final String META_FORMAT = "llmscope.format";
  static final String META_VERSION = "llmscope.version";
  /** Schema metadata of {@code start_offset_ns}: the segment's smallest start time. */
  static final String META_BASE = "llmscope.base";
  /** Schema metadata of a decimal measure column: k, where each value is its integer / 10^k. */
  static final String META_DECIMALS = "llmscope.decimals";
  /** Most decimals a measure column is stored with; 10^k is an exact double up to 10^22. */
  static final int MAX_DECIMALS = 15;
  private static final double[] POW10 = new double[MAX_DECIMALS + 1];

  static {
    POW10[0] = 1;
    for (int k = 1; k <= MAX_DECIMALS; k++) POW10[k] = POW10[k - 1] * 10;
  }

  // Canonical columns that are not a dimension or measure.
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";
  static final String PARENT_ROW_DELTA = "parent_row_delta";
  static final String PARENT_SPAN_ID = "parent_span_id";
  static final String START_OFFSET_NS = "start_offset_ns";
  static final String DURATION_NS = "duration_ns";
  static final String FLAGS = "flags";

  static final int TRACE_BATCH_ROWS = 1 << 14;
  static final int BLOOM_BITS_PER_TRACE = 10;
  static final int BATCH_BLOOM_BITS_PER_TRACE = 8;
  /** Floor of the segment's trace filter: 1 KiB makes small segments' false positives negligible. */
  static final int BLOOM_MIN_BITS = 8192;
  static final int BLOOM_HASHES = 7;
  static final int POSTINGS_MIN_LIMIT = 64;
  /**
   * Dims that may keep postings. Span names are left out: they repeat the operation and model
   * ("chat gpt-4o") at two-thirds of a byte per row, and are searched with contains, which scans.
   */
  static final EnumSet<Dim> INDEXED = EnumSet.complementOf(EnumSet.of(Dim.SPAN_NAME));
  /**
   * A dim whose values average fewer rows than this keeps no postings: for near-unique values
   * (users, sessions) they would cost about a byte per row in index.bin, so filters on those scan
   * the dictionary ids instead.
   */
  static final int POSTINGS_ROWS_PER_VALUE = 32;
  static final int MEASURE_DICTIONARY_MAX = 127;
  static final long INTEGER_LIMIT = 1L << 53;
  /**
   * Rows per ZSTD block of detail.bin. On the benchmark data 1024-row blocks at level 6 take 3.8 B
   * a span against 6.9 for 256 rows at level 3, at the same compression time; a point read then
   * decompresses about 100 KB.
   */
  static final int DETAIL_BLOCK_ROWS = 1024;

  private SegmentFormat() {}

  /** The file holding a column. */
  static String fileName(String column) {
    return column + ".arrow";
  }

  /** Checks a column file's format metadata; returns its version. */
  static int checkColumn(Path file, String format, String version) throws CorruptSegmentException {
    if (!COLUMN_FORMAT.equals(format)) throw new CorruptSegmentException(file, "not an LLMScope segment column");
    int v;
    try {
      v = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      v = -1;
    }
    if (v < VERSION_START || v > VERSION_CURRENT) {
      throw new CorruptSegmentException(file, "unsupported column version " + version + " (this build reads "
          + VERSION_START + " to " + VERSION_CURRENT + ")");
    }
    return v;
  }

  /** The ingest rule for duration_ms (SpanNormaliser): (end - start) / 1e6 when start &gt; 0 and end ≥ start. */
  static double derivedDurationMs(long start, long end) {
    return start > 0 && end >= start ? (end - start) / 1e6 : Double.NaN;
  }

  /** The value of integer {@code m} of a column with {@code k} decimals (a correctly rounded division). */
  static double decimal(long m, int k) {
    return m / POW10[k];
  }

  /**
   * The fewest decimals (1..{@value #MAX_DECIMALS}) with which every non-NaN value of {@code v} is
   * {@code decimal(round(v * 10^k), k)} to the bit, or 0 when there are none (e.g. -0.0, NaN-free
   * binary fractions, magnitudes past 2^53 / 10^k). Costs rounded to 1e-12 and temperatures are such
   * values: an integer column holds them in 4 bytes a row where float64 needs 8.
   */
  static int decimalsOf(double[] v) {
    int k = 1;
    for (double d : v) {
      if (Double.isNaN(d)) continue;
      while (!isDecimal(d, k)) {
        if (++k > MAX_DECIMALS) return 0;
      }
    }
    return k;
  }

  private static boolean isDecimal(double d, int k) {
    if (!(Math.abs(d * POW10[k]) <= INTEGER_LIMIT)) return false;
    return Double.doubleToRawLongBits(decimal(scaled(d, k), k)) == Double.doubleToRawLongBits(d);
  }

  /** The integer a decimal column with {@code k} decimals stores for {@code d}. */
  static long scaled(double d, int k) {
    return Math.round(d * POW10[k]);
  }

  /** The ingest rule for total_tokens (DerivedRules): input + output, else whichever is known. */
  static double derivedTotalTokens(double input, double output) {
    if (Double.isNaN(input)) return output;
    if (Double.isNaN(output)) return input;
    return input + output;
  }
}
