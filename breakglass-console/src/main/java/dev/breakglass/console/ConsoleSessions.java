package dev.breakglass.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The console's own sessions, independent of the container's: a random id in a cookie that is
 * {@code Secure}, {@code HttpOnly} and {@code SameSite=Strict}, a CSRF token per session, the user
 * signed in with a security key, and the challenges handed out and not yet answered. Sessions end
 * after the idle timeout. Thread-safe.
 */
final class ConsoleSessions {
  static final String COOKIE = "breakglass-console";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A challenge handed out for one purpose, answered at most once. */
  record Pending(String purpose, byte[] challenge, String user, @Nullable String grantId, java.time.@Nullable Instant signedAt,
      @Nullable String decision, @Nullable String reason) {}

  /** One browser's session. */
  static final class Session {
    final String id;
    final String csrf = random(32);
    volatile @Nullable String user;
    volatile @Nullable String flash;
    final Map<String, Pending> pending = new ConcurrentHashMap<>();

    Session(String id) {
      this.id = id;
    }

    /** Takes the challenge handed out for {@code purpose}; it cannot be answered twice. */
    @Nullable Pending take(String purpose) {
      return pending.remove(purpose);
    }
  }

  private final Cache<String, Session> sessions;

  ConsoleSessions(Duration idle) {
    sessions = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(10_000).build();
  }

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] randomBytes(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The request's session, or a new one whose cookie is set on {@code resp}. */
  Session session(HttpServletRequest req, HttpServletResponse resp) {
    Cookie[] cookies = req.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (COOKIE.equals(c.getName())) {
          Session s = sessions.getIfPresent(c.getValue());
          if (s != null) {
            return s;
          }
        }
      }
    }
    return start(req, resp);
  }

  /** A fresh session (after signing in, so a session id known before sign-in is worth nothing). */
  Session start(HttpServletRequest req, HttpServletResponse resp) {
    Session s = new Session(random(32));
    sessions.put(s.id, s);
    String path = req.getContextPath() + req.getServletPath();
    resp.addHeader("Set-Cookie", COOKIE + "=" + s.id + "; Path=" + (path.isEmpty() ? "/" : path)
        + "; Secure; HttpOnly; SameSite=Strict");
    return s;
  }

  void end(Session s) {
    sessions.invalidate(s.id);
  }

  /** Whether {@code token} is this session's CSRF token (compared in constant time). */
  static boolean csrfMatches(Session s, @Nullable String token) {
    return token != null && MessageDigest.isEqual(s.csrf.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }
}
