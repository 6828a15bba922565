/**
 * The types a host application compiles against: {@link dev.breakglass.BreakGlass}, its policy,
 * grants, audit sink, requests, events and exceptions. An implementation (breakglass-core, or any
 * conforming engine) is found at run time through {@link dev.breakglass.BreakGlassFactory}.
 */
module dev.breakglass.api {
  requires static transitive org.jspecify;

  exports dev.breakglass;

  uses dev.breakglass.BreakGlassFactory;
}
