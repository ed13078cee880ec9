package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryFiles;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdRegistryStore;
import io.modelrouter.registry.etcd.EtcdServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code modelrouter registry import|list} against a real etcd on 127.0.0.1. */
class RegistryCommandTest {

  private static EtcdServer etcd;

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.startOrSkip();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void importThenList_printsTheFileBack() throws Exception {
    Path file = dir.resolve("registry.yaml");
    Files.writeString(file, """
        models:
          - name: demo-chat
            version: "1"
            tags: [stable]
        endpoints:
          - id: chat-a
            url: http://127.0.0.1:8001
            serves: ["demo-chat:1"]
          - id: chat-b
            url: http://127.0.0.1:8002
            serves: [demo-chat]
        """);

    int imported = run("registry", "import", "--etcd", etcd.url(), "--prefix", "/cli/", file.toString());

    assertThat(imported).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("imported 1 models and 2 endpoints into " + etcd.url() + " under /cli/ (revision ");

    out.getBuffer().setLength(0);
    int listed = run("registry", "list", "--etcd", etcd.url(), "--prefix", "/cli", "--format", "json");

    assertThat(listed).as(err.toString()).isZero();
    RegistryContent back = RegistryFiles.parse(out.toString(), "list output", RegistryFiles.Format.JSON);
    assertThat(back).isEqualTo(RegistryFiles.read(file));
    assertThat(err.toString()).contains("1 models and 2 endpoints under /cli/ at revision");
  }

  @Test
  void list_reportsSkippedKeysOnStderr() {
    try (EtcdClient client = EtcdClient.connect(etcd.url())) {
      EtcdRegistryStore.of(client, "/bad/").put(Endpoint.builder("ok", "http://127.0.0.1:8003").serves("chat").build());
    }
    // A value written by hand (as with etcdctl put), not by the store: the id is missing.
    putRaw("/bad/endpoints/broken", "{\"url\": \"http://127.0.0.1:8004\"}");

    int listed = run("registry", "list", "--etcd", etcd.url(), "--prefix", "/bad/");

    assertThat(listed).isZero();
    assertThat(out.toString()).contains("id: \"ok\"").doesNotContain("8004");
    assertThat(err.toString()).contains("skipped /bad/endpoints/broken").contains("id is missing");
  }

  @Test
  void import_ofAnInvalidFile_namesTheLineAndWritesNothing() {
    String file = write("endpoints:\n  - id: x\n    url: http://127.0.0.1:1\n    weight: -3\n");

    int code = run("registry", "import", "--etcd", etcd.url(), "--prefix", "/invalid/", file);

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("registry.yaml:").contains("weight of endpoint x: -3 (expected: >= 0)");
    out.getBuffer().setLength(0);
    run("registry", "list", "--etcd", etcd.url(), "--prefix", "/invalid/");
    assertThat(out.toString()).contains("endpoints: []");
  }

  @Test
  void unreachableEtcd_isAnErrorMessageNotAStackTrace() {
    int code = run("registry", "list", "--etcd", "http://127.0.0.1:1");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: cannot reach etcd at http://127.0.0.1:1/").doesNotContain("\tat ");
  }

  private int run(String... args) {
    return new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  private String write(String yaml) {
    try {
      Path file = dir.resolve("registry.yaml");
      Files.writeString(file, yaml);
      return file.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void putRaw(String key, String value) {
    // The JSON gateway directly, as an operator's etcdctl put would.
    try {
      var b64 = java.util.Base64.getEncoder();
      String body = "{\"key\":\"" + b64.encodeToString(key.getBytes()) + "\",\"value\":\"" + b64.encodeToString(value.getBytes()) + "\"}";
      var c = (java.net.HttpURLConnection) java.net.URI.create(etcd.url() + "/v3/kv/put").toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.getOutputStream().write(body.getBytes());
      assertThat(c.getResponseCode()).isEqualTo(200);
      c.disconnect();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
