package dev.breakglass.core.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a log ends (records, last segment, byte offset), for refusals that concern the whole log
 * (a missing key, a replaced {@code audit.pub}) but must still name a place. Reads the log once
 * without checking signatures; damage ends the walk at the damaged place.
 *
 * @param records records read
 * @param segment the segment the walk ended in
 * @param offset the byte offset it ended at
 */
record LogEnd(long records, String segment, long offset) {
  static LogEnd of(Path dir) {
    var sources = Files.isDirectory(dir) ? LogScanner.segmentsOf(dir) : List.<LogScanner.Source>of();
    if (sources.isEmpty()) {
      return new LogEnd(0, LogFormat.segmentName(0), 0);
    }
    long offset = LogFormat.SEGMENT_HEADER;
    try (LogScanner s = new LogScanner(sources)) {
      while (s.next()) {
        offset = s.endOffset();
      }
      return new LogEnd(s.frontier().size(), s.segment(), offset);
    } catch (AuditLogCorruptException e) {
      return new LogEnd(e.recordIndex(), e.segment(), e.byteOffset());
    }
  }
}
