package dev.breakglass.pkcs11;

import dev.breakglass.VaultException;
import dev.breakglass.spi.files.VersionedFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The PKCS#11 vault file, version 1: JSON with base64 fields, only ciphertexts made by the token.
 *
 * <pre>
 * { "format": "breakglass-pkcs11-vault", "version": 1, "vaultId": "…", "keyLabel": "breakglass-vault",
 *   "generation": 3, "entries": { "prod-db-admin": { "nonce": "…", "ciphertext": "…" } },
 *   "manifest": { "nonce": "…", "ciphertext": "…" } }
 * </pre>
 *
 * The manifest is a SHA-256 digest of everything else, encrypted by the token. Immutable.
 */
final class Pkcs11Document {
  static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  record Sealed(byte[] nonce, byte[] ciphertext) {}

  /** How PKCS#11 vault documents are kept in their {@link VersionedFile}. */
  static final VersionedFile.Format<Pkcs11Document> FORMAT_V1 = VersionedFile.Format.of(
      Pkcs11Document::decode, Pkcs11Document::encode, d -> d.vaultId, d -> d.generation, MAX_FILE_BYTES);


  final UUID vaultId;
  final String keyLabel;
  final long generation;
  final SortedMap<String, Sealed> entries;
  final Sealed manifest;

  Pkcs11Document(UUID vaultId, String keyLabel, long generation, Map<String, Sealed> entries, Sealed manifest) {
    this.vaultId = vaultId;
    this.keyLabel = keyLabel;
    this.generation = generation;
    this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    this.manifest = manifest;
  }

  static byte[] entryAad(UUID vaultId, String account) {
    return canonical(out -> {
      out.writeUTF("breakglass-pkcs11-entry");
      out.writeInt(Pkcs11Vault.VERSION);
      out.writeLong(vaultId.getMostSignificantBits());
      out.writeLong(vaultId.getLeastSignificantBits());
      writeBytes(out, account.getBytes(StandardCharsets.UTF_8));
    });
  }

  static byte[] manifestAad(UUID vaultId) {
    return canonical(out -> {
      out.writeUTF("breakglass-pkcs11-manifest");
      out.writeInt(Pkcs11Vault.VERSION);
      out.writeLong(vaultId.getMostSignificantBits());
      out.writeLong(vaultId.getLeastSignificantBits());
    });
  }

  byte[] manifestDigest() {
    byte[] input = canonical(out -> {
      out.writeUTF("breakglass-pkcs11-manifest-digest");
      out.writeInt(Pkcs11Vault.VERSION);
      out.writeLong(vaultId.getMostSignificantBits());
      out.writeLong(vaultId.getLeastSignificantBits());
      writeBytes(out, keyLabel.getBytes(StandardCharsets.UTF_8));
      out.writeLong(generation);
      out.writeInt(entries.size());
      for (Map.Entry<String, Sealed> e : entries.entrySet()) {
        writeBytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
        writeBytes(out, e.getValue().nonce());
        writeBytes(out, e.getValue().ciphertext());
      }
    });
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  byte[] encode() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", Pkcs11Vault.FORMAT);
    root.put("version", Pkcs11Vault.VERSION);
    root.put("vaultId", vaultId.toString());
    root.put("keyLabel", keyLabel);
    root.put("generation", generation);
    ObjectNode es = root.putObject("entries");
    for (Map.Entry<String, Sealed> e : entries.entrySet()) {
      put(es.putObject(e.getKey()), e.getValue());
    }
    put(root.putObject("manifest"), manifest);
    return MAPPER.writeValueAsBytes(root);
  }

  private static void put(ObjectNode node, Sealed s) {
    node.put("nonce", Base64.getEncoder().encodeToString(s.nonce()));
    node.put("ciphertext", Base64.getEncoder().encodeToString(s.ciphertext()));
  }

  /**
   * Parses the file; structure only (the token checks the content).
   *
   * @throws VaultException naming the file and the field
   */
  static Pkcs11Document decode(Path file, byte[] bytes) {
    if (bytes.length == 0) {
      throw corrupted(file, "the file is empty (truncated)");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      // The parser's message can quote file content; only the kind of failure is reported.
      String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      throw corrupted(file, m.contains("end-of-input") ? "it is truncated (JSON ends early)" : "it is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw corrupted(file, "it does not hold a JSON object");
    }
    if (!Pkcs11Vault.FORMAT.equals(text(file, root, "format"))) {
      throw corrupted(file, "field 'format' must be '" + Pkcs11Vault.FORMAT + "'");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.asInt() != Pkcs11Vault.VERSION) {
      throw new VaultException("vault file " + file + " is not format version " + Pkcs11Vault.VERSION);
    }
    UUID vaultId;
    try {
      vaultId = UUID.fromString(text(file, root, "vaultId"));
    } catch (IllegalArgumentException e) {
      throw corrupted(file, "field 'vaultId' is not a UUID");
    }
    String label = text(file, root, "keyLabel");
    JsonNode generation = root.get("generation");
    if (generation == null || !generation.isIntegralNumber() || !generation.canConvertToLong()) {
      throw corrupted(file, "field 'generation' must be an integer");
    }
    JsonNode es = root.get("entries");
    if (es == null || !es.isObject()) {
      throw corrupted(file, "field 'entries' must be an object");
    }
    Map<String, Sealed> entries = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : es.properties()) {
      entries.put(e.getKey(), sealed(file, e.getValue(), "entries." + e.getKey()));
    }
    Sealed manifest = sealed(file, root.get("manifest"), "manifest");
    return new Pkcs11Document(vaultId, label, generation.longValue(), entries, manifest);
  }

  private static Sealed sealed(Path file, JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      throw corrupted(file, "field '" + name + "' must be an object");
    }
    byte[] nonce = bytes(file, node, name + ".nonce");
    byte[] ct = bytes(file, node, name + ".ciphertext");
    if (nonce.length != 12) {
      throw corrupted(file, "field '" + name + ".nonce' must hold 12 bytes");
    }
    if (ct.length < 16) {
      throw corrupted(file, "field '" + name + ".ciphertext' is too short");
    }
    return new Sealed(nonce, ct);
  }

  private static byte[] bytes(Path file, JsonNode node, String name) {
    String field = name.substring(name.lastIndexOf('.') + 1);
    try {
      return Base64.getDecoder().decode(text(file, node, field, name));
    } catch (IllegalArgumentException e) {
      throw corrupted(file, "field '" + name + "' is not valid base64");
    }
  }

  private static String text(Path file, JsonNode node, String field) {
    return text(file, node, field, field);
  }

  private static String text(Path file, JsonNode node, String field, String fullName) {
    JsonNode v = node.get(field);
    if (v == null || !v.isString()) {
      throw corrupted(file, "field '" + fullName + "' is missing or not a string");
    }
    return v.stringValue();
  }

  static VaultException corrupted(Path file, String what) {
    return VersionedFile.corrupted(file, what);
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] canonical(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
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
}
