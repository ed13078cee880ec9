package io.modelrouter.schema;

import io.modelrouter.Violation;
import io.modelrouter.registry.TensorSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks the input tensors of an Open Inference Protocol request against a model version's
 * signature: every declared input present, no undeclared input, each with the declared datatype,
 * rank, and each dimension equal to the declared one unless that is {@code -1} (variable). The
 * parser has already checked that each tensor's data matches its own shape and datatype.
 */
final class TensorSignature {

  private TensorSignature() {}

  static void check(List<TensorSpec> declared, List<TensorSpec> actual, List<Violation> out) {
    for (int i = 0; i < actual.size(); i++) {
      TensorSpec a = actual.get(i);
      TensorSpec d = find(declared, a.name());
      String at = "/inputs/" + i;
      if (d == null) {
        out.add(new Violation(at + "/name", "is not an input of this model", names(declared), '"' + a.name() + '"'));
        continue;
      }
      if (!d.datatype().equals(a.datatype())) {
        out.add(new Violation(at + "/datatype", "does not match the model's datatype for input " + a.name(),
            d.datatype(), a.datatype()));
      }
      List<Long> ds = d.shape();
      List<Long> as = a.shape();
      if (ds.size() != as.size()) {
        out.add(new Violation(at + "/shape", "has rank " + as.size() + " but input " + a.name() + " has rank " + ds.size(),
            shape(ds), shape(as)));
        continue;
      }
      for (int k = 0; k < ds.size(); k++) {
        long want = ds.get(k);
        if (want != -1 && want != as.get(k)) {
          out.add(new Violation(at + "/shape/" + k, "does not match dimension " + k + " of input " + a.name(),
              shape(ds), shape(as)));
          break;
        }
      }
    }
    for (TensorSpec d : declared) {
      if (find(actual, d.name()) == null) {
        out.add(new Violation("/inputs", "lacks input " + d.name(), d.name() + ' ' + d.datatype() + ' ' + shape(d.shape()), "no such input"));
      }
    }
  }

  private static @Nullable TensorSpec find(List<TensorSpec> specs, String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(name)) {
        return specs.get(i);
      }
    }
    return null;
  }

  private static String names(List<TensorSpec> specs) {
    StringBuilder sb = new StringBuilder();
    for (TensorSpec s : specs) {
      sb.append(sb.length() == 0 ? "" : ", ").append(s.name());
    }
    return sb.length() == 0 ? "no inputs" : "one of " + sb;
  }

  private static String shape(List<Long> dims) {
    return dims.toString().replace(" ", "");
  }
}
