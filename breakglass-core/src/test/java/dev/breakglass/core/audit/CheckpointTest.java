package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The checkpoint as a value: its rules, its text form read strictly, equality and its printed form. */
class CheckpointTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final String LOG = "0123456789abcdef0123456789abcdef";
  static final Instant TIME = Instant.parse("2026-03-01T12:00:00Z");

  static byte[] root(int b) {
    byte[] r = new byte[32];
    r[0] = (byte) b;
    return r;
  }

  static Checkpoint signed(long previous, long size) {
    return Checkpoint.sign(LOG, previous, size, root(size == 0 ? 0 : 1), TIME, KEY);
  }

  @Test
  void theTextFormRoundTripsAndIsSignedByItsKey() {
    Checkpoint c = signed(2, 5);
    String text = c.toText();
    assertThat(text).isEqualTo("breakglass-audit-checkpoint v2\nlog " + LOG + "\nsize 5\nprevious 2\nroot "
        + Base64.getEncoder().encodeToString(root(1)) + "\ntime 2026-03-01T12:00:00Z\nkey " + KEY.keyId()
        + "\nsignature " + Base64.getEncoder().encodeToString(c.signature()) + "\n");
    Checkpoint parsed = Checkpoint.parse(text);
    assertThat(parsed).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(parsed.version()).isEqualTo(2);
    assertThat(parsed.verifySignature(KEY.publicKey())).isTrue();
    assertThat(parsed.verifySignature(AuditSigningKey.generate().publicKey())).isFalse();
    byte[] padded = ("xx" + text + "yy").getBytes(StandardCharsets.UTF_8);
    assertThat(Checkpoint.parse(padded, 2, padded.length - 4)).isEqualTo(c);

    Checkpoint first = signed(Checkpoint.NO_PREVIOUS, 0);
    assertThat(first.toText()).contains("\nprevious none\n");
    assertThat(Checkpoint.parse(first.toText())).isEqualTo(first);

    Checkpoint v1 = Checkpoint.signVersion1(3, root(1), TIME, KEY);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.toText()).startsWith("breakglass-audit-checkpoint v1\nsize 3\nroot ");
    assertThat(Checkpoint.parse(v1.toText())).isEqualTo(v1);
    assertThat(v1.verifySignature(KEY.publicKey())).isTrue();
  }

  @Test
  void equalityCoversEveryField() {
    Checkpoint c = signed(2, 5);
    byte[] sig = c.signature();
    assertThat(c).isEqualTo(new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG, 2)).isNotEqualTo("text");
    assertThat(c).isNotEqualTo(new Checkpoint(6, root(1), TIME, KEY.keyId(), sig, LOG, 2))
        .isNotEqualTo(new Checkpoint(5, root(2), TIME, KEY.keyId(), sig, LOG, 2))
        .isNotEqualTo(new Checkpoint(5, root(1), TIME.plusSeconds(1), KEY.keyId(), sig, LOG, 2))
        .isNotEqualTo(new Checkpoint(5, root(1), TIME, "0000000000000000", sig, LOG, 2))
        .isNotEqualTo(new Checkpoint(5, root(1), TIME, KEY.keyId(), new byte[64], LOG, 2))
        .isNotEqualTo(new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG.replace('0', 'f'), 2))
        .isNotEqualTo(new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG, 3));
    assertThat(c.hashCode()).isNotEqualTo(new Checkpoint(6, root(1), TIME, KEY.keyId(), sig, LOG, 2).hashCode());
  }

  @Test
  void theArraysAreCopiedInAndOut() {
    byte[] r = root(1);
    Checkpoint c = Checkpoint.sign(LOG, 0, 1, r, TIME, KEY);
    r[0] = 9;
    assertThat(c.rootHash()[0]).isEqualTo((byte) 1);
    c.rootHash()[0] = 9;
    c.signature()[0] ^= 1;
    assertThat(c.rootHash()[0]).isEqualTo((byte) 1);
    assertThat(c.verifySignature(KEY.publicKey())).isTrue();
  }

  @Test
  void thePrintedFormNamesTheLogOnlyWhenItHasOne() {
    Checkpoint c = signed(2, 5);
    assertThat(c).hasToString("Checkpoint[log=" + LOG + ", size=5, root=" + Base64.getEncoder().encodeToString(root(1))
        + ", time=2026-03-01T12:00:00Z, key=" + KEY.keyId() + "]");
    assertThat(Checkpoint.signVersion1(3, root(1), TIME, KEY).toString()).startsWith("Checkpoint[size=3, root=");
  }

  @Test
  void aCheckpointThatBreaksARuleCannotBeMade() {
    byte[] sig = new byte[64];
    assertThatThrownBy(() -> new Checkpoint(-1, root(1), TIME, KEY.keyId(), sig))
        .hasMessage("checkpoint tree size is negative: -1");
    assertThatThrownBy(() -> new Checkpoint(1, new byte[31], TIME, KEY.keyId(), sig))
        .hasMessage("checkpoint root must be 32 bytes, is 31");
    assertThatThrownBy(() -> new Checkpoint(1, root(1), TIME, "ABCDEF0123456789", sig))
        .hasMessage("checkpoint key id must be 16 lower-case hex digits: ABCDEF0123456789");
    assertThatThrownBy(() -> new Checkpoint(1, root(1), TIME, KEY.keyId(), sig, "short", 0))
        .hasMessage("checkpoint log id must be 32 lower-case hex digits: short");
    assertThatThrownBy(() -> new Checkpoint(1, root(1), TIME, KEY.keyId(), sig, null, 0))
        .hasMessage("a checkpoint without a log id (version 1) names no previous checkpoint");
    assertThatThrownBy(() -> new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG, 5))
        .hasMessage("checkpoint previous size 5 must be below its size 5");
    assertThatThrownBy(() -> new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG, -2))
        .hasMessage("checkpoint previous size -2 must be below its size 5");
    assertThat(new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG, 4).previousSize()).isEqualTo(4);
    assertThat(new Checkpoint(5, root(1), TIME, KEY.keyId(), sig, LOG, 0).previousSize()).isZero();
  }

  @Test
  void theTextFormIsReadStrictlyAndEveryWrongLineIsNamed() {
    String good = signed(2, 5).toText();
    String[] l = good.split("\n");
    assertParse(good.substring(0, good.length() - 1), "checkpoint must end with a newline");
    assertParse("breakglass-audit-checkpoint v3\n", "not a checkpoint: expected 'breakglass-audit-checkpoint v2' and"
        + " seven more lines (or 'breakglass-audit-checkpoint v1' and five more)");
    assertParse(String.join("\n", l[0], l[1], l[2], l[3], l[4], l[5], l[6]) + "\n", "not a checkpoint");
    assertParse(with(l, 1, "log 0123"), "checkpoint line 2: the log id must be 32 lower-case hex digits");
    assertParse(with(l, 1, "lag " + LOG), "checkpoint line 'log ...' expected");
    assertParse(with(l, 2, "size "), "checkpoint line 'size ...' expected");
    assertParse(with(l, 2, "size five"), "checkpoint line 3: size is not a number");
    assertParse(with(l, 3, "previous two"), "checkpoint line 4: previous is not a number");
    assertParse(with(l, 4, "root ***"), "checkpoint line 5: not valid base64");
    assertParse(with(l, 5, "time yesterday"), "checkpoint line 6: time is not an ISO-8601 instant");
    assertParse(with(l, 7, "signature AAAA"), "checkpoint line 8: signature must be 64 bytes, is 3");
    assertParse(with(l, 7, "signature %%"), "checkpoint line 8: not valid base64");
    assertParse(with(l, 2, "size 05"), "checkpoint is not in canonical form");

    String[] v1 = Checkpoint.signVersion1(3, root(1), TIME, KEY).toText().split("\n");
    assertParse(with(v1, 1, "size x"), "checkpoint line 2: size is not a number");
    assertParse(with(v1, 2, "root !"), "checkpoint line 3: not valid base64");
    assertParse(with(v1, 3, "time x"), "checkpoint line 4: time is not an ISO-8601 instant");
    assertParse(with(v1, 5, "signature AAAA"), "checkpoint line 6: signature must be 64 bytes, is 3");
  }

  static String with(String[] lines, int i, String line) {
    String[] copy = lines.clone();
    copy[i] = line;
    return String.join("\n", copy) + "\n";
  }

  static void assertParse(String text, String message) {
    assertThatThrownBy(() -> Checkpoint.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
