/** Benchmarks of router-http: a routed call against a direct OkHttp call to the same server. */
@NullMarked
package io.modelrouter.benchmarks.http;

import org.jspecify.annotations.NullMarked;
