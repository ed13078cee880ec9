/**
 * JMH benchmarks of endpoint selection and of the full {@code Router.route()} path, with
 * Armeria's selection strategies and a naive baseline in the same run.
 */
@NullMarked
package io.modelrouter.benchmarks.select;

import org.jspecify.annotations.NullMarked;
