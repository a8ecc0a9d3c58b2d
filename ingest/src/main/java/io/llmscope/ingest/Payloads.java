package io.llmscope.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Request body helpers shared by the HTTP and gRPC receivers. */
final class Payloads {
  private Payloads() {}

  /**
   * Inflates a gzip body. Inflation stops as soon as the output exceeds {@code maxBytes}, so a
   * gzip bomb costs at most {@code maxBytes} of memory.
   *
   * @throws BadPayloadException with {@link BadPayloadException#tooLarge()} when the inflated size
   *     exceeds {@code maxBytes}; a plain one when the body is not (valid, complete) gzip
   */
  static byte[] gunzip(byte[] body, int maxBytes) throws BadPayloadException {
    if (body == null || body.length < 2 || (body[0] & 0xFF) != 0x1F || (body[1] & 0xFF) != 0x8B) {
      throw new BadPayloadException("body is not gzip (Content-Encoding: gzip, but no gzip header)");
    }
    int initial = (int) Math.min(Math.max(maxBytes, 0), Math.max(256L, body.length * 4L));
    ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
    long total = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw BadPayloadException.tooLarge(
              "gzip body inflates to more than the limit of " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new BadPayloadException("corrupt gzip body: " + e.getMessage());
    }
    return out.toByteArray();
  }
}
