package dev.breakglass.cli;

import dev.breakglass.VaultException;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.CustodianShare;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.core.vault.SealedFileVault;
import dev.breakglass.core.vault.ShareFormatException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.SecretFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vault create}, {@code vault put}, {@code vault list} and {@code shares check}: staging
 * break-glass credentials and checking custodians' shares without writing code.
 *
 * <p>Secrets (passphrases, credentials, shares) are never command-line arguments, which other
 * users can see: they come from the terminal without echo, from an environment variable or file
 * named by an option, or from standard input. They are held in {@code char[]} and wiped.
 */
final class VaultCommands {
  /** Custodian names that are safe as file names in the shares directory. */
  private static final Pattern SHARE_FILE_NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._@+-]*");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final String STDIN = "-";

  private VaultCommands() {}

  /** Where the vault passphrase comes from when it is not typed. */
  static final class PassphraseOptions {
    @Option(names = "--passphrase-env", paramLabel = "NAME",
        description = "Read the vault passphrase from the environment variable NAME.")
    @Nullable String env;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
        description = "Read the vault passphrase from FILE (owner-only, e.g. chmod 600), or from the first line of "
            + "standard input with '-'.")
    @Nullable String file;
  }

  @Command(name = "vault", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Create an encrypted vault, store break-glass credentials in it, list what it holds.",
          "The passphrase is typed (twice for a new vault), or given with --passphrase-env NAME or "
              + "--passphrase-file FILE ('-' for standard input); never on the command line."},
      subcommands = {Create.class, Put.class, ListAccounts.class},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass vault create vault.json",
          "  breakglass vault create vault.json --custodians carol,dave,erin \\",
          "      --threshold 2 --shares-dir shares/",
          "  breakglass vault put vault.json prod-db-admin < credential.txt",
          "  breakglass vault list vault.json"})
  static final class Vault implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(spec.commandLine(), "vault needs a subcommand: create, put or list");
    }
  }

  @Command(name = "shares", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = "Work with custodians' shares of a sealed vault.", subcommands = {CheckShares.class},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass shares check vault.json --share carol.share --share dave.share"})
  static final class Shares implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(spec.commandLine(), "shares needs a subcommand: check");
    }
  }

  /** What every vault command shares: the context and the passphrase. */
  abstract static class VaultCommand {
    final BreakGlassCli cli;
    final Secrets secrets;

    @Mixin PassphraseOptions passphraseOptions = new PassphraseOptions();

    VaultCommand(BreakGlassCli cli) {
      this.cli = cli;
      this.secrets = new Secrets(cli);
    }

    /** The passphrase of an existing vault; the caller wipes it. */
    char[] passphrase() {
      char[] given = givenPassphrase();
      if (given != null) {
        return given;
      }
      char[] typed = cli.terminal.readSecret("vault passphrase: ");
      if (typed == null || typed.length == 0) {
        throw new UsageException("no passphrase given");
      }
      return typed;
    }

    /** The passphrase of a new vault, typed twice on a terminal, strong enough; the caller wipes it. */
    char[] newPassphrase() {
      char[] given = givenPassphrase();
      char[] p = given != null ? given : secrets.typedTwice("new vault passphrase: ", "no passphrase given",
          "the passphrases differ");
      String weakness = PassphrasePolicy.weakness(p);
      if (weakness != null) {
        Arrays.fill(p, '\0');
        throw new UsageException("the new vault passphrase is too weak: " + weakness + PassphrasePolicy.ADVICE);
      }
      return p;
    }

    private char @Nullable [] givenPassphrase() {
      String env = passphraseOptions.env;
      String file = passphraseOptions.file;
      if (env != null && file != null) {
        throw new UsageException("give only one of --passphrase-env and --passphrase-file");
      }
      if (env != null) {
        String value = cli.environment.apply(env);
        if (value == null || value.isEmpty()) {
          throw new UsageException("the environment variable " + env + " named by --passphrase-env is not set or empty");
        }
        return value.toCharArray();
      }
      if (STDIN.equals(file)) {
        char[] line = secrets.stdinLine();
        if (line == null || line.length == 0) {
          throw new UsageException("--passphrase-file - found no passphrase on the first line of standard input");
        }
        return line;
      }
      if (file != null) {
        return readSecretFile(Path.of(file), "passphrase");
      }
      if (!cli.terminal.interactive()) {
        throw new UsageException("no terminal to type the passphrase on: give --passphrase-env NAME or "
            + "--passphrase-file FILE (or '-' for standard input)");
      }
      return null;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Create an encrypted vault in FILE. With --custodians, create one sealed by any M of them: each "
          + "custodian's share is written to DIR/<custodian>.share (owner-only) to print and hand over.",
          "A new passphrase needs at least " + PassphrasePolicy.MIN_LENGTH + " characters and must not be trivially "
              + "repetitive."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass vault create /etc/breakglass/vault.json",
          "  breakglass vault create vault.json --custodians carol,dave,erin \\",
          "      --threshold 2 --shares-dir shares/",
          "  BG_PASS=... breakglass vault create vault.json --passphrase-env BG_PASS"})
  static final class Create extends VaultCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The vault file to create (it must not exist).")
    Path file;

    @Option(names = "--custodians", paramLabel = "A,B,C", split = ",",
        description = "Seal the vault: the custodians, comma-separated.")
    List<String> custodians = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "M", description = "How many custodians must bring their share.")
    @Nullable Integer threshold;

    @Option(names = "--shares-dir", paramLabel = "DIR", description = "Where each custodian's share file is written.")
    @Nullable Path sharesDir;

    Create(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      if (Files.exists(file)) {
        throw new UsageException("vault file " + file + " already exists; choose another name or move it away");
      }
      List<String> names = custodians.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
      if (names.isEmpty()) {
        if (threshold != null || sharesDir != null) {
          throw new UsageException("--threshold and --shares-dir need --custodians");
        }
        char[] passphrase = newPassphrase();
        try (EncryptedFileVault vault = EncryptedFileVault.create(file, passphrase, Argon2Parameters.recommended())) {
          cli.out.println("created encrypted vault " + vault.file() + " (id " + vault.vaultId() + ")");
        } finally {
          Arrays.fill(passphrase, '\0');
        }
        return BreakGlassCli.OK;
      }
      if (threshold == null) {
        throw new UsageException("a vault sealed by custodians needs --threshold M (how many must bring their share)");
      }
      if (sharesDir == null) {
        throw new UsageException("a vault sealed by custodians needs --shares-dir DIR (where the share files go)");
      }
      List<Path> shareFiles = new ArrayList<>();
      for (String c : names) {
        if (!SHARE_FILE_NAME.matcher(c).matches()) {
          throw new UsageException("custodian name '" + c + "' cannot name a share file: use letters, digits and"
              + " . _ @ + - (not first)");
        }
        Path target = sharesDir.resolve(c + ".share");
        if (Files.exists(target)) {
          throw new UsageException("share file " + target + " already exists; move it away first");
        }
        shareFiles.add(target);
      }
      char[] passphrase = newPassphrase();
      SealedFileVault.Created created;
      try {
        created = SealedFileVault.create(file, passphrase, Argon2Parameters.recommended(), threshold, names);
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      try (SealedFileVault vault = created.vault()) {
        writeShares(created.shares(), shareFiles, file);
        cli.out.println("created vault " + vault.file() + " (id " + vault.vaultId() + "), sealed by " + threshold
            + " of " + names.size() + " custodians");
        for (Path p : shareFiles) {
          cli.out.println("  share written to " + p);
        }
        cli.out.println("Print each share, hand it to its custodian alone, then delete the share files.");
      } finally {
        created.shares().forEach(CustodianShare::close);
      }
      return BreakGlassCli.OK;
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Store the credential of ACCOUNT in the vault: typed twice without echo on a terminal, or all "
          + "of standard input (after the passphrase line with --passphrase-file -)."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass vault put vault.json prod-db-admin",
          "  breakglass vault put vault.json prod-db-admin --passphrase-env BG_PASS \\",
          "      < credential.txt",
          "  printf '%%s\\n%%s' \"$PASS\" \"$CREDENTIAL\" \\",
          "      | breakglass vault put vault.json prod-db-admin --passphrase-file -"})
  static final class Put extends VaultCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The vault file.")
    Path file;

    @Parameters(index = "1", paramLabel = "ACCOUNT", description = "The break-glass account whose credential to store.")
    String account;

    Put(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      Files2.requireFile(file, "vault");
      char[] passphrase = passphrase();
      try (CredentialVault vault = open(file, passphrase)) {
        Arrays.fill(passphrase, '\0');
        char[] secret = credential();
        try {
          vault.write(account, secret);
        } finally {
          Arrays.fill(secret, '\0');
        }
        cli.out.println("stored the credential of '" + account + "' in " + file);
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      return BreakGlassCli.OK;
    }

    /** The credential to store: typed twice on the terminal, or the rest of standard input. */
    private char[] credential() {
      if (cli.terminal.interactive() && !STDIN.equals(passphraseOptions.file)) {
        return secrets.typedTwice("credential for '" + account + "': ", "no credential given", "the credentials differ");
      }
      return secrets.stdinRest("the credential on standard input");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = "List the accounts in the vault, and its custodians if it is sealed. Prints no credential.",
      footerHeading = "%nExamples:%n", footer = {"  breakglass vault list vault.json --passphrase-env BG_PASS"})
  static final class ListAccounts extends VaultCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The vault file.")
    Path file;

    ListAccounts(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      Files2.requireFile(file, "vault");
      char[] passphrase = passphrase();
      try {
        if (SealedFileVault.isSealed(file)) {
          try (SealedFileVault vault = SealedFileVault.open(file, passphrase)) {
            cli.out.println("vault " + vault.file() + " (id " + vault.vaultId() + "), sealed by " + vault.threshold()
                + " of " + vault.custodians().size() + " custodians: " + String.join(", ", vault.custodians()));
            vault.accounts().forEach(account -> cli.out.println("  " + account));
          }
        } else {
          try (EncryptedFileVault vault = EncryptedFileVault.open(file, passphrase)) {
            cli.out.println("vault " + vault.file() + " (id " + vault.vaultId() + ")");
            vault.accounts().forEach(account -> cli.out.println("  " + account));
          }
        }
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      return BreakGlassCli.OK;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Check that these custodian shares open the sealed vault, without reading any credential: for "
          + "drills and for custodians' peace of mind.",
          "Shares come from --share files, or standard input ('--share -', or piped: one share per line, or whole "
              + "share files one after another), or are typed one per line on a terminal."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass shares check vault.json --share carol.share --share dave.share",
          "  cat carol.share dave.share \\",
          "      | breakglass shares check vault.json --passphrase-env BG_PASS",
          "  breakglass shares check vault.json     # then type each share on one line"})
  static final class CheckShares extends VaultCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The sealed vault file.")
    Path file;

    @Option(names = "--share", paramLabel = "FILE", description = "A custodian's share file ('-' for standard input).")
    List<String> shareFiles = new ArrayList<>();

    CheckShares(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      Files2.requireFile(file, "vault");
      if (!SealedFileVault.isSealed(file)) {
        throw new UsageException("vault file " + file + " is not sealed by custodians; it has no shares to check");
      }
      List<Secrets.Share> texts = new ArrayList<>();
      Map<String, char[]> byCustodian = new LinkedHashMap<>();
      char[] passphrase = passphrase();
      try (SealedFileVault vault = SealedFileVault.open(file, passphrase)) {
        Arrays.fill(passphrase, '\0');
        readShares(texts);
        for (Secrets.Share share : texts) {
          String custodian;
          try (CustodianShare parsed = CustodianShare.parse(share.text())) {
            custodian = parsed.custodian();
          } catch (ShareFormatException e) {
            throw new UsageException(share.source() + ": " + e.getMessage()
                + (e.group() > 0 ? "; compare group " + e.group() + " with the paper share and correct it" : ""));
          }
          if (byCustodian.put(custodian, share.text()) != null) {
            throw new UsageException("two shares of custodian '" + custodian + "' were given (the second from "
                + share.source() + ")");
          }
        }
        try {
          vault.checkShares(byCustodian);
        } catch (VaultException e) {
          cli.out.println("FAILED  " + e.getMessage());
          return BreakGlassCli.FAILED;
        }
        cli.out.println("OK  the shares of " + String.join(", ", byCustodian.keySet()) + " open vault " + vault.file()
            + " (" + vault.threshold() + " of " + vault.custodians().size() + " needed)");
        return BreakGlassCli.OK;
      } finally {
        Arrays.fill(passphrase, '\0');
        texts.forEach(t -> Arrays.fill(t.text(), '\0'));
      }
    }

    private void readShares(List<Secrets.Share> texts) {
      boolean stdin = shareFiles.contains(STDIN);
      for (String f : shareFiles) {
        if (!STDIN.equals(f)) {
          texts.add(new Secrets.Share("share file " + f, readSecretFile(Path.of(f), "share")));
        }
      }
      if (stdin || shareFiles.isEmpty() && !cli.terminal.interactive()) {
        texts.addAll(secrets.stdinShares());
        if (texts.isEmpty()) {
          throw new UsageException("shares check found no share on standard input; pipe share files in, or give "
              + "--share FILE");
        }
        return;
      }
      if (!shareFiles.isEmpty()) {
        return;
      }
      for (int n = 1; ; n++) {
        char[] line = cli.terminal.readSecret("share " + n + " (all groups on one line; empty line to finish): ");
        if (line == null || line.length == 0) {
          return;
        }
        texts.add(new Secrets.Share("share " + n + " (typed)", line));
      }
    }
  }

  private static CredentialVault open(Path file, char[] passphrase) {
    return SealedFileVault.isSealed(file) ? SealedFileVault.open(file, passphrase)
        : EncryptedFileVault.open(file, passphrase);
  }

  /** A secret kept in an owner-only file, without its trailing line breaks. */
  static char[] readSecretFile(Path file, String what) {
    Files2.requireFile(file, what);
    if (POSIX) {
      try {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        if (!perms.substring(3).equals("------")) {
          throw new UsageException(what + " file " + file + " is accessible to others (" + perms
              + "); restrict it to its owner (chmod 600)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read permissions of " + file, e);
      }
    }
    return SecretFiles.read(file, what);
  }

  private static void writeShares(List<CustodianShare> shares, List<Path> targets, Path vaultFile) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(targets.get(0).toAbsolutePath().getParent());
      for (int i = 0; i < shares.size(); i++) {
        Path target = targets.get(i);
        char[] text = shares.get(i).encode();
        byte[] bytes = null;
        try {
          ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
          bytes = new byte[encoded.remaining()];
          encoded.get(bytes);
          Arrays.fill(encoded.array(), (byte) 0);
          if (POSIX) {
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          } else {
            Files.createFile(target);
          }
          written.add(target);
          try (OutputStream o = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
            o.write(bytes);
            if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
              o.write('\n');
            }
          }
        } finally {
          Arrays.fill(text, '\0');
          if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
          }
        }
      }
    } catch (IOException e) {
      // Shares that cannot all be handed out make the vault unusable: undo both.
      for (Path p : written) {
        deleteQuietly(p);
      }
      deleteQuietly(vaultFile);
      throw new UncheckedIOException("cannot write the share files (the vault was not kept): " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // Best effort while reporting the original failure.
    }
  }
}
