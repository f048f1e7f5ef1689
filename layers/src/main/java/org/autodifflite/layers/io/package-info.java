/**
 * Model files: {@link org.autodifflite.layers.io.ModelFile} saves a model in a human-readable,
 * self-describing text format — a {@code Sequential}'s architecture, every parameter and buffer,
 * and, with a {@link org.autodifflite.layers.io.SavedModel}, the scaler and the feature and label
 * names — atomically ({@link org.autodifflite.layers.io.AtomicFile}), and loads it all or nothing.
 * {@code ModelFile.load(path)} gives back a {@code SavedModel} ready to predict on raw features or
 * on the rows of a CSV file, without the code that built the model.
 */
package org.autodifflite.layers.io;
