/**
 * The C library's memory-mapping calls ({@link org.glm4j.bindings.libc.mman_h}: {@code mmap}, {@code munmap},
 * {@code madvise}) in jextract's form, for host memory that is committed on first touch. Regenerate with
 * {@code native/jextract/libc/jextract.sh}.
 */
package org.glm4j.bindings.libc;
