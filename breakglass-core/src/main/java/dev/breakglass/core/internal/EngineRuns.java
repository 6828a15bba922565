package dev.breakglass.core.internal;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ReadableAuditSink;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and stop rules of one engine run on one node. At start: reads the node's
 * {@link EngineRecord} (still marked running means the previous run ended without a clean stop),
 * cross-checks the {@link GrantStore} against the audit log records written since the store was last
 * known complete, corrects every disagreement to the safer reading with a CRITICAL
 * {@link AuditEventType#STATE_STORE_CORRECTED} (a release not marked, an end not taken, an account
 * clean after an unrotated release, an incident declared or closed in the log but not in the store),
 * then writes {@link AuditEventType#ENGINE_STARTED} and
 * marks the run started. At a clean stop: {@link AuditEventType#ENGINE_STOPPED}, and the record marked
 * stopped with the log's size. The log is the source of truth; the store never wins a disagreement.
 * Not thread-safe: called once at build and once at close.
 */
final class EngineRuns {
  private static final Logger LOG = LoggerFactory.getLogger(EngineRuns.class);
  /** The system property that names this node (default: the host name). */
  static final String NODE_PROPERTY = "breakglass.node-id";

  private final GrantStore store;
  private final Recorder recorder;
  private final AuditSink sink;
  private final String node;
  private final String version;

  EngineRuns(GrantStore store, Recorder recorder, AuditSink sink) {
    this(store, recorder, sink, defaultNode());
  }

  EngineRuns(GrantStore store, Recorder recorder, AuditSink sink, String node) {
    this.store = store;
    this.recorder = recorder;
    this.sink = sink;
    this.node = node;
    String v = EngineRuns.class.getPackage().getImplementationVersion();
    this.version = v != null ? v : "development";
  }

  static String defaultNode() {
    String configured = System.getProperty(NODE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "local";
    }
  }

  String node() {
    return node;
  }

  /** Runs the start rules; returns the number of corrections made to the store. */
  int start() {
    EngineRecord previous = store.engine(node);
    String previousRun = previous.version() == 0 ? "first" : previous.running() ? "unclean" : "clean";
    int corrected = 0;
    String crossCheck;
    long checkedUpTo = previous.auditPosition();
    if (sink instanceof ReadableAuditSink readable) {
      checkedUpTo = readable.durableSize();
      CrossCheck check = new CrossCheck();
      if (previous.auditPosition() < checkedUpTo) {
        // After a clean stop nothing follows the stop record: no need to scan the log at all.
        readable.read(previous.auditPosition(), check::see);
      }
      corrected = check.correct();
      crossCheck = Long.toString(check.seen);
    } else {
      crossCheck = "skipped: the audit sink cannot be read back";
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("version", version);
    details.put("node", node);
    details.put("previousRun", previousRun);
    if (previous.lastSeenAt() != null) {
      details.put("lastSeenAt", previous.lastSeenAt().toString());
    }
    details.put("crossCheck", crossCheck);
    IncidentState incident = store.incident();
    if (incident.isDeclared()) {
      details.put("incident", Objects.requireNonNull(incident.id()));
    }
    recorder.record(AuditEventType.ENGINE_STARTED, AuditEvent.SYSTEM, null, null, details,
        "engine " + version + " started on " + node + " (previous run: " + previousRun + ")");
    Instant now = recorder.clock().instant();
    EngineRecord current = store.engine(node);
    while (!store.replaceEngine(current,
        new EngineRecord(node, true, now, now, checkedUpTo, current.version() + 1))) {
      current = store.engine(node);
    }
    return corrected;
  }

  /** Runs the stop rule: audited, then the record marked stopped with every change up to the log's end. */
  void stop() {
    try {
      recorder.record(AuditEventType.ENGINE_STOPPED, AuditEvent.SYSTEM, null, null,
          Map.of("version", version, "node", node), "engine " + version + " stopped cleanly on " + node);
      long position = sink instanceof ReadableAuditSink r ? r.durableSize() : 0;
      Instant now = recorder.clock().instant();
      EngineRecord current = store.engine(node);
      while (!store.replaceEngine(current, current.stopped(now, position))) {
        current = store.engine(node);
      }
    } catch (RuntimeException e) {
      // The next start reads this run as unclean and cross-checks it: nothing is lost.
      LOG.warn("clean stop not recorded for node {}: {}", node, e.toString());
    }
  }

  /** What the log says happened to grants and accounts, folded in order. */
  private final class CrossCheck {
    long seen;
    final Map<String, AuditEvent> ended = new LinkedHashMap<>();
    final Map<String, AuditEvent> released = new LinkedHashMap<>();
    /** account -> the release that tainted it, removed again by a later rotation. */
    final Map<String, AuditEvent> unrotated = new LinkedHashMap<>();
    /** The last declaration or close of an incident. */
    @Nullable AuditEvent incident;

    void see(AuditEvent e) {
      seen++;
      String grant = e.grantId();
      switch (e.type()) {
        case CREDENTIAL_RELEASED -> {
          if (grant != null && e.account() != null) {
            released.put(grant, e);
            unrotated.put(e.account(), e);
          }
        }
        case CREDENTIAL_ROTATED -> {
          if (e.account() != null) {
            unrotated.remove(e.account());
          }
        }
        case GRANT_EXPIRED, GRANT_REVOKED, GRANT_CLOSED, REQUEST_DENIED, APPROVAL_EXPIRED -> {
          if (grant != null) {
            ended.putIfAbsent(grant, e);
          }
        }
        case INCIDENT_DECLARED, INCIDENT_CLOSED -> {
          if (e.details().get("incident") != null) {
            incident = e;
          }
        }
        default -> { }
      }
    }

    int correct() {
      int n = 0;
      for (AuditEvent e : released.values()) {
        n += correctRelease(e) ? 1 : 0;
      }
      for (AuditEvent e : ended.values()) {
        n += correctEnd(e, statusOf(e.type())) ? 1 : 0;
      }
      for (AuditEvent e : unrotated.values()) {
        n += correctTaint(e) ? 1 : 0;
      }
      if (incident != null) {
        n += correctIncident(incident) ? 1 : 0;
      }
      return n;
    }

    /**
     * The store follows the log's last word on the incident: declared there (the declaration was audited,
     * then the process died before the store took it) means declared; closed there means closed.
     */
    private boolean correctIncident(AuditEvent e) {
      String id = Objects.requireNonNull(e.details().get("incident"));
      boolean declared = e.type() == AuditEventType.INCIDENT_DECLARED;
      while (true) {
        IncidentState s = store.incident();
        boolean agrees = declared ? id.equals(s.id()) : !id.equals(s.id());
        if (agrees) {
          return false;
        }
        IncidentState next = declared
            ? s.declared(id, e.actor(), e.details().getOrDefault("reason", "(reason not in the audit log)"), e.time())
            : s.closed();
        if (store.replaceIncident(s, next)) {
          report(e, declared ? "incident " + id + " not declared in the store" : "incident " + id + " still declared",
              declared ? "declared as of " + e.time() : "closed");
          return true;
        }
      }
    }

    private boolean correctRelease(AuditEvent e) {
      while (true) {
        Optional<GrantRecord> found = store.find(e.grantId());
        if (found.isEmpty() || found.get().credentialReleased()) {
          return false;
        }
        GrantRecord g = found.get();
        if (store.replace(g, g.withCredentialReleased(true))) {
          report(e, "grant not marked released", "marked released");
          return true;
        }
      }
    }

    private boolean correctEnd(AuditEvent e, GrantStatus status) {
      while (true) {
        Optional<GrantRecord> found = store.find(e.grantId());
        if (found.isEmpty() || found.get().status().isTerminal()) {
          return false;
        }
        GrantRecord g = found.get();
        if (store.replace(g, g.ended(status, e.time()))) {
          report(e, "grant still " + g.status() + " after " + e.type(), "ended as " + status + " at " + e.time());
          freeAccount(g);
          return true;
        }
      }
    }

    private void freeAccount(GrantRecord g) {
      while (true) {
        AccountState a = store.account(g.account());
        if (!g.id().equals(a.holder())) {
          return;
        }
        AccountState next = g.credentialReleased() || released.containsKey(g.id())
            ? a.releasedAndTainted(g.id()) : a.heldBy(null);
        if (store.replaceAccount(a, next)) {
          return;
        }
      }
    }

    private boolean correctTaint(AuditEvent e) {
      while (true) {
        AccountState a = store.account(e.account());
        if (a.tainted() || e.grantId().equals(a.holder()) && stillOpen(e.grantId())) {
          // Tainted already, or still held by the open grant that released it: its end taints it.
          return false;
        }
        AccountState next = a.holder() == null || a.holder().equals(e.grantId())
            ? a.releasedAndTainted(e.grantId())
            : new AccountState(a.account(), a.holder(), true, e.grantId(), 0, null, a.version() + 1);
        if (store.replaceAccount(a, next)) {
          report(e, "account clean after a release never followed by a rotation", "tainted; rotation due");
          return true;
        }
      }
    }

    private boolean stillOpen(String grantId) {
      return store.find(grantId).map(g -> !g.status().isTerminal()).orElse(false);
    }

    private void report(AuditEvent cause, String found, String corrected) {
      LOG.error("state store disagreed with the audit log ({} {}): {}; {}", cause.type(), cause.grantId(), found,
          corrected);
      recorder.record(AuditEventType.STATE_STORE_CORRECTED, AuditEvent.SYSTEM, cause.grantId(), cause.account(),
          Map.of("found", found, "corrected", corrected),
          "state store disagreed with the audit log for " + describe(cause) + ": " + found + "; " + corrected);
    }
  }

  private static String describe(AuditEvent e) {
    return e.grantId() != null ? "grant " + e.grantId() : e.account() != null ? "account " + e.account()
        : "incident " + e.details().get("incident");
  }

  private static GrantStatus statusOf(AuditEventType type) {
    return switch (type) {
      case GRANT_EXPIRED -> GrantStatus.EXPIRED;
      case GRANT_REVOKED -> GrantStatus.REVOKED;
      case REQUEST_DENIED -> GrantStatus.DENIED;
      case APPROVAL_EXPIRED -> GrantStatus.APPROVAL_EXPIRED;
      default -> GrantStatus.CLOSED;
    };
  }
}
