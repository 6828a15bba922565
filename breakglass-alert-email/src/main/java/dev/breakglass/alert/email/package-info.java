/** The e-mail alert channel: {@link dev.breakglass.alert.email.EmailAlertChannel} and its provider. */
@NullMarked
package dev.breakglass.alert.email;

import org.jspecify.annotations.NullMarked;
