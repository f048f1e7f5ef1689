/**
 * Files: {@link org.autodifflite.layers.io.ModelFile} saves and loads a model's parameters in a
 * human-readable text format, atomically and all or nothing.
 */
package org.autodifflite.layers.io;
