package dev.breakglass.core.policy;

import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Identity;
import dev.breakglass.PolicyException;
import dev.breakglass.core.text.SafeText;
import dev.breakglass.spi.ProviderContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link PolicyNode} tree into a {@link BreakGlassPolicy}: checks the schema (known fields,
 * types, durations, the {@code people} roster, account references) and then lets the API's builders
 * validate the values. Every {@link PolicyException}, including the builders' own, leaves here with
 * the file, the line and the field.
 *
 * <p>Not thread-safe; one instance binds one tree.
 */
final class PolicyBinder {
  static final List<String> TOP_FIELDS = List.of("version", "approvalTimeout", "rateLimit",
      "endGrantsWhenEmergencyEnds", "people", "incidentDeclarers", "accounts");
  static final List<String> RATE_LIMIT_FIELDS = List.of("maxRequests", "window", "maxBackoff");
  static final List<String> ACCOUNT_FIELDS = List.of("requesters", "custodians", "approvals", "maxDuration",
      "reasonRequired", "ticketRequired", "identification", "emergencyRequired", "backupAccount", "ephemeral",
      "confirmedAlertBeforeRelease", "fingerprintTicket", "drillEvery", "approvalSignature");

  /** The schema version this binder reads. */
  static final int VERSION = 1;

  private final String source;
  /** The line of every key in the file, by dotted path, to place findings that carry a path only. */
  private final Map<String, Integer> lines = new HashMap<>();
  private @Nullable Set<String> people;
  private int peopleLine;

  PolicyBinder(String source) {
    this.source = source;
  }

  BreakGlassPolicy bind(PolicyNode root) {
    if (!(root instanceof PolicyNode.Mapping)) {
      throw new PolicyException(source, root.line(), null,
          "the top level must be a mapping with the fields " + String.join(", ", TOP_FIELDS) + "; found "
              + root.kind());
    }
    PolicyNode.Mapping top = (PolicyNode.Mapping) root;
    recordLines(top);
    try {
      return bindTop(top);
    } catch (PolicyException e) {
      if (e.source() != null) {
        throw e;
      }
      throw new PolicyException(source, lineOf(e.field(), top.line()), e.field(), e.problem());
    }
  }

  private BreakGlassPolicy bindTop(PolicyNode.Mapping top) {
    requireKnownFields(top, TOP_FIELDS, "the top level");
    PolicyNode.Entry version = top.entries().get("version");
    if (version != null) {
      long v = integer(version.value());
      if (v != VERSION) {
        throw error(version.value(), "version " + v + " is not supported; this library reads version " + VERSION);
      }
    }
    PolicyNode.Entry roster = top.entries().get("people");
    if (roster != null) {
      people = names(roster.value(), "person");
      peopleLine = roster.keyLine();
    }

    BreakGlassPolicy.Builder builder = BreakGlassPolicy.builder();
    PolicyNode.Entry timeout = top.entries().get("approvalTimeout");
    if (timeout != null) {
      builder.approvalTimeout(duration(timeout.value()));
    }
    PolicyNode.Entry rateLimit = top.entries().get("rateLimit");
    if (rateLimit != null) {
      builder.rateLimit(rateLimit(rateLimit.value()));
    }
    PolicyNode.Entry endGrants = top.entries().get("endGrantsWhenEmergencyEnds");
    if (endGrants != null) {
      builder.endGrantsWhenEmergencyEnds(bool(endGrants.value()));
    }
    PolicyNode.Entry declarers = top.entries().get("incidentDeclarers");
    if (declarers != null) {
      builder.incidentDeclarers(listedPeople(declarers.value(), "incident declarer").toArray(String[]::new));
    }

    PolicyNode.Entry accountsEntry = top.entries().get("accounts");
    if (accountsEntry == null) {
      throw new PolicyException(source, top.line(), "accounts",
          "is missing; a policy must define at least one break-glass account under 'accounts'");
    }
    PolicyNode.Mapping accounts = mapping(accountsEntry.value(), "break-glass accounts by name");
    for (PolicyNode.Entry account : accounts.entries().values()) {
      builder.account(account(account));
    }
    for (PolicyNode.Entry account : accounts.entries().values()) {
      PolicyNode.Entry backup = ((PolicyNode.Mapping) account.value()).entries().get("backupAccount");
      if (backup != null) {
        String name = text(backup.value());
        if (!accounts.entries().containsKey(name)) {
          throw error(backup.value(), "names the unknown account '" + SafeText.printable(name)
              + "'; defined accounts: " + String.join(", ", accounts.entries().keySet()));
        }
      }
    }
    return builder.build();
  }

  private BreakGlassPolicy.RateLimit rateLimit(PolicyNode node) {
    PolicyNode.Mapping m = mapping(node, "the rate limit");
    requireKnownFields(m, RATE_LIMIT_FIELDS, "rateLimit");
    // All three or none: a partial block would silently mix in defaults the reader cannot see.
    for (String field : RATE_LIMIT_FIELDS) {
      if (!m.entries().containsKey(field)) {
        throw new PolicyException(source, lineOf(m.path(), m.line()), m.path() + "." + field,
            "is missing; rateLimit needs all of " + String.join(", ", RATE_LIMIT_FIELDS));
      }
    }
    return new BreakGlassPolicy.RateLimit(intValue(m.entries().get("maxRequests").value()),
        duration(m.entries().get("window").value()), duration(m.entries().get("maxBackoff").value()));
  }

  private AccountPolicy account(PolicyNode.Entry entry) {
    String name = entry.key();
    String problem = Identity.problem(name);
    if (problem != null) {
      throw new PolicyException(source, entry.keyLine(), "accounts", "account name '" + SafeText.printable(name)
          + "' " + problem);
    }
    PolicyNode.Mapping m = mapping(entry.value(), "the rules of account '" + SafeText.printable(name) + "'");
    requireKnownFields(m, ACCOUNT_FIELDS, "an account");
    Map<String, PolicyNode.Entry> f = m.entries();
    AccountPolicy.Builder b = AccountPolicy.builder(name);
    if (f.containsKey("requesters")) {
      b.requesters(listedPeople(f.get("requesters").value(), "requester").toArray(String[]::new));
    }
    Set<String> custodians = Set.of();
    if (f.containsKey("custodians")) {
      custodians = listedPeople(f.get("custodians").value(), "custodian");
      b.custodians(custodians.toArray(String[]::new));
    }
    if (f.containsKey("approvals")) {
      b.approvals(intValue(f.get("approvals").value()));
    } else if (f.containsKey("custodians")) {
      // No silent default: a forgotten 'approvals' would mean that nobody needs to approve.
      throw new PolicyException(source, f.get("custodians").keyLine(), m.path() + ".approvals",
          "is missing; an account that lists custodians must say how many of them must approve"
              + " (write 'approvals: 0' to grant without approval)");
    }
    if (f.containsKey("maxDuration")) {
      b.maxDuration(duration(f.get("maxDuration").value()));
    }
    if (f.containsKey("reasonRequired")) {
      b.reasonRequired(bool(f.get("reasonRequired").value()));
    }
    if (f.containsKey("ticketRequired")) {
      b.ticketRequired(bool(f.get("ticketRequired").value()));
    }
    if (f.containsKey("identification")) {
      b.identificationRequired(names(f.get("identification").value(), "identification kind").toArray(String[]::new));
    }
    if (f.containsKey("emergencyRequired")) {
      b.emergencyRequired(bool(f.get("emergencyRequired").value()));
    }
    if (f.containsKey("ephemeral")) {
      b.ephemeral(bool(f.get("ephemeral").value()));
    }
    if (f.containsKey("confirmedAlertBeforeRelease")) {
      b.confirmedAlertBeforeRelease(bool(f.get("confirmedAlertBeforeRelease").value()));
    }
    if (f.containsKey("fingerprintTicket")) {
      b.fingerprintTicket(bool(f.get("fingerprintTicket").value()));
    }
    if (f.containsKey("backupAccount")) {
      b.backupAccount(text(f.get("backupAccount").value()));
    }
    if (f.containsKey("drillEvery")) {
      b.drillEvery(duration(f.get("drillEvery").value()));
    }
    if (f.containsKey("approvalSignature")) {
      b.approvalSignature(signatureRequirement(f.get("approvalSignature").value()));
    }
    AccountPolicy policy = b.build();
    // A requester who is also a custodian cannot approve their own request, so for them the
    // threshold must be reachable from the other custodians alone.
    for (String requester : policy.requesters()) {
      if (Identity.contains(custodians, requester) && custodians.size() - 1 < policy.approvalsRequired()) {
        String field = m.path() + ".approvals";
        throw new PolicyException(source, lineOf(field, m.line()), field, "requires " + policy.approvalsRequired()
            + " approvals, but when custodian '" + SafeText.printable(requester) + "' requests, only " + (custodians.size() - 1)
            + " other custodian(s) can approve");
      }
    }
    return policy;
  }

  private void requireKnownFields(PolicyNode.Mapping m, List<String> allowed, String what) {
    for (PolicyNode.Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        String path = m.path().isEmpty() ? e.key() : m.path() + "." + e.key();
        throw new PolicyException(source, e.keyLine(), path, "unknown field '" + SafeText.printable(e.key())
            + "'; " + what + " allows " + String.join(", ", allowed));
      }
    }
  }

  /** Names that must also appear in the {@code people} roster when the file declares one. */
  private Set<String> listedPeople(PolicyNode node, String role) {
    Set<String> names = names(node, role);
    if (people != null) {
      List<PolicyNode> items = ((PolicyNode.Sequence) node).items();
      for (PolicyNode item : items) {
        String name = ((PolicyNode.Scalar) item).text();
        if (!Identity.contains(people, name)) {
          throw error(item, role + " '" + SafeText.printable(name) + "' is not listed under 'people' (line "
              + peopleLine + ")");
        }
      }
    }
    return names;
  }

  /** A list of distinct, non-blank names. */
  private Set<String> names(PolicyNode node, String what) {
    if (!(node instanceof PolicyNode.Sequence)) {
      throw error(node, "must be a list of names, found " + node.kind());
    }
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    for (PolicyNode item : ((PolicyNode.Sequence) node).items()) {
      if (!(item instanceof PolicyNode.Scalar) || ((PolicyNode.Scalar) item).type() != PolicyNode.Type.TEXT) {
        throw error(item, "each " + what + " must be a name (text), found " + item.kind()
            + (item instanceof PolicyNode.Scalar ? "; quote it if it is meant as a name" : ""));
      }
      String name = ((PolicyNode.Scalar) item).text();
      if (name == null || name.isBlank()) {
        throw error(item, "a " + what + " must not be blank");
      }
      String problem = Identity.problem(name);
      if (problem != null) {
        throw error(item, what + " '" + SafeText.printable(name) + "' " + problem);
      }
      String same = Identity.find(firstLine.keySet(), name);
      if (same != null) {
        throw error(item, what + " '" + SafeText.printable(name) + "' is listed twice (first on line "
            + firstLine.get(same) + (same.equals(name) ? ""
                : " as '" + SafeText.printable(same) + "': the same identity, names are compared case-insensitively"
                    + " after Unicode NFKC") + ")");
      }
      firstLine.put(name, item.line());
    }
    return firstLine.keySet();
  }

  private PolicyNode.Mapping mapping(PolicyNode node, String what) {
    if (!(node instanceof PolicyNode.Mapping)) {
      throw error(node, "must be a mapping of " + what + ", found " + node.kind());
    }
    return (PolicyNode.Mapping) node;
  }

  private String text(PolicyNode node) {
    if (!(node instanceof PolicyNode.Scalar) || ((PolicyNode.Scalar) node).type() != PolicyNode.Type.TEXT) {
      throw error(node, "must be text, found " + node.kind());
    }
    return ((PolicyNode.Scalar) node).text();
  }

  private boolean bool(PolicyNode node) {
    if (!(node instanceof PolicyNode.Scalar) || ((PolicyNode.Scalar) node).type() != PolicyNode.Type.BOOLEAN) {
      throw error(node, "must be true or false, found " + node.kind());
    }
    return Boolean.parseBoolean(((PolicyNode.Scalar) node).text());
  }

  private long integer(PolicyNode node) {
    if (!(node instanceof PolicyNode.Scalar) || ((PolicyNode.Scalar) node).type() != PolicyNode.Type.INTEGER) {
      throw error(node, "must be a whole number, found " + node.kind());
    }
    String digits = ((PolicyNode.Scalar) node).text();
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw error(node, "the number " + SafeText.printable(digits) + " is out of range");
    }
  }

  private int intValue(PolicyNode node) {
    long value = integer(node);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw error(node, "the number " + value + " is out of range");
    }
    return (int) value;
  }

  private Duration duration(PolicyNode node) {
    if (!(node instanceof PolicyNode.Scalar) || ((PolicyNode.Scalar) node).type() != PolicyNode.Type.TEXT) {
      throw error(node, "must be a duration such as 90s, 30m, 2h, 1d or PT30M, found " + node.kind());
    }
    try {
      return ProviderContext.parseDuration(((PolicyNode.Scalar) node).text());
    } catch (IllegalArgumentException e) {
      throw error(node, "'" + SafeText.printable(((PolicyNode.Scalar) node).text())
          + "' is not a duration; use 250ms, 90s, 30m, 2h, 1d or ISO-8601 such as PT30M");
    }
  }

  private dev.breakglass.SignatureRequirement signatureRequirement(PolicyNode node) {
    String word = node instanceof PolicyNode.Scalar && ((PolicyNode.Scalar) node).type() == PolicyNode.Type.TEXT
        ? ((PolicyNode.Scalar) node).text().strip() : "";
    switch (word) {
      case "required":
        return dev.breakglass.SignatureRequirement.REQUIRED;
      case "optional":
        return dev.breakglass.SignatureRequirement.OPTIONAL;
      default:
        throw error(node, "must be 'required' or 'optional' (leave it out to require signatures once keys are"
            + " registered), found " + (word.isEmpty() ? node.kind() : "'" + SafeText.printable(word) + "'"));
    }
  }

  private PolicyException error(PolicyNode node, String problem) {
    return new PolicyException(source, node.line(), node.path().isEmpty() ? null : node.path(), problem);
  }

  private void recordLines(PolicyNode node) {
    if (node instanceof PolicyNode.Mapping) {
      for (PolicyNode.Entry e : ((PolicyNode.Mapping) node).entries().values()) {
        lines.put(e.value().path(), e.keyLine());
        recordLines(e.value());
      }
    } else if (node instanceof PolicyNode.Sequence) {
      for (PolicyNode item : ((PolicyNode.Sequence) node).items()) {
        recordLines(item);
      }
    }
  }

  /**
   * The line of {@code field}, or of its nearest enclosing field that the file spells out (a
   * builder may complain about a field the file left to its default), or {@code fallback}.
   */
  private int lineOf(@Nullable String field, int fallback) {
    String path = field;
    while (path != null) {
      Integer line = lines.get(path);
      if (line != null) {
        return line;
      }
      int dot = path.lastIndexOf('.');
      path = dot < 0 ? null : path.substring(0, dot);
    }
    return fallback;
  }
}
