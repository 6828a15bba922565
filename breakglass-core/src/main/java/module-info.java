/**
 * The breakglass engine and its embedded defaults: policy files, health monitor, emergency state,
 * approvals, grants, the tamper-evident audit log, the encrypted file vault, custodian shares and
 * alert dispatch. Host code needs only {@code dev.breakglass.api}; the exported packages here are for
 * operators' tools (log verification, share handling) and for configuring the defaults in code.
 */
module dev.breakglass.core {
  requires transitive dev.breakglass.spi;
  requires static org.jspecify;
  requires org.slf4j;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires tools.jackson.dataformat.yaml;
  requires org.snakeyaml.engine;
  requires com.github.benmanes.caffeine;
  requires org.bouncycastle.provider;
  requires java.net.http;
  requires jdk.httpserver;

  exports dev.breakglass.core;
  exports dev.breakglass.core.audit;
  exports dev.breakglass.core.evidence;
  exports dev.breakglass.core.alert;
  exports dev.breakglass.core.alert.channel;
  exports dev.breakglass.core.approval;
  exports dev.breakglass.core.health;
  exports dev.breakglass.core.policy;
  exports dev.breakglass.core.retry;
  exports dev.breakglass.core.rotation;
  exports dev.breakglass.core.vault;

  opens dev.breakglass.core.internal to tools.jackson.databind;

  uses dev.breakglass.spi.AlertChannelProvider;
  uses dev.breakglass.spi.CredentialVaultProvider;
  uses dev.breakglass.spi.CredentialRotatorProvider;
  uses dev.breakglass.spi.GrantStoreProvider;
  uses dev.breakglass.spi.HealthProbeProvider;
  uses dev.breakglass.spi.ApprovalSignatureVerifierProvider;
  uses dev.breakglass.spi.CheckpointWitnessProvider;
  uses dev.breakglass.spi.AuditSinkProvider;
  uses dev.breakglass.spi.WorkerLeaseProvider;

  provides dev.breakglass.BreakGlassFactory with dev.breakglass.core.BreakGlassEngine.Factory;
  provides dev.breakglass.spi.GrantStoreProvider with dev.breakglass.core.internal.InMemoryGrantStore.Provider,
      dev.breakglass.core.internal.FileGrantStore.Provider;
  provides dev.breakglass.spi.WorkerLeaseProvider with dev.breakglass.core.internal.LocalWorkerLease.Provider;
  provides dev.breakglass.spi.HealthProbeProvider with
      dev.breakglass.core.health.OidcProbeProvider,
      dev.breakglass.core.health.HttpStatusProbeProvider;
  provides dev.breakglass.spi.CheckpointWitnessProvider with
      dev.breakglass.core.audit.DirectoryCheckpointWitnessProvider;
  provides dev.breakglass.spi.CredentialRotatorProvider with dev.breakglass.core.rotation.VaultOnlyRotatorProvider;
  provides dev.breakglass.spi.CredentialVaultProvider with
      dev.breakglass.core.vault.FileVaultProvider,
      dev.breakglass.core.vault.SealedFileVaultProvider;
  provides dev.breakglass.spi.AlertChannelProvider with
      dev.breakglass.core.alert.channel.Slf4jAlertChannelProvider,
      dev.breakglass.core.alert.channel.WebhookAlertChannelProvider,
      dev.breakglass.core.alert.channel.SyslogAlertChannelProvider;
}
