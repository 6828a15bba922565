package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.CustodianKey;
import dev.breakglass.ReasonCode;
import dev.breakglass.VaultException;
import dev.breakglass.spi.files.DurableFiles;
import dev.breakglass.spi.files.VersionedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where custodians' public keys live: {@code <data>/custodian-keys.json} (owner-only, replaced
 * atomically through {@link VersionedFile}, so several instances on one data directory see each
 * other's registrations), or memory when the engine has no data directory. Holds public keys and
 * WebAuthn counters only, nothing secret. The audit log records every registration too, and that
 * record, not this file, is what offline verification trusts. Thread-safe.
 */
public final class CustodianKeyStore {
  /** The registry's file name under the data directory. */
  static final String FILE_NAME = "custodian-keys.json";
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final String FORMAT = "breakglass-custodian-keys";

  /** The stored document: immutable. */
  record Document(UUID id, long generation, List<CustodianKey> keys) {
    Document {
      keys = List.copyOf(keys);
    }

    Document with(List<CustodianKey> next) {
      return new Document(id, generation + 1, next);
    }
  }

  private static final VersionedFile.Format<Document> FILE_FORMAT = VersionedFile.Format.of(CustodianKeyStore::decode,
      CustodianKeyStore::encode, Document::id, Document::generation, 4 << 20);

  private final @Nullable VersionedFile<Document> file;
  private Document memory;

  private CustodianKeyStore(@Nullable VersionedFile<Document> file, Document memory) {
    this.file = file;
    this.memory = memory;
  }

  /** A registry that lives only as long as the engine. */
  public static CustodianKeyStore inMemory() {
    return new CustodianKeyStore(null, new Document(UUID.randomUUID(), 0, List.of()));
  }

  /**
   * Opens {@code <dataDirectory>/custodian-keys.json}, creating it (empty, owner-only) if missing.
   *
   * @throws VaultException naming the file if it cannot be read, written or decoded
   */
  public static CustodianKeyStore open(Path dataDirectory) {
    Path path = dataDirectory.resolve(FILE_NAME);
    try {
      DurableFiles.createPrivateDirectories(dataDirectory);
    } catch (IOException e) {
      throw new VaultException("cannot create " + dataDirectory + " for the custodian key registry: " + e.getMessage(), e);
    }
    VersionedFile<Document> f = Files.exists(path)
        ? new VersionedFile<>(path, FILE_FORMAT, VersionedFile.read(path, FILE_FORMAT), d -> { })
        : VersionedFile.create(path, FILE_FORMAT, new Document(UUID.randomUUID(), 0, List.of()), d -> { });
    return new CustodianKeyStore(f, f.current());
  }

  /** Every key, oldest first. */
  List<CustodianKey> all() {
    if (file != null) {
      return file.current().keys();
    }
    synchronized (this) {
      return memory.keys();
    }
  }

  /** The key with this id, if registered. */
  @Nullable CustodianKey find(String keyId) {
    for (CustodianKey k : all()) {
      if (k.keyId().equals(keyId)) {
        return k;
      }
    }
    return null;
  }

  /** Adds a key; refused if its id is registered already (to anyone). */
  void add(CustodianKey key) {
    update(keys -> {
      for (CustodianKey k : keys) {
        if (k.keyId().equals(key.keyId())) {
          throw new AccessDeniedException(ReasonCode.NOT_AUTHORIZED, "key " + key.keyId()
              + " is already registered to " + k.custodian());
        }
      }
      List<CustodianKey> next = new ArrayList<>(keys);
      next.add(key);
      return next;
    });
  }

  /** Removes a key of {@code custodian}; false if there was none. */
  boolean remove(String custodian, String keyId) {
    boolean[] found = new boolean[1];
    update(keys -> {
      List<CustodianKey> next = new ArrayList<>();
      for (CustodianKey k : keys) {
        if (k.keyId().equals(keyId) && k.custodian().equals(custodian)) {
          found[0] = true;
        } else {
          next.add(k);
        }
      }
      return next;
    });
    return found[0];
  }

  /**
   * Records a WebAuthn counter durably, only if it grows past the stored one (or both are 0: an
   * authenticator without a counter). Atomic with the comparison, across threads and processes.
   *
   * @throws AccessDeniedException with {@link ReasonCode#SIGNATURE_COUNTER_REGRESSED} if it does not grow
   */
  void advanceCounter(String keyId, long reported) {
    update(keys -> {
      List<CustodianKey> next = new ArrayList<>();
      for (CustodianKey k : keys) {
        if (k.keyId().equals(keyId)) {
          if ((reported != 0 || k.signCount() != 0) && reported <= k.signCount()) {
            throw new AccessDeniedException(ReasonCode.SIGNATURE_COUNTER_REGRESSED, "the signature counter of "
                + k.custodian() + "'s credential " + keyId + " went from " + k.signCount() + " to " + reported
                + ": the authenticator may have been cloned");
          }
          next.add(k.withSignCount(reported));
        } else {
          next.add(k);
        }
      }
      return next;
    });
  }

  private void update(UnaryOperator<List<CustodianKey>> change) {
    if (file != null) {
      file.update(d -> d.with(change.apply(d.keys())));
      return;
    }
    synchronized (this) {
      memory = memory.with(change.apply(memory.keys()));
    }
  }

  // ---------------------------------------------------------------- encoding

  private static byte[] encode(Document d) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    root.put("id", d.id().toString());
    root.put("generation", d.generation());
    ArrayNode keys = root.putArray("keys");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    for (CustodianKey k : d.keys()) {
      ObjectNode n = keys.addObject();
      n.put("custodian", k.custodian());
      n.put("keyId", k.keyId());
      n.put("kind", k.kind().label());
      n.put("publicKey", b64.encodeToString(k.publicKey()));
      if (k.rpId() != null) {
        n.put("rpId", k.rpId());
      }
      n.put("signCount", k.signCount());
      n.put("label", k.label());
      if (k.registeredAt() != null) {
        n.put("registeredAt", k.registeredAt().toString());
      }
    }
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
  }

  private static Document decode(Path path, byte[] bytes) {
    try {
      JsonNode root = MAPPER.readTree(bytes);
      if (!FORMAT.equals(root.path("format").asString(null)) || root.path("version").asInt(0) != 1) {
        throw VersionedFile.corrupted(path, "is not a version-1 custodian key registry");
      }
      List<CustodianKey> keys = new ArrayList<>();
      for (JsonNode n : root.path("keys")) {
        String at = n.path("registeredAt").asString(null);
        keys.add(new CustodianKey(n.path("custodian").asString(""), n.path("keyId").asString(""),
            ApprovalSignature.Kind.fromLabel(n.path("kind").asString("")),
            Base64.getUrlDecoder().decode(n.path("publicKey").asString("")), n.path("rpId").asString(null),
            n.path("signCount").asLong(0), n.path("label").asString(""), at == null ? null : Instant.parse(at)));
      }
      return new Document(UUID.fromString(root.path("id").asString("")), root.path("generation").asLong(-1), keys);
    } catch (RuntimeException e) {
      if (e instanceof VaultException) {
        throw (VaultException) e;
      }
      throw VersionedFile.corrupted(path, "is not a readable custodian key registry (" + e.getMessage() + ")");
    }
  }
}
