/** A PKCS#11 credential vault: the encryption key stays inside the token. */
@NullMarked
package dev.breakglass.pkcs11;

import org.jspecify.annotations.NullMarked;
