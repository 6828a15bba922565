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

  /**
   * A policy problem located as precisely as known. The message reads, for example,
   * {@code invalid policy policy.yaml:12 field 'accounts.prod-db.approvals': must be at least 1, was 0}.
   *
   * @param source the file (or other source) the policy came from, or {@code null} for a policy built in code
   * @param line the 1-based line of the problem, or -1 if unknown
   * @param field the dotted path of the offending field, or {@code null} if the problem is not about one field
   * @param problem what is wrong and, where possible, what is expected
   */
  public PolicyException(@Nullable String source, int line, @Nullable String field, String problem) {
    super(ReasonCode.INVALID_POLICY, format(source, line, field, problem));
    this.source = source;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  /**
   * A policy problem with no known source, line or field.
   *
   * @param problem what is wrong and, where possible, what is expected
   */
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

  /**
   * The file (or other source) the policy came from, if any.
   *
   * @return the source, or {@code null} for a policy built in code
   */
  public @Nullable String source() {
    return source;
  }

  /**
   * The line of the problem.
   *
   * @return the 1-based line, or -1 if unknown
   */
  public int line() {
    return line;
  }

  /**
   * The dotted path of the offending field, if known (for example {@code accounts.prod-db.approvals}).
   *
   * @return the field path, or {@code null}
   */
  public @Nullable String field() {
    return field;
  }

  /**
   * What is wrong, without the source, line and field (for example {@code must be at least 1, was 0}),
   * so that a policy loader can report a builder's finding against the file and line it came from.
   *
   * @return the bare problem text
   */
  public String problem() {
    return problem;
  }
}
