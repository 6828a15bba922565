package dev.breakglass.cli;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.CustodianKey;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.core.approval.RawSignatureVerifier;
import dev.breakglass.spi.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A custodian's signing key for {@code breakglass approve}: a PKCS#8 key file (Ed25519 or P-256,
 * owner-only), or a private key inside a PKCS#11 token (a YubiKey's PIV applet through OpenSC, an
 * HSM, SoftHSM2) reached through the JDK's SunPKCS11 provider, where it never leaves the token.
 */
final class SigningKeys {
  static final String PEM_PRIVATE = "PRIVATE KEY";
  static final String PEM_PUBLIC = "PUBLIC KEY";

  private SigningKeys() {}

  /** A loaded signing key: what it is, its id, and how to sign. */
  record Loaded(ApprovalSignature.Kind kind, String keyId, PublicKey publicKey, PrivateKey privateKey,
      @Nullable Provider provider) {
    byte[] sign(byte[] data) {
      try {
        Signature s = provider == null ? Signature.getInstance(RawSignatureVerifier.jdkAlgorithm(kind))
            : Signature.getInstance(RawSignatureVerifier.jdkAlgorithm(kind), provider);
        s.initSign(privateKey);
        s.update(data);
        return s.sign();
      } catch (GeneralSecurityException e) {
        throw new UsageException("signing with key " + keyId + " failed: " + e.getMessage());
      }
    }
  }

  /**
   * Reads a key file written by {@code breakglass keys generate}: a PKCS#8 {@code PRIVATE KEY} and
   * its X.509 {@code PUBLIC KEY}, in PEM. It must be owner-only. The two are checked to belong
   * together before the key is used.
   */
  static Loaded fromFile(Path file) {
    Files2.requireFile(file, "key file");
    try {
      SecretFiles.checkOwnerOnly(file, "key file");
    } catch (IOException e) {
      throw new UsageException("cannot check the permissions of key file " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new UsageException(e.getMessage());
    }
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UsageException("cannot read key file " + file + ": " + e.getMessage());
    }
    byte[] der = pemBody(pem, PEM_PRIVATE, file);
    byte[] spki = pemBody(pem, PEM_PUBLIC, file);
    try {
      for (ApprovalSignature.Kind kind : List.of(ApprovalSignature.Kind.ED25519, ApprovalSignature.Kind.ECDSA_P256)) {
        PrivateKey key;
        PublicKey pub;
        try {
          String algorithm = kind == ApprovalSignature.Kind.ED25519 ? "Ed25519" : "EC";
          key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          pub = CustodianKey.toPublicKey(kind, spki);
        } catch (GeneralSecurityException | InvalidRequestException tryNext) {
          continue;
        }
        Loaded loaded = new Loaded(kind, CustodianKey.rawKeyId(kind, spki), pub, key, null);
        checkPair(loaded, file);
        return loaded;
      }
      throw new UsageException("key file " + file + " holds no Ed25519 or P-256 key pair; create one with "
          + "'breakglass keys generate'");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static void checkPair(Loaded loaded, Path file) {
    byte[] probe = "breakglass key pair check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature v = Signature.getInstance(RawSignatureVerifier.jdkAlgorithm(loaded.kind()));
      v.initVerify(loaded.publicKey());
      v.update(probe);
      if (!v.verify(loaded.sign(probe))) {
        throw new UsageException("the private and public keys in " + file + " do not belong together");
      }
    } catch (GeneralSecurityException e) {
      throw new UsageException("the key pair in " + file + " is unusable: " + e.getMessage());
    }
  }

  /** A private key in a PKCS#11 token, by alias; the PIN is wiped by the caller. */
  static Loaded fromToken(Path library, int slotListIndex, @Nullable String alias, char[] pin) {
    Files2.requireFile(library, "PKCS#11 library");
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new UsageException("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
    }
    String config = "--name = breakglass-approve\nlibrary = " + library.toAbsolutePath() + "\nslotListIndex = "
        + slotListIndex + "\n";
    Provider p;
    try {
      p = base.configure(config);
    } catch (RuntimeException e) {
      throw new UsageException("cannot load PKCS#11 library " + library + " (slot index " + slotListIndex + "): "
          + e.getMessage());
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS11", p);
      ks.load(null, pin);
      List<String> aliases = Collections.list(ks.aliases()).stream().filter(a -> isKey(ks, a)).toList();
      String chosen = alias;
      if (chosen == null) {
        if (aliases.size() != 1) {
          throw new UsageException("the token holds " + aliases.size() + " private keys " + aliases
              + ": choose one with --alias");
        }
        chosen = aliases.get(0);
      }
      Key key = ks.getKey(chosen, null);
      Certificate cert = ks.getCertificate(chosen);
      if (!(key instanceof PrivateKey) || cert == null) {
        throw new UsageException("the token has no private key with a certificate under alias '" + chosen
            + "'; aliases with keys: " + aliases);
      }
      PublicKey pub = cert.getPublicKey();
      ApprovalSignature.Kind kind = "EC".equals(pub.getAlgorithm()) ? ApprovalSignature.Kind.ECDSA_P256
          : ApprovalSignature.Kind.ED25519;
      try {
        CustodianKey.toPublicKey(kind, pub.getEncoded());
      } catch (InvalidRequestException e) {
        throw new UsageException("the key under alias '" + chosen + "' cannot sign approvals: " + e.getMessage());
      }
      return new Loaded(kind, CustodianKey.rawKeyId(kind, pub.getEncoded()), pub, (PrivateKey) key, p);
    } catch (IOException e) {
      throw new UsageException("cannot log in to the PKCS#11 token (wrong PIN?): " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new UsageException("the PKCS#11 token refused: " + e.getMessage());
    }
  }

  private static boolean isKey(KeyStore ks, String alias) {
    try {
      return ks.isKeyEntry(alias);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The public key as the text a host registers: kind, id and SubjectPublicKeyInfo. */
  static String publicKeyText(ApprovalSignature.Kind kind, PublicKey pub) {
    return "breakglass-custodian-public-key v1\n"
        + "kind: " + kind.label() + "\n"
        + "key: " + CustodianKey.rawKeyId(kind, pub.getEncoded()) + "\n"
        + "public-key: " + Base64.getUrlEncoder().withoutPadding().encodeToString(pub.getEncoded()) + "\n";
  }

  static String pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }

  static byte[] pemBody(String pem, String type, Path file) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new UsageException("file " + file + " is not a PEM '" + type + "' file");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new UsageException("file " + file + " holds damaged base64");
    }
  }
}
