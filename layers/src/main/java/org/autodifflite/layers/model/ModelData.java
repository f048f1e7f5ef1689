package org.autodifflite.layers.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.autodifflite.core.Tensor;

/** Checks of the named data a model is given, worded the same way for every kind of model. */
final class ModelData {

    private ModelData() {
    }

    /**
     * Throws unless {@code given} holds exactly the names wanted, none null.
     *
     * @param model the model's kind, for the message
     * @param wanted the names the model takes
     * @param given what it was given
     */
    static void requireNames(String model, List<String> wanted, Map<String, Tensor> given) {
        Objects.requireNonNull(given, "data");
        List<String> missing = new ArrayList<>();
        for (String name : wanted) {
            if (given.get(name) == null) {
                missing.add(name);
            }
        }
        List<String> extra = new ArrayList<>();
        for (String name : new TreeSet<>(given.keySet())) {
            if (!wanted.contains(name)) {
                extra.add(name);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException(model + ": "
                    + (missing.isEmpty() ? "" : "input" + (missing.size() == 1 ? " " : "s ") + quoted(missing)
                            + (missing.size() == 1 ? " is" : " are") + " missing")
                    + (!missing.isEmpty() && !extra.isEmpty() ? " and " : "")
                    + (extra.isEmpty() ? "" : quoted(extra) + (extra.size() == 1 ? " is" : " are")
                            + " not an input of the model")
                    + "; it takes " + wanted + ", got " + new TreeSet<>(given.keySet()) + ". Pass one tensor per name");
        }
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append('\'');
        }
        return sb.toString();
    }
}
