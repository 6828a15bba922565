package dev.breakglass.core.vault;

import dev.breakglass.VaultException;

/**
 * A custodian share could not be read from its paper form. When the problem is in one group of
 * characters (a typing error), {@link #group()} says which, counting from 1, so a tool can point
 * the custodian at it. The message never quotes share characters.
 */
public final class ShareFormatException extends VaultException {
  private static final long serialVersionUID = 1L;

  private final int group;

  ShareFormatException(String message, int group) {
    super(message);
    this.group = group;
  }

  /** The 1-based number of the group with the error, or 0 if the error is not in one group. */
  public int group() {
    return group;
  }
}
