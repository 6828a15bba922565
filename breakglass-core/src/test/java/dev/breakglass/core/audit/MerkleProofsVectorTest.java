package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@link MerkleProofs} against every file of the transparency-dev RFC 6962 test vectors,
 * copied unchanged into {@code src/test/resources/rfc6962}: every happy path must verify, every
 * other file must be rejected.
 */
class MerkleProofsVectorTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static Path vectors() {
    try {
      return Path.of(MerkleProofsVectorTest.class.getResource("/rfc6962").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> files(String kind) {
    try (Stream<Path> s = Files.walk(vectors().resolve(kind))) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted()
          .map(p -> Arguments.of(vectors().relativize(p).toString(), p)).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> inclusionVectors() {
    return files("inclusion");
  }

  static Stream<Arguments> consistencyVectors() {
    return files("consistency");
  }

  @Test
  void everyVectorFileIsWiredIn() {
    assertThat(inclusionVectors().count() + consistencyVectors().count()).isEqualTo(184);
    assertThat(vectors().resolve("LICENSE")).exists();
    assertThat(vectors().resolve("README.md")).exists();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusionVectors")
  void inclusionVectorIsAcceptedExactlyWhenItIsAHappyPath(String name, Path file) throws IOException {
    JsonNode v = JSON.readTree(Files.readString(file));
    boolean ok = MerkleProofs.verifyInclusion(u64(v.get("leafIdx")), u64(v.get("treeSize")),
        b64(v.get("leafHash")), hashes(v.get("proof")), b64(v.get("root")));
    assertThat(ok).as(v.get("desc").asString()).isEqualTo(!v.get("wantErr").asBoolean());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistencyVectors")
  void consistencyVectorIsAcceptedExactlyWhenItIsAHappyPath(String name, Path file) throws IOException {
    JsonNode v = JSON.readTree(Files.readString(file));
    boolean ok = MerkleProofs.verifyConsistency(u64(v.get("size1")), u64(v.get("size2")),
        b64(v.get("root1")), b64(v.get("root2")), hashes(v.get("proof")));
    assertThat(ok).as(v.get("desc").asString()).isEqualTo(!v.get("wantErr").asBoolean());
  }

  @Test
  void aProofFromTheEmptyTreeIsRejectedAsUpstreamDoes() {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(new byte[] {(byte) i});
    }
    byte[] root5 = MerkleProofs.rootOf(records);
    assertThat(MerkleProofs.verifyConsistency(0, 5, MerkleProofs.emptyRoot(), root5, List.of())).isFalse();
    assertThat(MerkleProofs.verifyConsistency(0, 0, MerkleProofs.emptyRoot(), MerkleProofs.emptyRoot(),
        List.of())).isFalse();
  }

  @Test
  void equalSizesOfOneWithAnEmptyProofNeedOnlyEqualRoots() {
    byte[] root = "don't care 2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(MerkleProofs.verifyConsistency(1, 1, root, root.clone(), List.of())).isTrue();
    assertThat(MerkleProofs.verifyConsistency(1, 1, root, "don't care 1".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII), List.of())).isFalse();
  }

  @Test
  void rootsOfTheReferenceLeavesMatchTheReadmeTable() {
    String[] leaves = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    String[] roots = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    List<byte[]> records = new ArrayList<>();
    for (int n = 0; n <= 8; n++) {
      assertThat(java.util.HexFormat.of().formatHex(MerkleProofs.rootOf(records))).as("root of %d leaves", n)
          .isEqualTo(roots[n]);
      if (n < 8) {
        records.add(java.util.HexFormat.of().parseHex(leaves[n]));
      }
    }
  }

  /** The vectors' sizes are Go uint64s; Java sees the same 64 bits as a (possibly negative) long. */
  private static long u64(JsonNode n) {
    return new java.math.BigInteger(n.toString()).longValue();
  }

  private static byte[] b64(JsonNode n) {
    return n == null || n.isNull() ? null : Base64.getDecoder().decode(n.asString());
  }

  private static List<byte[]> hashes(JsonNode n) {
    List<byte[]> out = new ArrayList<>();
    if (n != null && !n.isNull()) {
      for (JsonNode h : n) {
        out.add(Base64.getDecoder().decode(h.asString()));
      }
    }
    return out;
  }
}
