/**
 * The dispatch service's HTTP/JSON contract (its bodies as records) and its Java client
 * {@link io.chainplan.router.client.DispatchClient}; the OpenAPI description is
 * {@code router/dispatch-service/src/main/resources/openapi.yaml}.
 */
package io.chainplan.router.client;
