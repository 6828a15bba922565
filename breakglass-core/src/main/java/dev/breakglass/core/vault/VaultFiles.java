package dev.breakglass.core.vault;

import dev.breakglass.VaultException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * File handling shared by vaults that keep their state in one file replaced through {@link
 * AtomicFile}: reading it with a size bound, telling whether another instance replaced it, and
 * refusing a replacement that holds another vault or an older generation.
 *
 * <p>Every failure is a {@link VaultException} that names the file. Stateless and thread-safe.
 */
public final class VaultFiles {
  private static final ConcurrentMap<Path, Object> PATH_LOCKS = new ConcurrentHashMap<>();

  private VaultFiles() {}

  /**
   * Runs {@code action} while no other writer of {@code file} can run: other threads of this
   * process are held by a lock per path, other processes by an OS lock on the sibling file {@code
   * <file>.lock}. Not reentrant across processes; do not nest calls for the same file.
   */
  public static void exclusively(Path file, Runnable action) {
    Path absolute = file.toAbsolutePath().normalize();
    Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".lock");
    synchronized (PATH_LOCKS.computeIfAbsent(absolute, k -> new Object())) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        action.run();
      } catch (IOException e) {
        throw new VaultException("cannot lock vault file " + file + " for writing: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Replaces {@code file} with {@code content} through {@link AtomicFile}, first removing the
   * temporary files a crashed writer may have left; call it inside {@link #exclusively}.
   *
   * @return the file's new {@link #version}
   * @throws VaultException if the file cannot be written; it then keeps its old content
   */
  public static Object replace(Path file, byte[] content) {
    try {
      AtomicFile.deleteLeftovers(file);
    } catch (IOException e) {
      // A leftover that cannot be removed is harmless: readers never look at it.
    }
    try {
      AtomicFile.write(file, content);
    } catch (IOException e) {
      throw new VaultException("cannot write vault file " + file + " (the vault is unchanged): " + e.getMessage(), e);
    }
    return version(file);
  }

  /**
   * A value that changes whenever {@code path} is replaced or rewritten (its file key,
   * modification time and size), for cheap "has anyone else written it?" checks.
   */
  public static Object version(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      throw missing(path);
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  /**
   * Reads the whole file, refusing one larger than {@code maxBytes} as corrupted rather than
   * exhausting memory.
   */
  public static byte[] read(Path path, long maxBytes) {
    try {
      if (Files.size(path) > maxBytes) {
        throw corrupted(path, "the file is larger than " + maxBytes + " bytes");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw missing(path);
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  /**
   * Checks that a file found replaced on disk may take the place of the copy in memory: it must
   * hold the same vault and must not be older.
   */
  public static void checkSuccessor(Path path, UUID vaultId, long generation, UUID foundId, long foundGeneration) {
    if (!foundId.equals(vaultId)) {
      throw new VaultException("vault file " + path + " now holds another vault (" + foundId
          + ", expected " + vaultId + "); reopen it");
    }
    if (foundGeneration < generation) {
      throw new VaultException("vault file " + path + " was replaced by an older copy (generation "
          + foundGeneration + ", this vault is at " + generation + "); reopen it to accept that");
    }
  }

  /** The error for a vault file whose content is not what the vault wrote. */
  public static VaultException corrupted(Path path, String what) {
    return new VaultException("vault file " + path + " is corrupted: " + what);
  }

  private static VaultException missing(Path path) {
    return new VaultException("vault file " + path + " does not exist");
  }

  private static VaultException unreadable(Path path, IOException e) {
    return new VaultException("cannot read vault file " + path + ": " + e.getMessage(), e);
  }
}
