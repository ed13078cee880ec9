/** JMH benchmarks of the hot paths, with peers in the same run, and the routing-quality simulator. */
@NullMarked
package io.modelrouter.benchmarks;

import org.jspecify.annotations.NullMarked;
