package io.modelrouter.http.gateway;

import io.modelrouter.registry.RegistrySnapshot;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The model routes in {@code GET /v1/models}: those a tenant may use, each listed like a model
 * with {@code "route": true} and the targets the tenant may use (the others stay unseen).
 */
final class RouteListing {

  private RouteListing() {}

  /** Appends the tenant's routes, by name, to the list's {@code data}. */
  static void append(ArrayNode data, RegistrySnapshot snapshot, Tenant tenant) {
    List<RouteSpec> routes = new ArrayList<>(snapshot.routeSpecs());
    routes.sort(Comparator.comparing(RouteSpec::name));
    for (RouteSpec route : routes) {
      if (!tenant.mayUse(route.name())) {
        continue;
      }
      ObjectNode m = data.addObject();
      m.put("id", route.name());
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", "modelrouter");
      m.put("route", true);
      m.put("policy", route.policy());
      ArrayNode targets = m.putArray("targets");
      for (RouteTarget t : route.targets()) {
        if (tenant.mayUse(t.model())) {
          targets.add(t.model());
        }
      }
    }
  }
}
