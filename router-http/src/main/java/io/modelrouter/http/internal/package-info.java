/**
 * Implementation details of router-http shared by its packages. Anything here may change at any
 * time; do not use it from outside modelrouter.
 */
@NullMarked
package io.modelrouter.http.internal;

import org.jspecify.annotations.NullMarked;
