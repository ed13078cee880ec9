package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.Router;
import io.modelrouter.VersionSelector;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RegistrySnapshot;
import io.modelrouter.registry.RouteEntry;
import io.modelrouter.registry.TensorSpec;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v2/models/{name}[/versions/{v}][/ready]} (Open Inference Protocol): a model's name,
 * versions and tensor signature, or whether it has a routable endpoint; for a model route, {@link
 * RouteMetadata}. A model the tenant may not use looks exactly like one that does not exist, and
 * a malformed version selector ({@code tag:}, {@code @}) is a 404 like a missing version.
 */
final class ModelMetadata {

  /** The gateway's JSON writer for the answers it builds itself. */
  static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Router router;

  ModelMetadata(Router router) {
    this.router = router;
  }

  void answer(GatewayExchange x, Tenant tenant, String path) throws IOException {
    String rest = path.substring("/v2/models/".length());
    boolean readyProbe = rest.endsWith("/ready");
    if (readyProbe) {
      rest = rest.substring(0, rest.length() - "/ready".length());
    }
    String name = rest;
    String version = null;
    int v = rest.indexOf("/versions/");
    if (v >= 0) {
      name = rest.substring(0, v);
      version = rest.substring(v + "/versions/".length());
    }
    RegistrySnapshot snapshot = router.registry().snapshot();
    ModelEntry entry = name.isEmpty() || name.indexOf('/') >= 0 ? null : snapshot.model(name);
    RouteEntry route = entry == null && !name.isEmpty() ? snapshot.route(name) : null;
    if (route != null) {
      routeMetadata(x, tenant, route, version, readyProbe);
      return;
    }
    if (entry == null || !tenant.mayUse(name)) {
      x.reject(Protocol.OIP, Admission.unknownModel(name), null);
      return;
    }
    ModelVersion mv = version == null ? entry.latest() : resolveVersion(entry, version);
    if (mv == null) {
      x.reject(Protocol.OIP, Rejection.of(RejectionReason.NO_MATCHING_VERSION,
          "model '" + name + "' has no version " + version), null);
      return;
    }
    if (readyProbe) {
      boolean up = false;
      for (int i = 0; i < mv.endpointCount(); i++) {
        up |= mv.state(i).status().routable();
      }
      ready(x, up);
      return;
    }
    ModelSpec spec = mv.spec();
    ObjectNode root = JSON.createObjectNode();
    root.put("name", spec.name());
    ArrayNode versions = root.putArray("versions");
    if (version == null) {
      for (ModelVersion each : entry.versions()) {
        versions.add(each.spec().version());
      }
    } else {
      versions.add(spec.version());
    }
    root.put("platform", "modelrouter");
    tensors(root.putArray("inputs"), spec.inputs());
    tensors(root.putArray("outputs"), spec.outputs());
    x.json(200, JSON.writeValueAsString(root));
  }

  private static void routeMetadata(GatewayExchange x, Tenant tenant, RouteEntry route, @Nullable String version,
      boolean readyProbe) throws IOException {
    Rejection refused = RouteMetadata.refusal(route, tenant, version);
    if (refused != null) {
      x.reject(Protocol.OIP, refused, null);
    } else if (readyProbe) {
      ready(x, RouteMetadata.ready(route, tenant));
    } else {
      x.json(200, RouteMetadata.json(route, tenant));
    }
  }

  private static void ready(GatewayExchange x, boolean up) throws IOException {
    x.json(up ? 200 : 503, up ? "{\"ready\":true}" : "{\"ready\":false}");
  }

  /** The version a path selector names; null for none, and for a malformed selector ({@code tag:}, {@code @}). */
  private static @Nullable ModelVersion resolveVersion(ModelEntry entry, String selector) {
    if (selector.isBlank()) {
      return null;
    }
    try {
      return entry.resolve(VersionSelector.parse(selector));
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /** Writes tensor signatures in the OIP metadata shape: name, datatype, shape. */
  static void tensors(ArrayNode array, List<TensorSpec> specs) {
    for (TensorSpec t : specs) {
      ObjectNode n = array.addObject();
      n.put("name", t.name());
      n.put("datatype", t.datatype());
      ArrayNode shape = n.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
    }
  }
}
