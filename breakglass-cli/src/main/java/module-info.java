/**
 * The {@code breakglass} command-line tools ({@link dev.breakglass.cli.BreakGlassCli}): verify an
 * audit log offline, keep and check its signed checkpoints, print the post-incident review, and
 * fingerprint known values. An application, not a library: it exports nothing.
 */
module dev.breakglass.cli {
  requires dev.breakglass.core;
  requires static org.jspecify;
}
