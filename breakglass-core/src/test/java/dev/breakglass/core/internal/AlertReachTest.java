package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When alerts can reach nobody but the application log, the build says so: a WARN and an
 * {@code ALERTS_TO_LOG_ONLY} audit record; and when SLF4J has no provider (so the log channel
 * discards everything), one line on stderr.
 */
class AlertReachTest {
  @TempDir Path dir;

  private List<AuditEventType> typesAfter(BreakGlass.Builder builder) {
    builder.build().close();
    return AuditLogReader.readEvents(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY)).stream().map(AuditEvent::type)
        .toList();
  }

  private BreakGlassEngine.Builder engine() {
    return BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy()).dataDirectory(dir).vault(new MapVault())
        .background(false);
  }

  @Test
  void onlyTheLogChannelIsRecordedAtBuild() {
    List<AuditEventType> types = typesAfter(engine());
    assertThat(types).contains(AuditEventType.ALERTS_TO_LOG_ONLY);
    AuditEvent record = AuditLogReader.readEvents(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY)).stream()
        .filter(e -> e.type() == AuditEventType.ALERTS_TO_LOG_ONLY).findFirst().orElseThrow();
    assertThat(record.details()).containsEntry("channels", "slf4j");
  }

  @Test
  void theLogNamedExplicitlyIsStillOnlyTheLog() {
    assertThat(typesAfter(engine().property("alert.channels", "log").property("alert.channel.log.provider", "slf4j")))
        .contains(AuditEventType.ALERTS_TO_LOG_ONLY);
  }

  @Test
  void aChannelGivenInCodeIsNotLogOnly() {
    assertThat(typesAfter(engine().alertChannel(new RecordingAlertChannel())))
        .doesNotContain(AuditEventType.ALERTS_TO_LOG_ONLY);
  }

  @Test
  void aConfiguredChannelIsNotLogOnly() {
    assertThat(typesAfter(engine().property("alert.channels", "hook").property("alert.channel.hook.provider", "webhook")
        .property("alert.channel.hook.url", "http://127.0.0.1:9/alerts")))
        .doesNotContain(AuditEventType.ALERTS_TO_LOG_ONLY);
  }

  private String childStderr(boolean withProvider) throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> withProvider || !Path.of(entry).getFileName().toString().startsWith("slf4j-simple"))
        .collect(Collectors.joining(File.pathSeparator));
    Path data = dir.resolve(withProvider ? "with" : "without");
    Path err = dir.resolve(withProvider ? "with.err" : "without.err");
    Path out = dir.resolve(withProvider ? "with.out" : "without.out");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", classPath, AlertReachChild.class.getName(), data.toString())
        .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    assertThat(child.exitValue()).as("child exit; stderr: %s", Files.readString(err)).isZero();
    assertThat(Files.readString(out)).startsWith("BUILT");
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  @Test
  void withoutAnSlf4jProviderTheBuildPrintsOneLineOnStderr() throws Exception {
    assertThat(System.getProperty("java.class.path")).contains("slf4j-simple");
    List<String> ours = childStderr(false).lines().filter(l -> l.startsWith("breakglass:")).toList();
    assertThat(ours).singleElement().satisfies(line -> assertThat(line).contains("SLF4J")
        .contains("no provider").contains("alert.channels"));
  }

  @Test
  void withAnSlf4jProviderNothingIsPrintedOnStderrByTheBuild() throws Exception {
    assertThat(childStderr(true).lines()).noneMatch(l -> l.startsWith("breakglass:"));
  }
}
