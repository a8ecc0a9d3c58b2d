package io.llmscope.storage.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** The WAL writes with {@link SegmentBytes.Out} and replay reads with Chronicle: the bytes must agree. */
class StopBitTest {
  @Test
  void stopBitIsChroniclesEncoding() {
    Random random = new Random(7);
    long[] edges = {0, 1, 127, 128, 300, 16383, 16384, -1, -2, -127, -128, -129, Long.MIN_VALUE, Long.MAX_VALUE,
        Integer.MIN_VALUE, Integer.MAX_VALUE};
    for (int i = 0; i < edges.length + 10_000; i++) {
      long v = i < edges.length ? edges[i] : random.nextLong() >> random.nextInt(64);
      SegmentBytes.Out ours = new SegmentBytes.Out(16).stopBit(v);
      Bytes<byte[]> theirs = Bytes.allocateElasticOnHeap(16);
      theirs.writeStopBit(v);
      byte[] expected = new byte[(int) theirs.readRemaining()];
      theirs.read(expected);
      assertArrayEquals(expected, ours.toArray(), "stop-bit of " + v);
      assertEquals(v, Bytes.wrapForRead(ours.toArray()).readStopBit());
    }
  }

  @Test
  void stringsReadBackThroughChronicle() {
    for (String s : new String[] {null, "", "gpt-4o", "naïve – ünïcode ✓ 🚀", "x".repeat(70_000)}) {
      SegmentBytes.Out out = new SegmentBytes.Out(16).stopBitUtf8(s).i64(-5).f64(0.25).i32(42);
      Bytes<byte[]> in = Bytes.wrapForRead(out.toArray());
      assertEquals(s, DetailCodec.readString(in));
      assertEquals(-5, in.readLong());
      assertEquals(0.25, in.readDouble());
      assertEquals(42, in.readInt());
      assertEquals(0, in.readRemaining());
    }
  }
}
