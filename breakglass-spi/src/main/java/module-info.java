/**
 * Extension points for plugin authors: credential vaults, alert channels, health probes, credential
 * rotators, grant stores, audit sinks and audit checkpoint witnesses, each with a provider discovered through
 * {@link java.util.ServiceLoader}.
 */
module dev.breakglass.spi {
  requires transitive dev.breakglass.api;
  requires static org.jspecify;

  exports dev.breakglass.spi;
  exports dev.breakglass.spi.files;

  uses dev.breakglass.spi.CredentialVaultProvider;
  uses dev.breakglass.spi.AlertChannelProvider;
  uses dev.breakglass.spi.HealthProbeProvider;
  uses dev.breakglass.spi.CredentialRotatorProvider;
  uses dev.breakglass.spi.GrantStoreProvider;
  uses dev.breakglass.spi.ApprovalSignatureVerifierProvider;
  uses dev.breakglass.spi.CheckpointWitnessProvider;
  uses dev.breakglass.spi.AuditSinkProvider;
  uses dev.breakglass.spi.WorkerLeaseProvider;
}
