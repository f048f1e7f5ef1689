package org.autodifflite.layers;

import java.util.List;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.layers.model.Dense;
import org.autodifflite.layers.model.Layer;

/** A dense layer whose Linear op is replaced (by a {@link ScaledBackward} with a planted bug). */
final class OverrideOpLayer implements Layer {

    private final Dense dense;
    private final Op op;

    OverrideOpLayer(Dense dense, Op op) {
        this.dense = dense;
        this.op = op;
    }

    @Override
    public String name() {
        return dense.name();
    }

    @Override
    public List<Parameter> parameters() {
        return dense.parameters();
    }

    @Override
    public int outputWidth(int inputWidth) {
        return dense.outputWidth(inputWidth);
    }

    @Override
    public Node build(Graph graph, Node input, boolean training) {
        return graph.apply(dense.name(), op, input, graph.parameter(dense.weight()), graph.parameter(dense.bias()));
    }
}
