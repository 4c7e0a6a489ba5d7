/**
 * Dispatch policies (DESIGN.md §1.2): the pure decision logic shared by the thread-safe
 * {@link io.chainplan.router.dispatch.Dispatcher} and the discrete-event simulator. No I/O, clock or threads.
 */
package io.chainplan.router.policy;
