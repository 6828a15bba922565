package dev.breakglass.postgresql;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The lease holder of {@link SeparateJvmClusterTest}'s takeover test, in its own JVM: it takes the
 * worker lease, taints {@code db-root} (a grant released and closed), starts the rotation in its
 * sweep and hangs inside the rotator after printing {@code ROTATING}, until it is killed.
 *
 * <p>Arguments: URL, user, password file, signing key file, data directory, instance name.
 */
public final class RotatingLeader {
  private RotatingLeader() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    CredentialRotator hangs = new CredentialRotator() {
      @Override
      public String name() {
        return "hangs";
      }

      @Override
      public boolean supports(String account) {
        return true;
      }

      @Override
      public void rotate(String account, CredentialVault vault) {
        out.println("ROTATING");
        while (true) {
          LockSupport.park(this);
        }
      }
    };
    BreakGlass engine = ClusterInstance.builder(args[0], args[1], args[2], args[3], Path.of(args[4]), args[5])
        .rotator(hangs).build();
    engine.sweep();
    out.println("LEADER");
    EmergencyAccessGrant g = engine.requestAccess(AccessRequest.builder().requester("alice").account("db-root")
        .reason("primary IdP outage").duration(Duration.ofMinutes(10)).build());
    engine.approve(Approval.of(g, "carol"));
    try (Credential c = g.releaseCredential()) {
      out.println("RELEASED " + c.secret().length);
    }
    engine.close(g.id(), "alice");
    engine.sweep();
    out.println("ERR the rotation returned");
  }
}
