package io.llmscope.alerting.detect;

/**
 * A hashed character n-gram profile of text (prompts or completions), for content drift.
 *
 * <p>Each text is lower-cased code point by code point ({@link Character#toLowerCase(int)}), runs
 * of white space become one space and the ends are trimmed; every {@value #N}-code-point gram is
 * then hashed with 32-bit FNV-1a over its UTF-8 bytes into one of {@value #BUCKETS} buckets. The
 * hash is fixed, so profiles are stable across runs, machines and implementations. A text shorter
 * than {@value #N} code points (but not empty) counts as one gram. Grams are counted as they occur,
 * so a long text weighs more than a short one. Profiles merge by adding counts. Each bucket keeps
 * the first gram seen in it as an example, so an alert can show what moved. Every second text is
 * also counted apart, so that {@link Drift} can estimate sampling noise from the two halves (texts
 * arriving in a strict two-step pattern would make the halves differ and the noise look larger:
 * the safe direction). Not thread-safe.
 */
public final class NgramProfile {
  /** Gram length in code points. */
  public static final int N = 3;
  /** The number of hash buckets. */
  public static final int BUCKETS = 4096;

  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private final long[] counts = new long[BUCKETS];
  /** Counts of every second text (the 2nd, 4th, …): two halves to estimate sampling noise from. */
  private final long[] oddCounts = new long[BUCKETS];
  private final String[] examples = new String[BUCKETS];
  private long total;
  private long oddTotal;
  private long texts;
  private long oddTexts;
  /** Whether the text being added belongs to the odd half. */
  private boolean odd;

  /** An empty profile. */
  public NgramProfile() {}

  /** Adds the grams of one text (null and empty texts count as texts with no grams); returns this. */
  public NgramProfile add(String text) {
    odd = (texts & 1) == 1;
    texts++;
    if (odd) oddTexts++;
    if (text == null || text.isEmpty()) return this;
    // One pass, no copies: the last N normalised code points roll through `gram`.
    int[] gram = new int[N];
    int seen = 0;
    boolean space = false;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = seen > 0;
        continue;
      }
      if (space) {
        seen = push(gram, seen, ' ');
        space = false;
      }
      seen = push(gram, seen, Character.toLowerCase(c));
    }
    if (seen > 0 && seen < N) count(gram, 0, seen);
    return this;
  }

  /** Appends a code point to the rolling gram; counts the gram once it is full. */
  private int push(int[] gram, int seen, int c) {
    if (seen < N) {
      gram[seen++] = c;
    } else {
      System.arraycopy(gram, 1, gram, 0, N - 1);
      gram[N - 1] = c;
    }
    if (seen == N) count(gram, 0, N);
    return seen;
  }

  /** Adds the other profile's counts to this one (examples this one lacks too); returns this. */
  public NgramProfile merge(NgramProfile other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
      oddCounts[i] += other.oddCounts[i];
      if (examples[i] == null) examples[i] = other.examples[i];
    }
    total += other.total;
    oddTotal += other.oddTotal;
    texts += other.texts;
    oddTexts += other.oddTexts;
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

  /** Per-bucket counts of the odd half (every second text). */
  long[] oddCountsView() {
    return oddCounts;
  }

  /** Per-bucket counts of the even half (the 1st, 3rd, … text). */
  long[] evenCounts() {
    long[] even = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) even[i] = counts[i] - oddCounts[i];
    return even;
  }

  long oddTotal() {
    return oddTotal;
  }

  long oddTexts() {
    return oddTexts;
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
    if (odd) {
      oddCounts[bucket]++;
      oddTotal++;
    }
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
}
