package dev.breakglass.cli;

import dev.breakglass.spi.SecretFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Secrets typed at the terminal or read from standard input, held only in arrays the caller
 * wipes. Standard input is read byte by byte, so a passphrase on its first line and a credential
 * or shares after it are read apart without buffering one into the other.
 */
final class Secrets {
  private static final String SHARE_TITLE = "BREAKGLASS CUSTODIAN SHARE";

  /** One share's text and where it came from, for messages. */
  record Share(String source, char[] text) {}

  private final BreakGlassCli cli;

  Secrets(BreakGlassCli cli) {
    this.cli = cli;
  }

  char[] typedTwice(String prompt, String empty, String differ) {
    char[] first = cli.terminal.readSecret(prompt);
    if (first == null || first.length == 0) {
      throw new UsageException(empty);
    }
    char[] second = cli.terminal.readSecret("again: ");
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

  /** The next line of standard input without its line break, or {@code null} at its end. */
  char @Nullable [] stdinLine() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      int b;
      boolean any = false;
      while ((b = cli.in.read()) >= 0) {
        any = true;
        if (b == '\n') {
          break;
        }
        buf.write(b);
      }
      if (!any) {
        return null;
      }
      byte[] bytes = buf.toByteArray();
      try {
        return bytes.length == 0 ? new char[0] : SecretFiles.decode(bytes, "standard input");
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
  }

  /** The rest of standard input, trailing line breaks dropped; never empty. */
  char[] stdinRest(String what) {
    byte[] bytes;
    try {
      bytes = cli.in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
    try {
      return SecretFiles.decode(bytes, what);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + "; pipe it in, or run on a terminal to type it");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Shares piped in: whole share files one after another (each starts with its title line), or
   * one share per line (all groups on one line, as typed from paper).
   */
  List<Share> stdinShares() {
    List<char[]> lines = new ArrayList<>();
    try {
      for (char[] line = stdinLine(); line != null; line = stdinLine()) {
        lines.add(line);
      }
      boolean files = lines.stream().anyMatch(Secrets::isTitle);
      List<Share> shares = new ArrayList<>();
      List<char[]> current = new ArrayList<>();
      for (char[] line : lines) {
        if (files ? isTitle(line) : !blank(line)) {
          flush(current, shares);
        }
        if (!blank(line)) {
          current.add(line);
        }
      }
      flush(current, shares);
      return shares;
    } finally {
      lines.forEach(l -> Arrays.fill(l, '\0'));
    }
  }

  private static void flush(List<char[]> lines, List<Share> shares) {
    if (lines.isEmpty()) {
      return;
    }
    int length = lines.stream().mapToInt(l -> l.length + 1).sum();
    char[] text = new char[length];
    int at = 0;
    for (char[] l : lines) {
      System.arraycopy(l, 0, text, at, l.length);
      at += l.length;
      text[at++] = '\n';
    }
    shares.add(new Share("share " + (shares.size() + 1) + " on standard input", text));
    lines.clear();
  }

  private static boolean isTitle(char[] line) {
    String start = new String(line, 0, Math.min(line.length, SHARE_TITLE.length()));
    return start.equals(SHARE_TITLE);
  }

  private static boolean blank(char[] line) {
    for (char c : line) {
      if (!Character.isWhitespace(c)) {
        return false;
      }
    }
    return true;
  }
}
