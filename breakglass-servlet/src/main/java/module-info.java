/**
 * A Jakarta Servlet filter that signs requests in with HTTP basic through the break-glass guard, for
 * applications without Spring.
 */
module dev.breakglass.servlet {
  requires transitive dev.breakglass.api;
  requires transitive jakarta.servlet;
  requires static org.jspecify;

  exports dev.breakglass.servlet;
}
