package dev.breakglass.cli;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.evidence.DrillEvidence;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code drill} runs the real procedure for one account in drill mode on an engine configured from
 * files; {@code evidence verify} checks a drill's evidence pack offline.
 */
final class DrillCommands {
  private DrillCommands() {}

  @Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Drill one break-glass account through the real procedure on the engine configured by "
          + "--data, --policy and --config: the drill request, the custodians' approvals, the release, proof that "
          + "the released credential authenticates at its target (through its rotator), the close, the rotation and "
          + "proof of the rotated credential. Then write the drill's signed evidence pack and HTML report.",
          "Every record and alert of the drill is marked as a drill; the drill grant is never usable as access.",
          "Run it while the application that owns the data directory is stopped (one process per data "
              + "directory), or on a data directory of its own.",
          "Exit status: 0 the drill passed, 1 it failed (the step and the reason are printed), 2 bad usage or "
              + "configuration."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass drill app-admin --data /var/lib/myapp/breakglass \\",
          "      --policy /etc/myapp/breakglass.yaml \\",
          "      --config /etc/myapp/breakglass.properties --actor alice",
          "  breakglass drill prod-db-admin --data data --policy policy.yaml \\",
          "      --config engine.properties --actor alice --ticket DRILL-2026-Q4 \\",
          "      --approver carol --approver dave",
          "  breakglass drill app-admin --data data --policy policy.yaml \\",
          "      --actor alice --json | jq .passed"})
  static final class Drill implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The break-glass account to drill.")
    String account;

    @Option(names = "--data", paramLabel = "DIR", required = true,
        description = "The engine's data directory (it holds audit/, keys/ and state/).")
    Path data;

    @Option(names = "--policy", paramLabel = "FILE", required = true,
        description = "The engine's policy file (YAML or JSON).")
    Path policy;

    @Option(names = "--config", paramLabel = "FILE",
        description = "The engine's configuration properties (vault, rotators, alert channels), as a .properties "
            + "file. Default: the file vault <data>/vault.json.")
    @Nullable Path config;

    @Option(names = "--actor", paramLabel = "NAME", required = true,
        description = "Who runs the drill: its requester, one of the account's requesters.")
    String actor;

    @Option(names = "--approver", paramLabel = "CUSTODIAN",
        description = "A custodian approving the drill at this run (repeat for each). Needed when the account "
            + "needs approvals; the policy's rules apply as to any request (never the requester, each once).")
    List<String> approvers = new ArrayList<>();

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "scheduled drill",
        description = "The drill request's reason. Default: ${DEFAULT-VALUE}.")
    String reason;

    @Option(names = "--ticket", paramLabel = "ID", description = "The drill's ticket (required if the policy asks).")
    @Nullable String ticket;

    @Option(names = "--identification", paramLabel = "KIND=EVIDENCE",
        description = "Identification the policy asks of the requester (repeat for each kind), e.g. badge=E-10442; "
            + "stored as a keyed fingerprint.")
    Map<String, String> identification = new LinkedHashMap<>();

    @Option(names = "--evidence-dir", paramLabel = "DIR",
        description = "Where to write the evidence pack and HTML report. Default: <data>/" + DrillEvidence.DIRECTORY
            + ".")
    @Nullable Path evidenceDirectory;

    @Option(names = "--json", description = "Print the outcome as one JSON object instead of the progress, for "
        + "scripts.")
    boolean json;

    Drill(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (!Files.isDirectory(data)) {
        throw new UsageException("data directory " + data + (Files.exists(data) ? " is a file" : " does not exist")
            + "; give the engine's data directory, which holds audit/, keys/ and state/");
      }
      Files2.requireFile(policy, "policy");
      BreakGlassEngine.Builder builder = BreakGlassEngine.builder().policyFile(policy).dataDirectory(data)
          .background(false);
      if (config != null) {
        Properties p = properties(config);
        p.stringPropertyNames().forEach(k -> builder.property(k, p.getProperty(k)));
      }
      Progress progress = new Progress(json ? null : cli.out);
      DrillResult result;
      progress.line("Drill of " + account + " by " + actor + " on the engine in " + data);
      try (BreakGlass breakGlass = builder.build()) {
        AccountPolicy rules = breakGlass.policy().account(account).orElseThrow(() -> new UsageException(
            "the policy " + policy + " has no account '" + account + "' (accounts: "
                + String.join(", ", breakGlass.policy().accounts().keySet()) + ")"));
        requireEnoughApprovers(rules);
        AccessRequest.Builder request = AccessRequest.builder().requester(actor).account(account).reason(reason)
            .ticket(ticket).duration(min(rules.maxDuration(), Duration.ofMinutes(15)));
        identification.forEach(request::identification);
        EmergencyAccessGrant grant = breakGlass.requestDrill(request.build());
        progress.step("request", "filed as drill " + grant.id() + (rules.approvalsRequired() == 0 ? ""
            : ", waiting for " + rules.approvalsRequired() + " " + AuditCommands.plural(rules.approvalsRequired(),
                "approval")));
        int given = 0;
        for (String custodian : approvers) {
          if (grant.status() != GrantStatus.PENDING_APPROVAL) {
            break;
          }
          grant = breakGlass.approve(Approval.of(grant, custodian));
          given++;
          progress.step("approval", "by " + custodian + " (" + given + " of " + rules.approvalsRequired() + ")");
        }
        result = breakGlass.completeDrill(grant.id(), actor);
        steps(progress, result);
      }
      // The engine signed a checkpoint when the drill ended and another when it closed: the pack can prove it.
      Path out = evidenceDirectory != null ? evidenceDirectory : data.resolve(DrillEvidence.DIRECTORY);
      DrillEvidence.Written written = DrillEvidence.export(data, result.drillId(), out);
      if (json) {
        cli.out.println(JsonMapper.builder().build().writeValueAsString(json(result, written)));
      } else {
        cli.out.println();
        cli.out.println((result.succeeded() ? "PASSED  " : "FAILED  ") + "drill " + result.drillId() + " of "
            + account);
        cli.out.println("  " + result.detail());
        cli.out.printf(Locale.ROOT, "  evidence: %s (%d %s, each proven against the signed checkpoint of %,d %s, root %s)%n",
            written.pack(), written.records(), AuditCommands.plural(written.records(), "record"),
            written.checkpoint().treeSize(), AuditCommands.plural(written.checkpoint().treeSize(), "record"),
            Base64.getEncoder().encodeToString(written.checkpoint().rootHash()));
        cli.out.println("  report:   " + written.report());
        cli.out.println("  check it: breakglass evidence verify " + written.pack() + " --public-key "
            + data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
      }
      return result.succeeded() ? BreakGlassCli.OK : BreakGlassCli.FAILED;
    }

    /** Refuses before filing anything when the named approvers cannot be enough. */
    private void requireEnoughApprovers(AccountPolicy rules) {
      if (approvers.size() < rules.approvalsRequired()) {
        throw new UsageException("account '" + account + "' needs " + rules.approvalsRequired() + " "
            + AuditCommands.plural(rules.approvalsRequired(), "approval") + " from its custodians ("
            + String.join(", ", rules.custodians()) + "), " + approvers.size() + " given: name each custodian "
            + "approving this drill with --approver");
      }
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }

    /** One line per step of the rest of the procedure, from the result. */
    private static void steps(Progress progress, DrillResult r) {
      List<String> order = List.of("release", "prove", "close", "rotate", "prove-rotated");
      int failedAt = r.failedStep() == null ? order.size() : order.indexOf(r.failedStep());
      for (int i = 0; i < order.size(); i++) {
        String step = order.get(i);
        if (failedAt >= 0 && i > failedAt) {
          progress.skipped(step);
        } else if (i == failedAt) {
          progress.failed(step, r.detail());
        } else {
          progress.step(step, switch (step) {
            case "release" -> "the credential was released for the drill grant";
            case "prove" -> describe(r.proofBefore());
            case "close" -> "the drill grant was closed";
            case "rotate" -> r.rotated() ? "the credential was rotated" : "not rotated";
            default -> r.proofAfter() == null ? "not checked" : describe(r.proofAfter());
          });
        }
      }
    }

    private static String describe(CredentialCheck check) {
      return check.outcome().name().toLowerCase(Locale.ROOT) + ": " + check.detail();
    }

    private static ObjectNode json(DrillResult r, DrillEvidence.Written w) {
      ObjectNode n = JsonMapper.builder().build().createObjectNode();
      n.put("drillId", r.drillId()).put("account", r.account()).put("actor", r.actor())
          .put("passed", r.succeeded()).put("failedStep", r.failedStep()).put("detail", r.detail())
          .put("startedAt", r.startedAt().truncatedTo(ChronoUnit.SECONDS).toString())
          .put("finishedAt", r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString())
          .put("proof", r.proofBefore().outcome().name()).put("rotated", r.rotated())
          .put("proofAfterRotation", r.proofAfter() == null ? null : r.proofAfter().outcome().name())
          .put("evidence", w.pack().toString()).put("report", w.report().toString()).put("records", w.records());
      return n;
    }
  }

  /** Reads a .properties file; errors name the file. */
  static Properties properties(Path file) {
    Files2.requireFile(file, "configuration");
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("cannot read configuration file " + file + ": " + e.getMessage()
          + "; give a .properties file of the engine's configuration properties");
    }
    return p;
  }

  /** Prints a step list a person can follow, or nothing (for {@code --json}). */
  private static final class Progress {
    private final java.io.@Nullable PrintStream out;
    private int n;

    Progress(java.io.@Nullable PrintStream out) {
      this.out = out;
    }

    void line(String text) {
      if (out != null) {
        out.println(text);
      }
    }

    void step(String step, String text) {
      line(String.format(Locale.ROOT, "  %2d. %-14s ok      %s", ++n, step, text));
    }

    void failed(String step, String text) {
      line(String.format(Locale.ROOT, "  %2d. %-14s FAILED  %s", ++n, step, text));
    }

    void skipped(String step) {
      line(String.format(Locale.ROOT, "  %2d. %-14s -       not run", ++n, step));
    }
  }

  @Command(name = "evidence", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = "Check the evidence a drill wrote.",
      subcommands = {EvidenceVerify.class},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass evidence verify drills/bg-drill-1f2e.evidence.json \\",
          "      --public-key audit.pub"})
  static final class Evidence implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return BreakGlassCli.USAGE;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Check a drill evidence pack offline, without the log: the signature over the pack, the "
          + "signed checkpoint, the inclusion proof and content of every drill record, the summary against the "
          + "records, and the HTML report (next to the pack, or --report) against its digest. Each failed part is "
          + "named.",
          "Exit status: 0 the pack is intact (whatever the drill's outcome, which is printed), 1 a part failed, "
              + "2 the file is missing or not an evidence pack."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass evidence verify bg-drill-1f2e.evidence.json --public-key audit.pub",
          "  breakglass evidence verify bg-drill-1f2e.evidence.json --json | jq .valid"})
  static final class EvidenceVerify implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Parameters(index = "0", paramLabel = "PACK", description = "The drill's .evidence.json file.")
    Path pack;

    @Option(names = "--public-key", paramLabel = "FILE",
        description = "The log's public key (audit.pub), kept where the engine's host cannot write: proves who "
            + "signed the pack. Without it, only the pack's integrity is checked, with the key inside it.")
    @Nullable Path publicKey;

    @Option(names = "--report", paramLabel = "FILE",
        description = "The drill's HTML report, if it is not next to the pack under the name the pack gives.")
    @Nullable Path report;

    @Option(names = "--json", description = "Print the outcome as one JSON object, for scripts.")
    boolean json;

    EvidenceVerify(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Files2.requireFile(pack, "evidence pack");
      var key = publicKey == null ? null : AuditCommands.readPublicKey(publicKey);
      if (report != null) {
        Files2.requireFile(report, "HTML report");
      }
      DrillEvidence.Verification v;
      try {
        v = report == null ? DrillEvidence.verify(pack, key) : DrillEvidence.verify(pack, key, report);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      if (json) {
        ObjectNode n = JsonMapper.builder().build().createObjectNode();
        n.put("pack", pack.toString()).put("valid", v.valid()).put("drillId", v.drillId())
            .put("account", v.account()).put("outcome", v.outcome()).put("records", v.records())
            .put("keyId", v.keyId()).put("keyTrusted", v.keyTrusted());
        if (v.checkpoint() == null) {
          n.putNull("checkpoint");
        } else {
          n.set("checkpoint", AuditCommands.checkpointJson(v.checkpoint()));
        }
        ArrayNode failures = n.putArray("failures");
        v.failures().forEach(failures::add);
        cli.out.println(JsonMapper.builder().build().writeValueAsString(n));
        return v.valid() ? BreakGlassCli.OK : BreakGlassCli.FAILED;
      }
      if (!v.valid()) {
        cli.out.println("FAILED  " + pack);
        v.failures().forEach(f -> cli.out.println("  " + f));
        cli.out.println("  Nothing in this pack can be relied on.");
        return BreakGlassCli.FAILED;
      }
      cli.out.println("OK  " + pack);
      cli.out.println("  drill " + v.drillId() + " of " + v.account() + ": " + v.outcome());
      if (v.checkpoint() != null) {
        cli.out.printf(Locale.ROOT, "  %d %s proven against the signed checkpoint of %,d %s, root %s, signed %s%n",
            v.records(), AuditCommands.plural(v.records(), "record"), v.checkpoint().treeSize(),
            AuditCommands.plural(v.checkpoint().treeSize(), "record"),
            Base64.getEncoder().encodeToString(v.checkpoint().rootHash()),
            v.checkpoint().time().truncatedTo(ChronoUnit.SECONDS));
      }
      cli.out.println(v.keyTrusted() ? "  signed by the trusted key " + v.keyId()
          : "  signed by key " + v.keyId() + ", the key inside the pack: this proves the pack is intact, not who "
              + "wrote it; give --public-key the log's audit.pub kept elsewhere");
      return BreakGlassCli.OK;
    }
  }
}
