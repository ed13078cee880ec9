package io.modelrouter.http.gateway;

import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RouteEntry;
import io.modelrouter.registry.RouteTarget;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v2/models/{route}[/ready]} for a model route the tenant may use. A route has no
 * single signature (its targets may take different inputs), so its metadata lists none of its own
 * ({@code "inputs": []}, {@code "outputs": []}, no versions) and carries, under {@code "route"},
 * its policy and each target the tenant may use with that target's own name, version and tensor
 * signature; targets the tenant may not use stay unseen. It is ready when one of those targets
 * has a routable endpoint. A route has no versions: {@code /versions/{v}} on it is a 404.
 */
final class RouteMetadata {

  private RouteMetadata() {}

  /**
   * Why the tenant gets no metadata for the route: the route looks unknown when the tenant may not
   * use it or any of its targets; a version asked of it does not exist. Null when it may have it.
   */
  static @Nullable Rejection refusal(RouteEntry route, Tenant tenant, @Nullable String version) {
    if (!tenant.mayUse(route.name()) || visibleTargets(route, tenant) == 0) {
      return Admission.unknownModel(route.name());
    }
    if (version != null) {
      return Rejection.of(RejectionReason.NO_MATCHING_VERSION, "model '" + route.name() + "' is a route and has no version "
          + version + " (expected: /v2/models/" + route.name() + " or one of its targets' models)");
    }
    return null;
  }

  /** Whether a target the tenant may use has a routable endpoint. */
  static boolean ready(RouteEntry route, Tenant tenant) {
    for (int t = 0; t < route.targetCount(); t++) {
      ModelVersion v = version(route, t, tenant);
      for (int i = 0; v != null && i < v.endpointCount(); i++) {
        if (v.state(i).status().routable()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The metadata document, as described above. */
  static String json(RouteEntry route, Tenant tenant) {
    ObjectNode root = ModelMetadata.JSON.createObjectNode();
    root.put("name", route.name());
    root.putArray("versions");
    root.put("platform", "modelrouter");
    root.putArray("inputs");
    root.putArray("outputs");
    ObjectNode about = root.putObject("route");
    about.put("policy", route.spec().policy());
    ArrayNode targets = about.putArray("targets");
    for (int t = 0; t < route.targetCount(); t++) {
      ModelVersion v = version(route, t, tenant);
      if (v == null) {
        continue;
      }
      ObjectNode target = targets.addObject();
      target.put("name", v.spec().name());
      target.put("version", v.spec().version());
      ModelMetadata.tensors(target.putArray("inputs"), v.spec().inputs());
      ModelMetadata.tensors(target.putArray("outputs"), v.spec().outputs());
    }
    return ModelMetadata.JSON.writeValueAsString(root);
  }

  private static int visibleTargets(RouteEntry route, Tenant tenant) {
    int n = 0;
    for (int t = 0; t < route.targetCount(); t++) {
      n += tenant.mayUse(route.target(t).model()) ? 1 : 0;
    }
    return n;
  }

  /** The version target {@code t} resolves to when the tenant may use it and it is registered, else null. */
  private static @Nullable ModelVersion version(RouteEntry route, int t, Tenant tenant) {
    RouteTarget target = route.target(t);
    ModelEntry entry = route.model(t);
    return entry == null || !tenant.mayUse(target.model()) ? null : entry.resolve(target.version());
  }
}
