package io.llmscope.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.format.CorruptSegmentException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PointBatchTest {
  private static final Path FILE = Path.of("col.arrow");

  /** Values at a width, little-endian, as Arrow stores them. */
  private static byte[] stored(int width, long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (width) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  @Test
  void readsEachWidthSignedWithBaseAndNulls() {
    byte[] nulls = {0b101}; // rows 0 and 2 valid, row 1 null
    for (int width : new int[] {1, 2, 4, 8}) {
      PointBatch p = new PointBatch(FILE, stored(width, -3, 99, 7), width, false, nulls, 1000, 0, null, null);
      assertEquals(997, p.longAt(0, 0));
      assertEquals(1000, p.longAt(1, 0), "a null row reads the null value plus the base, as whole reads do");
      assertEquals(1007, p.longAt(2, 0));
      assertTrue(Double.isNaN(p.doubleAt(1)));
      assertEquals(-3 + 0.0, new PointBatch(FILE, stored(width, -3, 99, 7), width, false, null, 0, 0, null, null).doubleAt(0));
    }
  }

  @Test
  void floatsAndDictionaries() {
    PointBatch f = new PointBatch(FILE, stored(8, Double.doubleToRawLongBits(0.125), Double.doubleToRawLongBits(-2.5)),
        8, true, null, 0, 0, null, null);
    assertEquals(-2.5, f.doubleAt(1));
    PointBatch d = new PointBatch(FILE, stored(1, 1, 0, 2), 1, false, null, 0, 0, new double[] {0.5, 1.5}, null);
    assertEquals(1.5, d.doubleAt(0));
    assertEquals(0.5, d.doubleAt(1));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> d.doubleAt(2));
    assertInstanceOf(CorruptSegmentException.class, e.getCause());
    PointBatch ids = new PointBatch(FILE, stored(2, 0, 4, -1), 2, false, new byte[] {0b011}, 0, 0, null, null);
    assertEquals(1, ids.idAt(0, 5), "ids are the index plus one");
    assertEquals(5, ids.idAt(1, 5));
    assertEquals(0, ids.idAt(2, 5), "a null row has id 0 whatever its bits say");
    assertThrows(UncheckedIOException.class, () -> ids.idAt(1, 4));
  }

  @Test
  void decimalsDivideTheStoredIntegers() {
    PointBatch c = new PointBatch(FILE, stored(4, 6897, -234, 0), 4, false, new byte[] {0b011}, 0, 6, null, null);
    assertEquals(0.006897, c.doubleAt(0));
    assertEquals(-0.000234, c.doubleAt(1));
    assertTrue(Double.isNaN(c.doubleAt(2)));
  }
}
