/**
 * The cuDNN 9 backend API ({@link org.glm4j.bindings.cudnn.cudnn_graph_h}) in jextract's form and its library
 * holder. Regenerate with {@code native/jextract/cudnn/jextract.sh}; written against cuDNN 9's
 * {@code cudnn_graph.h}.
 */
package org.glm4j.bindings.cudnn;
