package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox files: segments read in order, torn lines dropped, compaction, quarantine, nothing left open. */
class AlertOutboxTest {
  @TempDir Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }


  @Test
  void recordsAppendedAreReadBackInOrderAfterAReopen() throws IOException {
    AlertOutbox.Loaded first = AlertOutbox.open(dir);
    assertThat(first.records()).isEmpty();
    assertThat(dir.resolve("alerts-000001.jsonl")).exists();
    first.outbox().append(b("{\"a\":1}"));
    first.outbox().appendUnforced(b("{\"a\":2}"));
    assertThat(first.outbox().size()).isEqualTo(16);
    assertThat(first.outbox().directory()).isEqualTo(dir);
    first.outbox().close();
    AlertOutbox.Loaded again = AlertOutbox.open(dir);
    assertThat(again.records()).containsExactly("{\"a\":1}", "{\"a\":2}");
    assertThat(again.outbox().size()).isEqualTo(16);
    again.outbox().append(b("{\"a\":3}"));
    again.outbox().close();
    assertThat(Files.readString(dir.resolve("alerts-000001.jsonl"))).isEqualTo("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
  }

  @Test
  void aLineCutShortByACrashIsDroppedAndTheNextRecordStartsClean() throws IOException {
    Files.writeString(dir.resolve("alerts-000001.jsonl"), "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3");
    AlertOutbox.Loaded loaded = AlertOutbox.open(dir);
    assertThat(loaded.records()).containsExactly("{\"a\":1}", "{\"a\":2}");
    assertThat(loaded.outbox().size()).isEqualTo(17);
    loaded.outbox().append(b("{\"a\":4}"));
    loaded.outbox().close();
    assertThat(Files.readString(dir.resolve("alerts-000001.jsonl"))).isEqualTo("{\"a\":1}\n\n{\"a\":2}\n{\"a\":4}\n");
  }

  @Test
  void segmentsAreReadInNumericOrderAndLeftoversOfACrashedCompactionDeleted() throws IOException {
    Files.writeString(dir.resolve("alerts-000010.jsonl"), "ten\n");
    Files.writeString(dir.resolve("alerts-000002.jsonl"), "two\n");
    Files.writeString(dir.resolve("alerts-000002.jsonl.tmp"), "half\n");
    Files.writeString(dir.resolve(".alerts-000011.jsonl.tmp"), "half\n");
    Files.writeString(dir.resolve("notes.tmp"), "mine\n");
    Files.writeString(dir.resolve("alerts-2.jsonl"), "not a segment\n");
    AlertOutbox.Loaded loaded = AlertOutbox.open(dir);
    assertThat(loaded.records()).containsExactly("two", "ten");
    assertThat(dir.resolve("alerts-000002.jsonl.tmp")).doesNotExist();
    assertThat(dir.resolve(".alerts-000011.jsonl.tmp")).doesNotExist();
    assertThat(dir.resolve("notes.tmp")).exists();
    assertThat(dir.resolve("alerts-2.jsonl")).exists();
    assertThat(loaded.outbox().segmentCount()).isEqualTo(2);
    loaded.outbox().append(b("eleven"));
    loaded.outbox().close();
    assertThat(Files.readString(dir.resolve("alerts-000010.jsonl"))).as("appends go to the newest").isEqualTo(
        "ten\neleven\n");
  }

  @Test
  void aRewriteKeepsOnlyTheLiveRecordsInTheNextSegment() throws IOException {
    AlertOutbox.Loaded loaded = AlertOutbox.open(dir);
    AlertOutbox outbox = loaded.outbox();
    outbox.append(b("old-1"));
    outbox.append(b("old-2"));
    outbox.rewrite(List.of(b("live-1"), b("live-2")));
    assertThat(outbox.segmentCount()).isEqualTo(1);
    assertThat(dir.resolve("alerts-000001.jsonl")).doesNotExist();
    assertThat(outbox.size()).isEqualTo(14);
    outbox.append(b("new"));
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).as("only the new segment is open").isEqualTo(1);
    outbox.close();
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).isZero();
    assertThat(Files.readString(dir.resolve("alerts-000002.jsonl"))).isEqualTo("live-1\nlive-2\nnew\n");
    assertThat(AlertOutbox.open(dir).records()).containsExactly("live-1", "live-2", "new");
  }

  @Test
  void refusedLinesAreKeptInANewQuarantineFileEachTime() throws IOException {
    AlertOutbox outbox = AlertOutbox.open(dir).outbox();
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    Path first = outbox.quarantine(List.of("bad-1", "bad-2"), now);
    Path second = outbox.quarantine(List.of("bad-3"), now);
    Path third = outbox.quarantine(List.of("bad-4"), now);
    outbox.close();
    assertThat(first).isEqualTo(dir.resolve("quarantine").resolve("refused-20260301T120000Z-g1.jsonl"));
    assertThat(second.getFileName()).hasToString("refused-20260301T120000Z-g1-2.jsonl");
    assertThat(third.getFileName()).hasToString("refused-20260301T120000Z-g1-3.jsonl");
    assertThat(Files.readString(first)).isEqualTo("bad-1\nbad-2\n");
    assertThat(Files.readString(second)).isEqualTo("bad-3\n");
    assertThat(AlertOutbox.open(dir).records()).as("quarantined lines are not replayed").isEmpty();
  }

  @Test
  void aClosedOutboxRefusesAppendsByName() {
    AlertOutbox outbox = AlertOutbox.open(dir).outbox();
    outbox.close();
    assertThatThrownBy(() -> outbox.append(b("late"))).isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot write alert outbox " + dir + ": ");
  }

  @Test
  void anOutboxThatCannotBeCreatedIsNamed() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> AlertOutbox.open(file.resolve("outbox"))).isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot open alert outbox " + file.resolve("outbox"));
  }
}
