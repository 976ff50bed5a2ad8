package io.opspulse.agent.core;

/**
 * Methods of the shapes woven code must keep working in, for {@link HookWeaverTest}: a loop at the
 * very start, a catch of its own inside, wide (long and double) parameters and locals, a static
 * method, early returns, a throw, a constructor with a branch.
 */
public class WovenSubject {
  private final String name;

  public WovenSubject(String name) {
    if (name == null) {
      this.name = "unnamed";
      return;
    }
    this.name = name;
  }

  /** Its own catch handles the exception thrown at i == 3: the caller never sees it. */
  public int sumCatchingItsOwn(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
      try {
        if (i == 3) {
          throw new IllegalStateException("three");
        }
        sum += i;
      } catch (IllegalStateException e) {
        sum += 100;
      }
    }
    return sum;
  }

  public static long wide(long a, double b, String c) {
    if (c == null) {
      return -1;
    }
    long r = a;
    double d = b;
    while (d > 1) {
      r += 1;
      d /= 2;
    }
    return r + c.length();
  }

  public String failsOnEmpty(String why) {
    if (why.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    return name.concat(":").concat(why); // no invokedynamic: HookWeaverTest rewrites it as Java 5
  }

  public String name() {
    return name;
  }
}
