package io.llmscope.alerting.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.alerting.notify.Notification.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTest {
  @Test
  void idIsStablePerTransitionAndDiffersBetweenThem() {
    Notification f = NotifiersTest.firing();
    assertTrue(f.id().matches("[0-9a-f]{32}"), f.id());
    assertEquals(f.id(), NotifiersTest.firing().id());
    assertEquals(f.id(), Notification.idOf("acme", "cost-spike", Map.of("model", "gpt-4o"), NotifiersTest.T0, State.FIRING));
    Notification r = NotifiersTest.resolved();
    assertNotEquals(f.id(), r.id());
    assertEquals(r.id(), f.resolved(NotifiersTest.T1 + 1, 0, Map.of()).id(), "resolve time and value are not identity");
    assertNotEquals(f.id(), Notification.idOf("acme", "cost-spike", Map.of("model", "gpt-4o-mini"), NotifiersTest.T0, State.FIRING));
    assertNotEquals(f.id(), Notification.idOf("acme", "cost-spike", Map.of("model", "gpt-4o"), NotifiersTest.T0 + 1, State.FIRING));
    assertNotEquals(f.id(), Notification.idOf("other", "cost-spike", Map.of("model", "gpt-4o"), NotifiersTest.T0, State.FIRING));
    // The separators keep ("ab", "c") and ("a", "bc") apart.
    assertNotEquals(Notification.idOf("t", "r", Map.of("ab", "c"), 0, State.FIRING),
        Notification.idOf("t", "r", Map.of("a", "bc"), 0, State.FIRING));
  }

  @Test
  void labelsAreSortedCopiesWhateverTheCallerPassed() {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put("z", "1");
    groups.put("a", "2");
    Notification n = Notification.firing("t", "r", null, null, groups, null, null, 1, 0, null);
    groups.put("b", "3");
    assertEquals(List.of("a", "z"), List.copyOf(n.groupLabels().keySet()));
    assertEquals(Map.of(), n.labels());
    assertEquals("", n.severity());
    assertEquals("", n.ruleType());
    assertEquals(n.id(), Notification.idOf("t", "r", Map.of("a", "2", "z", "1"), 0, State.FIRING));
  }

  @Test
  void endsAtFollowsTheState() {
    assertThrows(IllegalArgumentException.class,
        () -> new Notification("t", "r", "", "", State.FIRING, Map.of(), Map.of(), Map.of(), 1, 10, 20, null));
    assertThrows(IllegalArgumentException.class,
        () -> new Notification("t", "r", "", "", State.RESOLVED, Map.of(), Map.of(), Map.of(), 1, 10, 5, null));
    assertEquals(0, NotifiersTest.firing().endsAt());
    assertEquals(NotifiersTest.T1, NotifiersTest.resolved().endsAt());
  }
}
