package dev.breakglass.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one command: positional arguments and {@code --options}, each command
 * accepting only its own. Options with a value take it from the next argument.
 */
final class Args {
  /** A command line that cannot be run as given. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final String command;
  private final List<String> positional;
  private final Map<String, List<String>> values;

  private Args(String command, List<String> positional, Map<String, List<String>> values) {
    this.command = command;
    this.positional = positional;
    this.values = values;
  }

  /**
   * @param valued options that take a value (may repeat)
   * @param flags options without a value
   * @param positionalNames names of the required positional arguments, for messages
   */
  static Args parse(String command, List<String> args, Set<String> valued, Set<String> flags,
      List<String> positionalNames) throws UsageException {
    List<String> positional = new ArrayList<>();
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        if (positional.size() == positionalNames.size()) {
          // Not quoted: a secret typed in the wrong place must not be echoed into logs.
          throw new UsageException("unexpected argument " + (i + 1) + " for " + command + " (expected "
              + (positionalNames.isEmpty() ? "only options" : String.join(", ", positionalNames) + " and options")
              + ")");
        }
        positional.add(a);
      } else if (flags.contains(a)) {
        values.computeIfAbsent(a, k -> new ArrayList<>()).add("");
      } else if (valued.contains(a)) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException("option " + a + " needs a value");
        }
        values.computeIfAbsent(a, k -> new ArrayList<>()).add(args.get(++i));
      } else {
        List<String> accepted = new ArrayList<>(valued);
        accepted.addAll(flags);
        accepted.sort(null);
        throw new UsageException("unknown option " + a + " for " + command
            + (accepted.isEmpty() ? "" : " (accepted: " + String.join(", ", accepted) + ")"));
      }
    }
    if (positional.size() < positionalNames.size()) {
      throw new UsageException(command + " needs " + positionalNames.get(positional.size()));
    }
    return new Args(command, positional, values);
  }

  String positional(int index) {
    return positional.get(index);
  }

  Path path(int index) {
    return Path.of(positional.get(index));
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The value of an option given at most once. */
  Optional<String> value(String name) throws UsageException {
    List<String> v = values(name);
    if (v.size() > 1) {
      throw new UsageException(name + " given " + v.size() + " times");
    }
    return v.stream().findFirst();
  }

  /** The value of an option that must be given exactly once. */
  String required(String name, String what) throws UsageException {
    return value(name).orElseThrow(() -> new UsageException(command + " needs " + name + " (" + what + ")"));
  }
}
