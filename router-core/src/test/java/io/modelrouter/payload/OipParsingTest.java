package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.VersionSelector;
import io.modelrouter.registry.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OipParsingTest {

  private static final PayloadParser PARSER = PayloadParser.ofDefaults();
  private static final RequestHeaders JSON = RequestHeaders.of(Map.of("content-type", "application/json"));

  static ParseResult parse(String path, String body) {
    return PARSER.parse("POST", path, JSON, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void infer_readsModelFromPathAndTensorsFromBody() {
    ParseResult result = parse("/v2/models/resnet/infer",
        "{\"id\":\"42\",\"parameters\":{\"priority\":1},\"inputs\":["
            + "{\"name\":\"pixels\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[0.1,0.2,0.3]},"
            + "{\"name\":\"mask\",\"shape\":[2],\"datatype\":\"BOOL\",\"data\":[true,false]}],"
            + "\"outputs\":[{\"name\":\"probs\",\"parameters\":{\"classification\":3}}]}");

    RouteRequest r = result.request();
    assertThat(r.model()).isEqualTo("resnet");
    assertThat(r.version()).isEqualTo(VersionSelector.unspecified());
    assertThat(r.protocol()).isEqualTo(Protocol.OIP);
    assertThat(r.operation()).isEqualTo(Operation.INFER);
    assertThat(r.inputs()).containsExactly(TensorSpec.of("pixels", "FP32", 1, 3), TensorSpec.of("mask", "BOOL", 2));
    assertThat(result.payload().messageCount()).isEqualTo(2);
    assertThat(result.protocol()).isEqualTo(Protocol.OIP);
  }

  @Test
  void infer_readsVersionFromPathAndDecodesPercentEscapes() {
    RouteRequest r = parse("/v2/models/my%20model/versions/2/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[7]}]}").request();

    assertThat(r.model()).isEqualTo("my model");
    assertThat(r.version()).isEqualTo(VersionSelector.exact("2"));
  }

  @Test
  void infer_pathVersionWinsOverVersionHeader() {
    ParseResult r = PARSER.parse("POST", "/v2/models/m/versions/3/infer",
        RequestHeaders.of(Map.of("content-type", "application/json", RoutingHeaders.MODEL_VERSION, "tag:canary")),
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT8\",\"data\":[1]}]}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.request().version()).isEqualTo(VersionSelector.exact("3"));
  }

  @Test
  void infer_acceptsFieldsInAnyOrder() {
    RouteRequest r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"data\":[1,2,3,4],\"datatype\":\"UINT8\",\"shape\":[2,2],\"name\":\"x\"}]}").request();

    assertThat(r.inputs()).containsExactly(TensorSpec.of("x", "UINT8", 2, 2));
  }

  @Test
  void infer_acceptsNestedRowMajorData() {
    RouteRequest r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"INT32\",\"data\":[[1,2,3],[4,5,6]]}]}").request();

    assertThat(r.inputs()).containsExactly(TensorSpec.of("x", "INT32", 2, 3));
  }

  @Test
  void infer_acceptsEmptyTensorWithZeroDimension() {
    assertThat(parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[0,4],\"datatype\":\"FP32\",\"data\":[]}]}").isRequest()).isTrue();
  }

  @Test
  void infer_acceptsScalarTensorWithEmptyShape() {
    assertThat(parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[],\"datatype\":\"FP64\",\"data\":[2.5]}]}").isRequest()).isTrue();
  }

  @ParameterizedTest(name = "{0} accepts {1}")
  @CsvSource(delimiter = '|', value = {
      "BOOL   | [true,false]",
      "UINT8  | [0,255]",
      "UINT16 | [0,65535]",
      "UINT32 | [0,4294967295]",
      "UINT64 | [0,18446744073709551615]",
      "INT8   | [-128,127]",
      "INT16  | [-32768,32767]",
      "INT32  | [-2147483648,2147483647]",
      "INT64  | [-9223372036854775808,9223372036854775807]",
      "FP16   | [-65504,65504.0]",
      "FP32   | [-3.4028234663852886E38,1]",
      "FP64   | [1.7976931348623157E308,-1e-300]",
      "BF16   | [3.3895313892515355E38,0.5]",
      "BYTES  | [\"abc\",\"\"]",
  })
  void infer_acceptsEveryDatatypeAtTheEdgesOfItsRange(String datatype, String data) {
    ParseResult r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"" + datatype + "\",\"data\":" + data + "}]}");

    assertThat(r.isRequest()).as("%s", r).isTrue();
    assertThat(r.request().inputs().get(0).datatype()).isEqualTo(datatype);
  }

  @ParameterizedTest(name = "{0} rejects {1}")
  @CsvSource(delimiter = '|', value = {
      "BOOL   | [0,true]             | /inputs/0/data/0 | does not match datatype BOOL",
      "UINT8  | [0,256]              | /inputs/0/data/1 | is out of range for UINT8",
      "UINT16 | [-1,0]               | /inputs/0/data/0 | is out of range for UINT16",
      "UINT32 | [0,4294967296]       | /inputs/0/data/1 | is out of range for UINT32",
      "UINT64 | [0,18446744073709551616] | /inputs/0/data/1 | is out of range for UINT64",
      "INT8   | [0,1.0]              | /inputs/0/data/1 | does not match datatype INT8",
      "INT16  | [32768,0]            | /inputs/0/data/0 | is out of range for INT16",
      "INT32  | [0,-2147483649]      | /inputs/0/data/1 | is out of range for INT32",
      "INT64  | [9223372036854775808,0] | /inputs/0/data/0 | is out of range for INT64",
      "FP16   | [65536,0]            | /inputs/0/data/0 | is out of range for FP16",
      "FP32   | [0,\"1\"]            | /inputs/0/data/1 | does not match datatype FP32",
      "FP64   | [0,1e309]            | /inputs/0/data/1 | is out of range for FP64",
      "BF16   | [0,3.4e38]           | /inputs/0/data/1 | is out of range for BF16",
      "BYTES  | [\"a\",false]        | /inputs/0/data/1 | does not match datatype BYTES",
  })
  void infer_rejectsEveryDatatypeOutsideItsKindOrRange(String datatype, String data, String pointer, String message) {
    ParseResult r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"" + datatype + "\",\"data\":" + data + "}]}");

    assertThat(r.isRequest()).isFalse();
    assertThat(r.rejection().reason()).isEqualTo(RejectionReason.INVALID_INPUT);
    assertThat(r.rejection().violations().get(0).pointer()).isEqualTo(pointer);
    assertThat(r.rejection().violations().get(0).message()).contains(message);
  }

  @ParameterizedTest(name = "{0} rejects {1}")
  @CsvSource(delimiter = '|', value = {
      "FP16 | [0.5,65536.0]",
      "FP16 | [0.5,6.6e4]",
      "FP16 | [0.5,1E5]",
      "FP16 | [0.5,-99999.5]",
      "FP32 | [0.5,1.0e39]",
      "BF16 | [0.5,-4E+38]",
  })
  void infer_rejectsFloatsOutOfRangeHoweverTheyAreWritten(String datatype, String data) {
    ParseResult r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"" + datatype + "\",\"data\":" + data + "}]}");

    assertThat(r.isRequest()).isFalse();
    assertThat(r.rejection().violations().get(0).pointer()).isEqualTo("/inputs/0/data/1");
  }

  @Test
  void infer_acceptsSmallFloatsInAnyNotation() {
    assertThat(parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[5],\"datatype\":\"FP16\",\"data\":[-0.5,9999.99,6.5e4,1E-7,0.0]}]}")
        .isRequest()).isTrue();
  }

  @Test
  void infer_reportsEveryBadInputNotJustTheFirst() {
    ParseResult r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"a\",\"shape\":[1],\"datatype\":\"INT8\",\"data\":[999]},"
            + "{\"name\":\"b\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1]}]}");

    assertThat(r.rejection().violations()).extracting(v -> v.pointer())
        .containsExactly("/inputs/0/data/0", "/inputs/1/data");
    assertThat(r.rejection().violations().get(1).expected()).isEqualTo("2 elements");
    assertThat(r.rejection().violations().get(1).found()).isEqualTo("1 elements");
  }

  @Test
  void infer_shapeWhoseElementCountOverflowsIsRejectedWithoutWrapping() {
    ParseResult r = parse("/v2/models/m/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[9223372036854775807,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}");

    assertThat(r.rejection().violations()).singleElement().satisfies(v -> {
      assertThat(v.pointer()).isEqualTo("/inputs/0/data");
      assertThat(v.expected()).isEqualTo("at least 9223372036854775807 elements");
      assertThat(v.found()).isEqualTo("4 elements");
    });
  }

  @Test
  void infer_checksA4x1000Fp32TensorWithoutTrouble() {
    StringBuilder sb = new StringBuilder("{\"inputs\":[{\"name\":\"x\",\"shape\":[4,1000],\"datatype\":\"FP32\",\"data\":[");
    for (int i = 0; i < 4000; i++) {
      sb.append(i == 0 ? "" : ",").append(i * 0.25f);
    }
    sb.append("]}]}");

    assertThat(parse("/v2/models/m/infer", sb.toString()).request().inputs())
        .containsExactly(TensorSpec.of("x", "FP32", 4, 1000));
  }
}
