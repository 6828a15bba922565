package dev.breakglass.cli;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.Decision;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code approve} (sign an approval or denial with a key file or a PKCS#11 token, print it or post
 * it to the console) and {@code keys} (make a key file, print a public key to register).
 */
final class SigningCommands {
  /** The first line of a signed decision as {@code approve} prints it. */
  static final String DECISION_HEADER = "breakglass-signed-decision-v1";

  private SigningCommands() {}

  /** Where the signing key is: a key file, or a PKCS#11 token. */
  static final class KeySource {
    @Option(names = "--key-file", paramLabel = "FILE",
        description = "A key file from 'breakglass keys generate' (owner-only).")
    @Nullable Path keyFile;

    @Option(names = "--pkcs11-library", paramLabel = "LIB",
        description = "A PKCS#11 module: OpenSC's opensc-pkcs11.so for a YubiKey's PIV applet, an HSM's, or "
            + "libsofthsm2.so.")
    @Nullable Path library;

    @Option(names = "--slot-index", paramLabel = "N", defaultValue = "0",
        description = "The token's slotListIndex (default ${DEFAULT-VALUE}).")
    int slotIndex;

    @Option(names = "--alias", paramLabel = "ALIAS",
        description = "The key's alias in the token (needed when it holds several).")
    @Nullable String alias;

    @Option(names = "--pin-env", paramLabel = "NAME", description = "Read the token PIN from this environment variable.")
    @Nullable String pinEnv;

    @Option(names = "--pin-file", paramLabel = "FILE", description = "Read the token PIN from this owner-only file.")
    @Nullable Path pinFile;

    SigningKeys.Loaded load(BreakGlassCli cli) {
      if ((keyFile == null) == (library == null)) {
        throw new UsageException("give exactly one of --key-file FILE and --pkcs11-library LIB");
      }
      if (keyFile != null) {
        return SigningKeys.fromFile(keyFile);
      }
      char[] pin = pin(cli);
      try {
        return SigningKeys.fromToken(library, slotIndex, alias, pin);
      } finally {
        Arrays.fill(pin, '\0');
      }
    }

    private char[] pin(BreakGlassCli cli) {
      if (pinEnv != null && pinFile != null) {
        throw new UsageException("give only one of --pin-env and --pin-file");
      }
      if (pinEnv != null) {
        String v = cli.environment.apply(pinEnv);
        if (v == null || v.isEmpty()) {
          throw new UsageException("the environment variable " + pinEnv + " named by --pin-env is not set or empty");
        }
        return v.toCharArray();
      }
      if (pinFile != null) {
        return VaultCommands.readSecretFile(pinFile, "PIN");
      }
      char[] typed = cli.terminal.interactive() ? cli.terminal.readSecret("token PIN: ") : null;
      if (typed == null || typed.length == 0) {
        throw new UsageException("no PIN: type it on a terminal, or give --pin-env NAME or --pin-file FILE");
      }
      return typed;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Sign your approval (or, with --deny, your denial) of one pending request with your key file or "
          + "PKCS#11 token, for custodians who cannot use the console's security-key sign-in.",
          "Check the grant id and request digest against what the requester or the console shows: the signature "
              + "covers exactly them, your name, the decision and the time. Prints the signed decision, or posts it "
              + "to the console with --post."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass approve --grant bg-5c1e... --request-digest 3f9a... \\",
          "      --custodian carol --key-file ~/.breakglass/carol.key > carol.decision",
          "  breakglass approve --grant bg-5c1e... --request-digest 3f9a... \\",
          "      --custodian carol --alias 'PIV AUTH key' \\",
          "      --pkcs11-library /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so \\",
          "      --post https://ops.example.com/breakglass"})
  static final class Approve implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Option(names = "--grant", paramLabel = "ID", required = true, description = "The request's grant id.")
    String grant;

    @Option(names = "--request-digest", paramLabel = "HEX", required = true,
        description = "The request digest you reviewed.")
    String digest;

    @Option(names = "--custodian", paramLabel = "NAME", required = true, description = "Your custodian name.")
    String custodian;

    @Option(names = "--deny", description = "Sign a denial instead of an approval.")
    boolean deny;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why you deny (required with --deny).")
    @Nullable String reason;

    @Option(names = "--at", paramLabel = "INSTANT",
        description = "The signing time (ISO-8601, e.g. 2026-11-28T09:01:30Z); default now.")
    @Nullable String at;

    @Option(names = "--post", paramLabel = "URL",
        description = "The console's base URL: post the signed decision to URL/api/decisions instead of printing.")
    @Nullable URI post;

    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nSigning key:%n")
    KeySource key;

    Approve(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (deny && (reason == null || reason.isBlank())) {
        throw new UsageException("--deny needs --reason TEXT: the requester and the log are told why");
      }
      Instant when;
      try {
        when = at == null ? Instant.now() : Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new UsageException("--at '" + at + "' is not an ISO-8601 instant such as 2026-11-28T09:01:30Z");
      }
      Decision decision = deny ? Decision.DENY : Decision.APPROVE;
      ApprovalStatement statement;
      try {
        statement = ApprovalStatement.of(grant, digest, custodian, decision, when);
      } catch (InvalidRequestException e) {
        throw new UsageException(e.getMessage());
      }
      SigningKeys.Loaded signer = key.load(cli);
      ApprovalSignature signature = ApprovalSignature.raw(signer.kind(), signer.keyId(), statement.signedAt(),
          signer.sign(statement.bytes()));
      String text = DECISION_HEADER + "\n"
          + "grant: " + grant + "\n"
          + "request-digest: " + digest + "\n"
          + "custodian: " + custodian + "\n"
          + "decision: " + decision.word() + "\n"
          + (deny ? "reason: " + reason.strip() + "\n" : "")
          + signature.toText();
      if (post == null) {
        cli.err.print("Signed statement:\n" + statement.text().indent(2));
        cli.out.print(text);
        return BreakGlassCli.OK;
      }
      return post(text);
    }

    private int post(String text) {
      URI target = URI.create(post.toString().replaceAll("/+$", "") + "/api/decisions");
      try {
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
            HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 == 2) {
          cli.out.println("posted: " + response.body().strip());
          return BreakGlassCli.OK;
        }
        cli.err.println("the console at " + target + " refused the decision (HTTP " + response.statusCode() + "): "
            + response.body().strip());
        return BreakGlassCli.FAILED;
      } catch (IOException e) {
        throw new UsageException("cannot reach the console at " + target + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UsageException("interrupted while posting to " + target);
      }
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Custodian signing keys: make a key file, or print the public key of a key file or a PKCS#11 "
          + "token key, for the host to register while its identity provider is healthy; list, register and "
          + "remove the keys in an engine's registry (audited)."},
      subcommands = {Generate.class, PublicKeyCommand.class, KeyRegistryCommands.ListKeys.class,
          KeyRegistryCommands.Register.class, KeyRegistryCommands.Remove.class},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass keys generate --out ~/.breakglass/carol.key",
          "  breakglass keys public --key-file ~/.breakglass/carol.key"})
  static final class Keys implements Callable<Integer> {
    private final BreakGlassCli cli;

    Keys(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      cli.err.println("breakglass keys: choose generate, public, list, register or remove (see breakglass keys --help)");
      return BreakGlassCli.USAGE;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Write a new key pair to FILE (owner-only PEM: the private key and its public key) and print the "
          + "public key to register. Prefer a hardware token; a key file is for custodians without one."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass keys generate --out ~/.breakglass/carol.key"})
  static final class Generate implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the key (must not exist).")
    Path out;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "ed25519",
        description = "ed25519 (default) or ecdsa-p256.")
    String kind;

    Generate(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      ApprovalSignature.Kind k;
      try {
        k = ApprovalSignature.Kind.fromLabel(kind);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--kind: " + e.getMessage());
      }
      if (k == ApprovalSignature.Kind.WEBAUTHN) {
        throw new UsageException("--kind webauthn: WebAuthn credentials are enrolled in the console, not generated here");
      }
      if (Files.exists(out)) {
        throw new UsageException(out + " already exists; choose another file (an existing key is never overwritten)");
      }
      KeyPair pair;
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance(k == ApprovalSignature.Kind.ED25519 ? "Ed25519" : "EC");
        if (k == ApprovalSignature.Kind.ECDSA_P256) {
          g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        pair = g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new UsageException("cannot generate an " + k.label() + " key: " + e.getMessage());
      }
      byte[] der = pair.getPrivate().getEncoded();
      byte[] content = (SigningKeys.pem(SigningKeys.PEM_PRIVATE, der)
          + SigningKeys.pem(SigningKeys.PEM_PUBLIC, pair.getPublic().getEncoded())).getBytes(StandardCharsets.US_ASCII);
      try {
        Path parent = out.toAbsolutePath().getParent();
        DurableFiles.createPrivateDirectories(parent);
        try (var channel = DurableFiles.openPrivate(out, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
          channel.write(java.nio.ByteBuffer.wrap(content));
          channel.force(true);
        }
      } catch (IOException e) {
        throw new UsageException("cannot write the key to " + out + ": " + e.getMessage());
      } finally {
        Arrays.fill(der, (byte) 0);
        Arrays.fill(content, (byte) 0);
      }
      cli.err.println("wrote the private key to " + out + " (owner-only); register this public key:");
      cli.out.print(SigningKeys.publicKeyText(k, pair.getPublic()));
      return BreakGlassCli.OK;
    }
  }

  @Command(name = "public", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Print the public key (kind, key id, SubjectPublicKeyInfo) of a key file or a PKCS#11 token key, "
          + "for the host to register."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass keys public --key-file ~/.breakglass/carol.key",
          "  breakglass keys public --alias 'PIV AUTH key' \\",
          "      --pkcs11-library /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"})
  static final class PublicKeyCommand implements Callable<Integer> {
    private final BreakGlassCli cli;

    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nKey:%n")
    KeySource key;

    PublicKeyCommand(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      SigningKeys.Loaded loaded = key.load(cli);
      cli.out.print(SigningKeys.publicKeyText(loaded.kind(), loaded.publicKey()));
      return BreakGlassCli.OK;
    }
  }
}
