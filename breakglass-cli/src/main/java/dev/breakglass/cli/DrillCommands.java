package dev.breakglass.cli;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.CredentialCheck;
import dev.breakglass.Decision;
import dev.breakglass.Denial;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.evidence.DrillEvidence;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
          "An account that needs approvals: name custodians approving at this run with --approver, or, where the "
              + "custodians have registered keys (their decisions must be signed), let the drill wait: it is filed, "
              + "the grant id and request digest each custodian signs with 'breakglass approve' are printed, and the "
              + "command exits 3. Continue it with --resume DRILL and the signed decision files (--decision, or "
              + "--inbox DIR of *.decision files). A drill denied or expired before its approvals fails.",
          "Run it while the application that owns the data directory is stopped (one process per data "
              + "directory), or on a data directory of its own."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass drill app-admin --data /var/lib/myapp/breakglass \\",
          "      --policy /etc/myapp/breakglass.yaml \\",
          "      --config /etc/myapp/breakglass.properties --actor alice",
          "  breakglass drill prod-db-admin --data data --policy policy.yaml \\",
          "      --config engine.properties --actor alice --ticket DRILL-2026-Q4 \\",
          "      --approver carol --approver dave",
          "  breakglass drill prod-db-admin --data data --policy policy.yaml \\",
          "      --actor alice --ticket DRILL-2026-Q4        # exits 3: waiting",
          "  breakglass drill --resume bg-drill-1f2e... --data data \\",
          "      --policy policy.yaml --actor alice --inbox decisions/",
          "  breakglass drill app-admin --data data --policy policy.yaml \\",
          "      --actor alice --json | jq .passed"})
  static final class Drill implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNT",
        description = "The break-glass account to drill (not with --resume).")
    @Nullable String account;

    @Option(names = "--resume", paramLabel = "DRILL",
        description = "Continue a drill that waits for approvals (exit status 3): its id, bg-drill-...")
    @Nullable String resume;

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
        description = "A custodian approving the drill at this run, unsigned (repeat for each); only for accounts "
            + "whose decisions need no signature. The policy's rules apply as to any request (never the requester, "
            + "each once).")
    List<String> approvers = new ArrayList<>();

    @Option(names = "--decision", paramLabel = "FILE",
        description = "A custodian's signed decision about the waiting drill, as 'breakglass approve' printed it "
            + "(repeat for each; with --resume).")
    List<Path> decisions = new ArrayList<>();

    @Option(names = "--inbox", paramLabel = "DIR",
        description = "A directory of signed decision files (*" + DecisionFile.SUFFIX + "), read in name order "
            + "(with --resume).")
    @Nullable Path inbox;

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
      if ((account == null) == (resume == null)) {
        throw new UsageException(account == null ? "give the ACCOUNT to drill, or --resume DRILL to continue a "
            + "waiting drill" : "give either the ACCOUNT to drill or --resume DRILL, not both");
      }
      if (resume == null && (!decisions.isEmpty() || inbox != null)) {
        throw new UsageException("--decision and --inbox continue a drill that waits: file the drill first, then "
            + "give them with --resume DRILL (the id the waiting drill printed)");
      }
      if (!Files.isDirectory(data)) {
        throw new UsageException("data directory " + data + (Files.exists(data) ? " is a file" : " does not exist")
            + "; give the engine's data directory, which holds audit/, keys/ and state/");
      }
      Files2.requireFile(policy, "policy");
      // Untrusted files are read and parsed before the engine starts: a bad one changes nothing.
      List<DecisionFile> signed = DecisionFile.readAll(decisions, inbox);
      BreakGlassEngine.Builder builder = BreakGlassEngine.builder().policyFile(policy).dataDirectory(data)
          .background(false);
      if (config != null) {
        Properties p = properties(config);
        p.stringPropertyNames().forEach(k -> builder.property(k, p.getProperty(k)));
      }
      Progress progress = new Progress(json ? null : cli.out);
      DrillResult result = null;
      String drillId;
      String drilled;
      String detail;
      try (BreakGlass breakGlass = builder.build()) {
        EmergencyAccessGrant grant;
        AccountPolicy rules;
        if (resume == null) {
          drilled = Objects.requireNonNull(account);
          rules = rules(breakGlass, drilled);
          refuseUnsignedWhereSignaturesAreRequired(breakGlass, rules);
          progress.line("Drill of " + drilled + " by " + actor + " on the engine in " + data);
          AccessRequest.Builder request = AccessRequest.builder().requester(actor).account(drilled).reason(reason)
              .ticket(ticket).duration(min(rules.maxDuration(), Duration.ofMinutes(15)));
          identification.forEach(request::identification);
          grant = breakGlass.requestDrill(request.build());
          progress.step("request", "filed as drill " + grant.id() + (rules.approvalsRequired() == 0 ? ""
              : ", waiting for " + rules.approvalsRequired() + " " + AuditCommands.plural(rules.approvalsRequired(),
                  "approval")));
        } else {
          // Records what the clock decided meanwhile: a drill whose approvals timed out has failed.
          breakGlass.sweep();
          grant = breakGlass.grant(resume).filter(EmergencyAccessGrant::isDrill).orElseThrow(() -> new UsageException(
              "the engine in " + data + " has no drill " + resume + "; give the id a waiting drill printed (it "
                  + "starts with bg-drill-)"));
          drilled = grant.account();
          rules = rules(breakGlass, drilled);
          refuseUnsignedWhereSignaturesAreRequired(breakGlass, rules);
          progress.line("Drill " + grant.id() + " of " + drilled + " resumed by " + actor + " on the engine in "
              + data);
        }
        drillId = grant.id();
        grant = approve(breakGlass, grant, rules, signed, progress);
        if (grant.status() == GrantStatus.PENDING_APPROVAL) {
          return waiting(breakGlass, grant, rules, progress);
        }
        if (grant.status() == GrantStatus.ACTIVE) {
          result = breakGlass.completeDrill(grant.id(), actor);
          steps(progress, result);
          detail = result.detail();
        } else {
          detail = "the drill ended " + grant.status() + " before it was completed (see its DRILL_FAILED record)";
          progress.failed("approval", detail);
        }
      }
      // The engine signed a checkpoint when the drill ended and another when it closed: the pack can prove it.
      Path out = evidenceDirectory != null ? evidenceDirectory : data.resolve(DrillEvidence.DIRECTORY);
      DrillEvidence.Written written = DrillEvidence.export(data, drillId, out);
      if (result == null && written.passed()) {
        detail = "the drill had passed already";
      }
      if (json) {
        cli.out.println(JsonMapper.builder().build().writeValueAsString(json(drillId, drilled, result, detail,
            written)));
      } else {
        cli.out.println();
        cli.out.println((written.passed() ? "PASSED  " : "FAILED  ") + "drill " + drillId + " of " + drilled);
        cli.out.println("  " + detail);
        cli.out.printf(Locale.ROOT, "  evidence: %s (%d %s, each proven against the signed checkpoint of %,d %s, root %s)%n",
            written.pack(), written.records(), AuditCommands.plural(written.records(), "record"),
            written.checkpoint().treeSize(), AuditCommands.plural(written.checkpoint().treeSize(), "record"),
            Base64.getEncoder().encodeToString(written.checkpoint().rootHash()));
        cli.out.println("  report:   " + written.report());
        cli.out.println("  check it: breakglass evidence verify " + written.pack() + " --public-key "
            + data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
      }
      return written.passed() ? BreakGlassCli.OK : BreakGlassCli.FAILED;
    }

    private AccountPolicy rules(BreakGlass breakGlass, String name) {
      return breakGlass.policy().account(name).orElseThrow(() -> new UsageException(
          "the policy " + policy + " has no account '" + name + "' (accounts: "
              + String.join(", ", breakGlass.policy().accounts().keySet()) + ")"));
    }

    /** Whether decisions about the account must carry a custodian's signature now (as the engine decides). */
    private static boolean signaturesRequired(BreakGlass breakGlass, AccountPolicy rules) {
      return switch (rules.approvalSignature()) {
        case REQUIRED -> true;
        case OPTIONAL -> false;
        case WHEN_REGISTERED -> rules.custodians().stream().anyMatch(c -> !breakGlass.custodianKeys().keys(c).isEmpty());
      };
    }

    /** Refuses unsigned --approver names, before anything is filed, where the engine would refuse them. */
    private void refuseUnsignedWhereSignaturesAreRequired(BreakGlass breakGlass, AccountPolicy rules) {
      if (!approvers.isEmpty() && signaturesRequired(breakGlass, rules)) {
        throw new UsageException("decisions about '" + rules.name() + "' must be signed (its custodians have "
            + "registered keys), so --approver " + approvers.get(0) + " cannot approve: run the drill without "
            + "--approver, have each custodian sign with 'breakglass approve', then continue with --resume DRILL "
            + "--decision FILE");
      }
    }

    /**
     * Applies the unsigned approvals named by {@code --approver}, then the signed decision files,
     * while the drill waits; a decision the engine refuses is an error naming its file.
     */
    private EmergencyAccessGrant approve(BreakGlass breakGlass, EmergencyAccessGrant grant, AccountPolicy rules,
        List<DecisionFile> signed, Progress progress) {
      for (DecisionFile d : signed) {
        if (!d.grant().equals(grant.id())) {
          throw new UsageException("decision file " + d.file() + " decides grant " + d.grant() + ", not drill "
              + grant.id() + "; give the decisions signed for this drill");
        }
        if (!d.requestDigest().equals(grant.requestDigest())) {
          throw new UsageException("decision file " + d.file() + " was signed for request digest "
              + d.requestDigest() + ", but drill " + grant.id() + " has " + grant.requestDigest() + "; have "
              + d.custodian() + " sign again with --request-digest " + grant.requestDigest());
        }
      }
      List<Object> decisionsInOrder = new ArrayList<>(approvers);
      decisionsInOrder.addAll(signed);
      for (Object next : decisionsInOrder) {
        if (grant.status() != GrantStatus.PENDING_APPROVAL) {
          break;
        }
        String custodian = next instanceof DecisionFile d ? d.custodian() : (String) next;
        if (grant.approvals().stream().anyMatch(a -> a.custodian().equals(custodian))) {
          progress.note("approval", custodian + "'s approval is counted already");
          continue;
        }
        try {
          if (next instanceof DecisionFile d) {
            grant = d.decision() == Decision.APPROVE
                ? breakGlass.approve(Approval.of(grant.id(), custodian, d.requestDigest(), null)
                    .withSignature(d.signature()))
                : breakGlass.deny(Denial.of(grant.id(), custodian, d.requestDigest(), Objects.requireNonNull(
                    d.reason())).withSignature(d.signature()));
          } else {
            grant = breakGlass.approve(Approval.of(grant, custodian));
          }
        } catch (AccessDeniedException | InvalidRequestException e) {
          if (next instanceof DecisionFile d) {
            throw new UsageException("decision file " + d.file() + " was refused by the engine: " + e.getMessage()
                + "; " + fix(e) + " (the refusal is in the audit log; nothing else changed)");
          }
          throw e;
        }
        String how = next instanceof DecisionFile d ? " (signed, " + d.signature().kind().label() + ")" : "";
        if (grant.status() == GrantStatus.DENIED) {
          progress.failed("approval", "denied by " + custodian + how);
        } else {
          progress.step("approval", "by " + custodian + how + " (" + grant.approvals().size() + " of "
              + rules.approvalsRequired() + ")");
        }
      }
      return grant;
    }

    private static String fix(RuntimeException e) {
      if (!(e instanceof AccessDeniedException a)) {
        return "fix the file and resume";
      }
      return switch (a.code()) {
        case KEY_NOT_REGISTERED -> "register the custodian's public key ('breakglass keys public') with the host "
            + "first, or have them sign with their registered key";
        case SIGNATURE_INVALID -> "the signature does not verify: have the custodian sign again with "
            + "'breakglass approve' and pass the new file unchanged";
        case SELF_APPROVAL -> "the requester never approves their own drill: another custodian must";
        case NOT_A_CUSTODIAN -> "only the account's custodians decide: have one of them sign";
        case APPROVAL_EXPIRED, GRANT_NOT_ACTIVE -> "the drill no longer waits: file a new drill";
        default -> "have the custodian sign again with 'breakglass approve'";
      };
    }

    /** Prints what the drill waits for, and how to continue it. */
    private int waiting(BreakGlass breakGlass, EmergencyAccessGrant grant, AccountPolicy rules, Progress progress) {
      boolean mustSign = signaturesRequired(breakGlass, rules);
      int missing = rules.approvalsRequired() - grant.approvals().size();
      Instant until = grant.requestedAt().plus(breakGlass.policy().approvalTimeout()).truncatedTo(ChronoUnit.SECONDS);
      List<String> pending = rules.custodians().stream().filter(c -> !c.equals(grant.requester()))
          .filter(c -> grant.approvals().stream().noneMatch(a -> a.custodian().equals(c))).toList();
      String resumeCommand = "breakglass drill --resume " + grant.id() + " --data " + data + " --policy " + policy
          + (config == null ? "" : " --config " + config) + " --actor " + actor
          + (mustSign ? " --inbox DIR" : " --approver CUSTODIAN");
      if (json) {
        ObjectNode n = JsonMapper.builder().build().createObjectNode();
        n.put("drillId", grant.id()).put("account", grant.account()).put("status", "WAITING")
            .put("approvals", grant.approvals().size()).put("approvalsRequired", rules.approvalsRequired())
            .put("signaturesRequired", mustSign).put("requestDigest", grant.requestDigest())
            .put("waitingUntil", until.toString()).put("resume", resumeCommand);
        ArrayNode custodians = n.putArray("custodians");
        pending.forEach(custodians::add);
        cli.out.println(JsonMapper.builder().build().writeValueAsString(n));
        return BreakGlassCli.WAITING;
      }
      progress.waiting("approvals", grant.approvals().size() + " of " + rules.approvalsRequired());
      cli.out.println();
      cli.out.println("WAITING  drill " + grant.id() + " of " + grant.account() + " needs " + missing + " more "
          + AuditCommands.plural(missing, "approval") + (mustSign ? ", signed," : "") + " from "
          + String.join(", ", pending) + " by " + until + " (then it fails)");
      cli.out.println("  grant:          " + grant.id());
      cli.out.println("  request digest: " + grant.requestDigest());
      if (mustSign) {
        cli.out.println("  each custodian checks the digest and signs:");
        cli.out.println("    breakglass approve --grant " + grant.id() + " --request-digest " + grant.requestDigest()
            + " --custodian NAME --key-file KEY > NAME" + DecisionFile.SUFFIX);
        cli.out.println("  then, with the " + DecisionFile.SUFFIX + " files collected in DIR:");
      } else {
        cli.out.println("  the custodians approve in the console, or name them at the next run:");
      }
      cli.out.println("    " + resumeCommand);
      return BreakGlassCli.WAITING;
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

    private ObjectNode json(String drillId, String drilled, @Nullable DrillResult r, String detail,
        DrillEvidence.Written w) {
      ObjectNode n = JsonMapper.builder().build().createObjectNode();
      n.put("drillId", drillId).put("account", drilled).put("actor", actor).put("passed", w.passed())
          .put("failedStep", r == null ? "approval" : r.failedStep()).put("detail", detail);
      if (r != null) {
        n.put("startedAt", r.startedAt().truncatedTo(ChronoUnit.SECONDS).toString())
            .put("finishedAt", r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString())
            .put("proof", r.proofBefore().outcome().name()).put("rotated", r.rotated())
            .put("proofAfterRotation", r.proofAfter() == null ? null : r.proofAfter().outcome().name());
      }
      n.put("evidence", w.pack().toString()).put("report", w.report().toString()).put("records", w.records());
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

    void note(String step, String text) {
      line(String.format(Locale.ROOT, "      %-14s -       %s", step, text));
    }

    void waiting(String step, String text) {
      line(String.format(Locale.ROOT, "  %2d. %-14s WAITING %s", ++n, step, text));
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
          + "signed checkpoint, the inclusion proof and content of every drill record, every custodian's signed "
          + "approval against the custodian keys the pack proves were registered, the summary against the records, "
          + "and the HTML report (next to the pack, or --report) against its digest. Each failed part is named.",
          "Give the trust anchors from outside the pack: --public-key (the log's audit.pub) and --checkpoint (a "
              + "checkpoint kept elsewhere, e.g. the witness). Without them the pack is checked against the key and "
              + "checkpoint inside it, which proves integrity but not origin (a warning says so).",
          "Exit status: 0 the pack is intact (whatever the drill's outcome, which is printed), 1 a part failed, "
              + "2 the file is missing or not an evidence pack."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass evidence verify bg-drill-1f2e.evidence.json --public-key audit.pub",
          "  breakglass evidence verify bg-drill-1f2e.evidence.json \\",
          "      --public-key audit.pub --checkpoint /mnt/audit-witness/myapp",
          "  breakglass evidence verify bg-drill-1f2e.evidence.json --json | jq .valid"})
  static final class EvidenceVerify implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Parameters(index = "0", paramLabel = "PACK", description = "The drill's .evidence.json file.")
    Path pack;

    @Option(names = "--public-key", paramLabel = "FILE",
        description = "The log's public key (audit.pub), kept where the engine's host cannot write: proves who "
            + "signed the pack. Without it, only the pack's integrity is checked, with the key inside it.")
    @Nullable Path publicKey;

    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "A checkpoint kept where the engine's host cannot write: a file from 'breakglass checkpoint', "
            + "or a witness directory (its file 'checkpoint' is read). It must be the drill's checkpoint or the later "
            + "one the pack proves its log extends to.")
    @Nullable Path checkpoint;

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
      // A pack sits in <data>/drills: an anchor inside <data> proves nothing against whoever wrote the pack.
      Path drills = pack.toAbsolutePath().getParent();
      var key = publicKey == null ? null : AuditCommands.readPublicKey(publicKey);
      if (publicKey != null && drills != null) {
        AuditCommands.warnIfInsideDataDirectory(cli.err, drills, publicKey, "public key");
      }
      Checkpoint kept = null;
      if (checkpoint != null) {
        Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("checkpoint") : checkpoint;
        if (drills != null) {
          AuditCommands.warnIfInsideDataDirectory(cli.err, drills, file, "checkpoint");
        }
        kept = AuditCommands.readCheckpoint(file);
      }
      if (report != null) {
        Files2.requireFile(report, "HTML report");
      }
      DrillEvidence.Verification v;
      try {
        v = DrillEvidence.verify(pack, key, kept, report);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      List<String> warnings = new ArrayList<>();
      if (!v.keyTrusted()) {
        warnings.add("no --public-key: the pack was checked with the audit public key inside it, which proves the "
            + "pack is intact, not who wrote it; give --public-key the log's audit.pub kept outside the data "
            + "directory");
      }
      if (!v.checkpointTrusted()) {
        warnings.add("no --checkpoint: the records were proven against the checkpoint inside the pack; give "
            + "--checkpoint a checkpoint kept outside the data directory (the witness) to prove the log was not "
            + "rewritten since");
      }
      warnings.forEach(w -> cli.err.println("warning: " + w));
      if (json) {
        ObjectNode n = JsonMapper.builder().build().createObjectNode();
        n.put("pack", pack.toString()).put("valid", v.valid()).put("drillId", v.drillId())
            .put("account", v.account()).put("outcome", v.outcome()).put("records", v.records())
            .put("keyId", v.keyId()).put("keyTrusted", v.keyTrusted()).put("checkpointTrusted", v.checkpointTrusted())
            .put("signedDecisions", v.signedDecisions()).put("unsignedDecisions", v.unsignedDecisions());
        if (v.checkpoint() == null) {
          n.putNull("checkpoint");
        } else {
          n.set("checkpoint", AuditCommands.checkpointJson(v.checkpoint()));
        }
        ArrayNode keys = n.putArray("custodianKeys");
        v.custodianKeys().forEach(keys::add);
        ArrayNode failures = n.putArray("failures");
        v.failures().forEach(failures::add);
        ArrayNode warned = n.putArray("warnings");
        warnings.forEach(warned::add);
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
      cli.out.println("  " + v.signedDecisions() + " signed " + AuditCommands.plural(v.signedDecisions(), "decision")
          + " re-verified against " + v.custodianKeys().size() + " registered custodian "
          + AuditCommands.plural(v.custodianKeys().size(), "key") + (v.unsignedDecisions() == 0 ? ""
              : ", " + v.unsignedDecisions() + " unsigned"));
      cli.out.println(v.keyTrusted() ? "  signed by the trusted key " + v.keyId()
          : "  signed by key " + v.keyId() + ", the key inside the pack: this proves the pack is intact, not who "
              + "wrote it; give --public-key the log's audit.pub kept elsewhere");
      if (v.checkpointTrusted()) {
        cli.out.println("  anchored in the kept checkpoint " + checkpoint);
      }
      return BreakGlassCli.OK;
    }
  }
}
