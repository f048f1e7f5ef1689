/**
 * The data path, from a file to mini-batches, samples as columns (features × samples) as
 * everywhere in autodiff-lite.
 *
 * <p>{@link org.autodifflite.layers.data.Dataset} is the front door: features and labels with
 * names and a source for messages, read from a CSV file with
 * {@link org.autodifflite.layers.data.Dataset#readCsv(java.nio.file.Path, String)}, split with
 * {@link org.autodifflite.layers.data.Dataset#split(double, long)} and cut into mini-batches with
 * {@link org.autodifflite.layers.data.Dataset#batches(int, org.apache.commons.math3.random.RandomGenerator)}.
 *
 * <pre>{@code
 * Dataset data = Dataset.readCsv(Path.of("tx.csv"), "fraud");    // labels 0/1, every other column a feature
 * Split split = data.split(0.25, 42);                             // stratified, seeded
 * Standardizer scaler = Standardizer.fit(split.train());          // fit on the training set only
 * Dataset train = scaler.transform(split.train());
 * Dataset test = scaler.transform(split.test());
 * Trainer.of(model, new Adam(0.01)).batchSize(32).seed(7).fit(train.features(), train.labels());
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.autodifflite.layers.data.CsvTable}: a CSV file as named columns, numbers taken
 *       out by name; errors name the file's absolute path, the line and the column.</li>
 *   <li>{@link org.autodifflite.layers.data.Standardizer}: per-feature mean and deviation, fitted
 *       on one set and applied to others; constant features are only centred.</li>
 *   <li>{@link org.autodifflite.layers.data.Split}: seeded train/test splits, stratified by label
 *       or plain random.</li>
 *   <li>Mini-batches: {@link org.autodifflite.layers.data.Dataset#batches(int,
 *       org.apache.commons.math3.random.RandomGenerator)} for a hand-written loop; it shuffles with
 *       {@link org.autodifflite.layers.data.MiniBatches}, as {@link org.autodifflite.layers.train.Trainer}
 *       does, so the same generator gives the batches the trainer would.</li>
 * </ul>
 */
package org.autodifflite.layers.data;
