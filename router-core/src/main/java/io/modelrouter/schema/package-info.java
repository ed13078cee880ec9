/**
 * Input validation against the registered model version:
 * {@link io.modelrouter.schema.SchemaValidator} is the router's
 * {@link io.modelrouter.InputValidator}, checking a request's body against the version's JSON
 * Schema (Draft 2020-12) and an Open Inference Protocol request's tensors against the version's
 * tensor signature.
 */
@NullMarked
package io.modelrouter.schema;

import org.jspecify.annotations.NullMarked;
