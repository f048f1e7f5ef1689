/**
 * The data path: {@link org.autodifflite.layers.data.MiniBatches} cuts seeded, shuffled
 * mini-batches of sample indices.
 */
package org.autodifflite.layers.data;
