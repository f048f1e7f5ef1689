/**
 * Ops with hand-written backward passes, model building, optimizers and training.
 *
 * <p><b>Ops</b> (each one file, forward and backward side by side, pure and stateless):
 * {@link org.autodifflite.layers.Linear}, {@link org.autodifflite.layers.ReLU},
 * {@link org.autodifflite.layers.LeakyReLU}, {@link org.autodifflite.layers.Sigmoid},
 * {@link org.autodifflite.layers.Tanh}, {@link org.autodifflite.layers.Dropout} and the losses
 * {@link org.autodifflite.layers.BinaryCrossEntropy},
 * {@link org.autodifflite.layers.SigmoidBinaryCrossEntropy},
 * {@link org.autodifflite.layers.MeanSquaredError},
 * {@link org.autodifflite.layers.SoftmaxCrossEntropy}.
 *
 * <p><b>Models</b>: {@link org.autodifflite.layers.Sequential} (the front door) stacks
 * {@link org.autodifflite.layers.Layer}s — {@link org.autodifflite.layers.Dense},
 * {@link org.autodifflite.layers.Activation}, {@link org.autodifflite.layers.DropoutLayer} —
 * that own their parameters under dotted names, and builds a
 * {@link org.autodifflite.layers.ModelGraph} per batch.
 *
 * <p><b>Training</b>: {@link org.autodifflite.layers.Trainer} with an
 * {@link org.autodifflite.layers.Optimizer} ({@link org.autodifflite.layers.Sgd},
 * {@link org.autodifflite.layers.Adam}), {@link org.autodifflite.layers.BinaryMetrics}, and
 * {@link org.autodifflite.layers.ModelFile} to save and load parameters.
 */
package org.autodifflite.layers;
