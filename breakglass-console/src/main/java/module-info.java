/**
 * The breakglass approval console: a Jakarta Servlet ({@link dev.breakglass.console.BreakGlassConsole})
 * where requesters file requests and custodians approve or deny them with their security keys.
 */
module dev.breakglass.console {
  requires transitive dev.breakglass.api;
  requires transitive jakarta.servlet;
  requires dev.breakglass.webauthn;
  requires tools.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires static org.jspecify;

  exports dev.breakglass.console;
}
