package dev.breakglass.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The disk's floor under the durable audit log: one small append (the size of one audit frame) plus
 * {@code FileChannel.force(false)}, as the log's writer does per batch, in the same temporary
 * directory as {@link AppendBenchmark}. Microseconds per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class FsyncBenchmark {
  private Path dir;
  private FileChannel channel;
  private final ByteBuffer frame = ByteBuffer.allocate(300);

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bg-fsync-");
    channel = FileChannel.open(dir.resolve("segment"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  @TearDown
  public void tearDown() throws IOException {
    channel.close();
    Files.delete(dir.resolve("segment"));
    Files.delete(dir);
  }

  @Benchmark
  public void writeAndForce() throws IOException {
    frame.clear();
    while (frame.hasRemaining()) {
      channel.write(frame);
    }
    channel.force(false);
  }
}
