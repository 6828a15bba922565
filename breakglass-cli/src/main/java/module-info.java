/**
 * The {@code breakglass} command-line tools ({@link dev.breakglass.cli.BreakGlassCli}): verify an
 * audit log offline, keep and check its signed checkpoints, write the post-incident review, and
 * fingerprint known values, export a trail kept in PostgreSQL. An application, not a library: it exports nothing.
 */
module dev.breakglass.cli {
  requires dev.breakglass.core;
  requires dev.breakglass.postgresql;
  requires info.picocli;
  requires tools.jackson.databind;
  requires java.net.http;
  requires static org.jspecify;

  // picocli reads the commands' annotated fields and creates them reflectively.
  opens dev.breakglass.cli to info.picocli;
}
