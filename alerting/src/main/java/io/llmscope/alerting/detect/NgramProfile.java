package io.llmscope.alerting.detect;

import java.util.Locale;

/**
 * A hashed character n-gram profile of text (prompts or completions), for content drift.
 *
 * <p>Each text is lower-cased ({@link Locale#ROOT}), runs of white space become one space and the
 * ends are trimmed; every {@value #N}-code-point gram is then hashed with 32-bit FNV-1a over its
 * UTF-8 bytes into one of {@value #BUCKETS} buckets. The hash is fixed, so profiles are stable across
 * runs, machines and implementations. A text shorter than {@value #N} code points (but not empty)
 * counts as one gram. Grams are counted as they occur, so a long text weighs more than a short
 * one. Profiles merge by adding counts. Each bucket keeps the first gram seen in it as an example,
 * so an alert can show what moved. Not thread-safe.
 */
public final class NgramProfile {
  /** Gram length in code points. */
  public static final int N = 3;
  /** The number of hash buckets. */
  public static final int BUCKETS = 4096;

  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private final long[] counts = new long[BUCKETS];
  private final String[] examples = new String[BUCKETS];
  private long total;
  private long texts;

  /** An empty profile. */
  public NgramProfile() {}

  /** Adds the grams of one text (null and empty texts count as texts with no grams); returns this. */
  public NgramProfile add(String text) {
    texts++;
    if (text == null || text.isEmpty()) return this;
    int[] cps = normalise(text);
    if (cps.length == 0) return this;
    if (cps.length < N) {
      count(cps, 0, cps.length);
      return this;
    }
    for (int i = 0; i + N <= cps.length; i++) count(cps, i, N);
    return this;
  }

  /** Adds the other profile's counts to this one (examples this one lacks too); returns this. */
  public NgramProfile merge(NgramProfile other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
      if (examples[i] == null) examples[i] = other.examples[i];
    }
    total += other.total;
    texts += other.texts;
    return this;
  }

  /** The number of grams counted. */
  public long total() {
    return total;
  }

  /** The number of texts added. */
  public long texts() {
    return texts;
  }

  /** The count in one bucket. */
  public long count(int bucket) {
    return counts[bucket];
  }

  /** The first gram counted in a bucket, or null when it is empty. */
  public String example(int bucket) {
    return examples[bucket];
  }

  long[] countsView() {
    return counts;
  }

  /** The bucket of a gram as {@link #add} hashes it (the gram is used as given, not normalised). */
  static int bucketOf(String gram) {
    int[] cps = gram.codePoints().toArray();
    return hash(cps, 0, cps.length) & (BUCKETS - 1);
  }

  private void count(int[] cps, int from, int len) {
    int bucket = hash(cps, from, len) & (BUCKETS - 1);
    counts[bucket]++;
    total++;
    if (examples[bucket] == null) examples[bucket] = new String(cps, from, len);
  }

  /** FNV-1a over the UTF-8 encoding of the code points. */
  static int hash(int[] cps, int from, int len) {
    int h = FNV_OFFSET;
    for (int i = from; i < from + len; i++) {
      int c = cps[i];
      if (c < 0x80) {
        h = (h ^ c) * FNV_PRIME;
      } else if (c < 0x800) {
        h = (h ^ (0xC0 | (c >> 6))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
      } else if (c < 0x10000) {
        h = (h ^ (0xE0 | (c >> 12))) * FNV_PRIME;
        h = (h ^ (0x80 | ((c >> 6) & 0x3F))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
      } else {
        h = (h ^ (0xF0 | (c >> 18))) * FNV_PRIME;
        h = (h ^ (0x80 | ((c >> 12) & 0x3F))) * FNV_PRIME;
        h = (h ^ (0x80 | ((c >> 6) & 0x3F))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3F))) * FNV_PRIME;
      }
    }
    return h;
  }

  /** Lower-cased code points with white-space runs collapsed to one space and the ends trimmed. */
  static int[] normalise(String text) {
    int[] in = text.toLowerCase(Locale.ROOT).codePoints().toArray();
    int[] out = new int[in.length];
    int n = 0;
    boolean space = false;
    for (int c : in) {
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = n > 0;
      } else {
        if (space) out[n++] = ' ';
        out[n++] = c;
        space = false;
      }
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }
}
