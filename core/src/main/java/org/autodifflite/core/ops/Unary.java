package org.autodifflite.core.ops;

import org.autodifflite.core.Op;

/** What the ops of one input {@code x} that are not element-wise share: the name and arity. */
abstract class Unary implements Op {

    private final String name;

    Unary(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int arity() {
        return 1;
    }

    @Override
    public final String inputName(int index) {
        return index == 0 ? "x" : Op.super.inputName(index);
    }
}
