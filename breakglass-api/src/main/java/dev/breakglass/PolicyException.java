package dev.breakglass;

import org.jspecify.annotations.Nullable;

/**
 * A policy is invalid. When it came from a file, the file, line and field are named, and nothing
 * of the policy was applied.
 */
public class PolicyException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String source;
  private final int line;
  private final @Nullable String field;
  private final String problem;

  public PolicyException(@Nullable String source, int line, @Nullable String field, String problem) {
    super(ReasonCode.INVALID_POLICY, format(source, line, field, problem));
    this.source = source;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  public PolicyException(String problem) {
    this(null, -1, null, problem);
  }

  private static String format(@Nullable String source, int line, @Nullable String field, String problem) {
    StringBuilder sb = new StringBuilder("invalid policy");
    if (source != null) {
      sb.append(' ').append(source);
      if (line > 0) {
        sb.append(':').append(line);
      }
    }
    if (field != null) {
      sb.append(" field '").append(field).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file (or other source) the policy came from, if any. */
  public @Nullable String source() {
    return source;
  }

  /** The 1-based line of the problem, or -1 if unknown. */
  public int line() {
    return line;
  }

  /** The dotted path of the offending field, if known (for example {@code accounts.prod-db.approvals}). */
  public @Nullable String field() {
    return field;
  }

  /**
   * What is wrong, without the source, line and field (for example {@code must be at least 1, was 0}),
   * so that a policy loader can report a builder's finding against the file and line it came from.
   */
  public String problem() {
    return problem;
  }
}
