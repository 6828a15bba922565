package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Known answers and edge cases of the vault's building blocks. */
class VaultPrimitivesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hmacSha256_matchesRfc4231TestCase2() {
    byte[] mac = VaultCrypto.hmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));

    assertThat(HEX.formatHex(mac)).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void sha256_matchesTheFips180Example() {
    assertThat(HEX.formatHex(VaultCrypto.sha256("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void wipe_zeroesEveryArray_andSkipsNulls() {
    byte[] a = {1, 2, 3};
    byte[] b = {4};

    VaultCrypto.wipe(a, null, b);

    assertThat(a).containsOnly(0);
    assertThat(b).containsOnly(0);
  }

  @Test
  void anEmptyPlaintext_sealsToTheTagAlone_andOpens() throws Exception {
    byte[] key = new byte[VaultCrypto.KEY_BYTES];
    byte[] nonce = new byte[VaultCrypto.NONCE_BYTES];

    byte[] sealed = VaultCrypto.seal(key.clone(), nonce, new byte[0], new byte[0]);

    assertThat(sealed).hasSize(VaultCrypto.TAG_BITS / 8);
    assertThat(VaultCrypto.open(key.clone(), nonce, new byte[0], sealed)).isEmpty();
  }

  @Test
  void open_refusesAWrongNonceLengthOrAnInputShorterThanTheTag() {
    byte[] key = new byte[VaultCrypto.KEY_BYTES];
    byte[] sealed = VaultCrypto.seal(key.clone(), new byte[12], new byte[0], "x".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> VaultCrypto.open(key.clone(), new byte[11], new byte[0], sealed))
        .isInstanceOf(VaultCrypto.AuthenticationFailed.class);
    assertThatThrownBy(() -> VaultCrypto.open(key.clone(), new byte[12], new byte[0], new byte[15]))
        .isInstanceOf(VaultCrypto.AuthenticationFailed.class);
  }

  @Test
  void uuidBytes_areBigEndian() {
    UUID id = UUID.fromString("00010203-0405-0607-0809-0a0b0c0d0e0f");

    assertThat(HEX.formatHex(FileVaultStore.uuidBytes(id))).isEqualTo("000102030405060708090a0b0c0d0e0f");
    assertThat(HEX.formatHex(FileVaultStore.uuidBytes(UUID.fromString("f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f"))))
        .isEqualTo("f0e1d2c3b4a5968778695a4b3c2d1e0f");
  }

  @Test
  void aSealedEntry_noLongerThanTheEncapsulatedKey_isTooShort_oneByteMoreFailsToUnseal() {
    UUID vaultId = UUID.randomUUID();
    int encSize = SealedEntries.hpke().getEncSize();
    Path file = Path.of("sealed.json");

    assertThatThrownBy(() -> SealedEntries.open(file, vaultId, "db", new byte[encSize], new byte[32], new byte[32]))
        .hasMessageContaining("the sealed entry for account 'db' is too short");
    assertThatThrownBy(() -> SealedEntries.open(file, vaultId, "db", new byte[encSize + 1], new byte[32],
        new byte[32]))
        .hasMessageNotContaining("too short");
  }

  @Test
  void argon2Parameters_acceptExactlyTheirLimits() {
    Argon2Parameters low = Argon2Parameters.of(Argon2Parameters.MIN_MEMORY_KIB, Argon2Parameters.MIN_ITERATIONS, 1);
    Argon2Parameters high = Argon2Parameters.of(Argon2Parameters.MAX_MEMORY_KIB, Argon2Parameters.MAX_ITERATIONS,
        Argon2Parameters.MAX_PARALLELISM);

    assertThat(low).isEqualTo(Argon2Parameters.recommended());
    assertThat(high.memoryKiB()).isEqualTo(4 * 1024 * 1024);
    assertThat(high.iterations()).isEqualTo(64);
    assertThat(high.parallelism()).isEqualTo(16);
    assertThat(high).hasToString("Argon2id[memory=4194304 KiB, iterations=64, parallelism=16]");
  }

  @Test
  void argon2Parameters_refuseOneBeyondEachLimit() {
    int mem = Argon2Parameters.MIN_MEMORY_KIB;
    int it = Argon2Parameters.MIN_ITERATIONS;
    assertThatThrownBy(() -> Argon2Parameters.of(mem - 1, it, 1)).hasMessageContaining("memory");
    assertThatThrownBy(() -> Argon2Parameters.of(Argon2Parameters.MAX_MEMORY_KIB + 1, it, 1))
        .hasMessageContaining("memory");
    assertThatThrownBy(() -> Argon2Parameters.of(mem, it - 1, 1)).hasMessageContaining("iterations");
    assertThatThrownBy(() -> Argon2Parameters.of(mem, Argon2Parameters.MAX_ITERATIONS + 1, 1))
        .hasMessageContaining("iterations");
    assertThatThrownBy(() -> Argon2Parameters.of(mem, it, 0)).hasMessageContaining("parallelism");
    assertThatThrownBy(() -> Argon2Parameters.of(mem, it, Argon2Parameters.MAX_PARALLELISM + 1))
        .hasMessageContaining("parallelism");
  }
}
