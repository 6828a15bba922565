package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code breakglass verify} re-verifies approvals signed with a security key (WebAuthn
 * assertions), with no console configuration: the WebAuthn verifier ships in the command's class
 * path and checks each assertion against the credential the log registered.
 */
class WebAuthnVerifyCliTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String RP = "localhost";
  private static final String ORIGIN = "http://localhost:8443";

  @TempDir Path dir;

  /** A P-256 security key: the assertions it makes are what a browser hands over. */
  static final class Authenticator {
    final KeyPair pair;
    final byte[] credentialId = new byte[16];
    long counter;

    Authenticator() throws GeneralSecurityException {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      pair = g.generateKeyPair();
      new SecureRandom().nextBytes(credentialId);
    }

    /** The credential public key as a COSE_Key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
    byte[] coseKey() {
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(new byte[] {(byte) 0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
      out.writeBytes(fixed(pub.getW().getAffineX()));
      out.writeBytes(new byte[] {0x22, 0x58, 0x20});
      out.writeBytes(fixed(pub.getW().getAffineY()));
      return out.toByteArray();
    }

    ApprovalSignature sign(ApprovalStatement statement) throws GeneralSecurityException {
      counter++;
      byte[] clientData = ("{\"type\":\"webauthn.get\",\"challenge\":\"" + statement.webAuthnChallengeBase64Url()
          + "\",\"origin\":\"" + ORIGIN + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
      byte[] authData = ByteBuffer.allocate(37).put(sha256(RP.getBytes(StandardCharsets.UTF_8)))
          .put((byte) 0x05).putInt((int) counter).array();
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(pair.getPrivate());
      s.update(authData);
      s.update(sha256(clientData));
      return ApprovalSignature.webAuthn(B64.encodeToString(credentialId), statement.signedAt(), authData, clientData,
          s.sign());
    }

    private static byte[] fixed(BigInteger v) {
      byte[] b = v.toByteArray();
      byte[] out = new byte[32];
      int n = Math.min(32, b.length);
      System.arraycopy(b, b.length - n, out, 32 - n, n);
      return out;
    }
  }

  static byte[] sha256(byte[] b) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  @Test
  void securityKeyApprovalsReVerifyFromTheLog() throws Exception {
    Authenticator carol = new Authenticator();
    Authenticator dave = new Authenticator();
    SignedApprovalCliTest.MapVault vault = new SignedApprovalCliTest.MapVault();
    vault.write("prod-db-admin", "s3cret".toCharArray());
    Path data = dir.resolve("data");
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(30)).build())
        .incidentDeclarers("sre-lead").build();
    try (var engine = BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault).background(false)
        .property("approval-signatures", "webauthn").property("approval-signature.webauthn.rp-id", RP)
        .property("approval-signature.webauthn.origins", ORIGIN).build()) {
      engine.custodianKeys().register(CustodianKey.webAuthn("carol", B64.encodeToString(carol.credentialId),
          carol.coseKey(), RP, 0, "carol's key"), "carol");
      engine.custodianKeys().register(CustodianKey.webAuthn("dave", B64.encodeToString(dave.credentialId),
          dave.coseKey(), RP, 0, "dave's key"), "dave");
      engine.declareIncident("sre-lead", "IdP down");
      EmergencyAccessGrant g = engine.requestAccess(AccessRequest.builder().requester("alice")
          .account("prod-db-admin").reason("IdP outage").duration(Duration.ofMinutes(20)).build());
      for (String who : new String[] {"carol", "dave"}) {
        ApprovalStatement st = ApprovalStatement.of(g.id(), g.requestDigest(), who, Decision.APPROVE, Instant.now());
        engine.approve(Approval.of(g, who).withSignature((who.equals("carol") ? carol : dave).sign(st)));
      }
      assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
    }

    CliRunner cli = new CliRunner();
    assertThat(cli.run("verify", data.resolve("audit").toString(), "--public-key",
        data.resolve("audit.pub").toString())).as(cli.out + cli.err).isEqualTo(BreakGlassCli.OK);
    assertThat(cli.out).contains("2 signed approval(s) and denial(s) re-verified against 2 registered custodian key(s)");
    assertThat(Arrays.asList(cli.out.split("\n"))).noneMatch(l -> l.contains("no verifier"));
  }
}
