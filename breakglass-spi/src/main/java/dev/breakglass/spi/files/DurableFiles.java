package dev.breakglass.spi.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one place where breakglass makes files durable and private. Vaults, the alert outbox, the
 * audit log and plugins such as the PKCS#11 vault all go through it, so they share one set of rules:
 *
 * <h2>Atomic replace</h2>
 * {@link #write} puts the new content in a temporary file in the same directory, forces it to
 * disk, renames it over the target with {@link StandardCopyOption#ATOMIC_MOVE} and then forces the
 * directory, so a crash at any moment leaves either the old or the new content, never a mix.
 * Temporary files are named {@code .<target>.<random>.tmp}; a crash can leave one behind, which
 * readers ignore and {@link #deleteLeftovers} removes.
 *
 * <pre>{@code
 * DurableFiles.write(dataDirectory.resolve("state.json"), json);   // 600, in a 700 directory
 * }</pre>
 *
 * <h2>Directory fsync</h2>
 * A rename or a new file is durable only once its directory is forced. {@link #fsyncDirectory}
 * throws when that fails on a POSIX file system (Linux, macOS): the caller then must not report the
 * write as done. The one tolerated case is a file system without POSIX permissions (Windows), where
 * a directory cannot be opened as a channel and a rename is as durable as the file system makes it.
 *
 * <h2>Owner-only</h2>
 * Everything breakglass creates holds reasons, tickets, actors or ciphertexts: directories are
 * created {@code 700} ({@link #createPrivateDirectories}) and files {@code 600} ({@link
 * #openPrivate}, {@link #write}), whatever the process umask. Existing files and directories keep
 * the permissions they have.
 *
 * <p>Stateless and thread-safe; concurrent writers of one target must be serialized by the caller
 * (see {@link VersionedFile#exclusively}).
 */
public final class DurableFiles {
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private DurableFiles() {}

  /**
   * Atomically replaces (or creates) {@code target} with {@code content}, creating missing parent
   * directories owner-only. A new target is owner-only ({@code 600}); a replaced one becomes so.
   *
   * @param target the file to write
   * @param content its complete new content
   * @throws IOException if any step fails, the directory fsync included; the target then still
   *     holds its old content and the temporary file has been removed
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    createPrivateDirectories(dir);
    // createTempFile makes the file owner-only on POSIX file systems, whatever the umask.
    Path tmp = Files.createTempFile(dir, tempPrefix(absolute), ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(ch, ByteBuffer.wrap(content));
        ch.force(true);
      }
      Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      fsyncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Forces {@code directory} to disk, making renames, creations and deletions in it durable. Call it
   * after creating or renaming a file whose existence must survive a power loss.
   *
   * @param directory the directory to force
   * @throws IOException if the directory cannot be forced on a POSIX file system; on a file system
   *     without POSIX permissions (Windows), where directories cannot be opened, it returns quietly
   */
  public static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      if (isPosix(directory)) {
        throw e instanceof IOException io ? io
            : new IOException("cannot force directory " + directory + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Creates {@code directory} and any missing parents with permissions {@code 700} (on POSIX file
   * systems, whatever the umask). Directories that already exist are left as they are.
   *
   * @param directory the directory to create
   * @return {@code directory}
   * @throws IOException if a directory cannot be created
   */
  public static Path createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return directory;
    }
    if (!isPosix(directory)) {
      return Files.createDirectories(directory);
    }
    List<Path> missing = new ArrayList<>();
    for (Path p = directory.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(p);
    }
    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
    // An unusual umask (0277) can drop even the owner's bits from the requested mode.
    for (Path p : missing) {
      Files.setPosixFilePermissions(p, OWNER_DIRECTORY);
    }
    return directory;
  }

  /**
   * Opens {@code file} as a channel; if the options create it, it is created owner-only ({@code
   * 600}, whatever the umask) in a directory made by {@link #createPrivateDirectories}.
   *
   * <pre>{@code
   * try (FileChannel log = DurableFiles.openPrivate(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
   *   ...
   * }
   * }</pre>
   *
   * @param file the file to open
   * @param options as for {@link FileChannel#open(Path, OpenOption...)}
   * @return the open channel; the caller closes it
   * @throws IOException as {@link FileChannel#open(Path, Set, FileAttribute[])}
   */
  public static FileChannel openPrivate(Path file, OpenOption... options) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    Set<OpenOption> set = Set.of(options);
    if (isPosix(file)) {
      return FileChannel.open(file, set, PosixFilePermissions.asFileAttribute(OWNER_FILE));
    }
    return FileChannel.open(file, set);
  }

  /**
   * Removes the temporary files a crashed {@link #write} may have left next to {@code target}. Call
   * it only while holding whatever lock serializes writers of {@code target}.
   *
   * @param target the file whose leftovers to remove
   * @return how many files were removed
   * @throws IOException if the directory cannot be listed or a leftover cannot be deleted
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

  /**
   * Whether {@code path}'s file system has POSIX permissions (the rules above depend on it).
   *
   * @param path any path on the file system in question
   * @return {@code true} on Linux and macOS file systems, {@code false} on Windows
   */
  public static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static String tempPrefix(Path absolute) {
    return "." + absolute.getFileName() + ".";
  }
}
