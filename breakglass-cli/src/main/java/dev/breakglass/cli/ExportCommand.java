package dev.breakglass.cli;

import dev.breakglass.AuditUnavailableException;
import dev.breakglass.postgresql.PostgresAuditLog;
import dev.breakglass.postgresql.PostgresConnection;
import dev.breakglass.spi.SecretFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code breakglass export}: writes an audit trail kept in PostgreSQL as a log directory to verify offline. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
    sortOptions = false,
    description = {"Write the audit trail kept in PostgreSQL (audit=postgresql) to DIR in the file log's format, "
        + "as one consistent snapshot, so that 'breakglass verify DIR --public-key ...' checks it offline.",
        "The password comes from --password-env or --password-file, never from the command line."},
    footerHeading = "%nExamples:%n",
    footer = {"  BG_DB=... breakglass export trail/ \\",
        "      --jdbc-url jdbc:postgresql://db:5432/app --user auditor \\",
        "      --password-env BG_DB",
        "  breakglass verify trail/ --public-key audit.pub"})
final class ExportCommand implements Callable<Integer> {
  private final BreakGlassCli cli;

  @Parameters(index = "0", paramLabel = "DIR", description = "A new or empty directory to write the log to.")
  Path dir;

  @Option(names = "--jdbc-url", paramLabel = "URL", required = true,
      description = "jdbc:postgresql://host:port/database, without a password.")
  String url;

  @Option(names = "--user", paramLabel = "ROLE", required = true, description = "The role to read the trail as.")
  String user;

  @Option(names = "--password-env", paramLabel = "NAME", description = "Environment variable holding the password.")
  @Nullable String passwordEnv;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Owner-only file holding the password.")
  @Nullable Path passwordFile;

  ExportCommand(BreakGlassCli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if ((passwordEnv == null) == (passwordFile == null)) {
      throw new UsageException("give exactly one of --password-env NAME and --password-file FILE");
    }
    Supplier<char[]> password;
    if (passwordEnv != null) {
      String value = cli.environment.apply(passwordEnv);
      if (value == null || value.isEmpty()) {
        throw new UsageException("the environment variable " + passwordEnv + " named by --password-env is not set or empty");
      }
      password = value::toCharArray;
    } else {
      Path file = passwordFile;
      try {
        char[] read = SecretFiles.read(file, "PostgreSQL password");
        password = read::clone;
      } catch (IllegalArgumentException e) {
        throw new UsageException("--password-file " + file + ": " + e.getMessage());
      }
    }
    PostgresConnection.Builder connection = PostgresConnection.builder();
    try {
      connection.url(url).user(user).password(password).connectTimeout(Duration.ofSeconds(10));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--jdbc-url / --user: " + e.getMessage());
    }
    long records;
    try {
      records = PostgresAuditLog.export(connection.build(), dir);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } catch (AuditUnavailableException e) {
      cli.err.println("breakglass export: " + e.getMessage());
      return BreakGlassCli.USAGE;
    }
    cli.out.printf(Locale.ROOT, "Exported %,d records to %s. Verify with: breakglass verify %s --public-key <audit.pub>%n",
        records, dir, dir);
    return BreakGlassCli.OK;
  }
}
