package dev.breakglass.cli;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.BreakGlass;
import dev.breakglass.CustodianKey;
import dev.breakglass.core.BreakGlassEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keys list}, {@code keys register} and {@code keys remove}: the engine's registry of
 * custodians' keys, changed through the engine so that every registration and removal is audited
 * like one made in the console or through the API.
 */
final class KeyRegistryCommands {
  private KeyRegistryCommands() {}

  /** The engine to open: its data directory, policy and configuration, as for {@code drill}. */
  static final class EngineOptions {
    @Option(names = "--data", paramLabel = "DIR", required = true,
        description = "The engine's data directory (it holds audit/ and custodian-keys.json).")
    Path data;

    @Option(names = "--policy", paramLabel = "FILE", required = true,
        description = "The engine's policy file (YAML or JSON).")
    Path policy;

    @Option(names = "--config", paramLabel = "FILE",
        description = "The engine's configuration properties (vault, alert channels), as a .properties file.")
    @Nullable Path config;

    /** Opens the engine without background work; the caller closes it. */
    BreakGlass open() {
      if (!Files.isDirectory(data)) {
        throw new UsageException("data directory " + data + (Files.exists(data) ? " is a file" : " does not exist")
            + "; give the engine's data directory");
      }
      Files2.requireFile(policy, "policy");
      BreakGlassEngine.Builder builder = BreakGlassEngine.builder().policyFile(policy).dataDirectory(data)
          .background(false);
      if (config != null) {
        Properties p = DrillCommands.properties(config);
        p.stringPropertyNames().forEach(k -> builder.property(k, p.getProperty(k)));
      }
      return builder.build();
    }
  }

  /** Runs {@code action} on the opened engine; a refusal is printed with its reason code. */
  static int withEngine(BreakGlassCli cli, EngineOptions engine, Function<BreakGlass, Integer> action) {
    try (BreakGlass breakGlass = engine.open()) {
      return action.apply(breakGlass);
    } catch (AccessDeniedException e) {
      cli.err.println("refused: " + e.code().name() + ": " + e.getMessage());
      return BreakGlassCli.FAILED;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"List the registered keys (all, or one person's): holder, kind, key id, name, registration "
          + "time and the last WebAuthn signature counter seen."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass keys list --data /var/lib/myapp/breakglass --policy /etc/myapp/breakglass.yaml \\",
          "      --config /etc/myapp/breakglass.properties --custodian carol"})
  static final class ListKeys implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Mixin EngineOptions engine;

    @Option(names = "--custodian", paramLabel = "NAME", description = "Only this person's keys.")
    @Nullable String custodian;

    ListKeys(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return withEngine(cli, engine, breakGlass -> {
        List<CustodianKey> keys = custodian == null ? breakGlass.custodianKeys().all()
            : breakGlass.custodianKeys().keys(custodian);
        if (keys.isEmpty()) {
          cli.err.println("no keys are registered" + (custodian == null ? "" : " to " + custodian));
        }
        for (CustodianKey k : keys) {
          cli.out.printf(Locale.ROOT, "%s\t%s\t%s\t%s\tregistered %s\tcounter %d%n", k.custodian(), k.kind().label(),
              k.keyId(), k.label(), k.registeredAt() == null ? "-" : k.registeredAt(), k.signCount());
        }
        return BreakGlassCli.OK;
      });
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Register a raw public key (what 'breakglass keys generate' or 'keys public' printed) for a "
          + "person the policy names, while the identity provider is healthy and no incident is declared. The "
          + "registration is audited. Security keys (WebAuthn) are registered in the console.",
          "Whoever runs this acts for --actor: run it as the service's user, after the person proved who they are "
              + "the usual way, while the application that owns the data directory is stopped."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass keys register --data data --policy policy.yaml --config engine.properties \\",
          "      --custodian carol --actor carol --public-key carol.pub --label 'YubiKey 5C PIV'"})
  static final class Register implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Mixin EngineOptions engine;

    @Option(names = "--custodian", paramLabel = "NAME", required = true, description = "Whose key it is.")
    String custodian;

    @Option(names = "--actor", paramLabel = "NAME", required = true,
        description = "Who registers it: the key's holder, or one of the policy's incident declarers.")
    String actor;

    @Option(names = "--public-key", paramLabel = "FILE", required = true,
        description = "The public key text printed by 'breakglass keys generate' or 'breakglass keys public'.")
    Path publicKey;

    @Option(names = "--label", paramLabel = "TEXT", description = "A name for the key, e.g. where it is kept.")
    @Nullable String label;

    Register(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Map<String, String> fields = publicKeyFields(Files2.readText(publicKey, "public key"), publicKey);
      ApprovalSignature.Kind kind;
      byte[] spki;
      try {
        kind = ApprovalSignature.Kind.fromLabel(fields.get("kind"));
        spki = Base64.getUrlDecoder().decode(fields.get("public-key"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("public key file " + publicKey + ": " + e.getMessage());
      }
      CustodianKey key = CustodianKey.raw(custodian, kind, spki, label);
      if (fields.containsKey("key") && !fields.get("key").equals(key.keyId())) {
        throw new UsageException("public key file " + publicKey + " names key " + fields.get("key")
            + " but its public key has the id " + key.keyId() + "; copy the file again");
      }
      return withEngine(cli, engine, breakGlass -> {
        CustodianKey stored = breakGlass.custodianKeys().register(key, actor);
        cli.out.println("registered " + stored.kind().label() + " key " + stored.keyId() + " for " + custodian
            + " (audited)");
        return BreakGlassCli.OK;
      });
    }

    private static Map<String, String> publicKeyFields(String text, Path file) {
      if (!text.strip().startsWith("breakglass-custodian-public-key v1")) {
        throw new UsageException("public key file " + file + " does not start with 'breakglass-custodian-public-key"
            + " v1'; give what 'breakglass keys public' printed");
      }
      Map<String, String> fields = new HashMap<>();
      for (String line : text.split("\r?\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
      }
      for (String required : List.of("kind", "public-key")) {
        if (!fields.containsKey(required)) {
          throw new UsageException("public key file " + file + " has no '" + required + ":' line");
        }
      }
      return fields;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Remove a registered key (lost, stolen, or its holder left): decisions signed with it are refused "
          + "from then on, while signatures it made before still re-verify from the log. Allowed during an "
          + "emergency too. The removal is audited with its reason.",
          "Run it while the application that owns the data directory is stopped; while it runs, remove the key in "
              + "the console's Security keys page."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass keys remove --data data --policy policy.yaml --config engine.properties \\",
          "      --custodian carol --key-id ed25519:Xq3... --actor sre-lead --reason 'laptop stolen'"})
  static final class Remove implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Mixin EngineOptions engine;

    @Option(names = "--custodian", paramLabel = "NAME", required = true, description = "Whose key it is.")
    String custodian;

    @Option(names = "--key-id", paramLabel = "ID", required = true, description = "The key id ('keys list' shows it).")
    String keyId;

    @Option(names = "--actor", paramLabel = "NAME", required = true,
        description = "Who removes it: the key's holder, or one of the policy's incident declarers.")
    String actor;

    @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why, for the audit trail.")
    String reason;

    Remove(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return withEngine(cli, engine, breakGlass -> {
        breakGlass.custodianKeys().remove(custodian, keyId, actor, reason);
        cli.out.println("removed key " + keyId + " of " + custodian + " (audited)");
        return BreakGlassCli.OK;
      });
    }
  }
}
