package dev.breakglass.core.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that a crash at any moment leaves either the old or the new content, never a
 * mix or a truncated file: the content goes to a temporary file in the same directory, is forced to
 * disk, renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}, and then the directory
 * itself is forced so the rename survives a power loss.
 *
 * <p>Temporary files are named {@code .<target>.<random>.tmp} and created owner-only on POSIX file
 * systems; a crash can leave one behind, which readers never look at and {@link #deleteLeftovers}
 * removes. Concurrent writers to the same target must be serialized by the caller. Stateless and
 * thread-safe.
 */
public final class AtomicFile {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private AtomicFile() {}

  /**
   * Atomically replaces (or creates) {@code target} with {@code content}.
   *
   * @throws IOException if any step fails; the target then still holds its old content and the
   *     temporary file has been removed
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, tempPrefix(absolute), ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Removes temporary files a crashed {@link #write} may have left next to {@code target}. Call it
   * only while holding whatever lock serializes writers of {@code target}.
   *
   * @return how many files were removed
   */
  public static int deleteLeftovers(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    String prefix = tempPrefix(absolute);
    int removed = 0;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, p -> {
      String name = p.getFileName().toString();
      return name.startsWith(prefix) && name.endsWith(".tmp");
    })) {
      for (Path leftover : stream) {
        if (Files.deleteIfExists(leftover)) {
          removed++;
        }
      }
    }
    return removed;
  }

  private static String tempPrefix(Path absolute) {
    return "." + absolute.getFileName() + ".";
  }

  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (AccessDeniedException e) {
      // Windows cannot open a directory as a channel; there the rename is as durable as NTFS makes it.
      if (POSIX) {
        throw e;
      }
    }
  }
}
