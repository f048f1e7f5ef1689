/**
 * Model building: {@link org.autodifflite.layers.model.Sequential} (the front door) stacks
 * {@link org.autodifflite.layers.model.Layer}s — {@link org.autodifflite.layers.model.Dense},
 * {@link org.autodifflite.layers.model.Activation},
 * {@link org.autodifflite.layers.model.DropoutLayer} — that own their parameters under dotted
 * names, initialized by an {@link org.autodifflite.layers.model.Initializer}, and builds a
 * {@link org.autodifflite.layers.model.ModelGraph} per batch.
 */
package org.autodifflite.layers.model;
