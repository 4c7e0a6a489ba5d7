/** Data structures behind the dispatch policies. Not API: may change at any time. */
package io.chainplan.router.internal;
