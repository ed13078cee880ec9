package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BodyReaderTest {

  @Test
  void read_returnsTheBodyUpToTheLimit_andNullPastIt() throws IOException {
    assertThat(BodyReader.read(new ByteArrayInputStream(new byte[10]), -1, 10)).hasSize(10);
    assertThat(BodyReader.read(new ByteArrayInputStream(new byte[11]), -1, 10)).isNull();
    assertThat(BodyReader.read(new ByteArrayInputStream(new byte[5]), 11, 10)).isNull();
  }

  @Test
  void discard_readsWhatIsLeftUpToItsBound() throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[100_000]);
    BodyReader.discard(in, 100_000, 1_000_000);
    assertThat(in.available()).isZero();

    ByteArrayInputStream bounded = new ByteArrayInputStream(new byte[100_000]);
    BodyReader.discard(bounded, -1, 30_000);
    assertThat(bounded.available()).isEqualTo(70_000);

    ByteArrayInputStream declaredHuge = new ByteArrayInputStream(new byte[100]);
    BodyReader.discard(declaredHuge, 10_000_000, 1_000);
    assertThat(declaredHuge.available()).as("not read at all").isEqualTo(100);
  }
}
