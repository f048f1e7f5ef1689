package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingOpTest {

    /** An op that records which of its methods were called. */
    private static final class Recording implements FastForward {
        final List<String> calls = new ArrayList<>();

        @Override
        public String name() {
            calls.add("name");
            return "Rec";
        }

        @Override
        public int arity() {
            calls.add("arity");
            return 2;
        }

        @Override
        public String inputName(int index) {
            calls.add("inputName" + index);
            return "in" + index;
        }

        @Override
        public boolean differentiable(int index) {
            calls.add("differentiable" + index);
            return index == 0;
        }

        @Override
        public Tensor forward(Tensor... inputs) {
            calls.add("forward");
            return inputs[0].add(inputs[1]);
        }

        @Override
        public void forwardInto(Tensor out, Tensor... inputs) {
            calls.add("forwardInto");
            out.copyFrom(inputs[0].add(inputs[1]));
        }

        @Override
        public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
            calls.add("forwardEntriesInto" + input + ":" + from + "-" + to);
            return true;
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
            calls.add("backward");
            return new Tensor[] {gradOutput, gradOutput};
        }
    }

    @Test
    void everyCallReachesTheWrappedOpUnlessOverridden() {
        Recording rec = new Recording();
        ForwardingOp wrapper = new ForwardingOp(rec) {
            @Override
            public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
                Tensor[] g = super.backward(inputs, output, gradOutput);
                g[1] = g[1].scale(2);
                return g;
            }
        };
        Tensor a = Tensor.row(1, 2);
        Tensor b = Tensor.row(3, 4);
        assertThat(wrapper.name()).isEqualTo("Rec");
        assertThat(wrapper.arity()).isEqualTo(2);
        assertThat(wrapper.inputName(1)).isEqualTo("in1");
        assertThat(wrapper.differentiable(1)).isFalse();
        assertThat(wrapper.forward(a, b).data()).containsExactly(4, 6);
        Tensor out = Tensor.zeros(1, 2);
        wrapper.forwardInto(out, a, b);
        assertThat(out.data()).containsExactly(4, 6);
        assertThat(wrapper.forwardEntriesInto(out, 0, 1, 2, a, b)).isTrue();
        Tensor[] g = wrapper.backward(new Tensor[] {a, b}, out, Tensor.row(1, 1));
        assertThat(g[0].data()).containsExactly(1, 1);
        assertThat(g[1].data()).containsExactly(2, 2);
        assertThat(rec.calls).containsExactly("name", "arity", "inputName1", "differentiable1", "forward",
                "forwardInto", "forwardEntriesInto0:1-2", "backward");
        assertThat(wrapper.delegate()).isSameAs(rec);
        // The engine's backward (told which gradients are needed) runs the wrapper's override.
        Tensor[] needed = wrapper.backward(new Tensor[] {a, b}, out, Tensor.row(1, 1), new boolean[] {false, true});
        assertThat(needed[1].data()).containsExactly(2, 2);
    }

    @Test
    void aNullDelegateIsRefused() {
        assertThatThrownBy(() -> new ForwardingOp(null) { }).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("delegate");
    }
}
