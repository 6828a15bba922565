package dev.breakglass.spi.files;

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
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A versioned document (a credential vault, typically) kept in one file that several instances,
 * threads or processes may open at once. Each document names its identity ({@link
 * Format#documentId}) and a generation that grows with every write. The protocol:
 *
 * <ul>
 *   <li><b>Read</b> ({@link #current}): if the file changed on disk since this instance last saw it
 *       (file key, modification time, size), it is read again (size-bounded), decoded, checked to
 *       hold the same document at the same or a later generation, and handed to the verifier (MAC,
 *       authentication tags) before it replaces the copy in memory.</li>
 *   <li><b>Write</b> ({@link #update}): under {@link #exclusively the write lock} the file is
 *       reloaded as above, the change is applied to the newest document, and the result replaces
 *       the file through {@link DurableFiles#write}. No writer loses another's change; a crash
 *       leaves the old or the new file.</li>
 * </ul>
 *
 * <pre>{@code
 * VersionedFile.Snapshot<MyDoc> first = VersionedFile.read(path, MyDoc.FORMAT);
 * VersionedFile<MyDoc> file = new VersionedFile<>(path, MyDoc.FORMAT, first, this::verifyMac);
 * file.update(doc -> doc.withEntry(account, sealed));   // generation + 1
 * }</pre>
 *
 * <p>Every failure is a {@link VaultException} naming the file. Thread-safe.
 *
 * @param <D> the immutable document type
 */
public final class VersionedFile<D> {
  private static final ConcurrentMap<Path, Object> PATH_LOCKS = new ConcurrentHashMap<>();

  /**
   * How documents of one kind are stored.
   *
   * @param <D> the immutable document type
   */
  public interface Format<D> {
    /**
     * Parses a file's bytes (structure only: the verifier checks the content).
     *
     * @param file the file the bytes came from, for messages
     * @param bytes the whole file content, at most {@link #maxBytes()} long
     * @return the decoded document
     * @throws VaultException naming the file and what is wrong, e.g. through {@link #corrupted}
     */
    D decode(Path file, byte[] bytes);

    /**
     * The bytes written for {@code document}; {@link #decode} must read them back to an equal document.
     *
     * @param document the document to store
     * @return its encoded form
     */
    byte[] encode(D document);

    /**
     * The document's identity; a file that holds another identity is refused.
     *
     * @param document a document of this format
     * @return its identity, fixed for the document's whole life
     */
    UUID documentId(D document);

    /**
     * The document's generation; a file at an older generation is refused.
     *
     * @param document a document of this format
     * @return its generation, larger for every later write
     */
    long generation(D document);

    /**
     * Files larger than this are refused as corrupted before they are read.
     *
     * @return the size limit in bytes
     */
    long maxBytes();

    /**
     * A format from its parts, for document types that already have a decoder and an encoder:
     * {@code Format.of(MyDoc::decode, MyDoc::encode, MyDoc::id, MyDoc::generation, 16 << 20)}.
     *
     * @param <D> the immutable document type
     * @param decode implements {@link #decode}
     * @param encode implements {@link #encode}
     * @param documentId implements {@link #documentId}
     * @param generation implements {@link #generation}
     * @param maxBytes the value of {@link #maxBytes}
     * @return the format
     */
    static <D> Format<D> of(BiFunction<Path, byte[], D> decode, Function<D, byte[]> encode,
        Function<D, UUID> documentId, ToLongFunction<D> generation, long maxBytes) {
      return new Format<>() {
        @Override
        public D decode(Path file, byte[] bytes) {
          return decode.apply(file, bytes);
        }

        @Override
        public byte[] encode(D document) {
          return encode.apply(document);
        }

        @Override
        public UUID documentId(D document) {
          return documentId.apply(document);
        }

        @Override
        public long generation(D document) {
          return generation.applyAsLong(document);
        }

        @Override
        public long maxBytes() {
          return maxBytes;
        }
      };
    }
  }

  /**
   * A document as read from disk, with the {@link #version} of the file it came from.
   *
   * @param document the decoded, not yet verified, document
   * @param version the file's version when it was read
   * @param <D> the document type
   */
  public record Snapshot<D>(D document, Object version) {
    /**
     * Checks the components.
     *
     * @param document the decoded document
     * @param version the file's version when it was read
     * @throws NullPointerException if an argument is null
     */
    public Snapshot {
      Objects.requireNonNull(document, "document");
      Objects.requireNonNull(version, "version");
    }
  }

  private final Path file;
  private final Format<D> format;
  private final Consumer<? super D> verifier;
  private D document;
  private Object version;

  /**
   * Wraps a file already read with {@link #read} (and verified by the caller).
   *
   * @param file the file; stored as an absolute, normalized path
   * @param format how its documents are stored
   * @param opened the snapshot the caller read and verified
   * @param verifier checks a document found replaced on disk before it is accepted; throws {@link
   *     VaultException} to refuse it
   * @throws NullPointerException if {@code format} or {@code verifier} is null
   */
  public VersionedFile(Path file, Format<D> format, Snapshot<D> opened, Consumer<? super D> verifier) {
    this.file = normalize(file);
    this.format = Objects.requireNonNull(format, "format");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.document = opened.document();
    this.version = opened.version();
  }

  /**
   * Creates the file with {@code first}, refusing to overwrite an existing file.
   *
   * @param <D> the immutable document type
   * @param file the file to create
   * @param format how its documents are stored
   * @param first the first document
   * @param verifier checks documents later found replaced on disk (see the constructor)
   * @return the opened file, holding {@code first}
   * @throws VaultException if the file exists or cannot be written
   */
  public static <D> VersionedFile<D> create(Path file, Format<D> format, D first, Consumer<? super D> verifier) {
    Path path = normalize(file);
    Object[] version = new Object[1];
    exclusively(path, () -> {
      if (Files.exists(path)) {
        throw new VaultException("vault file " + path + " already exists; open it instead of creating it");
      }
      version[0] = replace(path, format.encode(first));
    });
    return new VersionedFile<>(path, format, new Snapshot<>(first, version[0]), verifier);
  }

  /**
   * Reads and decodes the file, recording its version first so a concurrent replacement is noticed
   * by the next {@link #current}. Verify the document before passing the snapshot to the constructor.
   *
   * @param <D> the immutable document type
   * @param file the file to read
   * @param format how its documents are stored
   * @return the decoded document with the file's version
   * @throws VaultException if the file is missing, unreadable, too large or does not decode
   */
  public static <D> Snapshot<D> read(Path file, Format<D> format) {
    Path path = normalize(file);
    Object version = version(path);
    return new Snapshot<>(format.decode(path, readBounded(path, format.maxBytes())), version);
  }

  /**
   * The absolute, normalized path of the file.
   *
   * @return the path
   */
  public Path file() {
    return file;
  }

  /**
   * The newest document: the file is reloaded and verified first if another instance replaced it.
   *
   * @return the newest verified document
   * @throws VaultException if the file vanished, is unreadable or corrupted, holds another
   *     document or an older generation, or the verifier refuses it
   */
  public synchronized D current() {
    Object onDisk = version(file);
    if (onDisk.equals(version)) {
      return document;
    }
    D candidate = format.decode(file, readBounded(file, format.maxBytes()));
    checkSuccessor(candidate);
    verifier.accept(candidate);
    document = candidate;
    version = onDisk;
    return candidate;
  }

  /**
   * Replaces the document with {@code change} applied to the newest one, under the write lock.
   * {@code change} must return the next generation (or throw to abort; nothing is written then).
   *
   * @param change computes the next document from the newest one
   * @return the document written
   * @throws VaultException if the file cannot be read or written; it then keeps its old content
   */
  public synchronized D update(UnaryOperator<D> change) {
    Object[] written = new Object[1];
    exclusively(file, () -> {
      D next = change.apply(current());
      version = replace(file, format.encode(next));
      document = next;
      written[0] = next;
    });
    @SuppressWarnings("unchecked")
    D result = (D) written[0];
    return result;
  }

  private void checkSuccessor(D candidate) {
    UUID expected = format.documentId(document);
    UUID found = format.documentId(candidate);
    if (!found.equals(expected)) {
      throw new VaultException("vault file " + file + " now holds another vault (" + found
          + ", expected " + expected + "); reopen it");
    }
    long generation = format.generation(document);
    long foundGeneration = format.generation(candidate);
    if (foundGeneration < generation) {
      throw new VaultException("vault file " + file + " was replaced by an older copy (generation "
          + foundGeneration + ", this vault is at " + generation + "); reopen it to accept that");
    }
  }

  /**
   * Runs {@code action} while no other writer of {@code file} can run: other threads of this
   * process are held by a lock per path, other processes by an OS lock on the sibling file {@code
   * <file>.lock} (created owner-only). Not reentrant across processes; do not nest calls for the
   * same file.
   *
   * @param file the file to guard
   * @param action what to run under the lock; its exceptions propagate
   * @throws VaultException if the lock file cannot be created or locked
   */
  @SuppressWarnings("try") // the FileLock is held by the try block, never referenced
  public static void exclusively(Path file, Runnable action) {
    Path absolute = normalize(file);
    Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".lock");
    synchronized (PATH_LOCKS.computeIfAbsent(absolute, k -> new Object())) {
      try (FileChannel channel = DurableFiles.openPrivate(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        action.run();
      } catch (IOException e) {
        throw new VaultException("cannot lock vault file " + file + " for writing: " + e.getMessage(), e);
      }
    }
  }

  /**
   * A value that changes whenever {@code path} is replaced or rewritten (its file key,
   * modification time and size), for cheap "has anyone else written it?" checks.
   *
   * @param path the file
   * @return an opaque value; compare versions with {@code equals}
   * @throws VaultException if the file is missing or its attributes cannot be read
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
   * The error for a file whose content is not what its writer wrote: "vault file F is corrupted: what".
   *
   * @param path the file
   * @param what what is wrong, for example {@code "bad magic number"}
   * @return the exception, for the caller to throw
   */
  public static VaultException corrupted(Path path, String what) {
    return new VaultException("vault file " + path + " is corrupted: " + what);
  }

  private static Object replace(Path file, byte[] content) {
    try {
      DurableFiles.deleteLeftovers(file);
    } catch (IOException e) {
      // A leftover that cannot be removed is harmless: readers never look at it.
    }
    try {
      DurableFiles.write(file, content);
    } catch (IOException e) {
      throw new VaultException("cannot write vault file " + file + " (the vault is unchanged): " + e.getMessage(), e);
    }
    return version(file);
  }

  private static byte[] readBounded(Path path, long maxBytes) {
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

  private static Path normalize(Path file) {
    return file.toAbsolutePath().normalize();
  }

  private static VaultException missing(Path path) {
    return new VaultException("vault file " + path + " does not exist");
  }

  private static VaultException unreadable(Path path, IOException e) {
    return new VaultException("cannot read vault file " + path + ": " + e.getMessage(), e);
  }
}
