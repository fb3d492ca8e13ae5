/**
 * oneDNN 3.x primitives C API ({@link org.glm4j.bindings.onednn.dnnl_h}, its structs, and the two OpenMP calls in
 * {@link org.glm4j.bindings.onednn.omp_h}) in jextract's form, plus {@link org.glm4j.bindings.onednn.DnnlLibrary},
 * which extracts and loads the library. Regenerate with {@code native/jextract/onednn/jextract.sh} (the
 * {@code --include-*} list is {@code native/jextract/onednn/includes.txt}); written against oneDNN 3.8.1.
 */
package org.glm4j.bindings.onednn;
