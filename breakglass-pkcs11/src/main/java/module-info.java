/**
 * A credential vault whose key never leaves a PKCS#11 token, through the JDK's SunPKCS11 provider:
 * {@link dev.breakglass.pkcs11.Pkcs11Vault}, provider {@code pkcs11}.
 */
module dev.breakglass.pkcs11 {
  requires transitive dev.breakglass.spi;
  requires static org.jspecify;
  requires tools.jackson.core;
  requires tools.jackson.databind;

  exports dev.breakglass.pkcs11;

  provides dev.breakglass.spi.CredentialVaultProvider with dev.breakglass.pkcs11.Pkcs11VaultProvider;
}
