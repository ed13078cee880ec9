/** The real world: forwarding over OkHttp, health checks, model-server metrics, outlier ejection. */
@NullMarked
package io.modelrouter.http;

import org.jspecify.annotations.NullMarked;
