package org.autodifflite.layers.train;

import java.util.List;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;

/**
 * Updates parameters from their accumulated gradients: the only thing that changes a model's
 * parameters for good.
 *
 * <p>An optimizer keeps its state (momentum, moment estimates) per parameter, keyed by the
 * parameter object. Implementations validate every gradient before changing any value, so a
 * refused step leaves every parameter and every piece of state exactly as it was.
 */
public interface Optimizer {

    /** @return a short name for logs, such as {@code SGD(lr=0.1, momentum=0.9)} */
    String name();

    /**
     * Applies one update to each parameter from its {@link Parameter#grad()}. Gradients are not
     * cleared: the caller zeroes them before the next backward pass.
     *
     * @param parameters the parameters to update
     * @throws IllegalArgumentException if a gradient is not finite (naming the parameter and
     *     entry); nothing is changed then
     */
    void step(List<Parameter> parameters);

    /**
     * Throws unless every gradient is finite; the shared guard each optimizer runs before it
     * changes anything.
     *
     * @param optimizer the optimizer's name, for the message
     * @param parameters the parameters about to be updated
     * @throws IllegalArgumentException naming the parameter and the first non-finite entry
     */
    static void requireFiniteGradients(String optimizer, List<Parameter> parameters) {
        for (Parameter p : parameters) {
            Tensor grad = p.grad();
            if (grad.isFinite()) {
                continue; // the usual case, on the vector kernel; the entry is looked for only when there is one
            }
            double[] g = grad.data();
            int i = 0;
            while (Double.isFinite(g[i])) {
                i++;
            }
            StringBuilder at = new StringBuilder();
            for (int c : grad.unravel(i)) {
                at.append('[').append(c).append(']');
            }
            throw new IllegalArgumentException(optimizer + ": gradient of '" + p.name() + "' at " + at + " is " + g[i]
                    + "; step refused, no parameter was changed (check the data for NaN or"
                    + " infinities, or lower the learning rate)");
        }
    }
}
