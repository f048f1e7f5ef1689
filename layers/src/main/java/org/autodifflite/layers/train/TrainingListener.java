package org.autodifflite.layers.train;

import org.autodifflite.layers.model.ModelGraph;

/**
 * Receives progress from a {@link Trainer}: after every optimizer step and after every epoch.
 * Use it for progress display, early stopping decisions outside the trainer, or a periodic
 * sampled gradient check ({@code checker.checkGraph(e.model().graph(), e.model().loss())} every
 * few hundred steps). Both methods do nothing by default.
 */
public interface TrainingListener {

    /**
     * Called after each step, once the optimizer has updated the parameters.
     *
     * @param event the step: epoch, batch, loss and the batch's graph
     */
    default void onStep(StepEvent event) {
    }

    /**
     * Called after each epoch.
     *
     * @param event the epoch and its mean loss
     */
    default void onEpoch(EpochEvent event) {
    }

    /**
     * One optimizer step.
     *
     * <p>The graph's node values are those of the forward pass before the step; the parameters it
     * refers to are already updated, so {@code model().graph().recompute()} gives the values after
     * it. A checker run on this graph perturbs and restores the parameters bit for bit; any
     * gradients it leaves behind are cleared before the next step.
     *
     * @param epoch the epoch, counted from 1
     * @param batch the batch index within the epoch, counted from 0
     * @param step the step, counted from 1 over the whole run
     * @param loss the batch's loss before the step
     * @param model the batch's graph with its input, labels, output and loss nodes
     */
    record StepEvent(int epoch, int batch, long step, double loss, ModelGraph model) {
    }

    /**
     * One finished epoch.
     *
     * @param epoch the epoch, counted from 1
     * @param epochs the total number of epochs of the run
     * @param loss the mean of the batch losses weighted by batch size (the mean per-sample loss
     *     seen during the epoch)
     * @param steps the number of optimizer steps in the epoch
     */
    record EpochEvent(int epoch, int epochs, double loss, int steps) {
    }
}
