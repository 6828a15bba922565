package dev.breakglass.core.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** How the log opens the files it writes; tests substitute channels that fail like a broken disk. */
@FunctionalInterface
interface FileChannelFactory {
  FileChannelFactory DEFAULT = FileChannel::open;

  FileChannel open(Path file, OpenOption... options) throws IOException;
}
