package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AuditSink} must meet. Extend it, supply {@link #newSink()} and
 * {@link #readBack()}, and the whole contract runs against your implementation:
 *
 * <pre>{@code
 * class MySinkTest extends AuditSinkContract {
 *   @TempDir Path dir;
 *   protected AuditSink newSink() { return MySink.open(dir); }
 *   protected List<AuditEvent> readBack() { return MySink.readAll(dir); }
 * }
 * }</pre>
 *
 * <p>What it checks: appended events are durable and read back unchanged and in order; close is
 * idempotent; a closed sink throws {@link AuditUnavailableException}; reopening continues the same
 * trail; concurrent appends are all durable, none lost or duplicated.
 */
public abstract class AuditSinkContract {
  private final List<AuditSink> opened = new ArrayList<>();

  /**
   * A sink over this test's storage. Called more than once per test (to reopen); every sink of
   * one test shares the same storage, which starts empty for each test.
   *
   * @return a new sink over this test's storage
   */
  protected abstract AuditSink createSink();

  /**
   * Every event durable in this test's storage, in the order the sink recorded them, read
   * independently of any open sink (from files, a database...). Events the implementation adds on
   * its own (for example a repair record) may appear and are ignored by this contract when their
   * actor is {@link AuditEvent#SYSTEM} and no test appended them.
   *
   * @return the durable events, oldest first
   */
  protected abstract List<AuditEvent> readBack();

  /**
   * A sink opened through {@link #createSink()}, closed after the test.
   *
   * @return the new sink
   */
  protected final AuditSink newSink() {
    AuditSink s = createSink();
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeSinks() {
    for (AuditSink s : opened) {
      s.close();
    }
  }

  /**
   * An event with a marker detail, so tests can find exactly their own events.
   *
   * @param marker a value unique to the calling test
   * @return an {@link dev.breakglass.AuditEventType#ACCESS_REQUESTED} event carrying the marker
   */
  protected static AuditEvent event(String marker) {
    return new AuditEvent(Instant.parse("2026-01-01T00:00:00Z"), AuditEventType.ACCESS_REQUESTED,
        "alice@example.com", "grant-" + marker, "root-account", Map.of("marker", marker, "reason", "db outage"));
  }

  private List<AuditEvent> readBackMarked() {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : readBack()) {
      if (e.details().containsKey("marker")) {
        out.add(e);
      }
    }
    return out;
  }

  @Nested
  class Appending {
    @Test
    void appendedEventIsReadBackUnchanged() {
      AuditSink sink = newSink();
      AuditEvent e = event("one");
      sink.append(e);
      assertThat(readBackMarked()).containsExactly(e);
    }

    @Test
    void appendsFromOneThreadKeepTheirOrder() {
      AuditSink sink = newSink();
      List<AuditEvent> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        AuditEvent e = event("e" + i);
        sink.append(e);
        sent.add(e);
      }
      assertThat(readBackMarked()).containsExactlyElementsOf(sent);
    }

    @Test
    void appendIsDurableBeforeCloseSoAnIndependentReaderSeesIt() {
      AuditSink sink = newSink();
      sink.append(event("before-close"));
      assertThat(readBackMarked()).extracting(e -> e.details().get("marker")).containsExactly("before-close");
    }

    @Test
    void nullEventIsRejected() {
      AuditSink sink = newSink();
      assertThatThrownBy(() -> sink.append(null)).isInstanceOf(NullPointerException.class);
      assertThat(readBackMarked()).isEmpty();
    }
  }

  @Nested
  class Closing {
    @Test
    void appendAfterCloseThrowsAuditUnavailable() {
      AuditSink sink = newSink();
      sink.append(event("a"));
      sink.close();
      assertThatThrownBy(() -> sink.append(event("b"))).isInstanceOf(AuditUnavailableException.class);
      assertThat(readBackMarked()).extracting(e -> e.details().get("marker")).containsExactly("a");
    }

    @Test
    void closeIsIdempotent() {
      AuditSink sink = newSink();
      sink.close();
      sink.close();
      assertThatThrownBy(() -> sink.append(event("c"))).isInstanceOf(AuditUnavailableException.class);
    }

    @Test
    void reopenedSinkContinuesTheSameTrail() {
      AuditSink first = newSink();
      first.append(event("first"));
      first.close();
      AuditSink second = newSink();
      second.append(event("second"));
      assertThat(readBackMarked()).extracting(e -> e.details().get("marker")).containsExactly("first", "second");
    }
  }

  @Nested
  class Concurrency {
    @Test
    void concurrentAppendsAreAllDurableNoneLostOrDuplicated() throws Exception {
      AuditSink sink = newSink();
      int threads = 8;
      int perThread = 200;
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          futures.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perThread; i++) {
              sink.append(event(id + "-" + i));
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      List<AuditEvent> back = readBackMarked();
      Set<String> markers = new HashSet<>();
      for (AuditEvent e : back) {
        markers.add(e.details().get("marker"));
      }
      assertThat(back).hasSize(threads * perThread);
      assertThat(markers).hasSize(threads * perThread);
      for (int t = 0; t < threads; t++) {
        int last = -1;
        for (AuditEvent e : back) {
          String m = e.details().get("marker");
          if (m.startsWith(t + "-")) {
            int i = Integer.parseInt(m.substring(m.indexOf('-') + 1));
            assertThat(i).as("events of one thread stay in its order").isGreaterThan(last);
            last = i;
          }
        }
      }
    }
  }
}
