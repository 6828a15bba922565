package dev.breakglass.core;

import dev.breakglass.AuditSink;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassFactory;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import dev.breakglass.ProviderException;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.alert.ConsoleLinks;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.audit.EmbeddedAuditLog;
import dev.breakglass.core.internal.AuditTrust;
import dev.breakglass.core.internal.Engine;
import dev.breakglass.core.internal.LocalWorkerLease;
import dev.breakglass.core.internal.CustodianKeyStore;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.spi.ApprovalSignatureVerifier;
import dev.breakglass.spi.ApprovalSignatureVerifierProvider;
import dev.breakglass.core.policy.PolicyFiles;
import dev.breakglass.core.internal.ProviderRegistry;
import dev.breakglass.core.internal.Components;
import dev.breakglass.core.retry.Backoff;
import dev.breakglass.core.rotation.EphemeralCredentials;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialRotatorProvider;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.GrantStoreProvider;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.HealthProbeProvider;
import dev.breakglass.spi.WorkerLease;
import dev.breakglass.spi.WorkerLeaseProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the breakglass engine with SPI components supplied in code. Host code that compiles only
 * against the API gets the same builder from {@link BreakGlass#builder()}.
 *
 * <pre>{@code
 * BreakGlass breakGlass = BreakGlassEngine.builder()
 *     .policy(policy)
 *     .dataDirectory(Path.of("/var/lib/myapp/breakglass"))
 *     .vault(myVault)
 *     .healthProbe(myProbe)
 *     .rotator(myRotator)
 *     .build();
 * }</pre>
 *
 * <p>The builder is not thread-safe; the engine it builds is. {@link Builder#build()} copies the
 * configuration, so later changes to the builder do not affect a built engine.
 */
public final class BreakGlassEngine {

  private BreakGlassEngine() {}

  /** Where the embedded audit log lives, under the data directory. */
  public static final String AUDIT_DIRECTORY = EmbeddedAuditLog.DIRECTORY;
  /**
   * Where the embedded audit log's public key is written, under the data directory, once, when the
   * log is created. Reviewers keep a copy outside the data directory and verify with that.
   */
  public static final String AUDIT_PUBLIC_KEY_FILE = EmbeddedAuditLog.PUBLIC_KEY_FILE;

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Registered with {@link java.util.ServiceLoader} so that {@link BreakGlass#builder()} finds this engine. */
  public static final class Factory implements BreakGlassFactory {
    @Override
    public BreakGlass.Builder newBuilder() {
      return new Builder();
    }
  }

  /**
   * Configures the engine. Defaults: the system UTC clock; an audit log, a fingerprint key and an
   * encrypted file vault under {@link #dataDirectory}; an in-memory grant store; alerts to SLF4J;
   * health checks every second with fall 3 / rise 2, and passive signals (3 consecutive infrastructure
   * failures of the primary within 10 s); an expiry sweep every second. The properties
   * {@code health.interval}, {@code health.timeout} (every probe's default timeout, 1 s),
   * {@code health.fall}, {@code health.rise}, {@code health.passive-fall} and
   * {@code health.passive-window} override the health settings. The embedded audit log is checked
   * at start against the checkpoint witnesses named by {@code witness} (e.g. {@code witness=directory},
   * {@code witness.directory.path=...}); the property {@code audit} picks another audit sink from an
   * {@link dev.breakglass.spi.AuditSinkProvider} (e.g. {@code audit=postgresql}), given the same
   * witnesses. Every checkpoint also goes out as an INFO alert unless
   * {@code witness.alerts=false}; a log that fails its checks raises a CRITICAL alert and the build
   * throws {@link dev.breakglass.core.audit.AuditLogRefusedException}.
   */
  public static final class Builder implements BreakGlass.Builder {
    private @Nullable BreakGlassPolicy policy;
    private @Nullable Path policyFile;
    private @Nullable Path dataDirectory;
    private @Nullable AuditSink auditSink;
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private @Nullable CredentialVault vault;
    private @Nullable GrantStore grantStore;
    private @Nullable WorkerLease workerLease;
    private final List<AlertChannel> alertChannels = new ArrayList<>();
    private final List<HealthProbe> probes = new ArrayList<>();
    private final List<CredentialRotator> rotators = new ArrayList<>();
    private byte[] fingerprintKey = new byte[0];
    private int fall = 3;
    private int rise = 2;
    private Duration healthCheckInterval = Duration.ofSeconds(1);
    private int passiveFall = 3;
    private Duration passiveWindow = Duration.ofSeconds(10);
    private Duration sweepInterval = Duration.ofSeconds(1);
    private boolean background = true;
    private Backoff rotationBackoff = Backoff.ofDefaults();
    private @Nullable EphemeralCredentials ephemeralCredentials;
    private @Nullable EngineMetrics metrics;

    private Builder() {}

    @Override
    public Builder policy(BreakGlassPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    @Override
    public Builder policyFile(Path file) {
      this.policyFile = Objects.requireNonNull(file, "file");
      return this;
    }

    @Override
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    @Override
    public Builder auditSink(AuditSink sink) {
      this.auditSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    @Override
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    @Override
    public Builder property(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      properties.put(key, value);
      return this;
    }

    /** The credential vault, instead of the one selected by the {@code vault} property. Closed by the caller. */
    public Builder vault(CredentialVault vault) {
      this.vault = Objects.requireNonNull(vault, "vault");
      return this;
    }

    /** The grant store, instead of the one selected by the {@code grant-store} property. Closed by the caller. */
    public Builder grantStore(GrantStore store) {
      this.grantStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Who runs the cluster-wide background work (expiry, rotation retries, overdue drills) when several
     * instances share one grant store, instead of the one selected by the {@code lease} property
     * (default {@code local}: this instance always does). Closed by the caller.
     */
    public Builder workerLease(WorkerLease lease) {
      this.workerLease = Objects.requireNonNull(lease, "lease");
      return this;
    }

    /** Adds an alert channel (alerts always go to SLF4J as well). Closed by the engine. */
    public Builder alertChannel(AlertChannel channel) {
      alertChannels.add(Objects.requireNonNull(channel, "channel"));
      return this;
    }

    /** Adds a health probe of the primary identity provider. Closed by the engine. */
    public Builder healthProbe(HealthProbe probe) {
      probes.add(Objects.requireNonNull(probe, "probe"));
      return this;
    }

    /** Adds a credential rotator; the first that supports an account rotates it. Closed by the engine. */
    public Builder rotator(CredentialRotator rotator) {
      rotators.add(Objects.requireNonNull(rotator, "rotator"));
      return this;
    }

    /** The HMAC key for audit fingerprints (at least 32 bytes), instead of the one kept in the data directory. */
    public Builder fingerprintKey(byte[] key) {
      this.fingerprintKey = key.clone();
      return this;
    }

    /** Consecutive failed probe rounds before the emergency opens (default 3). */
    public Builder fallThreshold(int fall) {
      this.fall = fall;
      return this;
    }

    /** Consecutive good probe rounds before the primary counts as healthy again (default 2). */
    public Builder riseThreshold(int rise) {
      this.rise = rise;
      return this;
    }

    /** Consecutive infrastructure failures of the primary, within {@link #passiveWindow}, that open the emergency (default 3). */
    public Builder passiveFallThreshold(int failures) {
      this.passiveFall = failures;
      return this;
    }

    /** How close together the passive failures must be (default 10 s). */
    public Builder passiveWindow(Duration window) {
      this.passiveWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    public Builder healthCheckInterval(Duration interval) {
      this.healthCheckInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Whether the engine runs its own threads (health checks, expiry sweep, rotation). Default true.
     * Without them the host (or a test) calls {@link BreakGlass#sweep()} and
     * {@link BreakGlass#checkHealthNow()} itself; expiry is enforced on every read either way.
     */
    public Builder background(boolean background) {
      this.background = background;
      return this;
    }

    /**
     * When a failed rotation is tried again (default: 30 s doubling to 1 h, with jitter). The account
     * stays tainted until a rotation succeeds.
     */
    public Builder rotationBackoff(Backoff backoff) {
      this.rotationBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Where ephemeral accounts' verifiers live (default: OWASP-minimum Argon2id parameters and
     * 32-character credentials). Closed by the engine.
     */
    public Builder ephemeralCredentials(EphemeralCredentials ephemeral) {
      this.ephemeralCredentials = Objects.requireNonNull(ephemeral, "ephemeral");
      return this;
    }

    /**
     * Readings for a metrics library: audit append times, alert outbox depth, tainted accounts
     * (see {@link EngineMetrics}). One instance per engine.
     */
    public Builder metrics(EngineMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    @Override
    public BreakGlass build() {
      if (fall < 1 || rise < 1 || passiveFall < 1) {
        throw new IllegalArgumentException("fallThreshold, riseThreshold and passiveFallThreshold must be at least 1,"
            + " were " + fall + ", " + rise + " and " + passiveFall);
      }
      if (metrics != null && metrics.bound()) {
        throw new IllegalStateException("this EngineMetrics already serves another engine: create one per engine");
      }
      BreakGlassPolicy effectivePolicy = policy;
      if (effectivePolicy == null) {
        if (policyFile == null) {
          throw new PolicyException("no policy: call policy(...) or policyFile(...)");
        }
        effectivePolicy = PolicyFiles.load(policyFile);
      }
      Components components = new Components(Map.copyOf(properties), clock, dataDirectory);
      try {
        components.checkProperties();
        HealthSettings health = new HealthSettings(fall, rise, passiveFall, healthCheckInterval, passiveWindow)
            .overriddenBy(components.health());
        EngineAlerts alerts = new EngineAlerts(properties, alertChannels, clock);
        AuditSink sink = EngineAudit.sink(components, auditSink, alerts, clock);
        AuditSink audit = metrics != null ? metrics.timed(sink) : sink;
        Fingerprinter fingerprinter = EngineAudit.fingerprinter(components, fingerprintKey);
        GrantStore store = grantStore != null ? grantStore
            : components.own(components.single("grant-store", components.hasDataDirectory() ? "file" : "memory",
                ProviderRegistry.load("grant store", GrantStoreProvider.class)));
        WorkerLease lease = workerLease != null ? workerLease
            : components.own(components.single("lease", LocalWorkerLease.NAME,
                ProviderRegistry.load("worker lease", WorkerLeaseProvider.class)));
        CredentialVault v = vault != null ? vault
            : components.own(components.single("vault", "file",
                ProviderRegistry.load("credential vault", CredentialVaultProvider.class)));
        List<HealthProbe> allProbes = new ArrayList<>(probes);
        allProbes.addAll(components.list("probes", "probe",
            ProviderRegistry.load("health probe", HealthProbeProvider.class)));
        List<CredentialRotator> allRotators = new ArrayList<>(rotators);
        allRotators.addAll(components.list("rotators", "rotator",
            ProviderRegistry.load("credential rotator", CredentialRotatorProvider.class)));
        List<AutoCloseable> owned = new ArrayList<>(components.owned());
        owned.addAll(allProbes);
        owned.addAll(allRotators);
        AlertDispatcher dispatcher = components.own(alerts.dispatcher(components, audit));
        owned.add(dispatcher);
        alerts.alertIfRepaired(sink, dispatcher);
        alerts.reportReach(audit);
        if (AuditTrust.alertCopies(components)) {
          AuditTrust.copyCheckpointsToAlerts(sink, dispatcher);
        }
        EphemeralCredentials ephemeral = ephemeralCredentials != null ? ephemeralCredentials
            : new EphemeralCredentials(clock);
        owned.add(ephemeral);
        CustodianKeyStore keys = components.hasDataDirectory()
            ? CustodianKeyStore.open(components.dataDirectory("the custodian key registry"))
            : CustodianKeyStore.inMemory();
        List<ApprovalSignatureVerifier> verifiers = components.list("approval-signatures", "approval-signature",
            ProviderRegistry.load("approval signature verifier", ApprovalSignatureVerifierProvider.class));
        owned.addAll(verifiers);
        Engine engine = new Engine(new Engine.Config(effectivePolicy, clock, audit, store, v, allRotators,
            dispatcher, allProbes, health.fall(), health.rise(), health.interval(), sweepInterval, fingerprinter,
            background, rotationBackoff, ephemeral, owned, health.passiveFall(), health.passiveWindow(), keys,
            SignatureVerifiers.of(verifiers), lease));
        if (metrics != null) {
          metrics.bind(dispatcher instanceof ConsoleLinks links ? links.delegate() : dispatcher, store,
              effectivePolicy);
        }
        return engine;
      } catch (RuntimeException e) {
        components.closeQuietly();
        if (e instanceof ProviderException || e instanceof PolicyException
            || e instanceof dev.breakglass.BreakGlassException) {
          throw e;
        }
        throw new ProviderException("engine", "could not build the breakglass engine: " + e.getMessage(), e);
      }
    }
  }
}
