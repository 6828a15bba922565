package dev.breakglass.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.AutoComplete;

/**
 * Run by the build after the jar is shaded: writes the {@code breakglass} launcher script and the
 * bash/zsh completion script (picocli's {@link AutoComplete}, from the real command tree, so it
 * cannot drift from the commands) next to {@code breakglass.jar}.
 */
public final class BuildScripts {
  private BuildScripts() {}

  /** {@code args[0]}: the launcher template; {@code args[1]}: the directory to write into. */
  public static void main(String[] args) throws IOException {
    Path template = Path.of(args[0]);
    Path dir = Files.createDirectories(Path.of(args[1]));
    BreakGlassCli cli = new BreakGlassCli(InputStream.nullInputStream(), System.out, System.err, Terminal.system(),
        name -> null);
    Path launcher = dir.resolve("breakglass");
    Files.copy(template, launcher, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path completion = dir.resolve("breakglass_completion");
    Files.writeString(completion, AutoComplete.bash("breakglass", cli.commandLine()), StandardCharsets.UTF_8);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    System.out.println("wrote " + launcher + " and " + completion);
  }
}
