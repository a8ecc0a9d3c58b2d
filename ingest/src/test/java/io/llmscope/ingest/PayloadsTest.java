package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  @Test
  void gzipRoundTripDecodesToTheSameRequest() throws Exception {
    byte[] pb = Fixtures.bytes("otel-proto/trace.protobuf-bin");
    byte[] json = Fixtures.bytes("otel-proto/trace.json");
    assertArrayEquals(pb, Payloads.gunzip(gzip(pb), 1 << 20));
    assertEquals(TraceDecoder.decodeJson(json), TraceDecoder.decodeProtobuf(Payloads.gunzip(gzip(pb), 1 << 20)));
    assertEquals(TraceDecoder.decodeJson(json), TraceDecoder.decodeJson(Payloads.gunzip(gzip(json), json.length)));
    assertArrayEquals(new byte[0], Payloads.gunzip(gzip(new byte[0]), 10));
  }

  @Test
  void gzipBombOverTheLimitIsTooLarge() throws Exception {
    byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros, ~64 KiB compressed
    assertTrue(bomb.length < 200_000);
    BadPayloadException e = assertThrows(BadPayloadException.class, () -> Payloads.gunzip(bomb, 4 << 20));
    assertTrue(e.tooLarge());
    assertTrue(e.getMessage().contains(String.valueOf(4 << 20)), e.getMessage());
    // exactly at the limit is fine
    assertEquals(1000, Payloads.gunzip(gzip(new byte[1000]), 1000).length);
    assertTrue(assertThrows(BadPayloadException.class, () -> Payloads.gunzip(gzip(new byte[1001]), 1000)).tooLarge());
  }

  @Test
  void notGzipAndCorruptGzipAreBadButNotTooLarge() throws Exception {
    BadPayloadException plain = assertThrows(BadPayloadException.class,
        () -> Payloads.gunzip(Fixtures.bytes("otel-proto/trace.json"), 1 << 20));
    assertFalse(plain.tooLarge());
    assertTrue(plain.getMessage().contains("not gzip"));
    byte[] good = gzip(Fixtures.bytes("otel-proto/trace.json"));
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    BadPayloadException t = assertThrows(BadPayloadException.class, () -> Payloads.gunzip(truncated, 1 << 20));
    assertFalse(t.tooLarge());
    byte[] corrupt = good.clone();
    for (int i = 12; i < corrupt.length - 8; i++) corrupt[i] ^= 0x5A;
    assertFalse(assertThrows(BadPayloadException.class, () -> Payloads.gunzip(corrupt, 1 << 20)).tooLarge());
    assertFalse(assertThrows(BadPayloadException.class, () -> Payloads.gunzip(new byte[0], 10)).tooLarge());
  }
}
