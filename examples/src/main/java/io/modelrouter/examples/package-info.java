/** Small programs that show how to embed and extend modelrouter: the quickstart, a custom scorer. */
@NullMarked
package io.modelrouter.examples;

import org.jspecify.annotations.NullMarked;
