/**
 * Training: {@link org.autodifflite.layers.train.Trainer} (the front door) with an
 * {@link org.autodifflite.layers.train.Optimizer} ({@link org.autodifflite.layers.train.Sgd},
 * {@link org.autodifflite.layers.train.Adam}), a
 * {@link org.autodifflite.layers.train.TrainingListener}, and
 * {@link org.autodifflite.layers.train.BinaryMetrics} to score a trained model.
 */
package org.autodifflite.layers.train;
