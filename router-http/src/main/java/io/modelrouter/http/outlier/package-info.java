/**
 * Passive outlier ejection: endpoints whose real traffic fails are taken out of rotation for a
 * growing time and come back half-open.
 */
@NullMarked
package io.modelrouter.http.outlier;

import org.jspecify.annotations.NullMarked;
