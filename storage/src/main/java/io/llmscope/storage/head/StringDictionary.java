package io.llmscope.storage.head;

import io.llmscope.storage.model.Ids;
import io.llmscope.storage.scan.Dictionary;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A growing dictionary with one writer and many readers. Ids are dense and never change; the
 * value array is replaced on growth, and readers that saw a row also see its id's value
 * because rows are published (a volatile write) after their ids are added here.
 */
public final class StringDictionary implements Dictionary {
  private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
  private volatile String[] values = new String[16];
  private volatile int size = 1; // id 0 = absent

  /** Writer only: the id of a value, adding it if new. */
  public int add(String value) {
    if (value == null) return ABSENT;
    Integer id = ids.get(value);
    if (id != null) return id;
    int next = size;
    String[] v = values;
    if (next == v.length) {
      v = Arrays.copyOf(v, v.length * 2);
    }
    v[next] = value;
    values = v;
    ids.put(value, next);
    size = next + 1;
    return next;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public String value(int id) {
    return values[id];
  }

  @Override
  public int idOf(String value) {
    if (value == null) return ABSENT;
    Integer id = ids.get(value);
    return id == null ? -1 : id;
  }
}
