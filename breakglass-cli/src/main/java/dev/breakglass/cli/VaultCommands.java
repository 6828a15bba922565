package dev.breakglass.cli;

import dev.breakglass.VaultException;
import dev.breakglass.cli.Args.UsageException;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.CustodianShare;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.core.vault.SealedFileVault;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code vault create}, {@code vault put}, {@code vault list} and {@code shares check}: staging
 * break-glass credentials and checking custodians' shares without writing code.
 *
 * <p>Secrets (passphrases, credentials, shares) are never command-line arguments, which other
 * users can see: they come from the terminal without echo, from an environment variable or file
 * named by an option, or from standard input. They are held in {@code char[]} and wiped.
 */
final class VaultCommands {
  private static final String PASS_ENV = "--passphrase-env";
  private static final String PASS_FILE = "--passphrase-file";
  /** Custodian names that are safe as file names in the shares directory. */
  private static final Pattern SHARE_FILE_NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._@+-]*");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final InputStream in;
  private final PrintStream out;
  private final Terminal terminal;
  private final UnaryOperator<@Nullable String> environment;

  VaultCommands(InputStream in, PrintStream out, Terminal terminal, UnaryOperator<@Nullable String> environment) {
    this.in = in;
    this.out = out;
    this.terminal = terminal;
    this.environment = environment;
  }

  int create(List<String> argv) throws UsageException {
    Args a = Args.parse("vault create", argv, Set.of(PASS_ENV, PASS_FILE, "--custodians", "--threshold", "--shares-dir"),
        Set.of(), List.of("the vault file to create"));
    Path file = a.path(0);
    if (Files.exists(file)) {
      throw new UsageException("vault file " + file + " already exists");
    }
    List<String> custodians = a.value("--custodians").map(VaultCommands::names).orElse(List.of());
    if (custodians.isEmpty()) {
      if (a.value("--threshold").isPresent() || a.value("--shares-dir").isPresent()) {
        throw new UsageException("--threshold and --shares-dir need --custodians");
      }
      char[] passphrase = newPassphrase(a);
      try (EncryptedFileVault vault = EncryptedFileVault.create(file, passphrase, Argon2Parameters.recommended())) {
        out.println("created encrypted vault " + vault.file() + " (id " + vault.vaultId() + ")");
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      return BreakGlassCli.OK;
    }
    int threshold = threshold(a.required("--threshold", "how many custodians must bring their share"));
    Path sharesDir = Path.of(a.required("--shares-dir", "where each custodian's share file is written"));
    List<Path> shareFiles = new ArrayList<>();
    for (String c : custodians) {
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
    char[] passphrase = newPassphrase(a);
    SealedFileVault.Created created;
    try {
      created = SealedFileVault.create(file, passphrase, Argon2Parameters.recommended(), threshold, custodians);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    try (SealedFileVault vault = created.vault()) {
      writeShares(created.shares(), shareFiles, file);
      out.println("created vault " + vault.file() + " (id " + vault.vaultId() + "), sealed by " + threshold + " of "
          + custodians.size() + " custodians");
      for (Path p : shareFiles) {
        out.println("  share written to " + p);
      }
      out.println("Print each share, hand it to its custodian alone, then delete the share files.");
    } finally {
      created.shares().forEach(CustodianShare::close);
    }
    return BreakGlassCli.OK;
  }

  int put(List<String> argv) throws UsageException {
    Args a = Args.parse("vault put", argv, Set.of(PASS_ENV, PASS_FILE), Set.of(),
        List.of("the vault file", "the account name"));
    Path file = Files2.requireFile(a.path(0), "vault");
    String account = a.positional(1);
    char[] passphrase = passphrase(a);
    try (CredentialVault vault = open(file, passphrase)) {
      Arrays.fill(passphrase, '\0');
      char[] secret = credential(account);
      try {
        vault.write(account, secret);
      } finally {
        Arrays.fill(secret, '\0');
      }
      out.println("stored the credential of '" + account + "' in " + file);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    return BreakGlassCli.OK;
  }

  int list(List<String> argv) throws UsageException {
    Args a = Args.parse("vault list", argv, Set.of(PASS_ENV, PASS_FILE), Set.of(), List.of("the vault file"));
    Path file = Files2.requireFile(a.path(0), "vault");
    char[] passphrase = passphrase(a);
    try {
      if (SealedFileVault.isSealed(file)) {
        try (SealedFileVault vault = SealedFileVault.open(file, passphrase)) {
          out.println("vault " + vault.file() + " (id " + vault.vaultId() + "), sealed by " + vault.threshold() + " of "
              + vault.custodians().size() + " custodians: " + String.join(", ", vault.custodians()));
          vault.accounts().forEach(account -> out.println("  " + account));
        }
      } else {
        try (EncryptedFileVault vault = EncryptedFileVault.open(file, passphrase)) {
          out.println("vault " + vault.file() + " (id " + vault.vaultId() + ")");
          vault.accounts().forEach(account -> out.println("  " + account));
        }
      }
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    return BreakGlassCli.OK;
  }

  /** Checks that the shares given open the vault, without reading a credential. */
  int checkShares(List<String> argv) throws UsageException {
    Args a = Args.parse("shares check", argv, Set.of(PASS_ENV, PASS_FILE, "--share"), Set.of(), List.of("the vault file"));
    Path file = Files2.requireFile(a.path(0), "vault");
    if (!SealedFileVault.isSealed(file)) {
      throw new UsageException("vault file " + file + " is not sealed by custodians; it has no shares to check");
    }
    List<char[]> texts = new ArrayList<>();
    Map<String, char[]> byCustodian = new LinkedHashMap<>();
    char[] passphrase = passphrase(a);
    try (SealedFileVault vault = SealedFileVault.open(file, passphrase)) {
      Arrays.fill(passphrase, '\0');
      readShares(a.values("--share"), texts);
      for (char[] text : texts) {
        String custodian;
        try (CustodianShare share = CustodianShare.parse(text)) {
          custodian = share.custodian();
        }
        if (byCustodian.put(custodian, text) != null) {
          throw new UsageException("two shares of custodian '" + custodian + "' were given");
        }
      }
      try {
        vault.checkShares(byCustodian);
      } catch (VaultException e) {
        out.println("FAILED  " + e.getMessage());
        return BreakGlassCli.FAILED;
      }
      out.println("OK  the shares of " + String.join(", ", byCustodian.keySet()) + " open vault " + vault.file()
          + " (" + vault.threshold() + " of " + vault.custodians().size() + " needed)");
      return BreakGlassCli.OK;
    } finally {
      Arrays.fill(passphrase, '\0');
      texts.forEach(t -> Arrays.fill(t, '\0'));
    }
  }

  private static CredentialVault open(Path file, char[] passphrase) {
    return SealedFileVault.isSealed(file) ? SealedFileVault.open(file, passphrase)
        : EncryptedFileVault.open(file, passphrase);
  }

  private void readShares(List<String> files, List<char[]> texts) throws UsageException {
    if (!files.isEmpty()) {
      for (String f : files) {
        texts.add(readSecretFile(Path.of(f), "share"));
      }
      return;
    }
    if (!terminal.interactive()) {
      throw new UsageException("shares check needs --share files, or a terminal to type the shares on");
    }
    for (int n = 1; ; n++) {
      char[] line = terminal.readSecret("share " + n + " (all groups on one line; empty line to finish): ");
      if (line == null || line.length == 0) {
        return;
      }
      texts.add(line);
    }
  }

  /** The passphrase of an existing vault; the caller wipes it. */
  private char[] passphrase(Args a) throws UsageException {
    char[] given = givenPassphrase(a);
    if (given != null) {
      return given;
    }
    char[] typed = terminal.readSecret("vault passphrase: ");
    if (typed == null || typed.length == 0) {
      throw new UsageException("no passphrase given");
    }
    return typed;
  }

  /** The passphrase of a new vault, typed twice on a terminal; the caller wipes it. */
  private char[] newPassphrase(Args a) throws UsageException {
    char[] given = givenPassphrase(a);
    if (given != null) {
      return given;
    }
    return typedTwice("new vault passphrase: ", "no passphrase given", "the passphrases differ");
  }

  private char @Nullable [] givenPassphrase(Args a) throws UsageException {
    var env = a.value(PASS_ENV);
    var file = a.value(PASS_FILE);
    if (env.isPresent() && file.isPresent()) {
      throw new UsageException("give only one of " + PASS_ENV + " and " + PASS_FILE);
    }
    if (env.isPresent()) {
      String value = environment.apply(env.get());
      if (value == null || value.isEmpty()) {
        throw new UsageException("the environment variable " + env.get() + " named by " + PASS_ENV + " is not set or empty");
      }
      return value.toCharArray();
    }
    if (file.isPresent()) {
      return readSecretFile(Path.of(file.get()), "passphrase");
    }
    if (!terminal.interactive()) {
      throw new UsageException("no terminal to type the passphrase on: give " + PASS_ENV + " or " + PASS_FILE);
    }
    return null;
  }

  /** The credential to store: typed twice on the terminal, or all of standard input. */
  private char[] credential(String account) throws UsageException {
    if (terminal.interactive()) {
      return typedTwice("credential for '" + account + "': ", "no credential given", "the credentials differ");
    }
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
    try {
      return SecretFiles.decode(bytes, "the credential on standard input");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private char[] typedTwice(String prompt, String empty, String differ) throws UsageException {
    char[] first = terminal.readSecret(prompt);
    if (first == null || first.length == 0) {
      throw new UsageException(empty);
    }
    char[] second = terminal.readSecret("again: ");
    try {
      if (second == null || !Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new UsageException(differ);
      }
      return first;
    } finally {
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  /** A secret kept in an owner-only file, without its trailing line breaks. */
  private static char[] readSecretFile(Path file, String what) throws UsageException {
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

  private void writeShares(List<CustodianShare> shares, List<Path> targets, Path vaultFile) {
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

  private static List<String> names(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private static int threshold(String text) throws UsageException {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UsageException("--threshold must be a number, was '" + text + "'");
    }
  }
}
