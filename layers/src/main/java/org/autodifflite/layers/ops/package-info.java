/**
 * Fused ops with hand-written backward passes, each one file with forward and backward side by
 * side, pure and stateless: {@link org.autodifflite.layers.ops.Linear},
 * {@link org.autodifflite.layers.ops.Dropout} (its mask is a leaf of the graph) and the losses
 * {@link org.autodifflite.layers.ops.BinaryCrossEntropy},
 * {@link org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy},
 * {@link org.autodifflite.layers.ops.MeanSquaredError},
 * {@link org.autodifflite.layers.ops.SoftmaxCrossEntropy} and
 * {@link org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy}; the normalizations
 * {@link org.autodifflite.layers.ops.BatchNorm} (training and evaluation; running statistics are
 * the model's state, not the op's) and {@link org.autodifflite.layers.ops.LayerNorm}; the lookup
 * {@link org.autodifflite.layers.ops.Embedding}; and
 * {@link org.autodifflite.layers.ops.ScaledDotProductAttention}. The element-wise activations and the
 * primitives they are checked against live in {@code org.autodifflite.core.ops}.
 */
package org.autodifflite.layers.ops;
