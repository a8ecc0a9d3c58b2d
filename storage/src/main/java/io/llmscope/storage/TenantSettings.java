package io.llmscope.storage;

import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Small per-tenant values other modules keep in the data directory (e.g. ingest's price
 * overrides), by setting name and tenant. The store knows nothing of their content: each is bytes,
 * replaced whole and crash-safe ({@link AtomicFile}: temp file, fsync, rename, fsync dir), and
 * checksummed. Writes of one setting and tenant must not race (callers serialise them).
 *
 * <p>File {@code settings/NAME/TENANT}, TENANT being the tenant with every character but
 * {@code a-z 0-9 - _} as {@code %XX} (UTF-8 bytes), or {@code ~} and its SHA-256 when that is long:
 * <pre>header("llmscope.setting", 1) tenant:utf8 length:i32 value:bytes footer</pre>
 */
public final class TenantSettings {
  private static final Logger LOG = Logger.getLogger(TenantSettings.class.getName());
  static final String FORMAT = "llmscope.setting";
  static final int VERSION = 1;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
  private static final int MAX_FILE_NAME = 120;

  private final DataDir dirs;

  TenantSettings(DataDir dirs) {
    this.dirs = dirs;
  }

  /** The stored value, or null when none is. */
  public byte[] read(String name, String tenant) throws IOException {
    Path f = file(name, tenant);
    byte[] whole;
    try {
      whole = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return null;
    }
    Decoded d = decode(f, whole);
    if (!d.tenant.equals(tenant)) throw new IOException(f + " holds tenant '" + d.tenant + "', not '" + tenant + "'");
    return d.value;
  }

  /**
   * Every tenant's value of a setting, by tenant. An unreadable file (which a crash cannot make) is
   * logged and left out, so one bad file does not stop a start.
   */
  public Map<String, byte[]> readAll(String name) throws IOException {
    Path dir = dirs.settings(checkName(name));
    Map<String, byte[]> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) return out;
    AtomicFile.removePending(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        try {
          Decoded d = decode(f, Files.readAllBytes(f));
          out.put(d.tenant, d.value);
        } catch (IOException e) {
          LOG.warning("skipping unreadable setting " + f + ": " + e.getMessage());
        }
      }
    }
    return out;
  }

  /** Replaces the value, durably: when this returns it survives a crash. */
  public void write(String name, String tenant, byte[] value) throws IOException {
    SegmentBytes.Out out = new SegmentBytes.Out(64 + value.length);
    Framing.writeHeader(out, FORMAT, VERSION);
    out.utf8(tenant).i32(value.length).bytes(value, 0, value.length);
    Framing.writeFooter(out);
    AtomicFile.write(file(name, tenant), out.toArray());
  }

  /** Removes the value, durably. */
  public void delete(String name, String tenant) throws IOException {
    AtomicFile.delete(file(name, tenant));
  }

  private record Decoded(String tenant, byte[] value) {}

  private static Decoded decode(Path f, byte[] whole) throws IOException {
    Framing.checkFooter(f, whole);
    SegmentBytes.In in = new SegmentBytes.In(whole, 0, whole.length - Framing.FOOTER_LENGTH);
    Framing.checkHeader(f, in, FORMAT, VERSION, VERSION);
    try {
      String tenant = in.utf8();
      int n = in.i32();
      if (n < 0 || in.pos + n != in.end) throw new IOException("bad value length in " + f);
      return new Decoded(tenant, Arrays.copyOfRange(in.buf, in.pos, in.pos + n));
    } catch (IndexOutOfBoundsException e) {
      throw new IOException("truncated " + f, e);
    }
  }

  private Path file(String name, String tenant) {
    return dirs.settings(checkName(name)).resolve(fileName(tenant));
  }

  private static String checkName(String name) {
    if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad setting name '" + name + "'");
    return name;
  }

  /** A file name for a tenant: readable for plain names, and never equal for two tenants. */
  static String fileName(String tenant) {
    StringBuilder sb = new StringBuilder();
    for (byte b : tenant.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') sb.append(c);
      else sb.append('%').append(String.format("%02X", b & 0xff));
    }
    if (sb.length() > 0 && sb.length() <= MAX_FILE_NAME) return sb.toString();
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
      return "~" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
