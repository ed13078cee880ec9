/**
 * The model registry: which models and versions exist ({@link io.modelrouter.registry.ModelSpec}),
 * which endpoints serve them ({@link io.modelrouter.registry.Endpoint}), held as an immutable,
 * pre-indexed {@link io.modelrouter.registry.RegistrySnapshot} that a
 * {@link io.modelrouter.registry.ModelRegistry} swaps atomically on change.
 */
@NullMarked
package io.modelrouter.registry;

import org.jspecify.annotations.NullMarked;
