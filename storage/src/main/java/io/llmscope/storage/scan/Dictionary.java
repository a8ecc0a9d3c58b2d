package io.llmscope.storage.scan;

/**
 * The values of one dictionary-encoded string column. Id 0 always stands for "absent" (null);
 * real values have ids 1..size()-1.
 */
public interface Dictionary {
  int ABSENT = 0;

  /** Number of ids in use, including the absent id 0. */
  int size();

  /** The value of an id below {@link #size()}; null for {@link #ABSENT}. */
  String value(int id);

  /** The id of a value, or -1 when the column never holds it. */
  int idOf(String value);

  /** True when values ascend with their ids ({@link String#compareTo}), as in a sealed segment. */
  default boolean sorted() {
    return false;
  }
}
