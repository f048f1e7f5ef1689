/**
 * The primitive ops, each one file with forward and backward side by side: the vocabulary the
 * expression API on {@link org.autodifflite.core.Node} builds graphs from, so that any
 * composition of them differentiates itself.
 *
 * <ul>
 *   <li>Arithmetic with NumPy broadcasting: {@link org.autodifflite.core.ops.Add},
 *       {@link org.autodifflite.core.ops.Subtract}, {@link org.autodifflite.core.ops.Multiply},
 *       {@link org.autodifflite.core.ops.Divide}, {@link org.autodifflite.core.ops.Minimum},
 *       {@link org.autodifflite.core.ops.Maximum}, {@link org.autodifflite.core.ops.Where}; the
 *       gradient of a broadcast input is summed back to its own shape.</li>
 *   <li>Element-wise, each written once as a formula on
 *       {@link org.autodifflite.core.ops.ElementwiseOp}: {@link org.autodifflite.core.ops.Negate},
 *       {@link org.autodifflite.core.ops.Exp}, {@link org.autodifflite.core.ops.Log},
 *       {@link org.autodifflite.core.ops.Sqrt}, {@link org.autodifflite.core.ops.Abs},
 *       {@link org.autodifflite.core.ops.Pow}, {@link org.autodifflite.core.ops.Clamp},
 *       {@link org.autodifflite.core.ops.ReLU}, {@link org.autodifflite.core.ops.LeakyReLU},
 *       {@link org.autodifflite.core.ops.Sigmoid}, {@link org.autodifflite.core.ops.Tanh}.</li>
 *   <li>The batched matrix product {@link org.autodifflite.core.ops.MatMul}.</li>
 *   <li>Reductions over any axes: {@link org.autodifflite.core.ops.Sum},
 *       {@link org.autodifflite.core.ops.Mean}, {@link org.autodifflite.core.ops.Max},
 *       {@link org.autodifflite.core.ops.LogSumExp}; and along one axis
 *       {@link org.autodifflite.core.ops.Softmax}, {@link org.autodifflite.core.ops.LogSoftmax}.</li>
 *   <li>Shape and index ops: {@link org.autodifflite.core.ops.Reshape},
 *       {@link org.autodifflite.core.ops.Permute}, {@link org.autodifflite.core.ops.Transpose},
 *       {@link org.autodifflite.core.ops.Slice}, {@link org.autodifflite.core.ops.Concat},
 *       {@link org.autodifflite.core.ops.Pad}, {@link org.autodifflite.core.ops.Gather},
 *       {@link org.autodifflite.core.ops.IndexSelect}.</li>
 * </ul>
 *
 * <p>Every op is stateless (its constants, such as an axis or an exponent, are final fields
 * checked in the constructor), returns one gradient per input shaped like that input, and rejects
 * bad input with an {@link IllegalArgumentException} naming the op, the shapes, the axis or
 * index, and the fix. Axes may be negative, counting from the end.
 */
package org.autodifflite.core.ops;
