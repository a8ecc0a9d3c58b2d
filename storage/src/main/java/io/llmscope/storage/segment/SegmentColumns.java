package io.llmscope.storage.segment;

import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.format.Framing;
import io.llmscope.storage.model.Ids;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import com.carrotsearch.hppc.LongIntHashMap;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * Writing and reading the single-column Arrow IPC files of a segment.
 *
 * <p>Each file is a standard Arrow IPC file (readable by DuckDB, Spark, pyarrow) holding one
 * field, with buffers compressed by ZSTD, in record batches of {@link #BATCH_ROWS} rows. The
 * schema's metadata carries {@code llmscope.format} = {@value SegmentFormat#COLUMN_FORMAT} and
 * {@code llmscope.version}, plus column-specific entries (e.g. {@code llmscope.base} for offsets).
 * Integer columns use the narrowest signed width (8/16/32/64 bits) that holds every value of the
 * segment; dictionary columns use the narrowest signed index width, and their Arrow dictionary
 * (Utf8, sorted) holds the segment's values without the absent id, so Arrow index = id - 1 and
 * absent = null.
 */
final class SegmentColumns {
  static final int BATCH_ROWS = 1 << 16;
  /** ZSTD level of most columns (level 9 would save ~1 B/span but cuts seal throughput by ~2.5x). */
  static final int ZSTD_LEVEL = 3;
  /** ZSTD level of float64 measures and high-cardinality dictionaries: small raw size, real gain. */
  static final int ZSTD_LEVEL_HIGH = 9;
  /** ZSTD level of the near-random columns (ids, times), where higher levels gain little and cost time. */
  static final int ZSTD_LEVEL_RANDOM = 3;

  /** Parent of every allocator the segment code uses; tests assert it is empty after close. */
  static final BufferAllocator ROOT = new RootAllocator(Long.MAX_VALUE);

  private SegmentColumns() {}

  static BufferAllocator newAllocator(String name) {
    return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
  }

  /** A written file: its name in the segment directory, length and CRC32. */
  record FileEntry(String name, long length, long crc, List<ArrowBlock> blocks) {
    void addTo(List<FileEntry> list) {
      list.add(this);
    }
  }

  /** Kinds of column as recorded in the index stats. */
  static final int KIND_LONG = 0;
  static final int KIND_DOUBLE = 1;
  static final int KIND_DICT = 2;
  static final int KIND_FIXED16 = 3;

  /** Per-column statistics; min/max are raw longs, or double bits for {@link #KIND_DOUBLE}. */
  record ColumnStats(String name, int kind, int nullCount, long min, long max) {}


  private static Map<String, String> metadata(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(extra);
    m.put(SegmentFormat.META_FORMAT, SegmentFormat.COLUMN_FORMAT);
    m.put(SegmentFormat.META_VERSION, Integer.toString(SegmentFormat.VERSION_CURRENT));
    return m;
  }

  static int widthFor(long min, long max) {
    if (min >= Byte.MIN_VALUE && max <= Byte.MAX_VALUE) return 8;
    if (min >= Short.MIN_VALUE && max <= Short.MAX_VALUE) return 16;
    if (min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE) return 32;
    return 64;
  }

  /** Fills the vectors of one record batch covering rows [from, from + len). */
  private interface BatchFiller {
    void fill(VectorSchemaRoot root, int from, int len);
  }

  private static FileEntry write(Path dir, String column, Schema schema, DictionaryProvider provider, int rows,
      BatchFiller filler) throws IOException {
    return write(dir, column, schema, provider, rows, BATCH_ROWS, ZSTD_LEVEL, filler);
  }

  private static FileEntry write(Path dir, String column, Schema schema, DictionaryProvider provider, int rows,
      int batchRows, int level, BatchFiller filler) throws IOException {
    String file = SegmentFormat.fileName(column);
    Framing.Output out = new Framing.Output(dir.resolve(file));
    boolean ok = false;
    try (BufferAllocator alloc = newAllocator("write-" + column);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      List<ArrowBlock> blocks;
      try (ArrowFileWriter w = new ArrowFileWriter(root, provider, out, null, IpcOption.DEFAULT,
          CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD, Optional.of(level))) {
        w.start();
        for (int from = 0; from < rows || (from == 0 && rows == 0); from += batchRows) {
          int len = Math.min(batchRows, rows - from);
          for (FieldVector v : root.getFieldVectors()) {
            if (v instanceof BaseFixedWidthVector fw) fw.allocateNew(Math.max(len, 1));
            else v.allocateNew();
          }
          filler.fill(root, from, len);
          root.setRowCount(len);
          w.writeBatch();
          if (rows == 0) break;
        }
        w.end();
        blocks = List.copyOf(w.getRecordBlocks());
      }
      long crc = out.finish();
      ok = true;
      return new FileEntry(file, out.length(), crc, blocks);
    } finally {
      if (!ok) out.abort();
    }
  }

  /** An integer column; {@code present} null means no nulls. */
  static FileEntry writeLongs(Path dir, String column, long[] v, boolean[] present, Map<String, String> meta,
      List<ColumnStats> stats) throws IOException {
    return writeLongs(dir, column, v, present, meta, ZSTD_LEVEL, stats);
  }

  static FileEntry writeLongs(Path dir, String column, long[] v, boolean[] present, Map<String, String> meta,
      int level, List<ColumnStats> stats) throws IOException {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int nulls = 0;
    for (int i = 0; i < v.length; i++) {
      if (present != null && !present[i]) {
        nulls++;
        continue;
      }
      if (v[i] < min) min = v[i];
      if (v[i] > max) max = v[i];
    }
    stats.add(new ColumnStats(column, KIND_LONG, nulls, min, max));
    int bits = nulls == v.length ? 8 : widthFor(min, max);
    Field f = new Field(column, new FieldType(present != null, new ArrowType.Int(bits, true), null), null);
    return write(dir, column, new Schema(List.of(f), metadata(meta)), new DictionaryProvider.MapDictionaryProvider(),
        v.length, BATCH_ROWS, level, (root, from, len) -> {
          BaseIntVector vec = (BaseIntVector) root.getVector(0);
          for (int i = 0; i < len; i++) {
            if (present == null || present[from + i]) vec.setUnsafeWithPossibleTruncate(i, v[from + i]);
          }
        });
  }

  /** Null count (NaN) and min/max of a float64 column. */
  private static ColumnStats doubleStats(String column, double[] v) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int nulls = 0;
    for (double d : v) {
      if (Double.isNaN(d)) {
        nulls++;
        continue;
      }
      if (d < min) min = d;
      if (d > max) max = d;
    }
    return new ColumnStats(column, KIND_DOUBLE, nulls, Double.doubleToLongBits(min), Double.doubleToLongBits(max));
  }

  /** A float64 column; NaN is written as null. */
  static FileEntry writeDoubles(Path dir, String column, double[] v, List<ColumnStats> stats) throws IOException {
    stats.add(doubleStats(column, v));
    Field f = new Field(column, new FieldType(true, new ArrowType.FloatingPoint(
        FloatingPointPrecision.DOUBLE), null), null);
    return write(dir, column, new Schema(List.of(f), metadata(Map.of())), new DictionaryProvider.MapDictionaryProvider(),
        v.length, BATCH_ROWS, ZSTD_LEVEL_HIGH, (root, from, len) -> {
          Float8Vector vec = (Float8Vector) root.getVector(0);
          for (int i = 0; i < len; i++) {
            double d = v[from + i];
            if (!Double.isNaN(d)) vec.set(i, d);
          }
        });
  }

  /**
   * A measure whose values all have at most {@code decimals} places ({@link SegmentFormat#decimalsOf}):
   * an integer column of value * 10^decimals, with float64 statistics like {@link #writeDoubles}.
   */
  static FileEntry writeDecimals(Path dir, String column, double[] v, int decimals, List<ColumnStats> stats)
      throws IOException {
    long[] l = new long[v.length];
    boolean[] present = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      if (!Double.isNaN(v[i])) {
        l[i] = SegmentFormat.scaled(v[i], decimals);
        present[i] = true;
      }
    }
    List<ColumnStats> longStats = new ArrayList<>(1);
    FileEntry e = writeLongs(dir, column, l, present, Map.of(SegmentFormat.META_DECIMALS, Integer.toString(decimals)), longStats);
    stats.add(doubleStats(column, v));
    return e;
  }

  /**
   * A measure with few distinct values: int8 indices into a Float64 dictionary (the distinct
   * values in order of their raw bits); NaN is null.
   */
  static FileEntry writeDictDoubles(Path dir, String column, double[] v, double[] values, long dictionaryId,
      List<ColumnStats> stats) throws IOException {
    LongIntHashMap index = new LongIntHashMap(values.length);
    for (int i = 0; i < values.length; i++) index.put(Double.doubleToRawLongBits(values[i]), i);
    stats.add(doubleStats(column, v));
    DictionaryEncoding enc = new DictionaryEncoding(dictionaryId, false, new ArrowType.Int(8, true));
    Field f = new Field(column, new FieldType(true, enc.getIndexType(), enc), null);
    try (BufferAllocator alloc = newAllocator("dict-" + column);
        Float8Vector dict = new Float8Vector(column, alloc)) {
      dict.allocateNew(values.length);
      for (int i = 0; i < values.length; i++) dict.set(i, values[i]);
      dict.setValueCount(values.length);
      DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
      provider.put(new org.apache.arrow.vector.dictionary.Dictionary(dict, enc));
      return write(dir, column, new Schema(List.of(f), metadata(Map.of())), provider, v.length,
          (root, from, len) -> {
            BaseIntVector vec = (BaseIntVector) root.getVector(0);
            for (int i = 0; i < len; i++) {
              double d = v[from + i];
              if (!Double.isNaN(d)) vec.setUnsafeWithPossibleTruncate(i, index.get(Double.doubleToRawLongBits(d)));
            }
          });
    }
  }

  /** The 128-bit trace ids as FixedSizeBinary(16), big-endian (the OTLP byte order). */
  static FileEntry writeTraceIds(Path dir, String column, long[] hi, long[] lo, int batchRows, List<ColumnStats> stats)
      throws IOException {
    stats.add(new ColumnStats(column, KIND_FIXED16, 0, 0, 0));
    Field f = new Field(column, new FieldType(false, new ArrowType.FixedSizeBinary(16), null), null);
    return write(dir, column, new Schema(List.of(f), metadata(Map.of())), new DictionaryProvider.MapDictionaryProvider(),
        hi.length, batchRows, ZSTD_LEVEL_RANDOM, (root, from, len) -> {
          FixedSizeBinaryVector vec = (FixedSizeBinaryVector) root.getVector(0);
          for (int i = 0; i < len; i++) {
            vec.getDataBuffer().setLong(16L * i, Long.reverseBytes(hi[from + i]));
            vec.getDataBuffer().setLong(16L * i + 8, Long.reverseBytes(lo[from + i]));
            BitVectorHelper.setBit(vec.getValidityBuffer(), i);
          }
        });
  }

  /** A dictionary-encoded Utf8 column: {@code ids} are segment ids (0 absent) into {@code values} (id - 1). */
  static FileEntry writeDict(Path dir, String column, int[] ids, String[] values, long dictionaryId,
      List<ColumnStats> stats) throws IOException {
    int nulls = 0;
    for (int id : ids) if (id == 0) nulls++;
    stats.add(new ColumnStats(column, KIND_DICT, nulls, 0, values.length));
    int bits = widthFor(0, values.length - 1L);
    DictionaryEncoding enc = new DictionaryEncoding(dictionaryId, false, new ArrowType.Int(bits, true));
    // In memory the field is the index vector; Arrow's writer writes it as Utf8 with this dictionary.
    Field f = new Field(column, new FieldType(true, enc.getIndexType(), enc), null);
    try (BufferAllocator alloc = newAllocator("dict-" + column);
        VarCharVector dict = new VarCharVector(column, alloc)) {
      dict.allocateNew(Math.max(1, values.length));
      for (int i = 0; i < values.length; i++) dict.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      dict.setValueCount(values.length);
      DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
      provider.put(new org.apache.arrow.vector.dictionary.Dictionary(dict, enc));
      return write(dir, column, new Schema(List.of(f), metadata(Map.of())), provider, ids.length, BATCH_ROWS,
          values.length > 4096 ? ZSTD_LEVEL_HIGH : ZSTD_LEVEL, (root, from, len) -> {
            BaseIntVector vec = (BaseIntVector) root.getVector(0);
            for (int i = 0; i < len; i++) {
              int id = ids[from + i];
              if (id != 0) vec.setUnsafeWithPossibleTruncate(i, id - 1);
            }
          });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Reading. The file's bytes were checked against index.bin before they reach these methods.

  /** Receives each loaded record batch's vector and its first row. */
  private interface BatchReader {
    void read(FieldVector vec, int firstRow, int rows) throws IOException;
  }

  private static ArrowFileReader open(SeekableByteChannel ch, BufferAllocator alloc) {
    return new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE);
  }

  /** A whole column file held in memory. */
  static SeekableByteChannel whole(byte[] bytes) {
    return new ByteArrayReadableSeekableByteChannel(bytes);
  }

  /** Reads every record batch, or only batch {@code block} (rows at its start go to index 0) when it is ≥ 0. */
  private static void readBatches(Path file, int rows, ArrowFileReader r, int block, BatchReader each)
      throws IOException {
    VectorSchemaRoot root = r.getVectorSchemaRoot();
    Map<String, String> meta = root.getSchema().getCustomMetadata();
    if (meta == null) throw new CorruptSegmentException(file, "not a segment column file");
    SegmentFormat.checkColumn(file, meta.get(SegmentFormat.META_FORMAT), meta.get(SegmentFormat.META_VERSION));
    if (block >= 0) {
      if (block >= r.getRecordBlocks().size() || !r.loadRecordBatch(r.getRecordBlocks().get(block))) {
        throw new CorruptSegmentException(file, "missing record batch " + block);
      }
      if (root.getRowCount() > rows) throw new CorruptSegmentException(file, "record batch larger than " + rows + " rows");
      each.read(root.getVector(0), 0, root.getRowCount());
      return;
    }
    int at = 0;
    for (ArrowBlock b : r.getRecordBlocks()) {
      if (!r.loadRecordBatch(b)) throw new CorruptSegmentException(file, "missing record batch");
      int n = root.getRowCount();
      if (at + n > rows) throw new CorruptSegmentException(file, "more rows than the index says");
      each.read(root.getVector(0), at, n);
      at += n;
    }
    if (at != rows) throw new CorruptSegmentException(file, at + " rows, index says " + rows);
  }

  /**
   * Where a column file's parts lie: the schema and dictionaries before {@code headEnd}, the
   * record batches, and the footer from {@code tailStart}. Lets one batch be read without the rest.
   */
  record Layout(long length, long headEnd, long tailStart, List<ArrowBlock> blocks) {}

  static Layout layout(Path file, byte[] bytes) throws IOException {
    try (BufferAllocator alloc = newAllocator("layout-" + file.getFileName());
        ArrowFileReader r = open(whole(bytes), alloc)) {
      List<ArrowBlock> blocks = List.copyOf(r.getRecordBlocks());
      long headEnd = bytes.length;
      long tailStart = 0;
      for (ArrowBlock b : blocks) {
        headEnd = Math.min(headEnd, b.getOffset());
        tailStart = Math.max(tailStart, b.getOffset() + b.getMetadataLength() + b.getBodyLength());
      }
      for (ArrowBlock b : r.getDictionaryBlocks()) {
        if (b.getOffset() + b.getMetadataLength() + b.getBodyLength() > headEnd) {
          throw new CorruptSegmentException(file, "dictionary after a record batch");
        }
      }
      return new Layout(bytes.length, blocks.isEmpty() ? 0 : headEnd, tailStart, blocks);
    } catch (RuntimeException e) {
      throw new CorruptSegmentException(file, "unreadable column file: " + e.getMessage(), e);
    }
  }

  /** A channel over just the head, the tail and record batch {@code block} of a column file. */
  static SeekableByteChannel blockRegions(Layout l, int block, byte[] head, byte[] body, byte[] tail) {
    return new RegionChannel(l.length(), new long[] {0, l.blocks().get(block).getOffset(), l.tailStart()},
        new byte[][] {head, body, tail});
  }

  /** Schema metadata value of a column file, e.g. {@code llmscope.base}. */
  static String metadataOf(ArrowFileReader r, String key) throws IOException {
    Map<String, String> meta = r.getVectorSchemaRoot().getSchema().getCustomMetadata();
    return meta == null ? null : meta.get(key);
  }

  /** An integer column as longs; nulls read as {@code nullValue}. Adds {@code llmscope.base} if present. */
  static long[] readLongs(Path file, SeekableByteChannel ch, int rows, long nullValue, int block) throws IOException {
    long[] out = new long[rows];
    try (BufferAllocator alloc = newAllocator("read-" + file.getFileName());
        ArrowFileReader r = open(ch, alloc)) {
      readBatches(file, rows, r, block, (vec, first, n) -> {
        if (!(vec instanceof BaseIntVector iv)) throw new CorruptSegmentException(file, "not an integer column");
        IntegerReads.toLongs(iv, n, out, first, nullValue);
      });
      String base = metadataOf(r, SegmentFormat.META_BASE);
      if (base != null) {
        long b = Long.parseLong(base);
        for (int i = 0; i < rows; i++) out[i] += b;
      }
    }
    return out;
  }

  /** A measure column (integer, float64, or dictionary-encoded float64) as doubles, NaN for null. */
  static double[] readDoubles(Path file, SeekableByteChannel ch, int rows, int block) throws IOException {
    double[] out = new double[rows];
    try (BufferAllocator alloc = newAllocator("read-" + file.getFileName());
        ArrowFileReader r = open(ch, alloc)) {
      readBatches(file, rows, r, block, (vec, first, n) -> {
        DictionaryEncoding enc = vec.getField().getDictionary();
        if (enc != null) {
          org.apache.arrow.vector.dictionary.Dictionary d = r.lookup(enc.getId());
          if (d == null || !(d.getVector() instanceof Float8Vector dv) || !(vec instanceof BaseIntVector iv)) {
            throw new CorruptSegmentException(file, "bad measure dictionary");
          }
          long bad = IntegerReads.toDictionaryValues(iv, n, out, first, dictionaryDoubles(dv));
          if (bad != IntegerReads.IN_RANGE) throw new CorruptSegmentException(file, "dictionary index " + bad + " out of range");
        } else if (vec instanceof Float8Vector fv) {
          if (n > 0) fv.getDataBuffer().nioBuffer(0, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out, first, n);
          byte[] nulls = NullBits.of(fv, n);
          if (nulls != null) {
            for (int i = 0; i < n; i++) if (NullBits.isNull(nulls, i)) out[first + i] = Double.NaN;
          }
        } else if (vec instanceof BaseIntVector iv) {
          IntegerReads.toDoubles(iv, n, out, first);
          int k = decimalsOf(file, r);
          for (int i = first; k > 0 && i < first + n; i++) {
            if (!Double.isNaN(out[i])) out[i] = SegmentFormat.decimal((long) out[i], k);
          }
        } else {
          throw new CorruptSegmentException(file, "not a measure column");
        }
      });
    }
    return out;
  }

  /** {@code llmscope.decimals} of a measure column, 0 when its integers are the values. */
  private static int decimalsOf(Path file, ArrowFileReader r) throws IOException {
    String k = metadataOf(r, SegmentFormat.META_DECIMALS);
    if (k == null) return 0;
    try {
      int d = Integer.parseInt(k);
      if (d >= 0 && d <= SegmentFormat.MAX_DECIMALS) return d;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CorruptSegmentException(file, "bad " + SegmentFormat.META_DECIMALS + " " + k);
  }

  /** An int8 column (flags); nulls read as 0. */
  static byte[] readBytes(Path file, SeekableByteChannel ch, int rows, int block) throws IOException {
    byte[] out = new byte[rows];
    try (BufferAllocator alloc = newAllocator("read-" + file.getFileName());
        ArrowFileReader r = open(ch, alloc)) {
      readBatches(file, rows, r, block, (vec, first, n) -> {
        if (!(vec instanceof BaseIntVector iv)) throw new CorruptSegmentException(file, "not an integer column");
        IntegerReads.toBytes(iv, n, out, first);
      });
    }
    return out;
  }

  /**
   * Record batch {@code block} of an integer, float64 or dictionary-encoded column as stored, for
   * point reads. A Utf8 dictionary is decoded only when {@code known} is null.
   */
  static PointBatch readPoint(Path file, SeekableByteChannel ch, int rows, int block, SegmentDictionary known)
      throws IOException {
    PointBatch[] out = new PointBatch[1];
    try (BufferAllocator alloc = newAllocator("read-" + file.getFileName());
        ArrowFileReader r = open(ch, alloc)) {
      readBatches(file, rows, r, block, (vec, first, n) -> {
        boolean floating = vec instanceof Float8Vector;
        if (!floating && !(vec instanceof BaseIntVector)) throw new CorruptSegmentException(file, "not a numeric column");
        int width = ((BaseFixedWidthVector) vec).getTypeWidth();
        byte[] data = new byte[n * width];
        if (n > 0) vec.getDataBuffer().getBytes(0, data, 0, data.length);
        double[] doubles = null;
        SegmentDictionary strings = known;
        DictionaryEncoding enc = vec.getField().getDictionary();
        if (enc != null) {
          org.apache.arrow.vector.dictionary.Dictionary d = r.lookup(enc.getId());
          if (floating || d == null) throw new CorruptSegmentException(file, "bad dictionary");
          if (d.getVector() instanceof Float8Vector dv) {
            doubles = dictionaryDoubles(dv);
          } else if (d.getVector() instanceof VarCharVector dv) {
            if (strings == null) strings = new SegmentDictionary(dictionaryStrings(dv));
          } else {
            throw new CorruptSegmentException(file, "bad dictionary");
          }
        }
        String base = metadataOf(r, SegmentFormat.META_BASE);
        out[0] = new PointBatch(file, data, width, floating, NullBits.of(vec, n), base == null ? 0 : Long.parseLong(base),
            decimalsOf(file, r), doubles, strings);
      });
      return out[0];
    }
  }

  /** A float64 dictionary's values. */
  private static double[] dictionaryDoubles(Float8Vector dv) {
    double[] values = new double[dv.getValueCount()];
    for (int i = 0; i < values.length; i++) values[i] = dv.getDataBuffer().getDouble(8L * i);
    return values;
  }

  /** A Utf8 dictionary's values. */
  private static String[] dictionaryStrings(VarCharVector dv) {
    String[] values = new String[dv.getValueCount()];
    for (int i = 0; i < values.length; i++) values[i] = new String(dv.get(i), StandardCharsets.UTF_8);
    return values;
  }

  /** The trace ids of some rows: row i's id is (hi[i], lo[i]). */
  record TraceIds(long[] hi, long[] lo) {
    int size() {
      return hi.length;
    }
  }

  static TraceIds readTraceIds(Path file, byte[] bytes, int rows) throws IOException {
    long[] hi = new long[rows];
    long[] lo = new long[rows];
    try (BufferAllocator alloc = newAllocator("read-" + file.getFileName());
        ArrowFileReader r = open(whole(bytes), alloc)) {
      readBatches(file, rows, r, -1, (vec, first, n) -> {
        if (!(vec instanceof FixedSizeBinaryVector fv) || fv.getByteWidth() != 16) {
          throw new CorruptSegmentException(file, "not a 16-byte id column");
        }
        for (int i = 0; i < n; i++) {
          hi[first + i] = Long.reverseBytes(fv.getDataBuffer().getLong(16L * i));
          lo[first + i] = Long.reverseBytes(fv.getDataBuffer().getLong(16L * i + 8));
        }
      });
    }
    return new TraceIds(hi, lo);
  }

  /**
   * Trace ids of one record batch, read from the given regions of the file only (the caller has
   * checked their CRCs): {@code regions} holds {start, length} pairs with their bytes.
   */
  static TraceIds readTraceBlock(Path file, long fileLength, long[] regionStarts, byte[][] regionBytes, ArrowBlock block)
      throws IOException {
    try (BufferAllocator alloc = newAllocator("read-block-" + file.getFileName());
        ArrowFileReader r = new ArrowFileReader(new RegionChannel(fileLength, regionStarts, regionBytes), alloc,
            CommonsCompressionFactory.INSTANCE)) {
      VectorSchemaRoot root = r.getVectorSchemaRoot();
      if (!r.loadRecordBatch(block)) throw new CorruptSegmentException(file, "missing record batch");
      if (!(root.getVector(0) instanceof FixedSizeBinaryVector fv) || fv.getByteWidth() != 16) {
        throw new CorruptSegmentException(file, "not a 16-byte id column");
      }
      int n = root.getRowCount();
      long[] hi = new long[n];
      long[] lo = new long[n];
      for (int i = 0; i < n; i++) {
        hi[i] = Long.reverseBytes(fv.getDataBuffer().getLong(16L * i));
        lo[i] = Long.reverseBytes(fv.getDataBuffer().getLong(16L * i + 8));
      }
      return new TraceIds(hi, lo);
    } catch (RuntimeException e) {
      throw new CorruptSegmentException(file, "unreadable record batch: " + e.getMessage(), e);
    }
  }

  /** A read-only channel over a few loaded regions of a file; reading elsewhere is an error. */
  private static final class RegionChannel implements java.nio.channels.SeekableByteChannel {
    private final long size;
    private final long[] starts;
    private final byte[][] bytes;
    private long position;

    RegionChannel(long size, long[] starts, byte[][] bytes) {
      this.size = size;
      this.starts = starts;
      this.bytes = bytes;
    }

    @Override
    public int read(java.nio.ByteBuffer dst) throws IOException {
      if (position >= size) return -1;
      for (int i = 0; i < starts.length; i++) {
        long off = position - starts[i];
        if (off >= 0 && off < bytes[i].length) {
          int n = (int) Math.min(dst.remaining(), bytes[i].length - off);
          dst.put(bytes[i], (int) off, n);
          position += n;
          return n;
        }
      }
      throw new IOException("read at " + position + " outside the loaded regions");
    }

    @Override public int write(java.nio.ByteBuffer src) { throw new java.nio.channels.NonWritableChannelException(); }
    @Override public long position() { return position; }
    @Override public RegionChannel position(long p) { position = p; return this; }
    @Override public long size() { return size; }
    @Override public RegionChannel truncate(long s) { throw new java.nio.channels.NonWritableChannelException(); }
    @Override public boolean isOpen() { return true; }
    @Override public void close() {}
  }

  /** A dictionary column: ids (0 absent) and the dictionary. */
  record DictColumn(int[] ids, SegmentDictionary dictionary) {}

  /** Ids and dictionary of a dictionary column; {@code known}, when given, is its dictionary (not decoded again). */
  static DictColumn readDict(Path file, SeekableByteChannel ch, int rows, int block, SegmentDictionary known)
      throws IOException {
    int[] ids = new int[rows];
    String[][] values = new String[1][];
    int[] size = {known == null ? -1 : known.size() - 1};
    try (BufferAllocator alloc = newAllocator("read-" + file.getFileName());
        ArrowFileReader r = open(ch, alloc)) {
      readBatches(file, rows, r, block, (vec, first, n) -> {
        if (!(vec instanceof BaseIntVector iv)) throw new CorruptSegmentException(file, "not a dictionary column");
        if (size[0] < 0) {
          DictionaryEncoding enc = vec.getField().getDictionary();
          if (enc == null) throw new CorruptSegmentException(file, "not a dictionary column");
          org.apache.arrow.vector.dictionary.Dictionary d = r.lookup(enc.getId());
          if (d == null || !(d.getVector() instanceof VarCharVector dv)) throw new CorruptSegmentException(file, "no Utf8 dictionary");
          values[0] = dictionaryStrings(dv);
          size[0] = values[0].length;
        }
        long bad = IntegerReads.toIds(iv, n, ids, first, size[0]);
        if (bad != IntegerReads.IN_RANGE) throw new CorruptSegmentException(file, "dictionary index " + bad + " out of range");
      });
      if (known != null) return new DictColumn(ids, known);
      if (values[0] == null) {
        // No record batch was loaded (zero rows): the dictionary is empty by construction.
        values[0] = new String[0];
      }
    }
    return new DictColumn(ids, new SegmentDictionary(values[0]));
  }

  static List<String> names(List<FileEntry> files) {
    List<String> out = new ArrayList<>();
    for (FileEntry f : files) out.add(f.name());
    return out;
  }
}
