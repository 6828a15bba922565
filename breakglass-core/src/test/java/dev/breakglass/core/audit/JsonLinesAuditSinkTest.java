package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines sink: one forced line per event, numbered on from where the file left off. */
class JsonLinesAuditSinkTest {
  @TempDir Path dir;

  List<AuditEvent> readFrom(JsonLinesAuditSink sink, long from) {
    List<AuditEvent> out = new ArrayList<>();
    sink.read(from, out::add);
    return out;
  }

  @Test
  void eventsAreReadBackFromAnyPosition() {
    Path file = dir.resolve("nested/audit.jsonl");
    List<AuditEvent> events = IntStream.range(0, 5).mapToObj(TestEvents::event).toList();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
      events.forEach(sink::append);
      assertThat(sink.durableSize()).isEqualTo(5);
      assertThat(sink.file()).isEqualTo(file);
      assertThat(readFrom(sink, 0)).containsExactlyElementsOf(events);
      assertThat(readFrom(sink, 2)).containsExactlyElementsOf(events.subList(2, 5));
      assertThat(readFrom(sink, 4)).containsExactly(events.get(4));
      assertThat(readFrom(sink, 5)).isEmpty();
      assertThat(readFrom(sink, 50)).isEmpty();
      assertThatThrownBy(() -> sink.read(-1, e -> { })).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("from must not be negative, was -1");
    }
  }

  @Test
  void linesAppendedBehindTheSinksBackAreNotReadAsItsOwn() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
      sink.append(event(0));
      sink.append(event(1));
      Files.write(file, AuditEventCodec.encode(2, event(2)), StandardOpenOption.APPEND);
      Files.write(file, "\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
      assertThat(readFrom(sink, 0)).containsExactly(event(0), event(1));
    }
  }

  @Test
  void aReopenedFileContinuesItsSequenceNumbersAndSkipsBlankLines() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
      sink.append(event(0));
      sink.append(event(1));
    }
    Files.writeString(file, "\n  \n", StandardOpenOption.APPEND);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
      assertThat(sink.durableSize()).isEqualTo(2);
      sink.append(event(2));
    }
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).startsWith("{\"seq\":2,");
    assertThat(JsonLinesAuditSink.read(file)).extracting(AuditEventCodec.Decoded::seq).containsExactly(0L, 1L, 2L);
  }

  @Test
  void anUndecodableLineIsNamedByItsNumber() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    Files.writeString(file, new String(AuditEventCodec.encode(0, event(0)), StandardCharsets.UTF_8) + "\n\n{oops}\n");
    assertThatThrownBy(() -> JsonLinesAuditSink.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ":3: ");
    assertThatThrownBy(() -> JsonLinesAuditSink.open(file)).isInstanceOf(AuditUnavailableException.class)
        .hasMessageStartingWith("cannot open audit file " + file + ": " + file + ":3: ");
  }

  @Test
  void aClosedSinkRefusesEventsAndClosesItsFileOnce() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    JsonLinesAuditSink sink = JsonLinesAuditSink.open(file);
    sink.append(event(0));
    sink.close();
    sink.close();
    assertThatThrownBy(() -> sink.append(event(1))).isInstanceOf(AuditUnavailableException.class)
        .hasMessage("audit file " + file + " is closed");
    assertThat(JsonLinesAuditSink.read(file)).hasSize(1);
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      assertThat(fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(file.toRealPath());
        } catch (IOException gone) {
          return false;
        }
      })).as("no descriptor of the file is left open").isEmpty();
    }
  }
}
