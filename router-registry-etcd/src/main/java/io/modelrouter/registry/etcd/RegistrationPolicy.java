package io.modelrouter.registry.etcd;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelRef;
import io.modelrouter.registry.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a registration in etcd may claim: which model names a model key or an endpoint may name, and
 * which base URLs an endpoint may have. etcd is a trust boundary: whoever can write under the
 * registry's prefix (a model server registering itself) could otherwise publish any model at any
 * URL and draw its traffic. A key that breaks the policy is left out of the registry and reported
 * as a {@link KeyProblem}, like a malformed one.
 *
 * <p>Patterns are globs: {@code *} matches any run of characters, everything else itself, such as
 * {@code team-a-*} or {@code http://10.1.*:8000}. {@link #allowAll()} is the default. Immutable.
 */
public final class RegistrationPolicy {

  private static final RegistrationPolicy ALL = new RegistrationPolicy(List.of("*"), List.of("*"));

  private final List<String> models;
  private final List<String> urls;
  private final List<Pattern> modelPatterns;
  private final List<Pattern> urlPatterns;

  private RegistrationPolicy(List<String> models, List<String> urls) {
    this.models = List.copyOf(models);
    this.urls = List.copyOf(urls);
    this.modelPatterns = compile(models);
    this.urlPatterns = compile(urls);
  }

  /** Any model at any URL: the default, for a registry only trusted writers can reach. */
  public static RegistrationPolicy allowAll() {
    return ALL;
  }

  /**
   * Registrations may name only models matching {@code modelGlobs} and endpoints only base URLs
   * matching {@code urlGlobs}.
   *
   * @throws IllegalArgumentException when a list is empty or a glob blank
   */
  public static RegistrationPolicy of(List<String> modelGlobs, List<String> urlGlobs) {
    return new RegistrationPolicy(check(modelGlobs, "modelGlobs"), check(urlGlobs, "urlGlobs"));
  }

  private static List<String> check(List<String> globs, String what) {
    Objects.requireNonNull(globs, what);
    if (globs.isEmpty()) {
      throw new IllegalArgumentException(what + ": [] (expected: at least one pattern; \"*\" allows all)");
    }
    for (String g : globs) {
      if (Objects.requireNonNull(g, what).isBlank()) {
        throw new IllegalArgumentException(what + ": '' (expected: a non-blank pattern)");
      }
    }
    return globs;
  }

  private static List<Pattern> compile(List<String> globs) {
    List<Pattern> out = new ArrayList<>(globs.size());
    for (String g : globs) {
      StringBuilder re = new StringBuilder();
      String[] parts = g.split("\\*", -1);
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          re.append(".*");
        }
        if (!parts[i].isEmpty()) {
          re.append(Pattern.quote(parts[i]));
        }
      }
      out.add(Pattern.compile(re.toString()));
    }
    return List.copyOf(out);
  }

  /** Why a model key may not be published, or null when it may. */
  @Nullable String violation(ModelSpec spec) {
    return matchesAny(modelPatterns, spec.name()) ? null
        : "model '" + spec.name() + "' is not one this registry accepts (expected: a name matching " + models + ")";
  }

  /** Why an endpoint may not be published, or null when it may. */
  @Nullable String violation(Endpoint endpoint) {
    String url = endpoint.baseUrl().toString();
    if (!matchesAny(urlPatterns, url)) {
      return "endpoint URL " + url + " is not one this registry accepts (expected: a URL matching " + urls + ")";
    }
    for (ModelRef ref : endpoint.serves()) {
      if (!matchesAny(modelPatterns, ref.model())) {
        return "endpoint claims model '" + ref.model() + "', which this registry does not accept (expected: a name matching "
            + models + ")";
      }
    }
    return null;
  }

  private static boolean matchesAny(List<Pattern> patterns, String s) {
    for (Pattern p : patterns) {
      if (p.matcher(s).matches()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "RegistrationPolicy{models=" + models + ", urls=" + urls + '}';
  }
}
