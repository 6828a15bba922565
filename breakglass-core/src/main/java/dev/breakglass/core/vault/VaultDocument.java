package dev.breakglass.core.vault;

import dev.breakglass.VaultException;
import dev.breakglass.spi.files.VersionedFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The vault file: JSON with base64 fields, version 1. Nothing in it is secret in the clear: entries
 * and the data key are AES-256-GCM ciphertexts, and a MAC keyed from the data key covers every
 * field, so an entry cannot be removed, moved to another account or mixed with an older file's
 * entries without the passphrase.
 *
 * <pre>
 * { "format": "breakglass-vault", "version": 1, "vaultId": "…uuid…", "generation": 7,
 *   "kdf": { "algorithm": "argon2id", "version": 19, "memoryKiB": 19456, "iterations": 2,
 *            "parallelism": 1, "salt": "…" },
 *   "key": { "algorithm": "AES-256-GCM", "nonce": "…", "wrapped": "…" },
 *   "sealing": { "scheme": "shamir-gf256/hpke-x25519-sha256-aes256gcm", "threshold": 2,
 *                "publicKey": "…", "custodians": [ { "name": "alice", "index": 1, "commitment": "…" } ] },
 *   "entries": { "prod-db-admin": { "nonce": "…", "ciphertext": "…" } },
 *   "mac": "…" }
 * </pre>
 *
 * <p>{@code sealing} is present only in a {@link SealedFileVault}. Immutable; a write makes a new
 * document with the next generation.
 */
final class VaultDocument {
  static final String FORMAT = "breakglass-vault";
  static final int VERSION = 1;
  static final String SEALING_SCHEME = "shamir-gf256/hpke-x25519-sha256-aes256gcm";
  /** A vault file larger than this is refused before parsing. */
  static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** How vault documents are kept in their {@link VersionedFile}. */
  static final VersionedFile.Format<VaultDocument> FORMAT_V1 = VersionedFile.Format.of(VaultDocument::decode, VaultDocument::encode,
      d -> d.vaultId, d -> d.generation, MAX_FILE_BYTES);


  record Entry(byte[] nonce, byte[] ciphertext) {}

  record Custodian(String name, int index, byte[] commitment) {}

  record Sealing(int threshold, byte[] publicKey, List<Custodian> custodians) {
    Sealing {
      custodians = List.copyOf(custodians);
    }

    @Nullable Custodian custodian(String name) {
      for (Custodian c : custodians) {
        if (c.name().equals(name)) {
          return c;
        }
      }
      return null;
    }
  }

  final UUID vaultId;
  final long generation;
  final Argon2Parameters kdf;
  final byte[] salt;
  final byte[] keyNonce;
  final byte[] wrappedKey;
  final @Nullable Sealing sealing;
  final SortedMap<String, Entry> entries;
  final byte[] mac;

  VaultDocument(UUID vaultId, long generation, Argon2Parameters kdf, byte[] salt, byte[] keyNonce,
      byte[] wrappedKey, @Nullable Sealing sealing, Map<String, Entry> entries, byte[] mac) {
    this.vaultId = vaultId;
    this.generation = generation;
    this.kdf = kdf;
    this.salt = salt;
    this.keyNonce = keyNonce;
    this.wrappedKey = wrappedKey;
    this.sealing = sealing;
    this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    this.mac = mac;
  }

  /** A copy with one entry added or replaced, the next generation, and the MAC recomputed. */
  VaultDocument withEntry(String account, Entry entry, byte[] macKey) {
    Map<String, Entry> next = new TreeMap<>(entries);
    next.put(account, entry);
    return new VaultDocument(vaultId, generation + 1, kdf, salt, keyNonce, wrappedKey, sealing, next, new byte[0])
        .withMac(macKey);
  }

  /** A copy with a new passphrase wrapping, the next generation, and the MAC recomputed. */
  VaultDocument withKeyWrap(Argon2Parameters kdf, byte[] salt, byte[] keyNonce, byte[] wrappedKey, byte[] macKey) {
    return new VaultDocument(vaultId, generation + 1, kdf, salt, keyNonce, wrappedKey, sealing, entries, new byte[0])
        .withMac(macKey);
  }

  VaultDocument withMac(byte[] macKey) {
    return new VaultDocument(vaultId, generation, kdf, salt, keyNonce, wrappedKey, sealing, entries,
        VaultCrypto.hmacSha256(macKey, macInput()));
  }

  boolean macMatches(byte[] macKey) {
    return VaultCrypto.constantTimeEquals(mac, VaultCrypto.hmacSha256(macKey, macInput()));
  }

  /** What the data-key wrapping is bound to: the vault, the format and the KDF that derived its key. */
  byte[] keyAad() {
    return keyAad(vaultId, kdf, salt, sealing != null);
  }

  static byte[] keyAad(UUID vaultId, Argon2Parameters kdf, byte[] salt, boolean sealed) {
    return canonical(out -> {
      out.writeUTF("breakglass-vault-key");
      out.writeInt(VERSION);
      writeUuid(out, vaultId);
      out.writeInt(kdf.memoryKiB());
      out.writeInt(kdf.iterations());
      out.writeInt(kdf.parallelism());
      writeBytes(out, salt);
      out.writeBoolean(sealed);
    });
  }

  /** What an entry's encryption is bound to: this vault, the format and the account name. */
  static byte[] entryAad(UUID vaultId, String account) {
    return canonical(out -> {
      out.writeUTF("breakglass-vault-entry");
      out.writeInt(VERSION);
      writeUuid(out, vaultId);
      writeBytes(out, account.getBytes(StandardCharsets.UTF_8));
    });
  }

  /** The commitment a sealed vault keeps for one custodian's share value. */
  static byte[] shareCommitment(UUID vaultId, String custodian, int index, int threshold, byte[] shareValue) {
    byte[] input = canonical(out -> {
      out.writeUTF("breakglass-share-commitment");
      out.writeInt(VERSION);
      writeUuid(out, vaultId);
      writeBytes(out, custodian.getBytes(StandardCharsets.UTF_8));
      out.writeInt(index);
      out.writeInt(threshold);
      writeBytes(out, shareValue);
    });
    try {
      return VaultCrypto.sha256(input);
    } finally {
      VaultCrypto.wipe(input);
    }
  }

  private byte[] macInput() {
    return canonical(out -> {
      out.writeUTF("breakglass-vault-mac");
      out.writeInt(VERSION);
      writeUuid(out, vaultId);
      out.writeLong(generation);
      out.writeInt(kdf.memoryKiB());
      out.writeInt(kdf.iterations());
      out.writeInt(kdf.parallelism());
      writeBytes(out, salt);
      writeBytes(out, keyNonce);
      writeBytes(out, wrappedKey);
      out.writeBoolean(sealing != null);
      if (sealing != null) {
        out.writeUTF(SEALING_SCHEME);
        out.writeInt(sealing.threshold());
        writeBytes(out, sealing.publicKey());
        out.writeInt(sealing.custodians().size());
        for (Custodian c : sealing.custodians()) {
          writeBytes(out, c.name().getBytes(StandardCharsets.UTF_8));
          out.writeInt(c.index());
          writeBytes(out, c.commitment());
        }
      }
      out.writeInt(entries.size());
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        writeBytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
        writeBytes(out, e.getValue().nonce());
        writeBytes(out, e.getValue().ciphertext());
      }
    });
  }

  byte[] encode() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("vaultId", vaultId.toString());
    root.put("generation", generation);
    ObjectNode k = root.putObject("kdf");
    k.put("algorithm", "argon2id");
    k.put("version", 19);
    k.put("memoryKiB", kdf.memoryKiB());
    k.put("iterations", kdf.iterations());
    k.put("parallelism", kdf.parallelism());
    k.put("salt", b64(salt));
    ObjectNode w = root.putObject("key");
    w.put("algorithm", "AES-256-GCM");
    w.put("nonce", b64(keyNonce));
    w.put("wrapped", b64(wrappedKey));
    if (sealing != null) {
      ObjectNode s = root.putObject("sealing");
      s.put("scheme", SEALING_SCHEME);
      s.put("threshold", sealing.threshold());
      s.put("publicKey", b64(sealing.publicKey()));
      ArrayNode cs = s.putArray("custodians");
      for (Custodian c : sealing.custodians()) {
        ObjectNode cn = cs.addObject();
        cn.put("name", c.name());
        cn.put("index", c.index());
        cn.put("commitment", b64(c.commitment()));
      }
    }
    ObjectNode es = root.putObject("entries");
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      ObjectNode en = es.putObject(e.getKey());
      en.put("nonce", b64(e.getValue().nonce()));
      en.put("ciphertext", b64(e.getValue().ciphertext()));
    }
    root.put("mac", b64(mac));
    return MAPPER.writeValueAsBytes(root);
  }

  /**
   * Parses a vault file's bytes. Checks structure and field sizes only; the MAC is checked by the
   * caller once it has the key.
   *
   * @throws VaultException naming the file and what is wrong with it
   */
  static VaultDocument decode(Path file, byte[] bytes) {
    if (bytes.length == 0) {
      throw corrupted(file, "the file is empty (truncated)");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw corrupted(file, "the file is larger than " + MAX_FILE_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw notJson(file, e);
    }
    if (root == null || !root.isObject()) {
      throw corrupted(file, "it does not hold a JSON object");
    }
    JsonFields f = new JsonFields(file, root, "");
    String format = f.text("format");
    if (!FORMAT.equals(format)) {
      throw corrupted(file, "field 'format' is '" + format + "', expected '" + FORMAT + "'");
    }
    int version = f.integer("version");
    if (version != VERSION) {
      throw new VaultException("vault file " + file + " has format version " + version
          + ", this library reads version " + VERSION);
    }
    UUID vaultId;
    String id = f.text("vaultId");
    try {
      vaultId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw corrupted(file, "field 'vaultId' is not a UUID");
    }
    long generation = f.longValue("generation");
    JsonFields k = f.object("kdf");
    if (!"argon2id".equals(k.text("algorithm")) || k.integer("version") != 19) {
      throw corrupted(file, "field 'kdf' must describe argon2id version 19");
    }
    Argon2Parameters kdf;
    try {
      kdf = Argon2Parameters.of(k.integer("memoryKiB"), k.integer("iterations"), k.integer("parallelism"));
    } catch (IllegalArgumentException e) {
      throw corrupted(file, "field 'kdf': " + e.getMessage());
    }
    byte[] salt = k.bytes("salt", VaultCrypto.SALT_BYTES);
    JsonFields w = f.object("key");
    if (!"AES-256-GCM".equals(w.text("algorithm"))) {
      throw corrupted(file, "field 'key.algorithm' must be AES-256-GCM");
    }
    byte[] keyNonce = w.bytes("nonce", VaultCrypto.NONCE_BYTES);
    byte[] wrapped = w.bytes("wrapped", VaultCrypto.KEY_BYTES + VaultCrypto.TAG_BITS / 8);
    Sealing sealing = null;
    if (root.has("sealing")) {
      sealing = decodeSealing(file, f.object("sealing"));
    }
    JsonFields es = f.object("entries");
    Map<String, Entry> entries = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : es.node.properties()) {
      String account = e.getKey();
      if (account.isBlank()) {
        throw corrupted(file, "field 'entries' has an entry with a blank account name");
      }
      JsonFields en = es.object(account);
      byte[] nonce = en.bytes("nonce", VaultCrypto.NONCE_BYTES);
      byte[] ct = en.bytes("ciphertext", -1);
      if (ct.length < VaultCrypto.TAG_BITS / 8) {
        throw corrupted(file, "field 'entries." + account + ".ciphertext' is too short");
      }
      entries.put(account, new Entry(nonce, ct));
    }
    byte[] mac = f.bytes("mac", 32);
    return new VaultDocument(vaultId, generation, kdf, salt, keyNonce, wrapped, sealing, entries, mac);
  }

  private static Sealing decodeSealing(Path file, JsonFields s) {
    String scheme = s.text("scheme");
    if (!SEALING_SCHEME.equals(scheme)) {
      throw corrupted(file, "field 'sealing.scheme' is '" + scheme + "', expected '" + SEALING_SCHEME + "'");
    }
    int threshold = s.integer("threshold");
    byte[] publicKey = s.bytes("publicKey", 32);
    JsonNode cs = s.node.get("custodians");
    if (cs == null || !cs.isArray() || cs.isEmpty()) {
      throw corrupted(file, "field 'sealing.custodians' must be a non-empty array");
    }
    List<Custodian> custodians = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<Integer> indexes = new HashSet<>();
    for (int i = 0; i < cs.size(); i++) {
      JsonFields c = new JsonFields(file, cs.get(i), "sealing.custodians[" + i + "].");
      String name = c.text("name");
      int index = c.integer("index");
      if (index < 1 || index > 255 || !indexes.add(index) || !names.add(name) || name.isBlank()) {
        throw corrupted(file, "field 'sealing.custodians[" + i + "]' repeats a name or an index, or is out of range");
      }
      custodians.add(new Custodian(name, index, c.bytes("commitment", 32)));
    }
    if (threshold < 2 || threshold > custodians.size()) {
      throw corrupted(file, "field 'sealing.threshold' must be 2.." + custodians.size() + ", was " + threshold);
    }
    custodians.sort(Comparator.comparingInt(Custodian::index));
    return new Sealing(threshold, publicKey, custodians);
  }

  private static VaultException notJson(Path file, JacksonException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    TokenStreamLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    // The parser's own message can quote file content; only its kind and location are reported.
    if (original.contains("end-of-input")) {
      return new VaultException("vault file " + file + " is corrupted: it is truncated (JSON ends early" + where + ")");
    }
    return new VaultException("vault file " + file + " is corrupted: it is not valid JSON" + where);
  }

  static VaultException corrupted(Path file, String what) {
    return VersionedFile.corrupted(file, what);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] canonical(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static void writeUuid(DataOutputStream out, UUID id) throws IOException {
    out.writeLong(id.getMostSignificantBits());
    out.writeLong(id.getLeastSignificantBits());
  }
}
