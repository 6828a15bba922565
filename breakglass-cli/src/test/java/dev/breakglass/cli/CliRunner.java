package dev.breakglass.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Runs the command in-process with captured output, a scripted terminal and a fake environment. */
final class CliRunner {
  /** A terminal whose person types the scripted lines, and which remembers the prompts. */
  static final class ScriptedTerminal implements Terminal {
    final Deque<String> typed = new ArrayDeque<>();
    final List<String> prompts = new ArrayList<>();
    boolean attached;

    @Override
    public boolean interactive() {
      return attached;
    }

    @Override
    public char @Nullable [] readSecret(String prompt) {
      prompts.add(prompt);
      String line = typed.poll();
      return line == null ? null : line.toCharArray();
    }
  }

  final ScriptedTerminal terminal = new ScriptedTerminal();
  final Map<String, String> environment = new HashMap<>();
  String stdin = "";
  String out = "";
  String err = "";

  /** A person at the terminal who will type {@code lines} in order. */
  CliRunner typing(String... lines) {
    terminal.attached = true;
    terminal.typed.addAll(List.of(lines));
    return this;
  }

  int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int status = new BreakGlassCli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
        terminal, environment::get).run(args);
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return status;
  }
}
