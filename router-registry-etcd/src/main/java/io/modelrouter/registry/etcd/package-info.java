/**
 * A model registry shared by many gateway replicas through etcd. {@link
 * io.modelrouter.registry.etcd.EtcdRegistry} loads and watches the models and endpoints under a
 * key prefix and publishes a snapshot on every change; {@link
 * io.modelrouter.registry.etcd.EtcdRegistryStore} reads and writes those keys; {@link
 * io.modelrouter.registry.etcd.EndpointRegistration} keeps a model server's own endpoint key alive
 * on a TTL lease. All of them talk to etcd through an {@link
 * io.modelrouter.registry.etcd.EtcdClient}.
 */
@NullMarked
package io.modelrouter.registry.etcd;

import org.jspecify.annotations.NullMarked;
