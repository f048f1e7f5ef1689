/**
 * The primitive ops, each one file with forward and backward side by side: the vocabulary the
 * expression API on {@link org.autodifflite.core.Node} builds graphs from. Element-wise ops are
 * written once as a formula on {@link org.autodifflite.core.ops.ElementwiseOp}
 * ({@link org.autodifflite.core.ops.ReLU}, {@link org.autodifflite.core.ops.LeakyReLU},
 * {@link org.autodifflite.core.ops.Sigmoid}, {@link org.autodifflite.core.ops.Tanh}).
 */
package org.autodifflite.core.ops;
