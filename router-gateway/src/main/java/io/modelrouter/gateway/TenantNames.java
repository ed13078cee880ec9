package io.modelrouter.gateway;

import io.modelrouter.registry.RegistryException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;

/**
 * Checks that the tenants other sections name ({@code gateway.explainTenants}, {@code
 * security.hintLimits.tenants}) are listed under {@code tenants:}: a misspelt name would otherwise
 * leave its tenant at the defaults without a word.
 */
final class TenantNames {

  private TenantNames() {}

  /** @throws RegistryException at the first unknown name, with its line and column */
  static void check(String source, String text, ObjectMapper mapper, List<TenantConfig> tenants, ServerConfig server,
      SecurityConfig security) {
    Set<String> known = new TreeSet<>();
    tenants.forEach(t -> known.add(t.name()));
    List<String> explaining = server.explainTenants();
    for (int i = 0; i < explaining.size(); i++) {
      String name = explaining.get(i);
      if (!name.equals("*") && !known.contains(name)) {
        throw unknown(source, text, mapper, "gateway.explainTenants[" + i + "]", name, known);
      }
    }
    for (String name : security.hintLimits().tenants().keySet()) {
      if (!known.contains(name)) {
        throw unknown(source, text, mapper, "security.hintLimits.tenants." + name, name, known);
      }
    }
  }

  private static RegistryException unknown(String source, String text, ObjectMapper mapper, String path, String name,
      Set<String> known) {
    TokenStreamLocation at = KeyLocator.find(mapper, text, path);
    return new RegistryException(source, at == null ? -1 : at.getLineNr(), at == null ? -1 : at.getColumnNr(),
        path.substring(0, path.lastIndexOf(path.endsWith("]") ? '[' : '.')) + ": tenant " + name
            + " is not listed under tenants (expected: one of " + known + ")", null);
  }
}
