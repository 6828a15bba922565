/**
 * The post-incident review rendered for people and programs: one model built from the audit log
 * ({@link dev.breakglass.core.report.ReviewModel}) and its JSON, Markdown and HTML renderings.
 * Reached through {@link dev.breakglass.core.audit.PostIncidentReport}; not exported.
 */
@NullMarked
package dev.breakglass.core.report;

import org.jspecify.annotations.NullMarked;
