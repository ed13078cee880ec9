package io.modelrouter.http.gateway;

import io.modelrouter.Router;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RegistrySnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/models}: the models, with their versions, and the model routes ({@link
 * RouteListing}) that the caller's tenant may use, in the OpenAI list shape, sorted by name. What
 * the tenant may not use is not listed.
 */
final class ModelListing {

  private final Router router;

  ModelListing(Router router) {
    this.router = router;
  }

  void list(GatewayExchange x, Tenant tenant) throws IOException {
    RegistrySnapshot snapshot = router.registry().snapshot();
    ObjectNode root = ModelMetadata.JSON.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelEntry entry : sorted(snapshot)) {
      if (!tenant.mayUse(entry.name())) {
        continue;
      }
      ObjectNode m = data.addObject();
      m.put("id", entry.name());
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", "modelrouter");
      ArrayNode versions = m.putArray("versions");
      for (ModelVersion v : entry.versions()) {
        versions.add(v.spec().version());
      }
    }
    RouteListing.append(data, snapshot, tenant);
    x.json(200, ModelMetadata.JSON.writeValueAsString(root));
  }

  private static List<ModelEntry> sorted(RegistrySnapshot snapshot) {
    List<ModelEntry> list = new ArrayList<>(snapshot.models());
    list.sort(Comparator.comparing(ModelEntry::name));
    return list;
  }
}
