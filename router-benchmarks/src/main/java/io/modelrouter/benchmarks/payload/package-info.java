/** Benchmarks of payload parsing and input validation ({@code io.modelrouter.payload}, {@code io.modelrouter.schema}). */
@NullMarked
package io.modelrouter.benchmarks.payload;

import org.jspecify.annotations.NullMarked;
