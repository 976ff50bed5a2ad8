package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {
  /** Equal by equals, different by identity: two statements or pools are never one entry. */
  private record Same(int id) {}

  @Test
  void keysAreComparedByIdentity() {
    WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();
    Same a = new Same(1);
    Same b = new Same(1);
    map.put(a, "a");
    assertThat(map.get(a)).isEqualTo("a");
    assertThat(map.get(b)).isNull();
    assertThat(map.putIfAbsent(a, "again")).isEqualTo("a");
    assertThat(map.remove(a)).isEqualTo("a");
    assertThat(map.get(a)).isNull();
  }

  @Test
  void anEntryGoesWithItsKey() {
    WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();
    Object kept = new Object();
    map.put(kept, "kept");
    for (int i = 0; i < 100; i++) {
      map.put(new Object(), "dropped");
    }
    Poll.untilTrue(
        "the dropped keys' entries to be expunged",
        Duration.ofSeconds(20),
        () -> {
          System.gc();
          map.expunge();
          return map.size() == 1;
        });
    List<String> live = new ArrayList<>();
    map.forEach((k, v) -> live.add(v));
    assertThat(live).containsExactly("kept");
    assertThat(map.get(kept)).isEqualTo("kept");
  }
}
